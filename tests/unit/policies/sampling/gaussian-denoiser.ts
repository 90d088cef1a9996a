import type { GoalDenoise } from '../../../../policies/sampling/denoiser.ts';

/** Per-dimension Gaussian data N(mean[j], std[j]²) over the last axis A of a [B, H, A] chunk. */
export interface GaussianData {
  mean: readonly number[];
  std: readonly number[];
}

/**
 * The exact denoiser of Gaussian data, D(x, σ) = μ + s²/(s² + σ²)·(x − μ), written from the
 * closed form rather than from the code under test; rows with goalMask 0 use `unconditional`.
 */
export function createGaussianDenoiser(conditional: GaussianData, unconditional = conditional): GoalDenoise {
  const actionDim = conditional.mean.length;
  return async (x, sigmas, batch, goalMask) => {
    const rowSize = x.length / batch;
    const out = new Float32Array(x.length);
    for (let b = 0; b < batch; b++) {
      const data = goalMask[b] === 1 ? conditional : unconditional;
      const sigma = sigmas[b];
      for (let k = b * rowSize; k < (b + 1) * rowSize; k++) {
        const j = k % actionDim;
        const variance = data.std[j] ** 2;
        out[k] = data.mean[j] + (variance / (variance + sigma * sigma)) * (x[k] - data.mean[j]);
      }
    }
    return out;
  };
}
