import type { GraphBuilder } from './builder.ts';
import { type Dim, describeNode, type GraphNode } from './graph.ts';
import { NnError } from './nn-error.ts';
import type { Tensor } from './tensor.ts';
import { scalar } from './tensor-data.ts';

/** What a gradient rule sees: the forward node, handles of its inputs/outputs, and output gradients. */
export interface GradContext {
  b: GraphBuilder;
  node: GraphNode;
  /** Input handles (undefined for omitted optional inputs). */
  x: (Tensor | undefined)[];
  /** Output handles. */
  y: Tensor[];
  /** d loss / d output, undefined where no gradient reaches that output. */
  dy: (Tensor | undefined)[];
  /** Whether input i needs a gradient (rules skip the others). */
  needs: (i: number) => boolean;
  /** Re-emits the forward node with at least `count` outputs (e.g. LayerNorm's saved mean and 1/σ). */
  withOutputs: (count: number) => Tensor[];
}

/** Returns a gradient rule's results: one entry per node input, undefined where none is needed. */
export type GradRule = (ctx: GradContext) => (Tensor | undefined)[];

/** Sums a broadcast gradient back to the shape of the operand it came from (numpy rules). */
export function unbroadcast(dy: Tensor, to: readonly Dim[]): Tensor {
  const lead = dy.rank - to.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) {
    if (i < lead || (to[i - lead] === 1 && dy.dims[i] !== 1)) axes.push(i);
  }
  if (axes.length === 0) return dy;
  const summed = dy.sum(axes, true);
  return lead > 0 ? summed.squeeze(Array.from({ length: lead }, (_, i) => i)) : summed;
}

/** The forward input i, which must be present. */
export function input(ctx: GradContext, i: number): Tensor {
  const t = ctx.x[i];
  if (t === undefined) throw new NnError('BAD_GRAPH', `${describeNode(ctx.node)}: input ${i} is missing`);
  return t;
}

/** The gradient of output 0, which the driver guarantees for single-output nodes. */
export function dy0(ctx: GradContext): Tensor {
  const g = ctx.dy[0];
  if (g === undefined) throw new NnError('BAD_GRAPH', `${describeNode(ctx.node)}: no gradient for output 0`);
  return g;
}

/** Reshapes `t` to the runtime shape of `like` (works with a symbolic batch dim). */
export function reshapeLike(t: Tensor, like: Tensor): Tensor {
  return t.b.op1('Reshape', [t, t.b.op1('Shape', [like])]);
}

/** Where(cond, a, b) with a scalar zero on one side. */
export function whereZero(cond: Tensor, value: Tensor, zeroFirst: boolean): Tensor {
  const zero = value.b.constant(scalar(value.dtype, 0));
  return value.b.op1('Where', zeroFirst ? [cond, zero, value] : [cond, value, zero]);
}

/** Fails for a node a rule cannot differentiate, naming the op, node and reason. */
export function notDifferentiable(node: GraphNode, why: string): NnError {
  return new NnError('NOT_DIFFERENTIABLE', `${describeNode(node)}: cannot differentiate (${why})`);
}
