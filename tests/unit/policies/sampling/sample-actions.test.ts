import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../../../../common/rng.ts';
import { PolicyError } from '../../../../policies/policy-error.ts';
import type { GoalDenoise } from '../../../../policies/sampling/denoiser.ts';
import { sampleActions } from '../../../../policies/sampling/sample-actions.ts';
import { validateSamplerOptions } from '../../../../policies/sampling/sampler-options.ts';
import { SAMPLER_NAMES } from '../../../../policies/sampling/samplers.ts';
import { createGaussianDenoiser } from './gaussian-denoiser.ts';

const horizon = 4;
const actionDim = 3;
const rowSize = horizon * actionDim;
const denoise = createGaussianDenoiser(
  { mean: [0.2, -0.4, 0.6], std: [0.5, 0.5, 0.5] },
  { mean: [0, 0, 0], std: [0.5, 0.5, 0.5] },
);
const rngsFor = (seeds: number[]) => seeds.map((seed) => createRng(deriveSeed(42, seed)));

describe('sampleActions', () => {
  it('returns float32 [B, H, A] and calls the denoiser once per DDIM step', async () => {
    let calls = 0;
    const counting: GoalDenoise = (...args) => {
      calls++;
      return denoise(...args);
    };
    const actions = await sampleActions(
      { denoise: counting, rngs: rngsFor([1, 2]), horizon, actionDim },
      validateSamplerOptions({ steps: 3, guidance: 2 }),
    );
    expect(actions).toBeInstanceOf(Float32Array);
    expect(actions).toHaveLength(2 * rowSize);
    expect(calls).toBe(3);
  });

  it('starts from N(0, σ_max²) drawn from each request’s own RNG', async () => {
    const sigmaMax = 3;
    const starts: Float32Array[] = [];
    const recording: GoalDenoise = (x, ...rest) => {
      starts.push(x.slice());
      return denoise(x, ...rest);
    };
    const options = validateSamplerOptions({ steps: 1, sigmaMax });
    await sampleActions({ denoise: recording, rngs: rngsFor([8, 9]), horizon, actionDim }, options);
    const expected = [8, 9].flatMap((seed) =>
      Array.from(rngsFor([seed])[0].fillNormal(new Float32Array(rowSize))),
    );
    starts[0].forEach((value, k) => {
      expect(value).toBeCloseTo(sigmaMax * expected[k], 5);
    });
  });

  it('returns an empty chunk for an empty batch without calling the denoiser', async () => {
    const never: GoalDenoise = () => Promise.reject(new Error('called'));
    const actions = await sampleActions(
      { denoise: never, rngs: [], horizon, actionDim },
      validateSamplerOptions(),
    );
    expect(actions).toHaveLength(0);
  });

  it.each(SAMPLER_NAMES)('%s is deterministic for a seed and differs across seeds', async (sampler) => {
    const options = validateSamplerOptions({ sampler, steps: 5, guidance: 1.5 });
    const draw = (seeds: number[]) =>
      sampleActions({ denoise, rngs: rngsFor(seeds), horizon, actionDim }, options);
    expect(await draw([5, 6])).toEqual(await draw([5, 6]));
    expect(await draw([5])).not.toEqual(await draw([7]));
  });

  it.each(SAMPLER_NAMES)('%s gives a request the same sample alone or in a batch of 5', async (sampler) => {
    const options = validateSamplerOptions({ sampler, steps: 5, guidance: 1.5 });
    const alone = await sampleActions({ denoise, rngs: rngsFor([3]), horizon, actionDim }, options);
    const batched = await sampleActions(
      { denoise, rngs: rngsFor([10, 11, 12, 3, 13]), horizon, actionDim },
      options,
    );
    expect(batched.subarray(3 * rowSize, 4 * rowSize)).toEqual(alone);
  });

  it('rejects a denoiser output of the wrong size with MODEL_IO_MISMATCH', async () => {
    const wrong: GoalDenoise = async () => new Float32Array(5);
    await expect(
      sampleActions({ denoise: wrong, rngs: rngsFor([1]), horizon, actionDim }, validateSamplerOptions()),
    ).rejects.toSatisfy((error) => error instanceof PolicyError && error.code === 'MODEL_IO_MISMATCH');
  });
});
