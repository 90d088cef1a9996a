/** A 2-D point or vector in arena units (the arena is the unit square [0, 1]²). */
export interface Vec2 {
  x: number;
  y: number;
}

/** Everything that moves: the round pusher (the end-effector) and the round blocks. */
export interface WorldState {
  pusher: Vec2;
  blocks: Vec2[];
}

/** Fixed geometry and control scaling of the tabletop. */
export const WORLD = {
  /** Pusher disc radius. */
  pusherRadius: 0.035,
  /** Block disc radius. */
  blockRadius: 0.05,
  /** Distance the pusher travels per control tick at |action| = 1 along an axis. */
  maxStepPerTick: 0.03,
  /** Largest pusher move resolved at once; smaller moves never tunnel through a block. */
  maxSubstep: 0.01,
} as const;

/** Deep copy of a world state. */
export function cloneWorld(state: WorldState): WorldState {
  return { pusher: { ...state.pusher }, blocks: state.blocks.map((b) => ({ ...b })) };
}

/** Limits `value` to [min, max]. */
export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Euclidean distance between two points. */
export function distance(a: Vec2, b: Vec2): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
