import type { Rng } from '../common/rng.ts';
import { type Keepout, nextWaypoint } from './path-planner.ts';
import { clamp, distance, type Vec2, WORLD, type WorldState } from './world.ts';

/** Per-episode motion style of a scripted policy, so demonstrations differ in speed, paths and noise. */
export interface MotionStyle {
  /** Fraction of full speed, in (0, 1]. */
  speed: number;
  /** Std of Gaussian noise added to each action component. */
  actionNoise: number;
  /** Extra distance kept behind a block before a push starts. */
  standoff: number;
  /** Side (+1 left, −1 right) taken around an obstacle straight ahead. */
  preferredSide: 1 | -1;
}

/** Draws a motion style for one episode. */
export function sampleMotionStyle(rng: Rng): MotionStyle {
  return {
    speed: rng.uniform(0.75, 1),
    actionNoise: 0.05,
    standoff: rng.uniform(0.015, 0.04),
    preferredSide: rng.next() < 0.5 ? 1 : -1,
  };
}

const CONTACT = WORLD.blockRadius + WORLD.pusherRadius;
const TARGET_CLEARANCE = CONTACT + 0.008;
const OBSTACLE_CLEARANCE = CONTACT + 0.015;
/** The pushing basin behind a block: how far behind (min, beyond the standoff) and how far off the line. */
const PUSH_MIN_BEHIND = 0.5 * CONTACT;
const PUSH_EXTRA_BEHIND = 0.03;
const PUSH_MAX_LATERAL = 0.6 * CONTACT;
/** Lateral offset at which the push stops advancing and only re-centres. */
const FULL_STOP_LATERAL = 0.3 * CONTACT;

/** A desired pusher displacement for this tick, in arena units. */
export type Move = Vec2;

/**
 * Moves the pusher toward `target` along a planned route that keeps clear of every block, so it does
 * not knock blocks while repositioning. `approaching` is the block about to be pushed, skirted closer.
 */
export function navigate(state: WorldState, target: Vec2, style: MotionStyle, approaching = -1): Move {
  const keepouts: Keepout[] = state.blocks
    .map((center, i) => ({ center, radius: i === approaching ? TARGET_CLEARANCE : OBSTACLE_CLEARANCE }))
    .filter(({ center, radius }) => distance(target, center) >= radius);
  const waypoint = nextWaypoint(state.pusher, target, keepouts, style.preferredSide);
  const dx = waypoint.x - state.pusher.x;
  const dy = waypoint.y - state.pusher.y;
  const length = Math.hypot(dx, dy);
  if (length < 1e-9) return { x: 0, y: 0 };
  const step = Math.min(distance(state.pusher, target), WORLD.maxStepPerTick) / length;
  return { x: dx * step, y: dy * step };
}

/**
 * One tick of pushing block `index` toward `goal`: get behind the block on the goal line (navigating
 * around everything), then push along the line, re-aiming each tick and slowing down near the goal.
 * Pushing is one continuous law over a wide basin behind the block: steer to the contact point on
 * the goal line while advancing in proportion to how well aligned the pusher is. A narrow basin with
 * a hard switch between "push" and "re-approach" solved the tasks just as well but was a little
 * harder to imitate; see BENCHMARKS.md, `## beso`.
 */
export function pushBlock(state: WorldState, index: number, goal: Vec2, style: MotionStyle): Move {
  const block = state.blocks[index];
  const remaining = distance(block, goal);
  const dirX = (goal.x - block.x) / remaining;
  const dirY = (goal.y - block.y) / remaining;
  const vx = state.pusher.x - block.x;
  const vy = state.pusher.y - block.y;
  const behind = -(vx * dirX + vy * dirY);
  const lateral = Math.abs(vx * dirY - vy * dirX);
  const inPosition =
    behind > PUSH_MIN_BEHIND &&
    behind < CONTACT + style.standoff + PUSH_EXTRA_BEHIND &&
    lateral < PUSH_MAX_LATERAL;
  if (!inPosition) {
    const approach = {
      x: block.x - dirX * (CONTACT + style.standoff),
      y: block.y - dirY * (CONTACT + style.standoff),
    };
    return navigate(state, approach, style, index);
  }
  const alignment = Math.max(0, 1 - lateral / FULL_STOP_LATERAL);
  const advance = Math.min(remaining, WORLD.maxStepPerTick) * alignment;
  return {
    x: block.x - dirX * CONTACT - state.pusher.x + dirX * advance,
    y: block.y - dirY * CONTACT - state.pusher.y + dirY * advance,
  };
}

/** Turns a desired move into an action in [−1, 1]²: scaled by the style's speed, with its noise. */
export function moveToAction(move: Move, style: MotionStyle, rng: Rng): [number, number] {
  let ax = move.x / WORLD.maxStepPerTick;
  let ay = move.y / WORLD.maxStepPerTick;
  const peak = Math.max(1, Math.abs(ax), Math.abs(ay));
  ax = (ax / peak) * style.speed + rng.normal() * style.actionNoise;
  ay = (ay / peak) * style.speed + rng.normal() * style.actionNoise;
  return [clamp(ax, -1, 1), clamp(ay, -1, 1)];
}
