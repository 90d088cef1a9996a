import { concat, linear, silu } from '../../nn/layers.ts';
import type { Tensor } from '../../nn/tensor.ts';
import type { Act2GoalArchitecture } from './act2goal-config.ts';

/**
 * K at plan time (Act2Goal does not publish how it picks K; we predict it): an MLP on [z_t, z_g] with
 * two SiLU hidden layers of the world model's width → float32 [B], ln(1 + K). The log makes a step
 * off by a few count as much near the goal as a step off by tens far from it, like the distal spacing.
 */
export function goalStepsHeadNetwork(
  currentLatent: Tensor,
  goalLatent: Tensor,
  arch: Act2GoalArchitecture,
): Tensor {
  const d = arch.worldModel.width;
  return currentLatent.b.scope('goal_steps_head', () => {
    const hidden = silu(linear(silu(linear(concat([currentLatent, goalLatent], 1), 'fc0', d)), 'fc1', d));
    return linear(hidden, 'out', 1).squeeze([1]);
  });
}

/**
 * The K a plan uses from the head's ln(1 + K): exp(y) − 1 rounded into [minGoalSteps, maxGoalSteps]
 * (a floor above K_max gives K_max).
 */
export function planGoalSteps(logGoalSteps: number, minGoalSteps: number, maxGoalSteps: number): number {
  const min = Math.min(minGoalSteps, maxGoalSteps);
  return Math.min(maxGoalSteps, Math.max(min, Math.round(Math.expm1(logGoalSteps))));
}
