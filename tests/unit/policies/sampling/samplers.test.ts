import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../../../../common/rng.ts';
import type { GoalDenoise } from '../../../../policies/sampling/denoiser.ts';
import { sampleActions } from '../../../../policies/sampling/sample-actions.ts';
import { validateSamplerOptions } from '../../../../policies/sampling/sampler-options.ts';
import { SAMPLER_NAMES, type SamplerName } from '../../../../policies/sampling/samplers.ts';
import { createGaussianDenoiser, type GaussianData } from './gaussian-denoiser.ts';

const requests = 512;
const horizon = 16;
const actionDim = 2;
// σ_max = 80 makes the N(0, σ_max²) start a negligible approximation of the true N(μ, s² + σ_max²).
const wide = { schedule: 'karras', rho: 7, sigmaMin: 0.002, sigmaMax: 80 } as const;
const rngsFor = (seed: number) => Array.from({ length: requests }, (_, b) => createRng(deriveSeed(seed, b)));

async function sample(sampler: SamplerName, steps: number, data: GaussianData, seed = 7) {
  const options = validateSamplerOptions({ ...wide, sampler, steps });
  return sampleActions(
    { denoise: createGaussianDenoiser(data), rngs: rngsFor(seed), horizon, actionDim },
    options,
  );
}

/** Endpoint of the probability-flow ODE for Gaussian data started at x = σ_max·z: μ + (σ_max·z − μ)·s/√(s² + σ_max²). */
function exactOdeEndpoints(data: GaussianData, seed: number): Float64Array {
  const exact = new Float64Array(requests * horizon * actionDim);
  for (let b = 0; b < requests; b++) {
    const z = createRng(deriveSeed(seed, b)).fillNormal(new Float64Array(horizon * actionDim));
    z.forEach((value, k) => {
      const { mean, std } = { mean: data.mean[k % actionDim], std: data.std[k % actionDim] };
      exact[b * z.length + k] =
        mean + ((wide.sigmaMax * value - mean) * std) / Math.hypot(std, wide.sigmaMax);
    });
  }
  return exact;
}

const dataSets: Record<string, GaussianData> = {
  's = σ_d = 0.5': { mean: [0.3, -0.7], std: [0.5, 0.5] },
  's = 1.3 and 0.2': { mean: [0.3, -0.7], std: [1.3, 0.2] },
};
// Enough steps for each sampler's discretisation error to sit well inside the tolerance.
const stepsFor: Record<SamplerName, number> = {
  ddim: 400,
  'euler-ancestral': 400,
  heun: 100,
  'dpm-solver-2m': 100,
};

describe.each(SAMPLER_NAMES)('%s sampler', (sampler) => {
  it.each(Object.keys(dataSets))('matches the mean and std of Gaussian data with %s', async (name) => {
    const data = dataSets[name];
    const samples = await sample(sampler, stepsFor[sampler], data);
    const count = requests * horizon;
    for (let j = 0; j < actionDim; j++) {
      let sum = 0;
      let sumSquares = 0;
      for (let k = j; k < samples.length; k += actionDim) {
        sum += samples[k];
        sumSquares += samples[k] ** 2;
      }
      const mean = sum / count;
      const std = Math.sqrt(sumSquares / count - mean ** 2);
      // 8192 samples per dimension: 4 standard errors are 0.044 s (mean) and 3% (std).
      expect(Math.abs(mean - data.mean[j]) / data.std[j]).toBeLessThan(0.06);
      expect(Math.abs(std / data.std[j] - 1)).toBeLessThan(0.05);
    }
  });

  it('returns the last denoised value exactly', async () => {
    const outputs: Float32Array[] = [];
    const gaussian = createGaussianDenoiser(dataSets['s = σ_d = 0.5']);
    const recording: GoalDenoise = async (...args) => {
      outputs.push(await gaussian(...args));
      return outputs[outputs.length - 1];
    };
    const options = validateSamplerOptions({ sampler, steps: 3 });
    const samples = await sampleActions(
      { denoise: recording, rngs: rngsFor(1), horizon, actionDim },
      options,
    );
    expect(samples).toEqual(outputs[outputs.length - 1]);
  });
});

describe('deterministic samplers', () => {
  const data = dataSets['s = 1.3 and 0.2'];
  const exact = exactOdeEndpoints(data, 7);
  const maxError = (samples: Float32Array) =>
    samples.reduce((max, value, k) => Math.max(max, Math.abs(value - exact[k]) / data.std[k % actionDim]), 0);

  it.each([
    ['ddim', 1],
    ['heun', 2],
    ['dpm-solver-2m', 2],
  ] as const)('%s converges to the exact ODE solution with order %i', async (sampler, order) => {
    const coarse = maxError(await sample(sampler, 100, data));
    const fine = maxError(await sample(sampler, 200, data));
    expect(fine).toBeLessThan(order === 1 ? 0.07 : 0.002);
    // Halving the step size divides a p-th order method's error by about 2^p.
    expect(Math.log2(coarse / fine)).toBeGreaterThan(order - 0.3);
    expect(Math.log2(coarse / fine)).toBeLessThan(order + 0.6);
  });

  it('heun evaluates the denoiser 2n − 1 times: no corrector at σ = 0', async () => {
    let calls = 0;
    const gaussian = createGaussianDenoiser(data);
    const counting: GoalDenoise = (...args) => {
      calls++;
      return gaussian(...args);
    };
    const options = validateSamplerOptions({ sampler: 'heun', steps: 5 });
    await sampleActions({ denoise: counting, rngs: rngsFor(1), horizon, actionDim }, options);
    expect(calls).toBe(9);
  });
});
