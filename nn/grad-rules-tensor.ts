import {
  dy0,
  type GradContext,
  type GradRule,
  input,
  notDifferentiable,
  reshapeLike,
  unbroadcast,
} from './grad-context.ts';
import { attr, attrInt, attrInts } from './graph.ts';
import { reduceAxes } from './shape-rules-linalg.ts';
import type { Tensor } from './tensor.ts';

const reshapeBack: GradRule = (c) => [reshapeLike(dy0(c), input(c, 0))];

// dx of a reduction: dy broadcast back over the reduced axes.
function expandBack(c: GradContext, scale: number | undefined): Tensor {
  const x = input(c, 0);
  const axes = reduceAxes(
    c.node,
    c.x.map((t) => t && c.b.info(t.name)),
    x.rank,
  );
  let g = dy0(c);
  if (attrInt(c.node, 'keepdims', 1) === 0 && axes.length > 0) g = g.unsqueeze(axes);
  if (scale !== undefined) g = g.mul(scale);
  return c.b.op1('Expand', [g, c.b.op1('Shape', [x])]);
}

function constantInts(c: GradContext, i: number): number[] | undefined {
  const t = c.x[i];
  return t === undefined ? undefined : c.b.info(t.name).value;
}

/** Gradient rules of ops that move, select and reduce tensors. */
export const tensorGradRules: Record<string, GradRule> = {
  Reshape: reshapeBack,
  Flatten: reshapeBack,
  Unsqueeze: reshapeBack,
  Squeeze: reshapeBack,
  Expand: (c) => [unbroadcast(dy0(c), input(c, 0).dims)],
  Transpose: (c) => {
    const x = input(c, 0);
    const perm = attrInts(c.node, 'perm') ?? x.dims.map((_, i) => x.rank - 1 - i);
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [dy0(c).transpose(inverse)];
  },
  Concat: (c) => {
    const axis = attrInt(c.node, 'axis', 0);
    let offset = 0;
    return c.x.map((t, i) => {
      const size = input(c, i).dim(axis);
      const start = offset;
      offset += size;
      return c.needs(i) && t !== undefined ? dy0(c).slice([start], [start + size], [axis]) : undefined;
    });
  },
  // The gradient of a unit-step slice is dy zero-padded back to the input size.
  Slice: (c) => {
    const x = input(c, 0);
    const starts = constantInts(c, 1);
    const axes = constantInts(c, 3) ?? starts?.map((_, i) => i);
    const steps = constantInts(c, 4);
    if (starts === undefined || axes === undefined || steps?.some((s) => s !== 1)) {
      throw notDifferentiable(c.node, 'only constant unit-step slices are supported');
    }
    const pads = new Array(x.rank * 2).fill(0);
    axes.forEach((a, i) => {
      const axis = a < 0 ? a + x.rank : a;
      const size = x.dim(axis);
      const start = Math.min(starts[i] < 0 ? starts[i] + size : starts[i], size);
      pads[axis] = start;
      pads[axis + x.rank] = size - start - c.y[0].dim(axis);
    });
    return [c.b.op1('Pad', [dy0(c), c.b.ints(pads)])];
  },
  // Embedding lookups scatter-add dy rows back into a zero table.
  Gather: (c) => {
    if (attrInt(c.node, 'axis', 0) !== 0) throw notDifferentiable(c.node, 'only axis 0 is supported');
    const data = input(c, 0);
    const zero = {
      dtype: data.dtype,
      dims: [1],
      data: data.dtype === 'float64' ? new Float64Array(1) : new Float32Array(1),
    };
    const table = c.b.op1('ConstantOfShape', [c.b.op1('Shape', [data])], { value: attr.tensor(zero) });
    const idx = input(c, 1).unsqueeze([-1]);
    return [c.b.op1('ScatterND', [table, idx, dy0(c)], { reduction: attr.string('add') }), undefined];
  },
  ReduceSum: (c) => [expandBack(c, undefined)],
  ReduceMean: (c) => {
    const x = input(c, 0);
    const axes = reduceAxes(
      c.node,
      c.x.map((t) => t && c.b.info(t.name)),
      x.rank,
    );
    const count = axes.reduce((n, a) => n * x.dim(a), 1);
    return [expandBack(c, 1 / count)];
  },
};
