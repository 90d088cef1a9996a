import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../../../../common/rng.ts';
import type { PolicyError } from '../../../../policies/policy-error.ts';
import {
  drawFlowTime,
  sampleFlow,
  scheduleFlowSteps,
  uniformFlowSteps,
  type Velocity,
} from '../../../../policies/sampling/flow-matching.ts';
import { createNoiseSchedule } from '../../../../policies/sampling/noise-schedule.ts';
import { createRowNoise } from '../../../../policies/sampling/row-noise.ts';
import { sampleDdim } from '../../../../policies/sampling/sample-ddim.ts';
import { createGaussianDenoiser, type GaussianData } from './gaussian-denoiser.ts';

const requests = 512;
const rowSize = 32;
const dims = 2;
const data: GaussianData = { mean: [0.3, -0.7], std: [1.3, 0.2] };
const rngsFor = (seed: number, count = requests) =>
  Array.from({ length: count }, (_, b) => createRng(deriveSeed(seed, b)));

/**
 * The exact velocity of Gaussian data d ~ N(μ, s²) under x_τ = (1 − τ)·n + τ·d, n ~ N(0, 1):
 * v(x, τ) = E[d − n | x_τ = x]. (d − n, x_τ) is jointly Gaussian with E[d − n] = μ, E[x_τ] = τμ,
 * Var x_τ = (1 − τ)² + τ²s² =: σ(τ)² and Cov(d − n, x_τ) = τs² − (1 − τ), so
 *   v(x, τ) = μ + (τs² − (1 − τ))/σ(τ)²·(x − τμ).
 * Written from the closed form, per value j of each row (dimension j mod 2).
 */
const gaussianVelocity: Velocity = async (x, taus, batch) => {
  const out = new Float32Array(x.length);
  const perRow = x.length / batch;
  for (let k = 0; k < x.length; k++) {
    const tau = taus[Math.floor(k / perRow)];
    const { mu, s } = { mu: data.mean[k % dims], s: data.std[k % dims] };
    const variance = (1 - tau) ** 2 + tau ** 2 * s ** 2;
    out[k] = mu + ((tau * s ** 2 - (1 - tau)) / variance) * (x[k] - tau * mu);
  }
  return out;
};

/**
 * The ODE's exact endpoint from noise z: the flow x(τ) = τμ + σ(τ)·z solves dx/dτ = v (σ' = (τs² − (1 − τ))/σ
 * and z = (x − τμ)/σ), so x(1) = μ + s·z.
 */
function exactEndpoints(seed: number): Float64Array {
  const exact = new Float64Array(requests * rowSize);
  for (let b = 0; b < requests; b++) {
    const z = createRng(deriveSeed(seed, b)).fillNormal(new Float32Array(rowSize));
    z.forEach((value, k) => {
      exact[b * rowSize + k] = data.mean[k % dims] + data.std[k % dims] * value;
    });
  }
  return exact;
}

const sample = async (steps: number, seed = 7) =>
  sampleFlow({ velocity: gaussianVelocity, rngs: rngsFor(seed), rowSize }, uniformFlowSteps(steps));

async function meanAbsError(steps: number): Promise<number> {
  const exact = exactEndpoints(7);
  const got = await sample(steps);
  let sum = 0;
  for (let k = 0; k < got.length; k++) sum += Math.abs(got[k] - exact[k]);
  return sum / got.length;
}

function expectPolicyError(error: unknown, code: string, message: RegExp): void {
  expect((error as PolicyError).code).toBe(code);
  expect((error as Error).message).toMatch(message);
}

describe('flow-matching Euler sampler', () => {
  it('matches the mean and std of Gaussian data', async () => {
    const samples = await sample(200);
    const count = samples.length / dims;
    for (let j = 0; j < dims; j++) {
      let sum = 0;
      let sumSquares = 0;
      for (let k = j; k < samples.length; k += dims) {
        sum += samples[k];
        sumSquares += samples[k] ** 2;
      }
      const mean = sum / count;
      const std = Math.sqrt(sumSquares / count - mean ** 2);
      // 8192 samples per dimension: 4 standard errors are 0.044 s (mean) and 3% (std).
      expect(Math.abs(mean - data.mean[j]) / data.std[j]).toBeLessThan(0.05);
      expect(Math.abs(std / data.std[j] - 1)).toBeLessThan(0.04);
    }
  });

  it('converges to the exact ODE endpoint μ + s·z with many steps', async () => {
    // The mean error here is about 0.87/N (0.10 at N = 8), so 2000 steps sit at half the bound.
    expect(await meanAbsError(2000)).toBeLessThan(1e-3);
  });

  it('converges at first order: doubling N halves the error', async () => {
    const errors = await Promise.all([8, 16, 32, 64].map(meanAbsError));
    for (let i = 0; i + 1 < errors.length; i++) {
      const ratio = errors[i] / errors[i + 1];
      expect(ratio).toBeGreaterThan(1.8);
      expect(ratio).toBeLessThan(2.2);
    }
  });

  it('lands on the data mean in one step: x = z + v(z, 0) = z + (μ − z)', async () => {
    // At τ = 0, x_0 = n, so v(z, 0) = E[d] − z.
    const samples = await sample(1);
    samples.forEach((value, k) => {
      expect(value).toBeCloseTo(data.mean[k % dims], 6);
    });
  });

  it('calls the velocity at τ = i/N for every row, from 0 up to (N − 1)/N', async () => {
    const seen: number[][] = [];
    const recording: Velocity = async (x, taus, batch) => {
      seen.push(Array.from(taus));
      return gaussianVelocity(x, taus, batch);
    };
    await sampleFlow({ velocity: recording, rngs: rngsFor(1, 3), rowSize }, uniformFlowSteps(4));
    expect(seen).toEqual([0, 0.25, 0.5, 0.75].map((tau) => [tau, tau, tau]));
  });

  it("draws a request's sample from its own RNG, whatever its batch position", async () => {
    const seeds = [11, 12, 13];
    const run = (order: number[]) =>
      sampleFlow(
        { velocity: gaussianVelocity, rngs: order.map((s) => createRng(s)), rowSize },
        uniformFlowSteps(5),
      );
    const forward = await run(seeds);
    const reversed = await run([...seeds].reverse());
    const alone = await run([seeds[1]]);
    expect(reversed.subarray(2 * rowSize, 3 * rowSize)).toEqual(forward.subarray(0, rowSize));
    expect(alone).toEqual(forward.subarray(rowSize, 2 * rowSize));
  });

  it('returns an empty array for no requests without calling the velocity', async () => {
    const never: Velocity = async () => expect.fail('velocity called');
    const out = await sampleFlow({ velocity: never, rngs: [], rowSize }, uniformFlowSteps(3));
    expect(out).toEqual(new Float32Array(0));
  });

  it('names flowSteps when it is not a whole number ≥ 1', async () => {
    for (const steps of [0, 2.5, Number.NaN]) {
      const error = await sample(steps).catch((e: unknown) => e);
      expectPolicyError(error, 'BAD_SAMPLER_OPTIONS', /^flowSteps: expected an integer ≥ 1, got /);
    }
  });

  it('names flow steps that do not chain from τ ≥ 0 to 1', async () => {
    const bad = [
      [],
      [{ tau: 0, dt: 0.5 }],
      [{ tau: -0.1, dt: 1.1 }],
      [
        { tau: 0, dt: 0.5 },
        { tau: 0.6, dt: 0.4 },
      ],
      [
        { tau: 0, dt: 1.5 },
        { tau: 1.5, dt: -0.5 },
      ],
    ];
    for (const steps of bad) {
      const error = await sampleFlow(
        { velocity: gaussianVelocity, rngs: rngsFor(1, 1), rowSize },
        steps,
      ).catch((e: unknown) => e);
      expectPolicyError(
        error,
        'BAD_SAMPLER_OPTIONS',
        /^flowSteps: expected steps from τ ≥ 0, each starting where/,
      );
    }
  });

  it("walks BESO's σ schedule as DDIM does: Euler on τ = 1/(1 + σ) from (1 − τ_0)·ε", async () => {
    // An x-predicting flow's velocity (D(x_τ/τ, σ) − x_τ)/(1 − τ) at σ = (1 − τ)/τ, with the exact
    // Gaussian denoiser D, against DDIM on σ with the same noise; x_σ = x_τ/τ, so both end on the data.
    const schedule = { schedule: 'exponential', steps: 3, sigmaMin: 0.05, sigmaMax: 1, rho: 5 } as const;
    const sigmas = createNoiseSchedule(schedule);
    const steps = scheduleFlowSteps(schedule);
    const taus = Array.from(sigmas, (sigma) => 1 / (1 + sigma));
    expect(steps.map((step) => step.tau)).toEqual(taus.slice(0, -1));
    steps.forEach((step, i) => {
      expect(step.tau + step.dt).toBeCloseTo(taus[i + 1], 15);
    });
    expect(steps[0].tau).toBeCloseTo(0.5, 12);
    const denoise = createGaussianDenoiser(data);
    const allGoals = (batch: number) => new Uint8Array(batch).fill(1);
    const velocity: Velocity = async (x, taus, batch) => {
      const tau = taus[0];
      const atSigma = x.map((value) => value / tau);
      const sigma = new Float32Array(batch).fill((1 - tau) / tau);
      const denoised = await denoise(atSigma, sigma, batch, allGoals(batch));
      return x.map((value, k) => (denoised[k] - value) / (1 - tau));
    };
    const flow = await sampleFlow({ velocity, rngs: rngsFor(5, 8), rowSize }, steps);
    const noise = createRowNoise(rngsFor(5, 8), rowSize);
    const x = noise(new Float32Array(8 * rowSize)).map((value) => value * sigmas[0]);
    const ddim = await sampleDdim({
      x,
      sigmas,
      denoise: (y, s, batch) => denoise(y, s, batch, allGoals(batch)),
      batch: 8,
      noise,
    });
    flow.forEach((value, k) => {
      expect(value).toBeCloseTo(ddim[k], 5);
    });
  });

  it('names a velocity output of the wrong size', async () => {
    const short: Velocity = async (x) => new Float32Array(x.length - 1);
    const error = await sampleFlow(
      { velocity: short, rngs: rngsFor(1, 2), rowSize },
      uniformFlowSteps(2),
    ).catch((e) => e);
    expectPolicyError(
      error,
      'MODEL_IO_MISMATCH',
      /^velocity output: expected 64 float32 values for batch 2, got 63 float32 values$/,
    );
  });
});

describe('training flow times', () => {
  const draws = 40_000;
  const rng = createRng(11);
  const us = Array.from({ length: draws }, () => rng.next());

  it('are u itself when uniform', () => {
    expect(us.map((u) => drawFlowTime('uniform', u))).toEqual(us);
  });

  it("follow π0's τ = 0.999·(1 − x), x ~ Beta(1.5, 1), when noisy: its mean and CDF", () => {
    const taus = us.map((u) => drawFlowTime('noisy', u));
    expect(Math.min(...taus)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...taus)).toBeLessThanOrEqual(0.999);
    // E[x] = α/(α + β) = 0.6, Var[x] = αβ/((α + β)²(α + β + 1)) = 1.5/21.875
    const mean = taus.reduce((a, t) => a + t, 0) / draws;
    const se = 0.999 * Math.sqrt(1.5 / 21.875 / draws);
    expect(Math.abs(mean - 0.999 * 0.4)).toBeLessThan(4 * se);
    // P(τ ≤ t) = P(x ≥ 1 − t/0.999) = 1 − (1 − t/0.999)^1.5
    for (const t of [0.1, 0.3, 0.5, 0.8]) {
      const expected = 1 - (1 - t / 0.999) ** 1.5;
      const share = taus.filter((tau) => tau <= t).length / draws;
      expect(Math.abs(share - expected)).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / draws));
    }
  });

  it("follow BESO's training σ when edm: τ = 1/(1 + σ), σ log-logistic(ln 0.5, 0.5) on [0.001, 80]", () => {
    const taus = us.map((u) => drawFlowTime('edm', u));
    expect(Math.min(...taus)).toBeGreaterThanOrEqual(1 / 81);
    expect(Math.max(...taus)).toBeLessThanOrEqual(1 / 1.001);
    // P(τ ≤ t) = P(σ ≥ (1 − t)/t) = (G(80) − G(σ_t))/(G(80) − G(0.001)), G(σ) = sigmoid(2·ln(σ/0.5))
    const g = (sigma: number) => 1 / (1 + (sigma / 0.5) ** -2);
    for (const t of [0.2, 0.5, 0.67, 0.9]) {
      const expected = (g(80) - g((1 - t) / t)) / (g(80) - g(0.001));
      const share = taus.filter((tau) => tau <= t).length / draws;
      expect(Math.abs(share - expected)).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / draws));
    }
  });
});
