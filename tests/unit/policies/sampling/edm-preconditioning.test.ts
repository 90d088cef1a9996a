import { describe, expect, it } from 'vitest';
import {
  combineEdmOutput,
  computeEdmCoefficients,
  scaleEdmInput,
} from '../../../../policies/sampling/edm-preconditioning.ts';

describe('edm preconditioning', () => {
  it('has the closed-form values at σ = σ_d = 0.5', () => {
    const c = computeEdmCoefficients(0.5);
    expect(c.cSkip).toBeCloseTo(0.5, 12);
    expect(c.cOut).toBeCloseTo(0.5 / Math.SQRT2, 12);
    expect(c.cIn).toBeCloseTo(Math.SQRT2, 12);
    expect(c.cNoise).toBeCloseTo(Math.log(0.5) / 4, 12);
  });

  it('has the closed-form values at σ = 1 and σ = 0.005', () => {
    expect(computeEdmCoefficients(1).cSkip).toBeCloseTo(0.25 / 1.25, 12);
    expect(computeEdmCoefficients(1).cOut).toBeCloseTo(0.5 / Math.sqrt(1.25), 12);
    expect(computeEdmCoefficients(1).cNoise).toBe(0);
    expect(computeEdmCoefficients(0.005).cSkip).toBeCloseTo(0.25 / 0.250025, 12);
    expect(computeEdmCoefficients(0.005).cIn).toBeCloseTo(1 / Math.sqrt(0.250025), 12);
  });

  it('satisfies c_skip + c_out²/σ_d² = 1 and c_in²(σ² + σ_d²) = 1 for any σ and σ_d', () => {
    for (const sigmaData of [0.5, 1, 2.3]) {
      for (const sigma of [0.002, 0.05, 0.5, 1, 80]) {
        const c = computeEdmCoefficients(sigma, sigmaData);
        expect(c.cSkip + c.cOut ** 2 / sigmaData ** 2).toBeCloseTo(1, 12);
        expect(c.cIn ** 2 * (sigma ** 2 + sigmaData ** 2)).toBeCloseTo(1, 12);
      }
    }
  });

  it('feeds c_in·x and c_noise per row and rebuilds D from the ideal network output', () => {
    const sigmaData = 0.5;
    const sigmas = new Float32Array([0.05, 1.7]);
    const x = new Float32Array([0.3, -1.2, 0.8, 2.5, -0.4, 0.1]);
    const target = new Float32Array([0.25, -0.5, 0.75, 1, -1, 0]);
    const { xIn, cNoise } = scaleEdmInput(x, sigmas, 2, sigmaData);
    expect(xIn).toHaveLength(6);
    expect(cNoise).toHaveLength(2);
    // The ideal F recovers x and σ from its own inputs: F = (D − c_skip·x)/c_out.
    const networkOutput = new Float32Array(6);
    for (let k = 0; k < 6; k++) {
      const sigma = Math.exp(4 * cNoise[Math.floor(k / 3)]);
      const total = sigma ** 2 + sigmaData ** 2;
      const xRecovered = xIn[k] * Math.sqrt(total);
      expect(xRecovered).toBeCloseTo(x[k], 5);
      networkOutput[k] =
        (target[k] - (sigmaData ** 2 / total) * xRecovered) / ((sigma * sigmaData) / Math.sqrt(total));
    }
    const denoised = combineEdmOutput(x, networkOutput, sigmas, 2, sigmaData);
    for (let k = 0; k < 6; k++) expect(denoised[k]).toBeCloseTo(target[k], 4);
  });
});
