import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../../../policies/policy-error.ts';
import {
  DEFAULT_SAMPLER_OPTIONS,
  type SamplerOptions,
  validateSamplerOptions,
} from '../../../../policies/sampling/sampler-options.ts';

function expectRejected(partial: Record<string, unknown>, message: RegExp): void {
  try {
    validateSamplerOptions(partial as Partial<SamplerOptions>);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).code).toBe('BAD_SAMPLER_OPTIONS');
    expect((error as PolicyError).message).toMatch(message);
    return;
  }
  throw new Error(`accepted ${JSON.stringify(partial)}`);
}

describe('validateSamplerOptions', () => {
  it("defaults to BESO's 3 DDIM steps on an exponential schedule from σ_max = 1 (and 10 Act2Goal world-model steps, K ≥ 1)", () => {
    expect(validateSamplerOptions()).toEqual({
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
  });

  it('keeps given fields, fills the rest and ignores undefined values', () => {
    const options = validateSamplerOptions({ sampler: 'heun', steps: 10, guidance: undefined });
    expect(options).toEqual({ ...DEFAULT_SAMPLER_OPTIONS, sampler: 'heun', steps: 10 });
  });

  it('names the bad field, what it expected and what came', () => {
    expectRejected({ sampler: 'euler' }, /^samplerOptions\.sampler: expected one of ddim, .*got "euler"$/);
    expectRejected({ schedule: 'cosine' }, /^samplerOptions\.schedule: .*got "cosine"$/);
    expectRejected({ steps: 0 }, /^samplerOptions\.steps: expected an integer in \[1, 1000\], got 0$/);
    expectRejected({ steps: 2.5 }, /^samplerOptions\.steps: .*got 2\.5$/);
    expectRejected(
      { worldModelSteps: 0 },
      /^samplerOptions\.worldModelSteps: expected an integer in \[1, 1000\], got 0$/,
    );
    expectRejected(
      { minGoalSteps: 1.5 },
      /^samplerOptions\.minGoalSteps: expected an integer in \[1, 1000\], got 1\.5$/,
    );
    expectRejected({ sigmaMin: 0 }, /^samplerOptions\.sigmaMin: expected a finite number > 0, got 0$/);
    expectRejected(
      { sigmaMax: 0.001 },
      /^samplerOptions\.sigmaMax: expected a finite number > 0\.005, got 0\.001$/,
    );
    expectRejected({ sigmaMax: Number.POSITIVE_INFINITY }, /^samplerOptions\.sigmaMax: .*got Infinity$/);
    expectRejected({ rho: -1 }, /^samplerOptions\.rho: .*got -1$/);
    expectRejected(
      { guidance: Number.NaN },
      /^samplerOptions\.guidance: expected a finite number ≥ 0, got NaN$/,
    );
    expectRejected({ sigmaMin: '0.1' }, /^samplerOptions\.sigmaMin: .*got "0\.1"$/);
  });

  it('rejects unknown fields by name', () => {
    expectRejected(
      { stpes: 3 },
      /^samplerOptions\.stpes: expected one of sampler, schedule, .*got an unknown option$/,
    );
  });
});
