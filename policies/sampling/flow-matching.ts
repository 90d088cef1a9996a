import type { Rng } from '../../common/rng.ts';
import { PolicyError } from '../policy-error.ts';
import { checkDenoiserOutput } from './denoiser.ts';
import { createNoiseSchedule, type ScheduleOptions } from './noise-schedule.ts';
import { createRowNoise } from './row-noise.ts';
import { BESO_TRAINING_SIGMA_BOUNDS, createTrainingSigmaQuantile } from './training-sigma.ts';

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

/** One Euler step of a flow: evaluate the velocity at flow time `tau`, move by `dt`. */
export interface FlowStep {
  tau: number;
  dt: number;
}

/**
 * Draws one sample per request along `steps` (e.g. {@link uniformFlowSteps}), which run from τ_0 ≥ 0
 * to τ = 1: x = (1 − τ_0)·ε with ε ~ N(0, I) from each request's RNG (the flow's x_τ0 with the data at
 * its mean 0), then x ← x + dt·v(x, τ) for each step; resolves to float32 [B, rowSize].
 */
export async function sampleFlow(batch: FlowSampleBatch, steps: readonly FlowStep[]): Promise<Float32Array> {
  checkFlowSteps(steps);
  const requests = batch.rngs.length;
  const x = createRowNoise(batch.rngs, batch.rowSize)(new Float32Array(requests * batch.rowSize));
  if (requests === 0) return x;
  const start = steps[0].tau;
  if (start !== 0) for (let k = 0; k < x.length; k++) x[k] *= 1 - start;
  for (const { tau, dt } of steps) {
    const velocity = await batch.velocity(x, new Float32Array(requests).fill(tau), requests);
    checkDenoiserOutput(velocity, x.length, requests, 'velocity output');
    for (let k = 0; k < x.length; k++) x[k] += dt * velocity[k];
  }
  return x;
}

/** N equal Euler steps from pure noise: τ = i/N, dt = 1/N, i = 0..N − 1. */
export function uniformFlowSteps(steps: number): FlowStep[] {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new PolicyError('BAD_SAMPLER_OPTIONS', `flowSteps: expected an integer ≥ 1, got ${steps}`);
  }
  const dt = 1 / steps;
  return Array.from({ length: steps }, (_, i) => ({ tau: i * dt, dt }));
}

/**
 * Euler steps between a noise schedule's σ_0 > … > σ_{N−1} > σ_N = 0 in flow time, τ_i = 1/(1 + σ_i)
 * (x_τ/τ = data + σ·noise), so the last ends at τ = 1: an x-predicting flow's Euler steps on these
 * times are DDIM's steps on the σ.
 */
export function scheduleFlowSteps(schedule: ScheduleOptions): FlowStep[] {
  const taus = Array.from(createNoiseSchedule(schedule), (sigma) => 1 / (1 + sigma));
  return taus.slice(0, -1).map((tau, i) => ({ tau, dt: taus[i + 1] - tau }));
}

/** Rounding allowed where a step ends and the next begins, and between where the last ends and τ = 1. */
const FLOW_END_TOLERANCE = 1e-9;

function checkFlowSteps(steps: readonly FlowStep[]): void {
  const end = steps.length === 0 ? 0 : steps[steps.length - 1].tau + steps[steps.length - 1].dt;
  const chained = steps.every(
    ({ tau, dt }, i) =>
      dt > 0 &&
      (i === 0 ? tau >= 0 : Math.abs(tau - (steps[i - 1].tau + steps[i - 1].dt)) <= FLOW_END_TOLERANCE),
  );
  if (steps.length === 0 || !chained || !(Math.abs(end - 1) <= FLOW_END_TOLERANCE)) {
    throw new PolicyError(
      'BAD_SAMPLER_OPTIONS',
      `flowSteps: expected steps from τ ≥ 0, each starting where the last ended, to τ = 1, got ${JSON.stringify(steps)}`,
    );
  }
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
export const FLOW_TIME_DRAWS = ['uniform', 'noisy', 'edm'] as const;

/** One of {@link FLOW_TIME_DRAWS}. */
export type FlowTimeDraw = (typeof FLOW_TIME_DRAWS)[number];

/**
 * A training flow time τ from `u` ~ U(0, 1): 'uniform' is u itself; 'noisy' is π0's emphasis on noisy
 * times (Black et al. 2024), τ = 0.999·(1 − x) with x ~ Beta(1.5, 1), drawn by inverting its CDF
 * x^1.5, so density ∝ (1 − τ/0.999)^0.5 on [0, 0.999]: the noisy end, where the condition decides
 * which mode a sample heads for, gets the most training. 'edm' is BESO's training noise level in flow
 * time: τ = 1/(1 + σ), σ log-logistic around σ_d = 0.5 on [0.001, 80], so τ lies mostly between 0.35
 * and 0.9 (x_τ/τ = data + σ·noise).
 */
export function drawFlowTime(draw: FlowTimeDraw, u: number): number {
  if (draw === 'edm') return 1 / (1 + besoSigmaAt(u));
  return draw === 'uniform' ? u : NOISY_TIME_MAX * (1 - u ** (2 / 3));
}

const besoSigmaAt = createTrainingSigmaQuantile(BESO_TRAINING_SIGMA_BOUNDS);

/** π0's s: the largest 'noisy' flow time, so no sample is trained at the clean data itself. */
const NOISY_TIME_MAX = 0.999;
