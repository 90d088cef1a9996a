import type { Rng } from '../common/rng.ts';
import { moveToAction, navigate, pushBlock, sampleMotionStyle } from './motion.ts';
import type { ScriptedPolicy } from './scripted-policy.ts';
import type { TaskSpec } from './tasks.ts';
import { clamp, distance, type Vec2, type WorldState } from './world.ts';

/** A block counts as placed by the expert when this close to its goal (tighter than any task tolerance). */
const PLACED = 0.02;
/** Ticks without bringing the current block closer before the expert tries another block first. */
const PATIENCE = 40;

/**
 * The scripted expert: reaches the target, or pushes blocks to their goals one at a time in a random
 * order, returning to any block that was knocked away. Each episode has its own speed, standoff,
 * detour side and (for reach) an optional via-point, so demonstrations are multimodal.
 */
export function createScriptedExpert(task: TaskSpec, rng: Rng): ScriptedPolicy {
  const style = sampleMotionStyle(rng);
  const order = shuffle(
    Array.from({ length: task.blockCount }, (_, i) => i),
    rng,
  );
  let via: Vec2 | undefined;
  let viaPlanned = false;
  let current = -1;
  let best = Number.POSITIVE_INFINITY;
  let stalled = 0;

  const reach = (state: WorldState, goal: WorldState): [number, number] => {
    if (!viaPlanned) {
      viaPlanned = true;
      via = rng.next() < 0.4 ? planViaPoint(state.pusher, goal.pusher, rng) : undefined;
    }
    if (via !== undefined && distance(state.pusher, via) < 0.04) via = undefined;
    return moveToAction(navigate(state, via ?? goal.pusher, style), style, rng);
  };

  const push = (state: WorldState, goal: WorldState): [number, number] => {
    const unplaced = order.filter((i) => distance(state.blocks[i], goal.blocks[i]) > PLACED);
    if (unplaced.length === 0) return moveToAction({ x: 0, y: 0 }, style, rng);
    if (!unplaced.includes(current)) switchTo(unplaced[0], state, goal);
    const gap = distance(state.blocks[current], goal.blocks[current]);
    if (gap < best - 1e-3) {
      best = gap;
      stalled = 0;
    } else if (++stalled > PATIENCE && unplaced.length > 1) {
      // Probably blocked by another block: move the stuck one to the back of the queue.
      order.push(...order.splice(order.indexOf(current), 1));
      switchTo(unplaced.find((i) => i !== current)!, state, goal);
    }
    return moveToAction(pushBlock(state, current, goal.blocks[current], style), style, rng);
  };

  const switchTo = (index: number, state: WorldState, goal: WorldState) => {
    current = index;
    best = distance(state.blocks[index], goal.blocks[index]);
    stalled = 0;
  };

  return { act: (state, goal) => (task.blockCount === 0 ? reach(state, goal) : push(state, goal)) };
}

/** A point beside the straight line from start to target, so reaching paths differ between episodes. */
function planViaPoint(start: Vec2, target: Vec2, rng: Rng): Vec2 {
  const t = rng.uniform(0.3, 0.6);
  const dx = target.x - start.x;
  const dy = target.y - start.y;
  const length = Math.hypot(dx, dy) || 1;
  const offset = rng.uniform(0.05, 0.15) * (rng.next() < 0.5 ? -1 : 1);
  return {
    x: clamp(start.x + t * dx - (dy / length) * offset, 0.1, 0.9),
    y: clamp(start.y + t * dy + (dx / length) * offset, 0.1, 0.9),
  };
}

function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
