import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDataset } from '../../../sim/dataset-writer.ts';
import { type EpisodeStore, episodeFrame, loadEpisodeStore } from '../../../training/episode-store.ts';
import { compressEpisodeFrames } from '../../../training/jpeg-copies.ts';

const root = mkdtempSync(join(tmpdir(), 'goalserve-jpeg-copies-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function roundTrip(frame: Uint8Array, size: number, quality: number, chroma: string) {
  const jpeg = await sharp(frame, { raw: { width: size, height: size, channels: 3 } })
    .jpeg({ quality, chromaSubsampling: chroma })
    .toBuffer();
  return new Uint8Array(await sharp(jpeg).raw().toBuffer());
}

describe('JPEG copies of training frames', () => {
  let store: EpisodeStore;
  beforeAll(async () => {
    writeDataset({ task: 'push1', episodes: 2, seed: 3, out: join(root, 'push1'), imageSize: 32 });
    store = await loadEpisodeStore([join(root, 'push1')]);
  });

  it('hold, for every frame, one JPEG round trip at a quality in the range', async () => {
    const copies = await compressEpisodeFrames(store, { share: 1, qualityMin: 70, qualityMax: 72 }, 5);
    expect(copies.map((c) => c.length)).toEqual(store.episodes.map((e) => e.frames.length));
    const frameSize = 3 * 32 * 32;
    for (const [e, t] of [
      [0, 0],
      [1, 7],
    ]) {
      const frame = episodeFrame(store.episodes[e], t);
      const copy = copies[e].subarray(t * frameSize, (t + 1) * frameSize);
      const candidates = [];
      for (const quality of [70, 71, 72])
        for (const chroma of ['4:4:4', '4:2:0']) candidates.push(await roundTrip(frame, 32, quality, chroma));
      expect(candidates.some((c) => c.every((v, i) => v === copy[i]))).toBe(true);
      expect(copy.some((v, i) => v !== frame[i])).toBe(true);
    }
  });

  it('are the same for the same seed', async () => {
    const augmentation = { share: 1, qualityMin: 50, qualityMax: 100 };
    const a = await compressEpisodeFrames(store, augmentation, 9);
    const b = await compressEpisodeFrames(store, augmentation, 9);
    expect(a).toEqual(b);
  });
});
