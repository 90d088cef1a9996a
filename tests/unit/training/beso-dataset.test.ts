import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BesoArchitecture, DEFAULT_BESO_ARCHITECTURE } from '../../../policies/beso/beso-config.ts';
import { computeEdmCoefficients } from '../../../policies/sampling/edm-preconditioning.ts';
import { writeDataset } from '../../../sim/dataset-writer.ts';
import {
  cachedEmbeddingFeed,
  createBesoDataset,
  DEFAULT_BESO_SAMPLING,
  pixelFrameFeed,
} from '../../../training/beso-dataset.ts';
import { type EpisodeStore, loadEpisodeStore } from '../../../training/episode-store.ts';
import { ABSENT_POSITION } from '../../../training/state-probe.ts';
import { expectShareDraws } from './share-expectations.ts';

const root = mkdtempSync(join(tmpdir(), 'goalserve-beso-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const arch: BesoArchitecture = { ...DEFAULT_BESO_ARCHITECTURE, imageSize: 16, chunk: 4 };
const pixelSamples = (store: EpisodeStore, seed = 0, stepOf = () => 0) =>
  createBesoDataset(store, arch, DEFAULT_BESO_SAMPLING, seed, stepOf, pixelFrameFeed(store, arch));

describe('BESO training samples', () => {
  let store: EpisodeStore;
  beforeAll(async () => {
    writeDataset({ task: 'push1', episodes: 3, seed: 1, out: join(root, 'push1'), imageSize: 16 });
    store = await loadEpisodeStore([join(root, 'push1')]);
  });

  it('hold one sample per step that has an action', () => {
    const data = pixelSamples(store);
    expect(data.size).toBe(store.episodes.reduce((n, e) => n + e.steps, 0));
  });

  it('carry EDM targets from which c_skip·x + c_out·target recovers the clean next actions', () => {
    const data = pixelSamples(store);
    const episode = store.episodes[0];
    const t = 2;
    const batch = data.batch(Int32Array.of(t));
    const cNoise = batch.noise_level.data[0] as number;
    const sigma = Math.exp(4 * cNoise);
    const { cSkip, cOut, cIn } = computeEdmCoefficients(sigma, arch.sigmaData);
    for (let k = 0; k < arch.chunk * arch.actionDim; k++) {
      const x = (batch.scaled_actions.data[k] as number) / cIn;
      const clean = cSkip * x + cOut * (batch.target.data[k] as number);
      // Actions are in [−1, 1] with bounds [−1, 1], so min-max scaling leaves them unchanged.
      expect(clean).toBeCloseTo(episode.actions[t * arch.actionDim + k], 4);
    }
  });

  it('zero-pads actions past the end of an episode and repeats the first frame before its start', () => {
    const data = pixelSamples(store);
    const last = store.episodes[0].steps - 1;
    const batch = data.batch(Int32Array.of(last, 0));
    const sigma = Math.exp(4 * (batch.noise_level.data[0] as number));
    const { cSkip, cOut, cIn } = computeEdmCoefficients(sigma, arch.sigmaData);
    const padded = arch.actionDim; // the second action of the chunk lies past the end
    const x = (batch.scaled_actions.data[padded] as number) / cIn;
    expect(cSkip * x + cOut * (batch.target.data[padded] as number)).toBeCloseTo(0, 4);
    const frameSize = 3 * 16 * 16;
    const perSample = arch.window + 1;
    const frames = batch.frames.data as Float32Array;
    const second = (perSample + 0) * frameSize;
    expect(frames.subarray(second, second + frameSize)).toEqual(
      frames.subarray(second + frameSize, second + 2 * frameSize),
    );
  });

  it('draw the same batch for the same (seed, step) and a different one for the next step', () => {
    let step = 5;
    const data = pixelSamples(store, 3, () => step);
    const indices = Int32Array.of(0, 4, 9);
    const a = data.batch(indices);
    const b = data.batch(indices);
    step = 6;
    const c = data.batch(indices);
    expect(a.target.data).toEqual(b.target.data);
    expect(a.target.data).not.toEqual(c.target.data);
  });

  it('feed a frame slot its JPEG copy with the given share, the same slots again for the same step', () => {
    // Copies whose every pixel is 0 normalise to −mean/std, which no original frame does everywhere.
    const copies = store.episodes.map((e) => new Uint8Array(e.frames.length));
    const frameSize = 3 * 16 * 16;
    const copied = (share: number, step: number) => {
      const jpeg = { frames: copies, share, seed: 4 };
      const data = createBesoDataset(
        store,
        arch,
        DEFAULT_BESO_SAMPLING,
        0,
        () => step,
        pixelFrameFeed(store, arch, jpeg),
      );
      const frames = data.batch(Int32Array.from({ length: 100 }, (_, i) => i % data.size)).frames
        .data as Float32Array;
      const black = -store.pixels.mean[0] / store.pixels.std[0];
      return Array.from({ length: frames.length / frameSize }, (_, r) =>
        frames
          .subarray(r * frameSize, (r + 1) * frameSize)
          .every((v, i) => i >= 256 || Math.abs(v - black) < 1e-5),
      );
    };
    expectShareDraws(copied);
  });

  it('drop the goal for about 10 % of samples (classifier-free guidance)', () => {
    const data = pixelSamples(store);
    const n = Math.min(400, data.size);
    const keep = data.batch(Int32Array.from({ length: n }, (_, i) => i % data.size)).goal_keep
      .data as Float32Array;
    const dropped = keep.filter((v) => v === 0).length / n;
    expect(dropped).toBeGreaterThan(0.04);
    expect(dropped).toBeLessThan(0.18);
  });
});

describe('BESO training samples from cached embeddings', () => {
  it('feed the cached rows of the observation frames and of a future goal frame, and the same targets as pixels', async () => {
    const dir = join(root, 'cached');
    writeDataset({ task: 'push1', episodes: 2, seed: 7, out: dir, imageSize: 16 });
    const store = await loadEpisodeStore([dir]);
    const e = arch.embedDim;
    // Row f of episode i holds the value 1000·i + f everywhere, so each fed row names its frame.
    const cache = store.episodes.map((episode, i) =>
      Float32Array.from({ length: (episode.steps + 1) * e }, (_, k) => 1000 * i + Math.floor(k / e)),
    );
    const cached = createBesoDataset(
      store,
      arch,
      DEFAULT_BESO_SAMPLING,
      0,
      () => 0,
      cachedEmbeddingFeed(cache, arch),
    );
    const pixels = pixelSamples(store);
    const second = store.episodes[0].steps; // the first sample of episode 1, at t = 0
    const indices = Int32Array.of(3, second);
    const batch = cached.batch(indices);
    const observation = batch.observation_embedding.data as Float32Array;
    const goal = batch.goal_embedding.data as Float32Array;
    expect([observation[0], observation[e], observation[2 * e], observation[3 * e]]).toEqual([
      2, 3, 1000, 1000,
    ]);
    expect(goal[0]).toBeGreaterThan(3);
    expect(goal[0]).toBeLessThanOrEqual(store.episodes[0].steps);
    expect(goal[e]).toBeGreaterThan(1000);
    expect(batch.target.data).toEqual(pixels.batch(indices).target.data);
  });
});

describe('BESO state-probe targets', () => {
  let store: EpisodeStore;
  beforeAll(async () => {
    const dir = join(root, 'probe');
    writeDataset({ task: 'push1', episodes: 1, seed: 4, out: dir, imageSize: 16 });
    store = await loadEpisodeStore([dir]);
  });
  const targetsOf = (objectCentric: boolean) => {
    const probeArch = { ...arch, objectCentric };
    const data = createBesoDataset(
      store,
      probeArch,
      DEFAULT_BESO_SAMPLING,
      0,
      () => 0,
      pixelFrameFeed(store, probeArch),
    );
    const batch = data.batch(Int32Array.of(3));
    return {
      states: batch.frame_states.data as Float32Array,
      mask: batch.frame_state_mask.data as Float32Array,
    };
  };

  it('hold the simulator positions of each frame, scaled (p − 0.5)·4', () => {
    const { states } = targetsOf(true);
    const episode = store.episodes[0];
    // Frame slot 0 is frame t − W + 1 = 2; push1 has a pusher and one block: 4 coordinates.
    for (let k = 0; k < 4; k++) expect(states[k]).toBeCloseTo((episode.states[2 * 4 + k] - 0.5) * 4, 5);
  });

  it('place a block the task lacks off the table for an object-centric denoiser, else leave it out', () => {
    const objectCentric = targetsOf(true);
    expect(Array.from(objectCentric.states.subarray(4, 6))).toEqual([ABSENT_POSITION, ABSENT_POSITION]);
    expect(Array.from(objectCentric.mask.subarray(0, 6))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(ABSENT_POSITION).toBeLessThan(-2); // the table spans [−2, 2]
    const plain = targetsOf(false);
    expect(Array.from(plain.mask.subarray(0, 6))).toEqual([1, 1, 1, 1, 0, 0]);
    expect(Array.from(plain.states.subarray(4, 6))).toEqual([0, 0]);
  });
});
