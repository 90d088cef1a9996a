import { concat } from '../../nn/layers.ts';
import type { Tensor } from '../../nn/tensor.ts';
import { objectTokenFeatures } from '../object-features.ts';
import type { Act2GoalArchitecture } from './act2goal-config.ts';
import { estimatePositions } from './image-autoencoder.ts';

/** Position estimates of z_t and z_g (each float32 [B, Z]) → each [B, positionDim]. */
export function endpointPositions(
  currentLatent: Tensor,
  goalLatent: Tensor,
  arch: Act2GoalArchitecture,
): { now: Tensor; goal: Tensor } {
  const positions = estimatePositions(
    concat([currentLatent.unsqueeze([1]), goalLatent.unsqueeze([1])], 1),
    arch,
  );
  const at = (row: number) => positions.slice([row], [row + 1], [1]).reshape([-1, arch.positionDim]);
  return { now: at(0), goal: at(1) };
}

/** The object tokens' {@link objectTokenFeatures} from z_t and z_g → float32 [B, positionDim/2, 6]. */
export function endpointObjectFeatures(
  currentLatent: Tensor,
  goalLatent: Tensor,
  arch: Act2GoalArchitecture,
): Tensor {
  const { now, goal } = endpointPositions(currentLatent, goalLatent, arch);
  return objectTokenFeatures(now, goal, arch.positionDim / 2);
}
