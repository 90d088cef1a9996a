import { dy0, type GradRule, input, notDifferentiable, unbroadcast } from './grad-context.ts';
import { attr, attrFloat, attrInt } from './graph.ts';
import type { Tensor } from './tensor.ts';

/** `t` with its last two axes swapped. */
export function swapLast(t: Tensor): Tensor {
  const perm = t.dims.map((_, i) => i);
  [perm[t.rank - 2], perm[t.rank - 1]] = [perm[t.rank - 1], perm[t.rank - 2]];
  return t.transpose(perm);
}

function gemm(a: Tensor, b: Tensor, transA: number, transB: number, alpha: number): Tensor {
  return a.b.op1('Gemm', [a, b], {
    transA: attr.int(transA),
    transB: attr.int(transB),
    alpha: attr.float(alpha),
  });
}

// Y = A·B with batch broadcasting; a 2-D weight against batched activations gets one flat Gemm
// (Σ over all rows at once) instead of a batched product followed by a ReduceSum.
const matmul: GradRule = (c) => {
  const [a, b, dy] = [input(c, 0), input(c, 1), dy0(c)];
  if (a.rank < 2 || b.rank < 2) throw notDifferentiable(c.node, 'rank-1 MatMul operands');
  let da: Tensor | undefined;
  let db: Tensor | undefined;
  if (c.needs(0)) da = unbroadcast(dy.matmul(swapLast(b)), a.dims);
  if (c.needs(1)) {
    if (b.rank === 2 && a.rank > 2) {
      const k = b.dim(0);
      db = gemm(a.reshape([-1, k]), dy.reshape([-1, b.dim(1)]), 1, 0, 1);
    } else db = unbroadcast(swapLast(a).matmul(dy), b.dims);
  }
  return [da, db];
};

// Y = α·op(A)·op(B) + β·C
const gemmRule: GradRule = (c) => {
  const [a, b, dy] = [input(c, 0), input(c, 1), dy0(c)];
  const transA = attrInt(c.node, 'transA', 0);
  const transB = attrInt(c.node, 'transB', 0);
  const alpha = attrFloat(c.node, 'alpha', 1);
  const beta = attrFloat(c.node, 'beta', 1);
  const da = !c.needs(0)
    ? undefined
    : transA
      ? gemm(b, dy, transB, 1, alpha)
      : gemm(dy, b, 0, 1 - transB, alpha);
  const db = !c.needs(1)
    ? undefined
    : transB
      ? gemm(dy, a, 1, transA, alpha)
      : gemm(a, dy, 1 - transA, 0, alpha);
  const cIn = c.x[2];
  const dc =
    cIn === undefined || !c.needs(2) ? undefined : unbroadcast(beta === 1 ? dy : dy.mul(beta), cIn.dims);
  return [da, db, dc];
};

// x̂ = (x − μ)·r, y = x̂·γ + β; dx = r·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·γ (means over the normalised axes)
const layerNorm: GradRule = (c) => {
  const [x, gamma, dy] = [input(c, 0), input(c, 1), dy0(c)];
  const [mean, invStd] = c
    .withOutputs(3)
    .slice(1)
    .map((t) => (t.dtype === x.dtype ? t : t.cast(x.dtype)));
  const start =
    attrInt(c.node, 'axis', -1) < 0 ? attrInt(c.node, 'axis', -1) + x.rank : attrInt(c.node, 'axis', -1);
  const normAxes = x.dims.map((_, i) => i).slice(start);
  const xhat = x.sub(mean).mul(invStd);
  let dx: Tensor | undefined;
  if (c.needs(0)) {
    const g = dy.mul(gamma);
    const centred = g.sub(g.mean(normAxes, true)).sub(xhat.mul(g.mul(xhat).mean(normAxes, true)));
    dx = centred.mul(invStd);
  }
  const lead = x.dims.map((_, i) => i).slice(0, start);
  const dGamma = c.needs(1) ? dy.mul(xhat).sum(lead, false) : undefined;
  const dBeta = c.x[2] !== undefined && c.needs(2) ? dy.sum(lead, false) : undefined;
  return [dx, dGamma, dBeta];
};

/** Gradient rules of matrix products and normalisation. */
export const linalgGradRules: Record<string, GradRule> = {
  MatMul: matmul,
  Gemm: gemmRule,
  LayerNormalization: layerNorm,
};
