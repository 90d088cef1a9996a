import type { Rng } from '../common/rng.ts';
import { type Move, moveToAction, navigate, pushBlock, sampleMotionStyle } from './motion.ts';
import type { ScriptedPolicy } from './scripted-policy.ts';
import { distance, type Vec2, type WorldState } from './world.ts';

type Intent =
  | { kind: 'wander'; target: Vec2; ticksLeft: number }
  | { kind: 'push'; block: number; target: Vec2; ticksLeft: number };

/**
 * Goal-free "play": wanders to random points and pushes random blocks toward random places, switching
 * intent every 20–60 ticks or when one is done. Hindsight relabeling turns these episodes into
 * goal-conditioned training data; the goal passed to `act` is ignored.
 */
export function createPlayPolicy(rng: Rng): ScriptedPolicy {
  const style = sampleMotionStyle(rng);
  let intent: Intent | undefined;

  const nextIntent = (state: WorldState): Intent => {
    const target = { x: rng.uniform(0.15, 0.85), y: rng.uniform(0.15, 0.85) };
    const ticksLeft = 20 + rng.int(41);
    if (state.blocks.length > 0 && rng.next() < 0.6) {
      return { kind: 'push', block: rng.int(state.blocks.length), target, ticksLeft };
    }
    return { kind: 'wander', target, ticksLeft };
  };

  const moveFor = (state: WorldState, current: Intent): Move | undefined => {
    if (current.ticksLeft <= 0) return undefined;
    current.ticksLeft -= 1;
    if (current.kind === 'wander') {
      return distance(state.pusher, current.target) < 0.02
        ? undefined
        : navigate(state, current.target, style);
    }
    const block = state.blocks[current.block];
    return distance(block, current.target) < 0.02
      ? undefined
      : pushBlock(state, current.block, current.target, style);
  };

  return {
    act(state) {
      let move = intent === undefined ? undefined : moveFor(state, intent);
      while (move === undefined) {
        intent = nextIntent(state);
        move = moveFor(state, intent);
      }
      return moveToAction(move, style, rng);
    },
  };
}
