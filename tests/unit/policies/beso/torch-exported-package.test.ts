import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../../common/rng.ts';
import { BesoPolicy } from '../../../../policies/beso/beso-policy.ts';

// Made by tests/fixtures/torch-beso/make_fixture.py with PyTorch 1.13: an encoder and a denoiser of a
// different architecture than goalserve's, exported with torch.onnx.export, and a hand-written manifest.
const fixture = join(import.meta.dirname, '../../../fixtures/torch-beso');
const reference = JSON.parse(readFileSync(join(fixture, 'reference.json'), 'utf8'));

function expectClose(got: ArrayLike<number>, want: number[], tolerance: number) {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => {
    expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(tolerance * (1 + Math.abs(w)));
  });
}

describe('a BESO package exported from PyTorch with a hand-written manifest', () => {
  let policy: BesoPolicy;
  beforeAll(async () => {
    policy = await BesoPolicy.load(fixture);
  });
  afterAll(() => policy.release());

  it('encodes uint8 HWC frames like PyTorch did on (x − mean)/std in CHW', async () => {
    const size = 16 * 16 * 3;
    const all = Uint8Array.from(reference.frames);
    const frames = [0, 1, 2].map((i) => all.subarray(i * size, (i + 1) * size));
    expectClose(await policy.encode(frames), reference.embeddings, 1e-5);
  });

  it('denoises with EDM preconditioning and the null goal exactly as PyTorch did', async () => {
    const requests = [0, 1].map((r) => ({
      goal: Float32Array.from(reference.goals.slice(r * 8, (r + 1) * 8)),
      observation: Float32Array.from(reference.observations.slice(r * 16, (r + 1) * 16)),
      proprio: Float32Array.from(reference.proprio.slice(r * 8, (r + 1) * 8)),
      rng: createRng(r),
    }));
    const denoise = policy.denoiserFor(requests);
    const got = await denoise(
      Float32Array.from(reference.x),
      Float32Array.from(reference.sigmas),
      4,
      Uint8Array.from(reference.goalMask),
    );
    expectClose(got, reference.denoised, 1e-5);
  });

  it('rejects frames of the wrong size, naming the frame and the sizes', async () => {
    await expect(policy.encode([new Uint8Array(10)])).rejects.toThrow(
      /frames\[0\]: expected 16×16×3 = 768 bytes, got 10/,
    );
  });
});
