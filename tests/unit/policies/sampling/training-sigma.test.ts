import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../common/rng.ts';
import { PolicyError } from '../../../../policies/policy-error.ts';
import { createTrainingSigmaSampler } from '../../../../policies/sampling/training-sigma.ts';

/** Truncated log-logistic CDF with loc = ln 0.5, scale = 0.5, written from its definition. */
function truncatedCdf(sigma: number, sigmaMin: number, sigmaMax: number): number {
  const logistic = (s: number) => 1 / (1 + (s / 0.5) ** -2);
  return (logistic(sigma) - logistic(sigmaMin)) / (logistic(sigmaMax) - logistic(sigmaMin));
}

function drawSorted(sigmaMin: number, sigmaMax: number, count: number, seed: number): number[] {
  const sampleSigma = createTrainingSigmaSampler({ sigmaMin, sigmaMax });
  const rng = createRng(seed);
  return Array.from({ length: count }, () => sampleSigma(rng)).sort((a, b) => a - b);
}

describe('truncated log-logistic training σ', () => {
  it.each([
    [0.002, 80],
    [0.1, 0.2],
    [0.001, 1],
  ])('stays in [%f, %f] and matches the CDF (Kolmogorov–Smirnov)', (sigmaMin, sigmaMax) => {
    const count = 4000;
    const sigmas = drawSorted(sigmaMin, sigmaMax, count, 11);
    expect(sigmas[0]).toBeGreaterThanOrEqual(sigmaMin);
    expect(sigmas[count - 1]).toBeLessThanOrEqual(sigmaMax);
    let distance = 0;
    sigmas.forEach((sigma, i) => {
      const cdf = truncatedCdf(sigma, sigmaMin, sigmaMax);
      distance = Math.max(distance, Math.abs(cdf - i / count), Math.abs(cdf - (i + 1) / count));
    });
    // 1% critical value of the one-sample KS statistic: 1.63/√n.
    expect(distance).toBeLessThan(1.63 / Math.sqrt(count));
  });

  it('has its median at σ_d when the bounds are symmetric in ln σ around ln σ_d', () => {
    const sigmas = drawSorted(0.05, 5, 4001, 3);
    expect(sigmas[2000]).toBeGreaterThan(0.45);
    expect(sigmas[2000]).toBeLessThan(0.55);
  });

  it('is deterministic for a seed', () => {
    expect(drawSorted(0.002, 80, 50, 5)).toEqual(drawSorted(0.002, 80, 50, 5));
    expect(drawSorted(0.002, 80, 50, 5)).not.toEqual(drawSorted(0.002, 80, 50, 6));
  });

  it('rejects bounds that are not 0 < σ_min < σ_max < ∞ and a non-positive scale', () => {
    const bad = [
      { sigmaMin: 0, sigmaMax: 1 },
      { sigmaMin: 1, sigmaMax: 1 },
      { sigmaMin: 0.1, sigmaMax: Number.POSITIVE_INFINITY },
      { sigmaMin: 0.1, sigmaMax: 1, scale: 0 },
    ];
    for (const options of bad) {
      expect(() => createTrainingSigmaSampler(options)).toThrow(PolicyError);
    }
  });
});
