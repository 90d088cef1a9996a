import { denoiseAt, type Sampler, stepTowardDenoised } from './sampler.ts';

/** DPM-Solver++(2M): a DDIM step on D extrapolated linearly in t = −ln σ from the last two denoised values. */
export const sampleDpmSolver2m: Sampler = async ({ x, sigmas, denoise, batch }) => {
  // Lu et al. 2022 (DPM-Solver++), multistep 2nd order as in k-diffusion sample_dpmpp_2m
  let previous: Float32Array | undefined;
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const sigma = sigmas[i];
    const sigmaNext = sigmas[i + 1];
    const denoised = await denoiseAt(denoise, x, sigma, batch);
    const ratio = sigmaNext / sigma;
    if (previous === undefined || sigmaNext === 0) {
      stepTowardDenoised(x, denoised, ratio);
    } else {
      const h = Math.log(sigma / sigmaNext);
      const hLast = Math.log(sigmas[i - 1] / sigma);
      const weight = 1 / (2 * (hLast / h));
      const extrapolated = new Float32Array(x.length);
      for (let k = 0; k < x.length; k++) extrapolated[k] = (1 + weight) * denoised[k] - weight * previous[k];
      stepTowardDenoised(x, extrapolated, ratio);
    }
    previous = denoised;
  }
  return x;
};
