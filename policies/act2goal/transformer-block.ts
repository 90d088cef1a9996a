import { attention, gelu, layerNorm, linear } from '../../nn/layers.ts';
import { Tensor } from '../../nn/tensor.ts';
import { filled } from '../../nn/tensor-data.ts';

/** GPT-2 style N(0, 0.02) init of the blocks' and token embeddings' linear weights. */
export const TOKEN_INIT = { kind: 'normal', std: 0.02 } as const;

/** A cross-attention context known to be all zeros, `zeroWidth` features per token. */
export interface ZeroContext {
  zeroWidth: number;
}

/** Options of one transformer block. */
export interface BlockOptions {
  heads: number;
  /** float [B, S, dc] tokens to cross-attend to after self-attention; none: a plain encoder block. */
  context?: Tensor | ZeroContext;
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
    if (options.context !== undefined) y = y.add(crossAttention(y, options.context, options.heads));
    const hidden = gelu(linear(layerNorm(y, 'ln_mlp'), 'fc', 4 * d, { init: TOKEN_INIT }));
    return y.add(linear(hidden, 'proj', d, { init: TOKEN_INIT }));
  });
}

/**
 * CrossAttn(LN x, LN context) → float [B, T, d]. Over a {@link ZeroContext} every key and value is the
 * same row, so attention is uniform and gives every query the same output: that one row [1, 1, d],
 * computed from a single zero query and context token with the same parameters (the same function
 * and gradients at a fraction of the cost; the rows broadcast when added).
 */
function crossAttention(x: Tensor, context: Tensor | ZeroContext, heads: number): Tensor {
  if (context instanceof Tensor) {
    return attention(layerNorm(x, 'ln_cross'), 'cross_attn', {
      heads,
      context: layerNorm(context, 'ln_context'),
    });
  }
  const zeros = (width: number, hint: string) => x.b.constant(filled(x.dtype, [1, 1, width], 0), hint);
  return attention(layerNorm(zeros(x.dim(-1), 'zero_query'), 'ln_cross'), 'cross_attn', {
    heads,
    context: layerNorm(zeros(context.zeroWidth, 'zero_context'), 'ln_context'),
  });
}
