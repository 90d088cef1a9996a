import { GraphBuilder } from './builder.ts';
import { isFloat } from './dtype.ts';
import type { GradContext, GradRule } from './grad-context.ts';
import { convGradRules } from './grad-rules-conv.ts';
import { elementwiseGradRules } from './grad-rules-elementwise.ts';
import { linalgGradRules } from './grad-rules-linalg.ts';
import { tensorGradRules } from './grad-rules-tensor.ts';
import type { Graph, GraphNode } from './graph.ts';
import { NnError } from './nn-error.ts';
import { pruneGraph } from './prune.ts';
import type { Tensor } from './tensor.ts';
import { filled } from './tensor-data.ts';

const rules: Record<string, GradRule> = {
  ...elementwiseGradRules,
  ...tensorGradRules,
  ...linalgGradRules,
  ...convGradRules,
};

// Ops whose outputs carry no gradient (comparisons, shapes, constants).
const constantOps = new Set(['Shape', 'Equal', 'Less', 'Greater', 'Not', 'Constant', 'ConstantOfShape']);

/** A gradient graph: outputs the loss and d loss / d every requested tensor. */
export interface GradGraph {
  graph: Graph;
  /** Name of the loss output. */
  loss: string;
  /** Output name of each gradient, keyed by the tensor it differentiates. */
  gradients: Map<string, string>;
}

/** Options of `grad`. */
export interface GradOptions {
  /** Forward values to keep as extra outputs (e.g. predictions for metrics). */
  keep: string[];
  /** Output name of a gradient; default `grad.<name>`. */
  gradName: (wrt: string) => string;
}

/**
 * Differentiates `loss` (a float value of a graph) with respect to `wrt` (inputs or initializers) by
 * reverse-mode autodiff, returning a graph of standard ONNX ops that outputs the loss and the gradients.
 */
export function grad(
  graph: Graph,
  loss: string,
  wrt: string[],
  options: Partial<GradOptions> = {},
): GradGraph {
  const b = GraphBuilder.from(graph);
  const lossInfo = b.info(loss);
  if (!isFloat(lossInfo.dtype))
    throw new NnError('BAD_ARGUMENT', `loss '${loss}' must be float, got ${lossInfo.dtype}`);
  const active = activeValues(graph, wrt, b);
  const contributions = new Map<string, Tensor[]>();
  const add = (name: string, g: Tensor) => contributions.set(name, [...(contributions.get(name) ?? []), g]);
  const total = (name: string): Tensor | undefined => {
    const parts = contributions.get(name);
    if (parts === undefined) return undefined;
    const sum = parts.reduce((acc, p) => acc.add(p));
    contributions.set(name, [sum]);
    return sum;
  };
  add(loss, b.constant(filled(lossInfo.dtype, lossInfo.dims as number[], 1), 'loss_seed'));

  const forwardCount = b.graph.nodes.length;
  for (let n = forwardCount - 1; n >= 0; n--) {
    const node = b.graph.nodes[n];
    if (!node.outputs.some((o) => contributions.has(o)) || constantOps.has(node.op)) continue;
    const rule = rules[node.op];
    if (rule === undefined) {
      throw new NnError('NOT_DIFFERENTIABLE', `no gradient rule for op ${node.op} (node '${node.name}')`);
    }
    const ctx = contextOf(b, n, active, total);
    const grads = rule(ctx);
    node.inputs.forEach((name, i) => {
      const g = grads[i];
      if (g !== undefined && ctx.needs(i)) add(name, g);
    });
  }

  const gradName = options.gradName ?? ((w: string) => `grad.${w}`);
  const gradients = new Map<string, string>();
  b.graph.outputs = [];
  b.output(loss, b.tensor(loss));
  for (const k of options.keep ?? []) b.output(k, b.tensor(k));
  for (const w of wrt) {
    const g = total(w) ?? b.tensor(w).mul(0);
    gradients.set(w, b.output(gradName(w), g).name);
  }
  return { graph: pruneGraph(b.graph), loss, gradients };
}

function activeValues(graph: Graph, wrt: string[], b: GraphBuilder): Set<string> {
  const active = new Set<string>();
  for (const w of wrt) {
    const info = b.info(w);
    if (!isFloat(info.dtype))
      throw new NnError('BAD_ARGUMENT', `cannot differentiate with respect to ${info.dtype} '${w}'`);
    active.add(w);
  }
  for (const node of graph.nodes) {
    if (constantOps.has(node.op) || !node.inputs.some((i) => active.has(i))) continue;
    for (const o of node.outputs) if (o !== '' && isFloat(b.info(o).dtype)) active.add(o);
  }
  return active;
}

function contextOf(
  b: GraphBuilder,
  index: number,
  active: Set<string>,
  total: (name: string) => Tensor | undefined,
): GradContext {
  const node: GraphNode = b.graph.nodes[index];
  const ctx: GradContext = {
    b,
    node,
    x: node.inputs.map((name) => (name === '' ? undefined : b.tensor(name))),
    y: node.outputs.filter((o) => o !== '').map((o) => b.tensor(o)),
    dy: node.outputs.map((o) => total(o)),
    needs: (i) => node.inputs[i] !== '' && active.has(node.inputs[i]),
    withOutputs: (count) => {
      const outputs = Array.from({ length: count }, (_, i) => node.outputs[i] || `${node.name}_saved${i}`);
      b.replaceNode(index, { ...node, outputs });
      return outputs.map((o) => b.tensor(o));
    },
  };
  return ctx;
}
