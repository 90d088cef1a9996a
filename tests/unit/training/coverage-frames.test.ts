import { describe, expect, it } from 'vitest';
import { createRng } from '../../../common/rng.ts';
import type { EpisodeRecord } from '../../../sim/episode.ts';
import { createRenderer } from '../../../sim/renderer.ts';
import { getTask } from '../../../sim/tasks.ts';
import { distance, WORLD } from '../../../sim/world.ts';
import { createFrameDataset } from '../../../training/act2goal-frame-dataset.ts';
import { randomTableState } from '../../../training/coverage-frames.ts';
import type { EpisodeStore } from '../../../training/episode-store.ts';
import { expectShareDraws } from './share-expectations.ts';

describe('random table states', () => {
  const rng = createRng(3);
  const draws = Array.from({ length: 2000 }, () => randomTableState(2, rng));

  it('keep every disc on the table and apart from the others', () => {
    for (const { pusher, blocks } of draws) {
      for (const [p, r] of [
        [pusher, WORLD.pusherRadius],
        ...blocks.map((b) => [b, WORLD.blockRadius] as const),
      ] as const) {
        expect(Math.min(p.x, p.y)).toBeGreaterThanOrEqual(r);
        expect(Math.max(p.x, p.y)).toBeLessThanOrEqual(1 - r);
      }
      expect(distance(blocks[0], blocks[1])).toBeGreaterThanOrEqual(2 * WORLD.blockRadius);
      for (const b of blocks)
        expect(distance(b, pusher)).toBeGreaterThanOrEqual(WORLD.blockRadius + WORLD.pusherRadius);
    }
  });

  it('put the pusher near a wall as often as a uniform draw over its reach does', () => {
    // the pusher is drawn first, uniform on [r, 1 − r]², and never rejected: the share within 0.08 of a
    // wall is 1 − (0.84 / (1 − 2r))²
    const r = WORLD.pusherRadius;
    const expected = 1 - (0.84 / (1 - 2 * r)) ** 2;
    const nearWall = draws.filter(({ pusher: p }) => Math.min(p.x, p.y, 1 - p.x, 1 - p.y) < 0.08).length;
    expect(Math.abs(nearWall / draws.length - expected)).toBeLessThan(0.03);
  });
});

describe('random table states with a wall share', () => {
  const gap = (p: { x: number; y: number }) => Math.min(p.x, p.y, 1 - p.x, 1 - p.y);
  const touches = (a: number, b: number) => Math.abs(a - b) < 1e-12;
  const walls = (p: { x: number; y: number }, r: number) =>
    [p.x, 1 - p.x, p.y, 1 - p.y].map((side) => Number(touches(side, r)));

  it('put the pusher against a wall with the given chance, each wall alike, still off the others', () => {
    const rng = createRng(5);
    const draws = Array.from({ length: 4000 }, () => randomTableState(2, rng, 0.3));
    const r = WORLD.pusherRadius;
    const touching = draws.filter(({ pusher }) => touches(gap(pusher), r));
    // a uniform draw touches a wall with probability 0, so every touching pusher is a wall draw
    expect(Math.abs(touching.length / draws.length - 0.3)).toBeLessThan(0.03);
    const perWall = touching.reduce(
      (sum, { pusher }) => sum.map((s, i) => s + walls(pusher, r)[i]),
      [0, 0, 0, 0],
    );
    for (const count of perWall) expect(Math.abs(count / touching.length - 0.25)).toBeLessThan(0.04);
    for (const { pusher, blocks } of draws) {
      for (const b of blocks) {
        expect(gap(b)).toBeGreaterThanOrEqual(WORLD.blockRadius);
        expect(distance(b, pusher)).toBeGreaterThanOrEqual(WORLD.blockRadius + WORLD.pusherRadius);
      }
      expect(distance(blocks[0], blocks[1])).toBeGreaterThanOrEqual(2 * WORLD.blockRadius);
    }
  });

  it('put every disc against a wall at share 1, and draw as without it at share 0', () => {
    const rng = createRng(6);
    for (let i = 0; i < 200; i++) {
      const { pusher, blocks } = randomTableState(2, rng, 1);
      expect(gap(pusher)).toBeCloseTo(WORLD.pusherRadius, 12);
      for (const b of blocks) expect(gap(b)).toBeCloseTo(WORLD.blockRadius, 12);
    }
    expect(randomTableState(2, createRng(8), 0)).toEqual(randomTableState(2, createRng(8)));
  });
});

describe('Act2Goal stage-0 coverage frames', () => {
  const size = 16;
  // one push1 episode of two all-black frames, pusher at (0.5, 0.5), block at (0.25, 0.75)
  const episode = {
    task: 'push1',
    steps: 1,
    imageSize: size,
    frames: new Uint8Array(2 * size * size * 3),
    states: Float32Array.of(0.5, 0.5, 0.25, 0.75, 0.5, 0.5, 0.25, 0.75),
    goalState: new Float32Array(4),
  } as unknown as EpisodeRecord;
  const store: EpisodeStore = {
    episodes: [episode],
    imageSize: size,
    pixels: { mean: [0, 0, 0], std: [1, 1, 1] },
    proprio: { mean: [], std: [] },
    actionBounds: { low: [], high: [] },
  };
  const batchOf = (share: number, step: number, slots = 200) =>
    createFrameDataset(
      store,
      { extraWeight: 0, distance: 1 },
      { coverage: { share, seed: 9 }, stepOf: () => step },
    ).batch(Int32Array.from({ length: slots }, (_, i) => i % 2));

  it('replace about their share of slots, the same slots again for the same step', () => {
    expectShareDraws((share, step) => {
      const targets = batchOf(share, step).frame_states.data as Float32Array;
      return Array.from({ length: 200 }, (_, slot) => targets[slot * 6] !== 0);
    });
  });

  it('show the state whose positions they carry, rendered as the task renders it', () => {
    const batch = batchOf(1, 5, 4);
    const task = getTask('push1');
    const renderer = createRenderer({
      width: size,
      height: size,
      camera: task.camera,
      blockColors: task.blockColors,
    });
    const targets = batch.frame_states.data as Float32Array;
    const frames = batch.frames.data as Float32Array;
    for (let slot = 0; slot < 4; slot++) {
      const at = (k: number) => targets[slot * 6 + k] / 4 + 0.5;
      expect(targets[slot * 6 + 4]).toBe(-3); // push1 has no second block
      const expected = renderer.render({ pusher: { x: at(0), y: at(1) }, blocks: [{ x: at(2), y: at(3) }] });
      const pixels = size * size;
      for (let p = 0; p < pixels; p++)
        for (let c = 0; c < 3; c++)
          expect(
            Math.abs(frames[slot * 3 * pixels + c * pixels + p] - expected[p * 3 + c]),
          ).toBeLessThanOrEqual(1);
    }
  });
});
