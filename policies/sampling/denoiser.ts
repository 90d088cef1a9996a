import { PolicyError } from '../policy-error.ts';

/**
 * A denoiser D(x; σ) as the samplers see it: x is float32 [batch, H, A] row-major, sigmas is
 * float32 [batch] (one σ per row); resolves to a NEW float32 [batch, H, A] array the caller may keep.
 */
export type Denoise = (x: Float32Array, sigmas: Float32Array, batch: number) => Promise<Float32Array>;

/**
 * A goal-conditioned denoiser: like {@link Denoise} plus goalMask uint8 [batch] (1 = the row's goal,
 * 0 = the null goal); row j belongs to request j mod R for R requests, so a doubled batch for
 * guidance stacks the conditional rows over the unconditional rows of the same requests.
 */
export type GoalDenoise = (
  x: Float32Array,
  sigmas: Float32Array,
  batch: number,
  goalMask: Uint8Array,
) => Promise<Float32Array>;

/** Throws MODEL_IO_MISMATCH unless a network's output (`what`, for the message) has the expected number of elements. */
export function checkDenoiserOutput(
  output: Float32Array,
  expectedLength: number,
  batch: number,
  what = 'denoiser output',
): void {
  if (!(output instanceof Float32Array) || output.length !== expectedLength) {
    const got = output instanceof Float32Array ? `${output.length} float32 values` : String(output);
    throw new PolicyError(
      'MODEL_IO_MISMATCH',
      `${what}: expected ${expectedLength} float32 values for batch ${batch}, got ${got}`,
    );
  }
}
