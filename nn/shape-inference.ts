import { describeNode, type Graph } from './graph.ts';
import { NnError } from './nn-error.ts';
import type { ShapeInfo, ShapeRule } from './shape-info.ts';
import { elementwiseRules } from './shape-rules-elementwise.ts';
import { linalgRules } from './shape-rules-linalg.ts';
import { infoOfTensor, tensorRules } from './shape-rules-tensor.ts';

/** Every op the engine understands, by its shape rule. */
export const shapeRules: Record<string, ShapeRule> = { ...elementwiseRules, ...tensorRules, ...linalgRules };

/** Runs one node's shape rule; unknown ops fail with an error naming the op and node. */
export function inferNode(node: Graph['nodes'][number], known: Map<string, ShapeInfo>): ShapeInfo[] {
  const rule = node.domain === undefined ? shapeRules[node.op] : undefined;
  if (rule === undefined) {
    const op = node.domain === undefined ? node.op : `${node.domain}::${node.op}`;
    throw new NnError('UNSUPPORTED_OP', `unsupported op ${op} in node '${node.name}'`);
  }
  const inputs = node.inputs.map((name) => (name === '' ? undefined : known.get(name)));
  node.inputs.forEach((name, i) => {
    if (name !== '' && inputs[i] === undefined) {
      throw new NnError(
        'BAD_GRAPH',
        `${describeNode(node)}: input '${name}' is not produced before it is used`,
      );
    }
  });
  return rule(node, inputs);
}

/** Infers dtype and dims of every value in a topologically ordered graph. */
export function inferShapes(graph: Graph): Map<string, ShapeInfo> {
  const known = new Map<string, ShapeInfo>();
  for (const v of graph.inputs) known.set(v.name, { dtype: v.dtype, dims: v.dims });
  for (const [name, t] of graph.initializers) known.set(name, infoOfTensor(t));
  for (const node of graph.nodes) {
    const outs = inferNode(node, known);
    node.outputs.forEach((name, i) => {
      if (name !== '' && outs[i] !== undefined) known.set(name, outs[i]);
    });
  }
  return known;
}
