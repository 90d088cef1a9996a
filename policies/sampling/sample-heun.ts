import { denoiseAt, type Sampler, stepTowardDenoised } from './sampler.ts';

/** Heun's 2nd-order method: an Euler predictor, then the mean of the slopes at σ_i and σ_{i+1}. */
export const sampleHeun: Sampler = async ({ x, sigmas, denoise, batch }) => {
  // Karras et al. 2022, Algorithm 1 (deterministic); the corrector is skipped when σ_{i+1} = 0
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const sigma = sigmas[i];
    const sigmaNext = sigmas[i + 1];
    const denoised = await denoiseAt(denoise, x, sigma, batch);
    if (sigmaNext === 0) {
      stepTowardDenoised(x, denoised, 0);
      continue;
    }
    const predicted = x.slice();
    stepTowardDenoised(predicted, denoised, sigmaNext / sigma);
    const denoisedNext = await denoiseAt(denoise, predicted, sigmaNext, batch);
    const halfStep = (sigmaNext - sigma) / 2;
    for (let k = 0; k < x.length; k++) {
      const slope = (x[k] - denoised[k]) / sigma;
      const slopeNext = (predicted[k] - denoisedNext[k]) / sigmaNext;
      x[k] += halfStep * (slope + slopeNext);
    }
  }
  return x;
};
