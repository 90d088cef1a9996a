import { GraphBuilder, type Model } from '../nn/builder.ts';
import type { Dim } from '../nn/graph.ts';
import { attention, gelu, layerNorm, linear, mseLoss } from '../nn/layers.ts';

/** Sizes of the benchmark transformer (the BESO denoiser scale). */
export interface DenoiserSize {
  d: number;
  layers: number;
  heads: number;
  tokens: number;
  inFeatures: number;
  outFeatures: number;
}

/** The default benchmark size: d=128, 4 layers, 4 heads, 16 tokens. */
export const besoSize: DenoiserSize = {
  d: 128,
  layers: 4,
  heads: 4,
  tokens: 16,
  inFeatures: 32,
  outFeatures: 8,
};

/**
 * A minGPT-style causal transformer: tokens float [B, T, in] → input linear → pre-LN blocks (causal
 * attention, MLP 4d with exact GELU) → final LayerNorm → linear head [B, T, out]; `loss` = MSE to `target`.
 */
export function buildDenoiser(size: DenoiserSize, batch: Dim, seed = 0, withLoss = true): Model {
  const b = new GraphBuilder('denoiser', { seed });
  const x = b.input('tokens', [batch, size.tokens, size.inFeatures]);
  const init = { kind: 'normal', std: 0.02 } as const;
  let h = linear(x, 'embed', size.d, { init });
  for (let i = 0; i < size.layers; i++) {
    b.scope(`blocks.${i}`, () => {
      h = h.add(attention(layerNorm(h, 'ln1'), 'attn', { heads: size.heads, causal: true }));
      h = h.add(
        linear(gelu(linear(layerNorm(h, 'ln2'), 'fc', 4 * size.d, { init })), 'proj', size.d, { init }),
      );
    });
  }
  const out = b.output('pred', linear(layerNorm(h, 'ln_f'), 'head', size.outFeatures, { init }));
  if (withLoss) b.output('loss', mseLoss(out, b.input('target', [batch, size.tokens, size.outFeatures])));
  return b.build();
}
