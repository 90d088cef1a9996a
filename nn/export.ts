import type { Graph, TensorData } from './graph.ts';
import { NnError } from './nn-error.ts';
import { pruneGraph } from './prune.ts';

/**
 * An inference graph: keeps only `outputs`, turns the given parameters into initializers and drops
 * inputs nothing uses (e.g. training targets), ready for `encodeOnnx`.
 */
export function exportInference(graph: Graph, params: Map<string, TensorData>, outputs: string[]): Graph {
  const chosen = outputs.map((name) => {
    const o = graph.outputs.find((v) => v.name === name);
    if (o === undefined) throw new NnError('BAD_ARGUMENT', `graph '${graph.name}' has no output '${name}'`);
    return o;
  });
  const initializers = new Map(graph.initializers);
  for (const [name, t] of params) initializers.set(name, t);
  const pruned = pruneGraph({ ...graph, outputs: chosen, initializers });
  const used = new Set(pruned.nodes.flatMap((n) => n.inputs));
  const inputs = graph.inputs.filter((v) => !params.has(v.name) && used.has(v.name));
  return { ...pruned, inputs };
}
