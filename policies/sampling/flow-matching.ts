import type { Rng } from '../../common/rng.ts';
import { PolicyError } from '../policy-error.ts';
import { checkDenoiserOutput } from './denoiser.ts';
import { createRowNoise } from './row-noise.ts';

/**
 * A flow-matching velocity field v(x, τ): x float32 [batch, ...row] row-major, taus float32 [batch]
 * (one τ per row); resolves to a NEW float32 array shaped like x that the caller may keep.
 * Convention (METHODS.md, rectified flow): x_τ = (1 − τ)·noise + τ·data, trained on v = data − noise.
 */
export type Velocity = (x: Float32Array, taus: Float32Array, batch: number) => Promise<Float32Array>;

/** B independent requests integrated together: one RNG per request and the velocity field they share. */
export interface FlowSampleBatch {
  velocity: Velocity;
  /** One generator per request; B = rngs.length. Request b's noise comes from rngs[b] only. */
  rngs: readonly Rng[];
  /** Values per request (e.g. F·Z imagined latents or H·A actions). */
  rowSize: number;
}

/**
 * Draws one sample per request: x ~ N(0, I) at τ = 0 from each request's RNG, then `steps` Euler steps
 * x ← x + (1/N)·v(x, i/N), i = 0..N−1, to τ = 1 (data); resolves to float32 [B, rowSize].
 */
export async function sampleFlow(batch: FlowSampleBatch, steps: number): Promise<Float32Array> {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new PolicyError('BAD_SAMPLER_OPTIONS', `flowSteps: expected an integer ≥ 1, got ${steps}`);
  }
  const requests = batch.rngs.length;
  const x = createRowNoise(batch.rngs, batch.rowSize)(new Float32Array(requests * batch.rowSize));
  if (requests === 0) return x;
  const dt = 1 / steps;
  for (let i = 0; i < steps; i++) {
    const velocity = await batch.velocity(x, new Float32Array(requests).fill(i * dt), requests);
    checkDenoiserOutput(velocity, x.length, requests, 'velocity output');
    for (let k = 0; k < x.length; k++) x[k] += dt * velocity[k];
  }
  return x;
}

/**
 * One flow-matching training pair at flow time τ (same convention as `sampleFlow`): for each clean
 * value x and fresh ε ~ N(0, 1) from `rng`, writes x_τ = (1 − τ)·ε + τ·x into `noisy` and the target
 * velocity x − ε into `target`, both starting at `offset`.
 */
export function writeFlowTrainingPair(
  clean: ArrayLike<number>,
  tau: number,
  rng: Rng,
  noisy: Float32Array,
  target: Float32Array,
  offset: number,
): void {
  for (let k = 0; k < clean.length; k++) {
    const noise = rng.normal();
    noisy[offset + k] = (1 - tau) * noise + tau * clean[k];
    target[offset + k] = clean[k] - noise;
  }
}

/** How training draws the flow time τ of a sample. */
export const FLOW_TIME_DRAWS = ['uniform', 'noisy'] as const;

/** One of {@link FLOW_TIME_DRAWS}. */
export type FlowTimeDraw = (typeof FLOW_TIME_DRAWS)[number];

/**
 * A training flow time τ from `u` ~ U(0, 1): 'uniform' is u itself; 'noisy' is π0's emphasis on noisy
 * times (Black et al. 2024), τ = 0.999·(1 − x) with x ~ Beta(1.5, 1), drawn by inverting its CDF
 * x^1.5, so density ∝ (1 − τ/0.999)^0.5 on [0, 0.999]: the noisy end, where the condition decides
 * which mode a sample heads for, gets the most training.
 */
export function drawFlowTime(draw: FlowTimeDraw, u: number): number {
  return draw === 'uniform' ? u : NOISY_TIME_MAX * (1 - u ** (2 / 3));
}

/** π0's s: the largest 'noisy' flow time, so no sample is trained at the clean data itself. */
const NOISY_TIME_MAX = 0.999;
