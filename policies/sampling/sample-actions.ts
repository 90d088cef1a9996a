import type { Rng } from '../../common/rng.ts';
import { guideDenoiser } from './classifier-free-guidance.ts';
import type { GoalDenoise } from './denoiser.ts';
import { createNoiseSchedule } from './noise-schedule.ts';
import { createRowNoise } from './row-noise.ts';
import type { SamplerOptions } from './sampler-options.ts';
import { SAMPLERS } from './samplers.ts';

/** B independent requests sampled together: one RNG per request and the denoiser they share. */
export interface ActionSampleBatch {
  denoise: GoalDenoise;
  /** One generator per request; B = rngs.length. Request b's noise comes from rngs[b] only. */
  rngs: readonly Rng[];
  /** Actions per chunk, H. */
  horizon: number;
  /** Values per action, A. */
  actionDim: number;
}

/**
 * Draws one action chunk per request: x ~ N(0, σ_max²·I) from each request's RNG, then the chosen
 * sampler with guidance; resolves to float32 [B, H, A] row-major in the denoiser's (normalised) units.
 */
export async function sampleActions(
  batch: ActionSampleBatch,
  options: SamplerOptions,
): Promise<Float32Array> {
  const requests = batch.rngs.length;
  const rowSize = batch.horizon * batch.actionDim;
  const x = new Float32Array(requests * rowSize);
  if (requests === 0) return x;
  const sigmas = createNoiseSchedule(options);
  const noise = createRowNoise(batch.rngs, rowSize);
  noise(x);
  for (let k = 0; k < x.length; k++) x[k] *= sigmas[0];
  return SAMPLERS[options.sampler]({
    x,
    sigmas,
    denoise: guideDenoiser(batch.denoise, options.guidance),
    batch: requests,
    noise,
  });
}
