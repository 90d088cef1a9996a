import type { DType } from './dtype.ts';
import { attrInt, attrInts, type Dim, describeNode, type GraphNode, type TensorData } from './graph.ts';
import { NnError } from './nn-error.ts';
import {
  need,
  needDims,
  needValue,
  normAxis,
  type ShapeInfo,
  type ShapeRule,
  staticSize,
} from './shape-info.ts';

/** The known integer elements of a constant tensor small enough to be shape arithmetic. */
export function constantValue(t: TensorData): number[] | undefined {
  if ((t.dtype !== 'int64' && t.dtype !== 'int32') || t.data.length > 64) return undefined;
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

/** Resolves a Reshape target (0 copies, −1 infers) against the input dims; symbolic dims cancel when copied. */
export function reshapeDims(input: readonly Dim[], target: readonly Dim[], node: GraphNode): Dim[] {
  const out: Dim[] = target.map((t, i) => (t === 0 ? input[i] : t));
  const hole = out.indexOf(-1);
  const symbols = (dims: readonly Dim[]) =>
    dims
      .filter((d): d is string => typeof d === 'string')
      .sort()
      .join(',');
  const numeric = (dims: readonly Dim[]) => staticSize(dims.filter((d) => typeof d === 'number'))!;
  const rest = out.filter((_, i) => i !== hole);
  if (hole >= 0) {
    if (symbols(input) === symbols(rest)) out[hole] = numeric(input) / numeric(rest);
    else out[hole] = '?';
  }
  if (symbols(input) === symbols(out) && numeric(input) !== numeric(out)) {
    throw new NnError(
      'SHAPE_MISMATCH',
      `${describeNode(node)}: cannot reshape [${input}] to [${target}] (${numeric(input)} vs ${numeric(out)} elements)`,
    );
  }
  return out;
}

function sliceRange(dim: Dim, start: number, end: number, step: number): Dim {
  if (typeof dim !== 'number') return start === 0 && end >= 2 ** 31 && step === 1 ? dim : '?';
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
  const s = clamp(start, step > 0 ? 0 : -1, step > 0 ? dim : dim - 1);
  const e = clamp(end, step > 0 ? 0 : -1, step > 0 ? dim : dim - 1);
  return Math.max(0, Math.ceil((e - s) / step));
}

const unsqueeze: ShapeRule = (node, ins) => {
  const x = need(node, ins, 0);
  const axes = needValue(node, ins, 1);
  const rank = x.dims.length + axes.length;
  const norm = axes.map((a) => normAxis(a, rank, node));
  const dims: Dim[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) dims.push(norm.includes(i) ? 1 : x.dims[j++]);
  return [{ dtype: x.dtype, dims, value: x.value }];
};

/** Shape rules of ops that move, select or create tensors. */
export const tensorRules: Record<string, ShapeRule> = {
  Constant: (node) => {
    const a = node.attrs.value;
    if (a?.kind !== 'tensor')
      throw new NnError('UNSUPPORTED_OP', `${describeNode(node)}: only 'value' tensors are supported`);
    return [{ dtype: a.value.dtype, dims: a.value.dims, value: constantValue(a.value) }];
  },
  ConstantOfShape: (node, ins) => {
    const a = node.attrs.value;
    const dtype: DType = a?.kind === 'tensor' ? a.value.dtype : 'float32';
    return [{ dtype, dims: needDims(node, ins, 0) }];
  },
  Shape: (node, ins) => {
    const x = need(node, ins, 0);
    const known = x.dims.every((d) => typeof d === 'number');
    return [
      {
        dtype: 'int64',
        dims: [x.dims.length],
        ...(known ? { value: x.dims as number[] } : { symbolic: x.dims }),
      },
    ];
  },
  Reshape: (node, ins) => {
    const x = need(node, ins, 0);
    return [{ dtype: x.dtype, dims: reshapeDims(x.dims, needDims(node, ins, 1), node), value: x.value }];
  },
  Flatten: (node, ins) => {
    const x = need(node, ins, 0);
    const axis = normAxis(attrInt(node, 'axis', 1), x.dims.length + 1, node);
    const left = staticSize(x.dims.slice(0, axis)) ?? '?';
    const right = staticSize(x.dims.slice(axis)) ?? '?';
    return [{ dtype: x.dtype, dims: [left, right] }];
  },
  Transpose: (node, ins) => {
    const x = need(node, ins, 0);
    const perm = attrInts(node, 'perm') ?? x.dims.map((_, i) => x.dims.length - 1 - i);
    return [{ dtype: x.dtype, dims: perm.map((p) => x.dims[p]) }];
  },
  Unsqueeze: unsqueeze,
  Squeeze: (node, ins) => {
    const x = need(node, ins, 0);
    const axes =
      ins[1] === undefined ? x.dims.flatMap((d, i) => (d === 1 ? [i] : [])) : needValue(node, ins, 1);
    const norm = axes.map((a) => normAxis(a, x.dims.length, node));
    return [{ dtype: x.dtype, dims: x.dims.filter((_, i) => !norm.includes(i)), value: x.value }];
  },
  Concat: (node, ins) => {
    const first = need(node, ins, 0);
    const axis = normAxis(attrInt(node, 'axis', 0), first.dims.length, node);
    const parts = node.inputs.map((_, i) => need(node, ins, i));
    const dims = [...first.dims];
    const sizes = parts.map((p) => p.dims[axis]);
    dims[axis] = sizes.every((s) => typeof s === 'number')
      ? (sizes as number[]).reduce((a, b) => a + b, 0)
      : '?';
    const values = parts.every((p) => p.value !== undefined) ? parts.flatMap((p) => p.value!) : undefined;
    return [{ dtype: first.dtype, dims, value: first.dims.length === 1 ? values : undefined }];
  },
  Slice: (node, ins) => {
    const x = need(node, ins, 0);
    const starts = needValue(node, ins, 1);
    const ends = needValue(node, ins, 2);
    const axes = ins[3] === undefined ? starts.map((_, i) => i) : needValue(node, ins, 3);
    const steps = ins[4] === undefined ? starts.map(() => 1) : needValue(node, ins, 4);
    const dims = [...x.dims];
    axes.forEach((a, i) => {
      const axis = normAxis(a, x.dims.length, node);
      dims[axis] = sliceRange(x.dims[axis], starts[i], ends[i], steps[i]);
    });
    let value: number[] | undefined;
    if (x.value !== undefined && x.dims.length === 1 && typeof dims[0] === 'number') {
      const n = x.value.length;
      const s = starts[0] < 0 ? Math.max(0, starts[0] + n) : Math.min(starts[0], n);
      value = Array.from({ length: dims[0] }, (_, i) => x.value![s + i * steps[0]]);
    }
    return [{ dtype: x.dtype, dims, value }];
  },
  Gather: (node, ins) => {
    const x = need(node, ins, 0);
    const idx = need(node, ins, 1);
    const axis = normAxis(attrInt(node, 'axis', 0), x.dims.length, node);
    const dims = [...x.dims.slice(0, axis), ...idx.dims, ...x.dims.slice(axis + 1)];
    let value: number[] | undefined;
    if (x.value !== undefined && idx.value !== undefined && x.dims.length === 1) {
      value = idx.value.map((i) => x.value![i < 0 ? i + x.value!.length : i]);
    }
    return [{ dtype: x.dtype, dims, value }];
  },
  Expand: (node, ins) => {
    const x = need(node, ins, 0);
    const shape = needDims(node, ins, 1);
    const rank = Math.max(x.dims.length, shape.length);
    const dims: Dim[] = [];
    for (let i = 0; i < rank; i++) {
      const a = x.dims[x.dims.length - rank + i] ?? 1;
      const b = shape[shape.length - rank + i] ?? 1;
      dims.push(a === 1 ? b : a);
    }
    return [{ dtype: x.dtype, dims }];
  },
  ScatterND: (node, ins) => [{ ...need(node, ins, 0), value: undefined }],
  Pad: (node, ins) => {
    const x = need(node, ins, 0);
    const pads = needValue(node, ins, 1);
    const rank = x.dims.length;
    return [
      {
        dtype: x.dtype,
        dims: x.dims.map((d, i) => (typeof d === 'number' ? d + pads[i] + pads[i + rank] : d)),
      },
    ];
  },
};

/** Shape info of a concrete tensor (initializer or constant). */
export function infoOfTensor(t: TensorData): ShapeInfo {
  return { dtype: t.dtype, dims: t.dims, value: constantValue(t) };
}
