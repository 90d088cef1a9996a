import { clamp, cloneWorld, type Vec2, WORLD, type WorldState } from './world.ts';

const SOLVER_ITERATIONS = 48;
const OVERLAP_EPSILON = 1e-9;

/**
 * Advances the world by one control tick: the pusher moves by `delta` (arena units) in substeps of
 * at most WORLD.maxSubstep; blocks move only when pushed (quasi-static: no momentum, no sliding).
 * Contacts are resolved by projecting overlapping discs apart along their centre line; a substep
 * that cannot be resolved without interpenetration (e.g. a block jammed in a corner) is undone, so
 * the state is always valid. Mutates and returns `state`.
 */
export function stepWorld(state: WorldState, delta: Vec2): WorldState {
  const length = Math.hypot(delta.x, delta.y);
  const substeps = Math.max(1, Math.ceil(length / WORLD.maxSubstep));
  const dx = delta.x / substeps;
  const dy = delta.y / substeps;
  for (let s = 0; s < substeps; s++) {
    const before = cloneWorld(state);
    state.pusher.x = clamp(state.pusher.x + dx, WORLD.pusherRadius, 1 - WORLD.pusherRadius);
    state.pusher.y = clamp(state.pusher.y + dy, WORLD.pusherRadius, 1 - WORLD.pusherRadius);
    resolveContacts(state);
    if (hasOverlap(state)) {
      state.pusher = before.pusher;
      state.blocks = before.blocks;
      break;
    }
  }
  return state;
}

/** Gauss–Seidel projection: the pusher is kinematic, blocks give way to it, to each other and to walls. */
function resolveContacts(state: WorldState): void {
  const { blocks, pusher } = state;
  const pusherGap = WORLD.pusherRadius + WORLD.blockRadius;
  const blockGap = 2 * WORLD.blockRadius;
  for (let iteration = 0; iteration < SOLVER_ITERATIONS; iteration++) {
    let moved = false;
    for (const block of blocks) moved = separate(pusher, block, pusherGap, 0) || moved;
    for (let i = 0; i < blocks.length; i++) {
      for (let j = i + 1; j < blocks.length; j++)
        moved = separate(blocks[i], blocks[j], blockGap, 0.5) || moved;
    }
    for (const block of blocks) moved = clampToArena(block, WORLD.blockRadius) || moved;
    if (!moved) return;
  }
}

/** Moves `b` (and `a` by `shareOfA` of the correction) so the two discs are `gap` apart; true if it moved. */
function separate(a: Vec2, b: Vec2, gap: number, shareOfA: number): boolean {
  let nx = b.x - a.x;
  let ny = b.y - a.y;
  const dist = Math.hypot(nx, ny);
  const overlap = gap - dist;
  if (overlap <= OVERLAP_EPSILON) return false;
  if (dist < 1e-12) {
    nx = 1;
    ny = 0;
  } else {
    nx /= dist;
    ny /= dist;
  }
  a.x -= nx * overlap * shareOfA;
  a.y -= ny * overlap * shareOfA;
  b.x += nx * overlap * (1 - shareOfA);
  b.y += ny * overlap * (1 - shareOfA);
  return true;
}

function clampToArena(p: Vec2, radius: number): boolean {
  const x = clamp(p.x, radius, 1 - radius);
  const y = clamp(p.y, radius, 1 - radius);
  const moved = x !== p.x || y !== p.y;
  p.x = x;
  p.y = y;
  return moved;
}

/** True when any two bodies interpenetrate (beyond a float tolerance) or a block leaves the arena. */
export function hasOverlap(state: WorldState, tolerance = 1e-6): boolean {
  const { blocks, pusher } = state;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (Math.hypot(b.x - pusher.x, b.y - pusher.y) < WORLD.pusherRadius + WORLD.blockRadius - tolerance)
      return true;
    if (b.x < WORLD.blockRadius - tolerance || b.x > 1 - WORLD.blockRadius + tolerance) return true;
    if (b.y < WORLD.blockRadius - tolerance || b.y > 1 - WORLD.blockRadius + tolerance) return true;
    for (let j = i + 1; j < blocks.length; j++) {
      if (Math.hypot(b.x - blocks[j].x, b.y - blocks[j].y) < 2 * WORLD.blockRadius - tolerance) return true;
    }
  }
  return false;
}
