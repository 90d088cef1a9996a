import { allocate } from './dtype.ts';
import { attr } from './graph.ts';
import type { Init } from './init.ts';
import type { Tensor } from './tensor.ts';

/** Options shared by weight-bearing layers. */
export interface LinearOptions {
  bias: boolean;
  /** Weight init; default Kaiming-uniform over the fan-in like torch.nn.Linear. */
  init: Init;
  /** Reuse `<name>.weight` and `<name>.bias` where the graph declared them already (see `sharedParam`). */
  shared: boolean;
}

/**
 * Affine map over the last axis: float [..., in] → [..., out]; params `<name>.weight` [in, out]
 * (transposed relative to torch.nn.Linear so MatMul needs no Transpose) and `<name>.bias` [out].
 */
export function linear(x: Tensor, name: string, out: number, options: Partial<LinearOptions> = {}): Tensor {
  const inFeatures = x.dim(-1);
  const param = (n: string, dims: number[], init: Init) =>
    options.shared ? x.b.sharedParam(n, dims, init) : x.b.param(n, dims, init);
  return x.b.scope(name, () => {
    const w = param(
      'weight',
      [inFeatures, out],
      options.init ?? { kind: 'kaiming-uniform', fanIn: inFeatures },
    );
    const y = x.matmul(w);
    if (options.bias === false) return y;
    return y.add(param('bias', [out], { kind: 'kaiming-uniform', fanIn: inFeatures }));
  });
}

/** LayerNormalization over the last axis with params `<name>.weight` (ones) and `<name>.bias` (zeros). */
export function layerNorm(x: Tensor, name: string, eps = 1e-5): Tensor {
  const d = x.dim(-1);
  return x.b.scope(name, () => {
    const scale = x.b.param('weight', [d], { kind: 'ones' });
    const bias = x.b.param('bias', [d], { kind: 'zeros' });
    return x.b.op1('LayerNormalization', [x, scale, bias], { axis: attr.int(-1), epsilon: attr.float(eps) });
  });
}

/** Exact GELU: 0.5·x·(1 + erf(x/√2)) (Hendrycks & Gimpel 2016), as torch.nn.GELU(). */
export function gelu(x: Tensor): Tensor {
  return x.mul(x.mul(Math.SQRT1_2).erf().add(1)).mul(0.5);
}

/** SiLU / swish: x·sigmoid(x). */
export function silu(x: Tensor): Tensor {
  return x.mul(x.sigmoid());
}

/** Options of multi-head attention. */
export interface AttentionOptions {
  heads: number;
  /** Mask key positions after the query position (self-attention only). */
  causal: boolean;
  /** Keys/values come from here (cross-attention); default: the query input itself. */
  context: Tensor;
  /** Additive float mask broadcastable to [B, heads, T, S] (0 keep, large negative drop). */
  mask: Tensor;
}

/**
 * Multi-head scaled dot-product attention with q/k/v/proj linears (Vaswani et al. 2017):
 * x float [B, T, d], context [B, S, dc] → [B, T, d].
 */
export function attention(
  x: Tensor,
  name: string,
  options: Partial<AttentionOptions> & { heads: number },
): Tensor {
  const b = x.b;
  const d = x.dim(-1);
  const heads = options.heads;
  const dh = d / heads;
  const ctx = options.context ?? x;
  return b.scope(name, () => {
    // [B, T, d] → [B, H, T, dh]; q pre-scaled by 1/√dh
    const q = linear(x, 'q', d)
      .mul(1 / Math.sqrt(dh))
      .reshape([0, 0, heads, dh])
      .transpose([0, 2, 1, 3]);
    // [B, S, d] → [B, H, dh, S]
    const k = linear(ctx, 'k', d).reshape([0, 0, heads, dh]).transpose([0, 2, 3, 1]);
    // [B, S, d] → [B, H, S, dh]
    const v = linear(ctx, 'v', d).reshape([0, 0, heads, dh]).transpose([0, 2, 1, 3]);
    // scores float [B, H, T, S]
    let scores = q.matmul(k);
    if (options.causal) scores = scores.add(causalMask(x, x.dim(1)));
    if (options.mask) scores = scores.add(options.mask);
    const mixed = scores.softmax(-1).matmul(v).transpose([0, 2, 1, 3]).reshape([0, 0, d]);
    return linear(mixed, 'proj', d);
  });
}

/** Additive causal mask float [T, T]: 0 on and below the diagonal, −1e9 above. */
export function causalMask(like: Tensor, t: number): Tensor {
  const data = allocate(like.dtype, t * t) as Float32Array | Float64Array;
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) data[i * t + j] = -1e9;
  return like.b.constant({ dtype: like.dtype, dims: [t, t], data }, 'causal_mask');
}

/** Options of a 2-D convolution. */
export interface Conv2dOptions {
  stride: number;
  pad: number;
  bias: boolean;
}

/** 2-D convolution: x float [B, C, H, W] → [B, out, H', W']; params `<name>.weight` [out, C, k, k], `<name>.bias`. */
export function conv2d(
  x: Tensor,
  name: string,
  out: number,
  kernel: number,
  options: Partial<Conv2dOptions> = {},
): Tensor {
  const c = x.dim(1);
  const fanIn = c * kernel * kernel;
  const stride = options.stride ?? 1;
  const pad = options.pad ?? 0;
  return x.b.scope(name, () => {
    const w = x.b.param('weight', [out, c, kernel, kernel], { kind: 'kaiming-uniform', fanIn });
    const bias =
      options.bias === false ? undefined : x.b.param('bias', [out], { kind: 'kaiming-uniform', fanIn });
    return x.b.op1('Conv', [x, w, bias], {
      kernel_shape: attr.ints([kernel, kernel]),
      strides: attr.ints([stride, stride]),
      pads: attr.ints([pad, pad, pad, pad]),
    });
  });
}

/** ViT patch embedding: image float [B, C, H, W] → tokens [B, (H/p)·(W/p), d] via a stride-p conv. */
export function patchEmbed(x: Tensor, name: string, d: number, patch: number): Tensor {
  const y = conv2d(x, name, d, patch, { stride: patch });
  return y.reshape([0, d, -1]).transpose([0, 2, 1]);
}

/**
 * Pixel shuffle (Shi et al. 2016), ONNX DepthToSpace in CRD mode: float [B, C·f², H, W] → [B, C, H·f, W·f]
 * with out[b, c, h·f + i, w·f + j] = x[b, c·f² + i·f + j, h, w]. Built from Reshape and Transpose, so it
 * is differentiable; after a conv it upsamples without ConvTranspose.
 */
export function pixelShuffle(x: Tensor, factor: number): Tensor {
  const [h, w] = [x.dim(2), x.dim(3)];
  const c = x.dim(1) / (factor * factor);
  return x
    .reshape([0, c, factor, factor, h, w])
    .transpose([0, 1, 4, 2, 5, 3])
    .reshape([0, c, h * factor, w * factor]);
}

/** Lookup table: int64 ids [...] → float [..., d]; param `<name>.weight` [vocab, d] ~ N(0, 1). */
export function embedding(ids: Tensor, name: string, vocab: number, d: number, std = 1): Tensor {
  const b = ids.b;
  return b.scope(name, () =>
    b.op1('Gather', [b.param('weight', [vocab, d], { kind: 'normal', std }), ids], { axis: attr.int(0) }),
  );
}

/** Concatenation along an axis. */
export function concat(parts: Tensor[], axis: number): Tensor {
  return parts[0].b.op1('Concat', parts, { axis: attr.int(axis) });
}

/** Mean squared error over every element, a scalar: mean((pred − target)²). */
export function mseLoss(pred: Tensor, target: Tensor): Tensor {
  const diff = pred.sub(target);
  return diff.mul(diff).mean();
}

/** Cross-entropy with one-hot (or soft) targets, a scalar: mean over rows of −Σ target·log_softmax(logits). */
export function crossEntropyLoss(logits: Tensor, target: Tensor): Tensor {
  return logits.logSoftmax(-1).mul(target).sum([-1]).mean().neg();
}
