import type { DType } from './dtype.ts';
import { attrInt, type GraphNode } from './graph.ts';
import { broadcastDims, need, type ShapeInfo, type ShapeRule } from './shape-info.ts';

const same: ShapeRule = (node, ins) => [{ ...need(node, ins, 0), value: undefined }];

const intOps: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => Math.trunc(a / b),
};

function binary(compare: boolean): ShapeRule {
  return (node, ins) => {
    const a = need(node, ins, 0);
    const b = need(node, ins, 1);
    const dims = broadcastDims(a.dims, b.dims, node);
    const dtype: DType = compare ? 'bool' : a.dtype;
    return [{ dtype, dims, value: foldBinary(node, a, b) }];
  };
}

// Shape arithmetic in exported graphs (e.g. Mul of a Gather'd dim) must stay known.
function foldBinary(node: GraphNode, a: ShapeInfo, b: ShapeInfo): number[] | undefined {
  const f = intOps[node.op];
  if (f === undefined || a.value === undefined || b.value === undefined) return undefined;
  if (a.value.length !== 1 && b.value.length !== 1 && a.value.length !== b.value.length) return undefined;
  const n = Math.max(a.value.length, b.value.length);
  return Array.from({ length: n }, (_, i) =>
    f(a.value![a.value!.length === 1 ? 0 : i], b.value![b.value!.length === 1 ? 0 : i]),
  );
}

const onnxDtypes: Record<number, DType> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
  11: 'float64',
};

/** Shape rules of elementwise, activation and normalisation ops. */
export const elementwiseRules: Record<string, ShapeRule> = {
  Identity: (node, ins) => [need(node, ins, 0)],
  Neg: same,
  Abs: same,
  Sqrt: same,
  Reciprocal: same,
  Exp: same,
  Log: same,
  Tanh: same,
  Sigmoid: same,
  Relu: same,
  Erf: same,
  Softmax: same,
  LogSoftmax: same,
  Trilu: same,
  Not: same,
  Add: binary(false),
  Sub: binary(false),
  Mul: binary(false),
  Div: binary(false),
  Pow: binary(false),
  Equal: binary(true),
  Less: binary(true),
  Greater: binary(true),
  Where: (node, ins) => {
    const dims = broadcastDims(
      broadcastDims(need(node, ins, 0).dims, need(node, ins, 1).dims, node),
      need(node, ins, 2).dims,
      node,
    );
    return [{ dtype: need(node, ins, 1).dtype, dims }];
  },
  Cast: (node, ins) => {
    const x = need(node, ins, 0);
    const dtype = onnxDtypes[attrInt(node, 'to', 1)] ?? 'float32';
    const isInt = dtype === 'int64' || dtype === 'int32';
    return [{ dtype, dims: x.dims, value: isInt ? x.value?.map(Math.trunc) : undefined }];
  },
  LayerNormalization: (node, ins) => {
    const x = need(node, ins, 0);
    const axis = attrInt(node, 'axis', -1);
    const a = axis < 0 ? axis + x.dims.length : axis;
    const statDims = x.dims.map((d, i) => (i < a ? d : 1));
    // Mean and InvStdDev are float32 under the default stash_type 1
    const stash = onnxDtypes[attrInt(node, 'stash_type', 1)] ?? 'float32';
    return [
      { dtype: x.dtype, dims: x.dims },
      { dtype: stash, dims: statDims },
      { dtype: stash, dims: statDims },
    ];
  },
};
