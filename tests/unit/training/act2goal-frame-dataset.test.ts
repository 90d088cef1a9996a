import { describe, expect, it } from 'vitest';
import type { EpisodeRecord } from '../../../sim/episode.ts';
import { createFrameDataset } from '../../../training/act2goal-frame-dataset.ts';
import type { EpisodeStore } from '../../../training/episode-store.ts';
import { expectShareDraws } from './share-expectations.ts';

/** A one-step episode of two 2×2 gray (100) frames; `bright` frames have pixel 3 at 200 in every channel. */
function episode(bright: [boolean, boolean]): EpisodeRecord {
  const frames = new Uint8Array(2 * 4 * 3).fill(100);
  bright.forEach((on, f) => {
    if (on) frames.fill(200, (f * 4 + 3) * 3, (f * 4 + 4) * 3);
  });
  const states = Float32Array.of(0.5, 0.75, 0.25, 0.5);
  return {
    steps: 1,
    imageSize: 2,
    frames,
    states,
    goalState: new Float32Array(2),
  } as unknown as EpisodeRecord;
}

const store: EpisodeStore = {
  episodes: [episode([true, false]), episode([false, false])],
  imageSize: 2,
  pixels: { mean: [100, 100, 100], std: [50, 50, 50] },
  proprio: { mean: [], std: [] },
  actionBounds: { low: [], high: [] },
};

describe('Act2Goal stage-0 samples', () => {
  const data = createFrameDataset(store, { extraWeight: 30, distance: 1 });

  it('hold every frame of every episode, the final one included', () => {
    expect(data.size).toBe(4);
  });

  it('weigh pixels by their distance from the mean frame, capped at 1 + λ', () => {
    const batch = data.batch(Int32Array.of(0, 1));
    // pixel 3 is 2 (normalised) in one of four frames: mean 0.5; ‖x − m‖² = 3·1.5² (capped) and 3·0.5²
    expect([...batch.pixel_weights.data]).toEqual([1, 1, 1, 31, 1, 1, 1, 1 + 30 * 0.75]);
    expect(batch.frames.data[3]).toBe(2);
  });

  it('carry the position targets of the frame shown, absent blocks off the table', () => {
    // frame 1 of episode 0: pusher at (0.25, 0.5) → (p − 0.5)·4; no blocks → −3, still counted
    const batch = data.batch(Int32Array.of(1));
    expect(Array.from(batch.frame_states.data as Float32Array, (v) => v + 0)).toEqual([
      -1, 0, -3, -3, -3, -3,
    ]);
    expect([...batch.frame_state_mask.data]).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('feed a slot its JPEG copy with the given share, the same slots again for the same step', () => {
    // copies whose every pixel is 0 normalise to −2, which no original frame (100 or 200) does
    const copies = store.episodes.map((e) => new Uint8Array(e.frames.length));
    const copied = (share: number, step: number) => {
      const jpeg = createFrameDataset(
        store,
        { extraWeight: 30, distance: 1 },
        { jpeg: { frames: copies, share, seed: 4 }, stepOf: () => step },
      );
      const frames = jpeg.batch(Int32Array.from({ length: 200 }, (_, i) => i % 4)).frames
        .data as Float32Array;
      return Array.from({ length: 200 }, (_, slot) =>
        frames.subarray(slot * 12, (slot + 1) * 12).every((v) => v === -2),
      );
    };
    expectShareDraws(copied);
  });
});
