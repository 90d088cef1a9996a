import { describe, expect, it } from 'vitest';
import { createRng } from '../../../common/rng.ts';
import { hasOverlap, stepWorld } from '../../../sim/physics.ts';
import { cloneWorld, WORLD, type WorldState } from '../../../sim/world.ts';

const CONTACT = WORLD.pusherRadius + WORLD.blockRadius;

function randomWalk(state: WorldState, seed: number, ticks: number, check: (s: WorldState) => void) {
  const rng = createRng(seed);
  let heading = { x: 1, y: 0 };
  for (let t = 0; t < ticks; t++) {
    if (t % 15 === 0) heading = { x: rng.uniform(-1, 1), y: rng.uniform(-1, 1) };
    stepWorld(state, { x: heading.x * WORLD.maxStepPerTick, y: heading.y * WORLD.maxStepPerTick });
    check(state);
  }
}

describe('stepWorld', () => {
  it('never leaves bodies interpenetrating or outside the walls, even when blocks are jammed in a corner', () => {
    const state: WorldState = {
      pusher: { x: 0.5, y: 0.5 },
      blocks: [
        { x: 0.06, y: 0.06 },
        { x: 0.17, y: 0.06 },
        { x: 0.06, y: 0.17 },
      ],
    };
    randomWalk(state, 1, 3000, (s) => {
      expect(hasOverlap(s)).toBe(false);
      expect(s.pusher.x).toBeGreaterThanOrEqual(WORLD.pusherRadius);
      expect(s.pusher.x).toBeLessThanOrEqual(1 - WORLD.pusherRadius);
      expect(s.pusher.y).toBeGreaterThanOrEqual(WORLD.pusherRadius);
      expect(s.pusher.y).toBeLessThanOrEqual(1 - WORLD.pusherRadius);
    });
  });

  it('leaves blocks exactly where they are when the pusher does not touch them', () => {
    const state: WorldState = { pusher: { x: 0.2, y: 0.2 }, blocks: [{ x: 0.8, y: 0.8 }] };
    const before = cloneWorld(state);
    for (let t = 0; t < 5; t++) stepWorld(state, { x: 0.03, y: 0 });
    expect(state.blocks).toEqual(before.blocks);
    expect(state.pusher.x).toBeCloseTo(0.35, 12);
  });

  it('pushes a block along the contact normal so the two stay exactly in contact', () => {
    const state: WorldState = { pusher: { x: 0.3, y: 0.5 }, blocks: [{ x: 0.3 + CONTACT, y: 0.5 }] };
    stepWorld(state, { x: 0.03, y: 0 });
    expect(state.pusher.x).toBeCloseTo(0.33, 12);
    expect(state.blocks[0].x).toBeCloseTo(0.33 + CONTACT, 9);
    expect(state.blocks[0].y).toBeCloseTo(0.5, 12);
  });

  it('pushes a chain of blocks: the pusher moves the first, the first moves the second', () => {
    const state: WorldState = {
      pusher: { x: 0.2, y: 0.5 },
      blocks: [
        { x: 0.2 + CONTACT, y: 0.5 },
        { x: 0.2 + CONTACT + 2 * WORLD.blockRadius, y: 0.5 },
      ],
    };
    stepWorld(state, { x: 0.03, y: 0 });
    expect(state.blocks[0].x).toBeCloseTo(0.23 + CONTACT, 6);
    expect(state.blocks[1].x).toBeCloseTo(0.23 + CONTACT + 2 * WORLD.blockRadius, 6);
  });

  it('stops the pusher when the block ahead is pinned against a wall', () => {
    const state: WorldState = {
      pusher: { x: 1 - 2 * WORLD.blockRadius - WORLD.pusherRadius, y: 0.5 },
      blocks: [{ x: 1 - WORLD.blockRadius, y: 0.5 }],
    };
    const before = cloneWorld(state);
    stepWorld(state, { x: 0.03, y: 0 });
    expect(state).toEqual(before);
  });

  it('is deterministic: the same actions from the same state give the same states', () => {
    const make = (): WorldState => ({
      pusher: { x: 0.5, y: 0.5 },
      blocks: [
        { x: 0.4, y: 0.4 },
        { x: 0.6, y: 0.6 },
      ],
    });
    const a = make();
    const b = make();
    randomWalk(a, 42, 500, () => {});
    randomWalk(b, 42, 500, () => {});
    expect(a).toEqual(b);
  });
});
