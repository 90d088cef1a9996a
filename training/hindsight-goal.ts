import type { Rng } from '../common/rng.ts';

/**
 * Hindsight "future" goal (Reuss et al. 2023) for the observation at step t of an episode of T steps:
 * the last frame T with probability `finalShare`, else uniform over the frames t + 1..T.
 */
export function pickHindsightGoal(steps: number, t: number, finalShare: number, rng: Rng): number {
  if (rng.next() < finalShare) return steps;
  return t + 1 + rng.int(steps - t);
}
