import { attention, gelu, layerNorm, linear } from '../../nn/layers.ts';
import type { Tensor } from '../../nn/tensor.ts';

/** GPT-2 style N(0, 0.02) init of the blocks' and token embeddings' linear weights. */
export const TOKEN_INIT = { kind: 'normal', std: 0.02 } as const;

/** Options of one transformer block. */
export interface BlockOptions {
  heads: number;
  /** float [B, S, dc] tokens to cross-attend to after self-attention; none: a plain encoder block. */
  context?: Tensor;
  /** float [T, T] additive self-attention mask (0 to attend, −1e9 not to); none: every token attends to every token. */
  mask?: Tensor;
}

/**
 * Pre-LayerNorm transformer block over float [B, T, d] tokens, bidirectional unless masked: x += SelfAttn(LN x);
 * with a context, x += CrossAttn(LN x, LN context) (queries from x, keys and values from the context,
 * as in the decoder of Vaswani et al. 2017); then x += MLP(LN x) with a 4d exact-GELU hidden layer.
 */
export function transformerBlock(x: Tensor, name: string, options: BlockOptions): Tensor {
  const d = x.dim(-1);
  return x.b.scope(name, () => {
    let y = x.add(
      attention(layerNorm(x, 'ln_self'), 'self_attn', { heads: options.heads, mask: options.mask }),
    );
    if (options.context !== undefined) {
      const context = layerNorm(options.context, 'ln_context');
      y = y.add(attention(layerNorm(y, 'ln_cross'), 'cross_attn', { heads: options.heads, context }));
    }
    const hidden = gelu(linear(layerNorm(y, 'ln_mlp'), 'fc', 4 * d, { init: TOKEN_INIT }));
    return y.add(linear(hidden, 'proj', d, { init: TOKEN_INIT }));
  });
}
