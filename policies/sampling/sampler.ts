import { checkDenoiserOutput, type Denoise } from './denoiser.ts';

/** Everything one sampling run needs; x is float32 [batch, H, A], already noised to σ_0. */
export interface SamplerInput {
  /** Updated in place and returned. */
  x: Float32Array;
  /** float64 [n + 1], decreasing, last entry 0. */
  sigmas: Float64Array;
  denoise: Denoise;
  batch: number;
  /** Fills a [batch, H, A] array with N(0, 1), row b drawn from request b's own RNG. */
  noise: (out: Float32Array) => Float32Array;
}

/** A sampler integrates x from σ_0 down to 0 and resolves to the sample (float32 [batch, H, A]). */
export type Sampler = (input: SamplerInput) => Promise<Float32Array>;

/** Calls the denoiser with every row at the same σ and checks the output size. */
export async function denoiseAt(
  denoise: Denoise,
  x: Float32Array,
  sigma: number,
  batch: number,
): Promise<Float32Array> {
  const denoised = await denoise(x, new Float32Array(batch).fill(sigma), batch);
  checkDenoiserOutput(denoised, x.length, batch);
  return denoised;
}

/** Moves x in place to r·x + (1 − r)·D, the Euler/DDIM update for r = σ_next/σ. */
export function stepTowardDenoised(x: Float32Array, denoised: Float32Array, ratio: number): void {
  // x + (σ_next − σ)(x − D)/σ rearranged, so ratio 0 (σ_next = 0) yields D exactly.
  for (let k = 0; k < x.length; k++) x[k] = ratio * x[k] + (1 - ratio) * denoised[k];
}
