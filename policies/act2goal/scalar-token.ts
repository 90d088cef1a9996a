import { linear, silu } from '../../nn/layers.ts';
import type { Tensor } from '../../nn/tensor.ts';
import { TOKEN_INIT } from './transformer-block.ts';

/**
 * One token per row from a scalar such as the flow time τ: float [B] → [B, 1, d] by Linear(1→d), SiLU,
 * Linear(d→d). The first layer keeps torch's default init (U(−1, 1) for fan-in 1) so that its d
 * features bend at different values of the scalar from the start.
 */
export function scalarToken(values: Tensor, name: string, d: number): Tensor {
  return values.b.scope(name, () => {
    const hidden = silu(linear(values.unsqueeze([1, 2]), 'fc', d));
    return linear(hidden, 'proj', d, { init: TOKEN_INIT });
  });
}
