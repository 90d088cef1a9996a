import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../../../policies/policy-error.ts';
import { guideDenoiser } from '../../../../policies/sampling/classifier-free-guidance.ts';
import type { GoalDenoise } from '../../../../policies/sampling/denoiser.ts';
import { createGaussianDenoiser } from './gaussian-denoiser.ts';

const goalData = { mean: [0.8, -0.2], std: [0.5, 0.3] };
const goalFreeData = { mean: [-0.1, 0.4], std: [0.6, 0.6] };
const batch = 3;
const x = new Float32Array([0.5, -1, 2, 0.3, -0.7, 1.1, 0, 0.25, -2, 1.5, 0.9, -0.4]);
const sigmas = new Float32Array([0.07, 0.5, 1]);

function recordCalls(denoise: GoalDenoise) {
  const calls: { x: Float32Array; sigmas: Float32Array; batch: number; goalMask: Uint8Array }[] = [];
  const recording: GoalDenoise = (x, sigmas, batch, goalMask) => {
    calls.push({ x: x.slice(), sigmas: sigmas.slice(), batch, goalMask: goalMask.slice() });
    return denoise(x, sigmas, batch, goalMask);
  };
  return { calls, recording };
}

describe('classifier-free guidance', () => {
  const gaussian = createGaussianDenoiser(goalData, goalFreeData);
  const conditional = () => gaussian(x, sigmas, batch, new Uint8Array(batch).fill(1));
  const unconditional = () => gaussian(x, sigmas, batch, new Uint8Array(batch));

  it('equals the unconditional pass with λ = 0', async () => {
    expect(await guideDenoiser(gaussian, 0)(x, sigmas, batch)).toEqual(await unconditional());
  });

  it('equals the conditional pass with λ = 1', async () => {
    expect(await guideDenoiser(gaussian, 1)(x, sigmas, batch)).toEqual(await conditional());
  });

  it('gives D_u + λ(D_c − D_u) with λ = 1.5', async () => {
    const [c, u] = [await conditional(), await unconditional()];
    const guided = await guideDenoiser(gaussian, 1.5)(x, sigmas, batch);
    expect(guided).toHaveLength(x.length);
    for (let k = 0; k < x.length; k++) expect(guided[k]).toBeCloseTo(u[k] + 1.5 * (c[k] - u[k]), 5);
  });

  it('runs both passes as one call on a doubled batch, goal rows first', async () => {
    const { calls, recording } = recordCalls(gaussian);
    await guideDenoiser(recording, 2)(x, sigmas, batch);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call.batch).toBe(2 * batch);
    expect(Array.from(call.goalMask)).toEqual([1, 1, 1, 0, 0, 0]);
    expect(call.x).toEqual(new Float32Array([...x, ...x]));
    expect(call.sigmas).toEqual(new Float32Array([...sigmas, ...sigmas]));
  });

  it('rejects a denoiser output of the wrong size with MODEL_IO_MISMATCH', async () => {
    const short: GoalDenoise = async (x) => new Float32Array(x.length - 1);
    await expect(guideDenoiser(short, 2)(x, sigmas, batch)).rejects.toSatisfy(
      (error) =>
        error instanceof PolicyError && error.code === 'MODEL_IO_MISMATCH' && /batch 6/.test(error.message),
    );
  });
});
