import { attrInt, attrInts, type Dim, describeNode, type GraphNode } from './graph.ts';
import { NnError } from './nn-error.ts';
import { broadcastDims, need, needValue, normAxis, type ShapeInfo, type ShapeRule } from './shape-info.ts';

function mismatch(node: GraphNode, what: string, a: Dim, b: Dim): NnError {
  return new NnError('SHAPE_MISMATCH', `${describeNode(node)}: ${what} (${a} vs ${b})`);
}

function checkEqual(node: GraphNode, what: string, a: Dim, b: Dim): void {
  if (typeof a === 'number' && typeof b === 'number' && a !== b) throw mismatch(node, what, a, b);
}

const matmul: ShapeRule = (node, ins) => {
  const a = need(node, ins, 0);
  const b = need(node, ins, 1);
  if (a.dims.length === 0 || b.dims.length === 0)
    throw mismatch(node, 'MatMul needs rank >= 1', a.dims.length, b.dims.length);
  const ad = a.dims.length === 1 ? [1, a.dims[0]] : a.dims;
  const bd = b.dims.length === 1 ? [b.dims[0], 1] : b.dims;
  checkEqual(node, `inner dims of [${a.dims}] x [${b.dims}] differ`, ad[ad.length - 1], bd[bd.length - 2]);
  const batch = broadcastDims(ad.slice(0, -2), bd.slice(0, -2), node);
  const dims = [...batch];
  if (a.dims.length > 1) dims.push(ad[ad.length - 2]);
  if (b.dims.length > 1) dims.push(bd[bd.length - 1]);
  return [{ dtype: a.dtype, dims }];
};

const gemm: ShapeRule = (node, ins) => {
  const a = need(node, ins, 0);
  const b = need(node, ins, 1);
  if (a.dims.length !== 2 || b.dims.length !== 2) {
    throw new NnError(
      'SHAPE_MISMATCH',
      `${describeNode(node)}: Gemm expects 2-D inputs, got [${a.dims}] and [${b.dims}]`,
    );
  }
  const [m, ka] = attrInt(node, 'transA', 0) ? [a.dims[1], a.dims[0]] : a.dims;
  const [kb, n] = attrInt(node, 'transB', 0) ? [b.dims[1], b.dims[0]] : b.dims;
  checkEqual(node, `inner dims of [${a.dims}] x [${b.dims}] differ`, ka, kb);
  const c = ins[2];
  if (c !== undefined) broadcastDims([m, n], c.dims, node);
  return [{ dtype: a.dtype, dims: [m, n] }];
};

/** Spatial attributes of a Conv/ConvTranspose node with ONNX defaults filled in. */
export function convAttrs(node: GraphNode, spatial: number) {
  const ones = Array(spatial).fill(1);
  return {
    strides: attrInts(node, 'strides', ones)!,
    dilations: attrInts(node, 'dilations', ones)!,
    pads: attrInts(node, 'pads', Array(spatial * 2).fill(0))!,
    group: attrInt(node, 'group', 1),
    outputPadding: attrInts(node, 'output_padding', Array(spatial).fill(0))!,
  };
}

function checkAutoPad(node: GraphNode): void {
  const a = node.attrs.auto_pad;
  if (a !== undefined && !(a.kind === 'string' && a.value === 'NOTSET')) {
    throw new NnError(
      'UNSUPPORTED_OP',
      `${describeNode(node)}: auto_pad is not supported, use explicit pads`,
    );
  }
}

const conv: ShapeRule = (node, ins) => {
  checkAutoPad(node);
  const x = need(node, ins, 0);
  const w = need(node, ins, 1);
  const spatial = x.dims.length - 2;
  const { strides, dilations, pads, group } = convAttrs(node, spatial);
  checkEqual(
    node,
    `input channels [${x.dims}] vs weight [${w.dims}] x group ${group}`,
    x.dims[1],
    (w.dims[1] as number) * group,
  );
  const dims: Dim[] = [x.dims[0], w.dims[0]];
  for (let i = 0; i < spatial; i++) {
    const size = x.dims[i + 2];
    const k = w.dims[i + 2] as number;
    dims.push(
      typeof size === 'number'
        ? Math.floor((size + pads[i] + pads[i + spatial] - dilations[i] * (k - 1) - 1) / strides[i]) + 1
        : '?',
    );
  }
  return [{ dtype: x.dtype, dims }];
};

const convTranspose: ShapeRule = (node, ins) => {
  checkAutoPad(node);
  const x = need(node, ins, 0);
  const w = need(node, ins, 1);
  const spatial = x.dims.length - 2;
  const { strides, dilations, pads, group, outputPadding } = convAttrs(node, spatial);
  const dims: Dim[] = [x.dims[0], (w.dims[1] as number) * group];
  for (let i = 0; i < spatial; i++) {
    const size = x.dims[i + 2];
    const k = w.dims[i + 2] as number;
    dims.push(
      typeof size === 'number'
        ? strides[i] * (size - 1) +
            outputPadding[i] +
            (k - 1) * dilations[i] +
            1 -
            pads[i] -
            pads[i + spatial]
        : '?',
    );
  }
  return [{ dtype: x.dtype, dims }];
};

/** The axes a Reduce* node reduces (attribute before opset 18 for most, input for ReduceSum). */
export function reduceAxes(node: GraphNode, ins: (ShapeInfo | undefined)[], rank: number): number[] {
  const fromInput = node.op === 'ReduceSum' && ins[1] !== undefined ? needValue(node, ins, 1) : undefined;
  const axes = fromInput ?? attrInts(node, 'axes');
  if (axes === undefined || axes.length === 0) {
    return attrInt(node, 'noop_with_empty_axes', 0) ? [] : Array.from({ length: rank }, (_, i) => i);
  }
  return axes.map((a) => normAxis(a, rank, node));
}

const reduce: ShapeRule = (node, ins) => {
  const x = need(node, ins, 0);
  const axes = reduceAxes(node, ins, x.dims.length);
  const keep = attrInt(node, 'keepdims', 1) === 1;
  const dims = x.dims.flatMap((d, i) => (axes.includes(i) ? (keep ? [1] : []) : [d]));
  return [{ dtype: x.dtype, dims }];
};

/** Shape rules of matrix products, convolutions and reductions. */
export const linalgRules: Record<string, ShapeRule> = {
  MatMul: matmul,
  Gemm: gemm,
  Conv: conv,
  ConvTranspose: convTranspose,
  ReduceMean: reduce,
  ReduceSum: reduce,
  ReduceMax: reduce,
};
