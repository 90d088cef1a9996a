import { PolicyError } from '../policy-error.ts';
import { SCHEDULE_NAMES, type ScheduleOptions } from './noise-schedule.ts';
import { SAMPLER_NAMES, type SamplerName } from './samplers.ts';

/** How to draw one action chunk: which sampler walks which schedule, and the guidance scale λ. */
export interface SamplerOptions extends ScheduleOptions {
  sampler: SamplerName;
  /**
   * Classifier-free guidance λ. BESO: 0 goal-free, 1 goal-conditioned, above 1 goal emphasised.
   * Act2Goal (world-model guidance): 0 the action expert ignores the imagined plan (zeroed context),
   * 1 it reads the plan as trained, in between a blend of the two velocities.
   */
  guidance: number;
  /**
   * Act2Goal: Euler steps of the world model's flow over the imagined latents (its action expert takes
   * `steps` Euler steps, equal ones from pure noise; an EDM-preconditioned expert takes them on the
   * schedule's σ, which is DDIM; the sampler name does not apply). BESO ignores it.
   */
  worldModelSteps: number;
  /**
   * Act2Goal: the smallest goal distance K a plan uses when the goal-steps head predicts K. K sets
   * the imagined plan's pace, which the action expert follows (BENCHMARKS.md). BESO ignores it.
   */
  minGoalSteps: number;
}

/** BESO's rollout defaults: 3 DDIM steps on an exponential schedule from σ_max = 1 (Kitchen σ_min). */
export const DEFAULT_SAMPLER_OPTIONS: Readonly<SamplerOptions> = Object.freeze({
  sampler: 'ddim',
  schedule: 'exponential',
  steps: 3,
  sigmaMin: 0.005,
  sigmaMax: 1,
  rho: 5,
  guidance: 1,
  worldModelSteps: 10,
  minGoalSteps: 1,
});

/** σ_min in the manifests `goalserve train` writes for EDM denoisers (BESO's and an EDM-preconditioned Act2Goal expert's). */
export const TRAINED_SIGMA_MIN = 0.05;

const MAX_STEPS = 1000;

/** Fills defaults into partial options and checks every field, throwing BAD_SAMPLER_OPTIONS naming the field. */
export function validateSamplerOptions(partial: Partial<SamplerOptions> = {}): SamplerOptions {
  for (const key of Object.keys(partial)) {
    if (!Object.hasOwn(DEFAULT_SAMPLER_OPTIONS, key)) {
      fail(key, `one of ${Object.keys(DEFAULT_SAMPLER_OPTIONS).join(', ')}`, 'an unknown option');
    }
  }
  const options: SamplerOptions = { ...DEFAULT_SAMPLER_OPTIONS };
  for (const [key, value] of Object.entries(partial)) {
    if (value !== undefined) Object.assign(options, { [key]: value });
  }
  expectOneOf('sampler', options.sampler, SAMPLER_NAMES);
  expectOneOf('schedule', options.schedule, SCHEDULE_NAMES);
  for (const field of ['steps', 'worldModelSteps', 'minGoalSteps'] as const) {
    const value = options[field];
    if (!Number.isInteger(value) || value < 1 || value > MAX_STEPS) {
      fail(field, `an integer in [1, ${MAX_STEPS}]`, describe(value));
    }
  }
  expectFinite('sigmaMin', options.sigmaMin, 0);
  expectFinite('sigmaMax', options.sigmaMax, options.sigmaMin);
  expectFinite('rho', options.rho, 0);
  if (!Number.isFinite(options.guidance) || options.guidance < 0) {
    fail('guidance', 'a finite number ≥ 0', describe(options.guidance));
  }
  return options;
}

function expectOneOf(field: string, value: unknown, allowed: readonly string[]): void {
  if (!allowed.includes(value as string)) fail(field, `one of ${allowed.join(', ')}`, describe(value));
}

function expectFinite(field: string, value: unknown, exclusiveMin: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= exclusiveMin) {
    fail(field, `a finite number > ${exclusiveMin}`, describe(value));
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function fail(field: string, expected: string, got: string): never {
  throw new PolicyError('BAD_SAMPLER_OPTIONS', `samplerOptions.${field}: expected ${expected}, got ${got}`);
}
