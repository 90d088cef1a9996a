import type { WorldState } from './world.ts';

/** A policy with privileged access to the world state, used to make demonstrations and play data. */
export interface ScriptedPolicy {
  /** The action in [−1, 1]² for the current state, given the goal state. */
  act(state: WorldState, goal: WorldState): [number, number];
}
