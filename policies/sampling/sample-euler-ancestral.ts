import { denoiseAt, type Sampler, stepTowardDenoised } from './sampler.ts';

/** Euler ancestral with η = 1: a deterministic step down to σ_down, then fresh noise of size σ_up. */
export const sampleEulerAncestral: Sampler = async ({ x, sigmas, denoise, batch, noise }) => {
  const fresh = new Float32Array(x.length);
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const sigma = sigmas[i];
    const sigmaNext = sigmas[i + 1];
    // k-diffusion get_ancestral_step: σ_up² + σ_down² = σ_next²
    const sigmaUp = Math.min(
      sigmaNext,
      Math.sqrt((sigmaNext * sigmaNext * (sigma * sigma - sigmaNext * sigmaNext)) / (sigma * sigma)),
    );
    const sigmaDown = Math.sqrt(sigmaNext * sigmaNext - sigmaUp * sigmaUp);
    const denoised = await denoiseAt(denoise, x, sigma, batch);
    stepTowardDenoised(x, denoised, sigmaDown / sigma);
    if (sigmaNext > 0) {
      noise(fresh);
      for (let k = 0; k < x.length; k++) x[k] += sigmaUp * fresh[k];
    }
  }
  return x;
};
