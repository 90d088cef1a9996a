import { createRng, deriveSeed } from '../common/rng.ts';
import type { TensorData } from '../nn/graph.ts';
import { ACT2GOAL_TENSORS, type Act2GoalArchitecture } from '../policies/act2goal/act2goal-config.ts';
import { buildGoalStepsGraph, buildWorldModelGraph } from '../policies/act2goal/act2goal-graphs.ts';
import { planGoalSteps } from '../policies/act2goal/goal-steps-head.ts';
import { msthFrameCount } from '../policies/act2goal/msth.ts';
import { sampleFlow, uniformFlowSteps } from '../policies/sampling/flow-matching.ts';
import { type EpisodeStore, writeZScoredProprio } from './episode-store.ts';
import { pickHindsightGoal } from './hindsight-goal.ts';
import { openTrainedSession } from './package-files.ts';

/** Where one training sample starts and which hindsight goal it heads for. */
export interface GoalDraw {
  /** Index into the store's episodes. */
  episode: number;
  /** Step of the current frame. */
  t: number;
  /** Step of the goal frame, t < goal ≤ T; K = goal − t. */
  goal: number;
}

/** Futures the world model imagined for fixed draws, which the action expert attends to in stage 2. */
export interface ImaginedFutures {
  draws: readonly GoalDraw[];
  /** float32 [draws]: the K the world model was told for each draw. */
  goalSteps: Float32Array;
  /** float32 [draws, F, Z]: the sampled MSTH latents of each draw, as a plan would imagine them. */
  latents: Float32Array;
}

/**
 * Which K the imagination is told: each draw's true distance to its goal (goal − t), or the K a plan
 * would use for it (the manifest's fixed K, or the goal-steps head's prediction floored at
 * `minGoalSteps`), so the expert learns from plans whose pace is as wrong as at plan time.
 */
export type ImaginedGoalSteps =
  | { kind: 'true' }
  | { kind: 'plan'; goalSteps: 'predicted' | number; minGoalSteps: number };

/** Draws per world-model run while imagining. */
const DRAWS_PER_RUN = 512;

/** One hindsight goal for every (episode, step t < T), drawn as the stage datasets draw theirs. */
export function drawHindsightGoals(store: EpisodeStore, finalGoalShare: number, seed: number): GoalDraw[] {
  const rng = createRng(deriveSeed(seed, 0x1a61));
  return store.episodes.flatMap((episode, e) =>
    Array.from({ length: episode.steps }, (_, t) => ({
      episode: e,
      t,
      goal: pickHindsightGoal(episode.steps, t, finalGoalShare, rng),
    })),
  );
}

/**
 * Runs the world model with trained `weights` the way a plan does (`steps` Euler steps from noise,
 * one RNG per draw derived from `seed`) for every draw: current and goal latents from the frame cache,
 * z-scored proprio, K as `told`. Training the action expert on these instead of the true future
 * latents closes the gap between what it reads in training and at plan time (BENCHMARKS.md: with the
 * true futures it learns to read the next actions off them and fails on imagined ones).
 */
export async function imagineFutures(
  store: EpisodeStore,
  latents: readonly Float32Array[],
  arch: Act2GoalArchitecture,
  weights: Map<string, TensorData>,
  draws: readonly GoalDraw[],
  seed: number,
  steps: number,
  told: ImaginedGoalSteps,
): Promise<ImaginedFutures> {
  const wm = ACT2GOAL_TENSORS.worldModel;
  const session = await openTrainedSession(buildWorldModelGraph(arch), weights, [wm.velocity]);
  const head = ACT2GOAL_TENSORS.goalStepsHead;
  const headSession =
    told.kind === 'plan' && told.goalSteps === 'predicted'
      ? await openTrainedSession(buildGoalStepsGraph(arch), weights, [head.logGoalSteps])
      : undefined;
  const z = arch.latentDim;
  const pd = arch.proprioDim;
  const frames = msthFrameCount(arch.msth);
  const out = new Float32Array(draws.length * frames * z);
  const allGoalSteps = new Float32Array(draws.length);
  const f32 = (dims: number[], data: Float32Array): TensorData => ({ dtype: 'float32', dims, data });
  try {
    for (let first = 0; first < draws.length; first += DRAWS_PER_RUN) {
      const chunk = draws.slice(first, first + DRAWS_PER_RUN);
      const n = chunk.length;
      const current = new Float32Array(n * z);
      const goal = new Float32Array(n * z);
      const proprio = new Float32Array(n * pd);
      const goalSteps = new Float32Array(n);
      chunk.forEach(({ episode: e, t, goal: g }, row) => {
        current.set(latents[e].subarray(t * z, (t + 1) * z), row * z);
        goal.set(latents[e].subarray(g * z, (g + 1) * z), row * z);
        writeZScoredProprio(store, e, t, proprio, row * pd);
        goalSteps[row] = told.kind === 'plan' && told.goalSteps !== 'predicted' ? told.goalSteps : g - t;
      });
      if (headSession && told.kind === 'plan') {
        const predicted = await headSession.run({
          [head.currentLatent]: f32([n, z], current),
          [head.goalLatent]: f32([n, z], goal),
        });
        (predicted[head.logGoalSteps].data as Float32Array).forEach((y, row) => {
          goalSteps[row] = planGoalSteps(y, told.minGoalSteps, arch.maxGoalSteps);
        });
      }
      allGoalSteps.set(goalSteps, first);
      const conditions = {
        [wm.currentLatent]: f32([n, z], current),
        [wm.goalLatent]: f32([n, z], goal),
        [wm.proprio]: f32([n, pd], proprio),
        [wm.goalSteps]: f32([n], goalSteps),
      };
      const sampled = await sampleFlow(
        {
          velocity: async (x, taus) => {
            const result = await session.run({
              ...conditions,
              [wm.flowTime]: f32([n], taus),
              [wm.noisyLatents]: f32([n, frames, z], x),
            });
            return result[wm.velocity].data as Float32Array;
          },
          rngs: chunk.map((_, row) => createRng(deriveSeed(seed, 0x1a62, first + row))),
          rowSize: frames * z,
        },
        uniformFlowSteps(steps),
      );
      out.set(sampled, first * frames * z);
    }
    return { draws, goalSteps: allGoalSteps, latents: out };
  } finally {
    await session.release();
    await headSession?.release();
  }
}
