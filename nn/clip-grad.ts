import type { TensorData } from './graph.ts';

/**
 * Scales gradients in place so their global L2 norm is at most `maxNorm` (as torch.nn.utils.clip_grad_norm_)
 * and returns the norm before clipping.
 */
export function clipGradNorm(grads: Iterable<TensorData>, maxNorm: number): number {
  const list = [...grads];
  let sum = 0;
  for (const g of list) {
    const d = g.data as Float32Array;
    for (let i = 0; i < d.length; i++) sum += d[i] * d[i];
  }
  const norm = Math.sqrt(sum);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    for (const g of list) {
      const d = g.data as Float32Array;
      for (let i = 0; i < d.length; i++) d[i] *= coef;
    }
  }
  return norm;
}
