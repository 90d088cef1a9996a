import { denoiseAt, type Sampler, stepTowardDenoised } from './sampler.ts';

/** DDIM, identical to deterministic Euler on the probability-flow ODE: x ← r·x + (1 − r)·D, r = σ_{i+1}/σ_i. */
export const sampleDdim: Sampler = async ({ x, sigmas, denoise, batch }) => {
  // Song et al. 2021 (DDIM) in EDM form; Karras et al. 2022, Algorithm 1 without the corrector
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const denoised = await denoiseAt(denoise, x, sigmas[i], batch);
    stepTowardDenoised(x, denoised, sigmas[i + 1] / sigmas[i]);
  }
  return x;
};
