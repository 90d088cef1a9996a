import { GraphBuilder } from './builder.ts';
import { isFloat } from './dtype.ts';
import { grad } from './grad.ts';
import type { Graph, TensorData } from './graph.ts';
import { mseLoss } from './layers.ts';
import { NnError } from './nn-error.ts';
import { encodeOnnx } from './onnx-encode.ts';
import { OrtSession } from './ort-session.ts';

/** Loss and d loss / d every float initializer of a graph under a mean-squared-error regression loss. */
export interface RegressionGradients {
  loss: number;
  /** Keyed by initializer name, laid out like the initializer. */
  gradients: Map<string, TensorData>;
}

/**
 * Feeds `input.<name>` tensors from `data` to `graph`, adds mean((output − target)²) on its first output
 * with `target` from `data`, and returns the loss and the gradient of every float initializer.
 */
export async function computeRegressionGradients(
  graph: Graph,
  data: Map<string, TensorData>,
): Promise<RegressionGradients> {
  const target = data.get('target');
  if (target === undefined)
    throw new NnError('BAD_ARGUMENT', `data has no 'target' tensor (found ${[...data.keys()].join(', ')})`);
  const output = graph.outputs[0];
  if (output === undefined) throw new NnError('BAD_GRAPH', `graph '${graph.name}' has no outputs`);
  const b = GraphBuilder.from(graph);
  const targetIn = b.input('target', target.dims, output.dtype);
  const loss = b.output('loss', mseLoss(b.tensor(output.name), targetIn).reshape([1]));
  const wrt = [...graph.initializers].filter(([, t]) => isFloat(t.dtype)).map(([name]) => name);
  const g = grad(b.graph, loss.name, wrt);
  const session = await OrtSession.create(encodeOnnx(g.graph), g.graph);
  const feeds: Record<string, TensorData> = { target };
  for (const v of graph.inputs) {
    const t = data.get(`input.${v.name}`);
    if (t === undefined)
      throw new NnError('BAD_ARGUMENT', `data has no 'input.${v.name}' tensor for graph input '${v.name}'`);
    feeds[v.name] = t;
  }
  try {
    const out = await session.run(feeds);
    const gradients = new Map(wrt.map((w) => [w, out[g.gradients.get(w)!]]));
    return { loss: Number(out[g.loss].data[0]), gradients };
  } finally {
    await session.release();
  }
}
