import { concat } from '../nn/layers.ts';
import type { Tensor } from '../nn/tensor.ts';

/**
 * Features of the object tokens both families' networks read: for each of `objects` objects whose
 * position an image embedding estimates (pusher first, then the blocks) its position now, the offset
 * from there to its position in the goal frame (times `goalWeight` [B, 1, 1] when given) and its
 * offset from the pusher. `positions` and `goalPositions`: float32 [B, 2·objects], (x, y) per object
 * → float32 [B, objects, 6]. One token per object lets the same weights serve every block and
 * attention pick the one to push (BENCHMARKS.md, "What held pushing back").
 */
export function objectTokenFeatures(
  positions: Tensor,
  goalPositions: Tensor,
  objects: number,
  goalWeight?: Tensor,
): Tensor {
  const now = positions.reshape([-1, objects, 2]);
  const toGoal = goalPositions.reshape([-1, objects, 2]).sub(now);
  const pusher = concat(Array(objects).fill(now.slice([0], [1], [1])), 1);
  return concat([now, goalWeight === undefined ? toGoal : toGoal.mul(goalWeight), now.sub(pusher)], 2);
}

/**
 * Whether each row's goal embedding [B, E] is a goal → float32 [B, 1, 1]: tanh(Σ x²), 0 for the
 * all-zero null goal of goal dropout and 1 for any LayerNorm'd embedding (Σ x² ≈ E), the `goalWeight`
 * of {@link objectTokenFeatures}.
 */
export function goalPresence(goal: Tensor): Tensor {
  return goal.mul(goal).sum([1], true).tanh().reshape([-1, 1, 1]);
}
