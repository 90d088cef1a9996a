import { percentile } from '../common/percentile.ts';
import { Act2GoalPolicy } from '../policies/act2goal/act2goal-policy.ts';
import type { ChunkPolicy } from '../policies/chunk-policy.ts';
import { createRobotPlanner } from '../policies/robot-planner.ts';
import type { SamplerOptions } from '../policies/sampling/sampler-options.ts';
import { createTabletopEnv } from '../sim/tabletop-env.ts';
import type { WorldState } from '../sim/world.ts';
import { type PositionOverride, withTruePositions } from './true-positions.ts';

/** How to evaluate: episode i uses layout seed `seed + i` and sampler seed derived from it. */
export interface EvaluationOptions {
  task: string;
  episodes: number;
  seed: number;
  sampler: SamplerOptions;
  /** Actions executed from each chunk before re-planning (≤ chunk length). */
  actionsPerChunk: number;
  /**
   * Perfect perception (a diagnostic): every frame the policy encodes is made to read the simulator's
   * positions in it through this override (see training/true-positions.ts).
   */
  truePositions?: PositionOverride;
  /** Called with every frame of episode 0 (uint8 [S, S, 3]) and its goal, e.g. to draw a strip. */
  onFirstEpisodeFrame?: (frame: Uint8Array, goal: Uint8Array) => void;
}

/** The result line of `goalserve eval`. */
export interface EvaluationResult {
  task: string;
  episodes: number;
  success: number;
  meanSteps: number;
  chunkLatencyMsP50: number;
  chunkLatencyMsP99: number;
  encodeMsMean: number;
  denoiseMsMean: number;
  sampler: string;
  steps: number;
  guidance: number;
  /** Act2Goal only: the world model's Euler steps per chunk, 0 when acting imagines no plan (`steps` are the action expert's). */
  worldModelSteps?: number;
  /** Act2Goal only: the smallest predicted K a plan uses. */
  minGoalSteps?: number;
  actionsPerChunk: number;
}

/** Runs the policy closed-loop in the simulator, one episode at a time (batch 1), and reports success and latency. */
export async function evaluatePolicy(
  policy: ChunkPolicy,
  options: EvaluationOptions,
): Promise<EvaluationResult> {
  const env = createTabletopEnv(options.task, { imageSize: policy.manifest.image.size });
  // the state each frame shows, kept only where the policy reads true positions
  const shown = new WeakMap<Uint8Array, WorldState>();
  const remember = (frame: Uint8Array, state: () => WorldState) => {
    if (options.truePositions) shown.set(frame, state());
  };
  const acting = options.truePositions
    ? withTruePositions(policy, options.truePositions, (frame) => shown.get(frame))
    : policy;
  const latencies: number[] = [];
  let encodeMs = 0;
  let denoiseMs = 0;
  let successes = 0;
  let totalSteps = 0;
  for (let i = 0; i < options.episodes; i++) {
    const seed = options.seed + i;
    const { observation, goal } = env.reset(seed);
    remember(goal.frame, () => goal.state);
    remember(observation.frame, () => env.state());
    const planner = createRobotPlanner(acting, options.sampler, seed);
    await planner.setGoal(goal.frame);
    planner.observe(observation.frame, observation.proprio);
    if (i === 0) options.onFirstEpisodeFrame?.(observation.frame, goal.frame);
    let done = false;
    let steps = 0;
    let success = false;
    while (!done) {
      const started = performance.now();
      const chunk = await planner.plan();
      latencies.push(performance.now() - started);
      encodeMs += chunk.encodeMs;
      denoiseMs += chunk.denoiseMs;
      const dim = policy.manifest.action.dim;
      for (let k = 0; k < options.actionsPerChunk && !done; k++) {
        const result = env.step(chunk.actions.subarray(k * dim, (k + 1) * dim));
        remember(result.observation.frame, () => env.state());
        planner.observe(result.observation.frame, result.observation.proprio);
        if (i === 0) options.onFirstEpisodeFrame?.(result.observation.frame, goal.frame);
        ({ done, success, step: steps } = result);
      }
    }
    successes += success ? 1 : 0;
    totalSteps += steps;
  }
  return {
    task: options.task,
    episodes: options.episodes,
    success: successes / options.episodes,
    meanSteps: totalSteps / options.episodes,
    chunkLatencyMsP50: round(percentile(latencies, 50)),
    chunkLatencyMsP99: round(percentile(latencies, 99)),
    encodeMsMean: round(encodeMs / latencies.length),
    denoiseMsMean: round(denoiseMs / latencies.length),
    ...(policy instanceof Act2GoalPolicy
      ? policy.integration(options.sampler)
      : {
          sampler: options.sampler.sampler,
          steps: options.sampler.steps,
          guidance: options.sampler.guidance,
        }),
    actionsPerChunk: options.actionsPerChunk,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
