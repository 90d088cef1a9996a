import { createRng, deriveSeed } from '../common/rng.ts';
import type { TensorData } from '../nn/graph.ts';
import type { Dataset } from '../nn/train-loop.ts';
import { ACT2GOAL_TENSORS, type Act2GoalArchitecture } from '../policies/act2goal/act2goal-config.ts';
import {
  msthActionCount,
  msthActionOffsets,
  msthFrameCount,
  msthFrameOffsets,
} from '../policies/act2goal/msth.ts';
import { scaleActionValue } from '../policies/robot-units.ts';
import {
  drawFlowTime,
  type FlowTimeDraw,
  writeFlowTrainingPair,
} from '../policies/sampling/flow-matching.ts';
import { ACT2GOAL_TRAINING_TENSORS } from './act2goal-training-graphs.ts';
import { type EpisodeStore, writeZScoredProprio } from './episode-store.ts';
import { pickHindsightGoal } from './hindsight-goal.ts';
import type { ImaginedFutures } from './imagined-futures.ts';
import type { PositionShift } from './position-shift.ts';

/** How stage 1–2 samples are drawn. */
export interface Act2GoalSampling {
  /** Probability that the hindsight goal is the episode's last frame rather than a uniform future one. */
  finalGoalShare: number;
  /**
   * Std of N(0, σ²) added to the clean future latents of the τ = 1 pass the action expert attends to,
   * so it tolerates the small errors of imagined latents at plan time.
   */
  hiddenStateNoise: number;
  /**
   * Share of each stage's samples whose action expert reads a zeroed world-model context, so that one
   * expert acts with the imagination and without it (the free pass of world-model guidance at plan time).
   */
  contextDropout: { joint: number; action: number };
  /** How the action flow's τ is drawn (the world model's is always uniform). */
  actionFlowTime: FlowTimeDraw;
  /**
   * Probability that z_t, and independently z_g, come from the latents of the frames' JPEG copies
   * (when given) rather than of the lossless renders, as robots streaming JPEG show them; the future
   * latents to imagine stay lossless. Absent means 0.
   */
  jpegLatentShare?: number;
  /**
   * Share of stage 2's samples whose z_g is the null goal, all zeros (BESO's goal dropout; the expert
   * must know it, `expertNullGoal`). Absent means 0.
   */
  goalDropout?: number;
}

/** Where a sample's latents come from besides the lossless frames' cache. */
export interface Act2GoalLatentSources {
  /** Stage 2 of an expert that reads the world model: futures it imagined, one fixed goal per draw. */
  imagined?: ImaginedFutures;
  /** Per episode float32 [T + 1, Z]: latents of the frames' JPEG copies (see `jpegLatentShare`). */
  jpegLatents?: readonly Float32Array[];
  /**
   * Position noise: z_t and z_{t−1} move alike by `shift` so that the position head reads every
   * object the episode has displaced by one draw of N(0, std²) per coordinate (std in table units),
   * and its motion since the previous frame is kept: the expert learns to act on estimates as far off
   * as those of the frames it meets closed loop, which it drives out of the demonstrations' states.
   */
  positionNoise?: { std: number; shift: PositionShift };
}

/** Salt of the position-noise draws, a stream of their own so a sample's other draws stay as they are. */
const POSITION_NOISE_SALT = 1;

/** Table units to the position head's, (p − 0.5)·4 (see training/state-probe.ts). */
const HEAD_UNITS_PER_TABLE_UNIT = 4;

/** The defaults of `goalserve train act2goal`. */
export const DEFAULT_ACT2GOAL_SAMPLING: Act2GoalSampling = {
  finalGoalShare: 0.5,
  hiddenStateNoise: 0.1,
  contextDropout: { joint: 0, action: 0 },
  actionFlowTime: 'uniform',
};

/**
 * Training samples for the world model and action expert, one per (episode, step t < T), play episodes
 * included. The goal is a hindsight frame g of the same episode and K = g − t; the targets follow MSTH
 * for that K: latents of frames t + msthFrameOffsets(K) and actions a_{t + msthActionOffsets(K)}, except
 * that proximal actions at or past the goal (j ≥ K) are zero, the hold-still command: the frames there
 * are the goal repeated, and for the final goal this is BESO's zero padding past an episode's end.
 * Proprio is z-scored, actions min-max scaled to [−1, 1]. With `imagined`, the samples are its draws
 * (fixed goals) and the τ = 1 pass gets the world model's imagined futures instead of the true ones plus
 * noise, with the K they were imagined for; the targets stay those of the true K. With `goalDropout`, a share
 * of stage 2's samples gets the null goal z_g = 0 after its targets are drawn. With `jpegLatents`, z_t and
 * z_g come from the JPEG copies' latents for a `jpegLatentShare` of samples. An expert that reads motion
 * also gets z_{t−1} (z_0 at t = 0), from the same frames as z_t. With `positionNoise`, both are moved so
 * that the objects read displaced. Everything random depends only on (seed, stage, training step, slot), so a resumed run draws
 * the same batches.
 */
export function createAct2GoalDataset(
  store: EpisodeStore,
  latents: readonly Float32Array[],
  arch: Act2GoalArchitecture,
  sampling: Act2GoalSampling,
  seed: number,
  stage: 1 | 2,
  stepOf: () => number,
  { imagined, jpegLatents, positionNoise }: Act2GoalLatentSources = {},
): Dataset {
  const starts =
    imagined?.draws ??
    store.episodes.flatMap((episode, e) =>
      Array.from({ length: episode.steps }, (_, t) => ({ episode: e, t })),
    );
  const z = arch.latentDim;
  const frames = msthFrameCount(arch.msth);
  const actions = msthActionCount(arch.msth);
  const { proximalSteps } = arch.msth;
  const { low, high } = store.actionBounds;
  const pd = arch.proprioDim;

  return {
    size: starts.length,
    batch(indices) {
      const n = indices.length;
      const current = new Float32Array(n * z);
      const previous = new Float32Array(arch.expertReadsMotion ? n * z : 0);
      const goal = new Float32Array(n * z);
      const proprio = new Float32Array(n * pd);
      const goalSteps = new Float32Array(n);
      const logGoalSteps = new Float32Array(n);
      const futures = new Float32Array(frames * z);
      const flowTime = new Float32Array(n);
      const noisyLatents = new Float32Array(n * frames * z);
      const latentTarget = new Float32Array(n * frames * z);
      const clean = new Float32Array(n * frames * z);
      const actionFlowTime = new Float32Array(n);
      const noisyActions = new Float32Array(n * actions * arch.actionDim);
      const actionTarget = new Float32Array(n * actions * arch.actionDim);
      const cleanActions = new Float32Array(actions * arch.actionDim);
      const contextKeep = new Float32Array(n).fill(1);
      const planGoalSteps = new Float32Array(n);
      const step = stepOf();
      const dropout = stage === 1 ? sampling.contextDropout.joint : sampling.contextDropout.action;
      const goalDropout = stage === 2 ? (sampling.goalDropout ?? 0) : 0;
      indices.forEach((index, slot) => {
        const { episode: e, t } = starts[index];
        const episode = store.episodes[e];
        const own = latents[e];
        const rng = createRng(deriveSeed(seed, stage, step, slot));
        const g =
          imagined?.draws[index].goal ?? pickHindsightGoal(episode.steps, t, sampling.finalGoalShare, rng);
        const k = g - t;
        const jpegShare = jpegLatents === undefined ? 0 : (sampling.jpegLatentShare ?? 0);
        const asSeen = () => (jpegShare > 0 && rng.next() < jpegShare ? jpegLatents![e] : own);
        const seen = asSeen();
        current.set(seen.subarray(t * z, (t + 1) * z), slot * z);
        // the frame before t, or t itself at an episode's start (as a planner repeats its first frame)
        if (arch.expertReadsMotion)
          previous.set(seen.subarray(Math.max(t - 1, 0) * z, Math.max(t, 1) * z), slot * z);
        goal.set(asSeen().subarray(g * z, (g + 1) * z), slot * z);
        if (positionNoise) {
          const noise = createRng(deriveSeed(seed, stage, step, slot, POSITION_NOISE_SALT));
          const delta = Array.from({ length: arch.positionDim }, (_, k) =>
            k < episode.goalState.length ? HEAD_UNITS_PER_TABLE_UNIT * positionNoise.std * noise.normal() : 0,
          );
          positionNoise.shift.apply(current.subarray(slot * z, (slot + 1) * z), delta);
          if (arch.expertReadsMotion)
            positionNoise.shift.apply(previous.subarray(slot * z, (slot + 1) * z), delta);
        }
        writeZScoredProprio(store, e, t, proprio, slot * pd);
        goalSteps[slot] = k;
        planGoalSteps[slot] = imagined?.goalSteps[index] ?? k;
        logGoalSteps[slot] = Math.log1p(k);
        msthFrameOffsets(arch.msth, k).forEach((offset, f) => {
          futures.set(own.subarray((t + offset) * z, (t + offset + 1) * z), f * z);
        });
        msthActionOffsets(arch.msth, k).forEach((offset, j) => {
          const hold = j < proximalSteps && j >= k;
          for (let a = 0; a < arch.actionDim; a++) {
            const raw = hold ? 0 : episode.actions[(t + offset) * arch.actionDim + a];
            cleanActions[j * arch.actionDim + a] = scaleActionValue(raw, low[a], high[a]);
          }
        });
        const row = slot * futures.length;
        if (imagined) {
          clean.set(imagined.latents.subarray(index * futures.length, (index + 1) * futures.length), row);
        } else {
          for (let i = 0; i < futures.length; i++) {
            clean[row + i] = futures[i] + sampling.hiddenStateNoise * rng.normal();
          }
        }
        actionFlowTime[slot] = drawFlowTime(sampling.actionFlowTime, rng.next());
        const actionOffset = slot * cleanActions.length;
        writeFlowTrainingPair(
          cleanActions,
          actionFlowTime[slot],
          rng,
          noisyActions,
          actionTarget,
          actionOffset,
        );
        flowTime[slot] = rng.next();
        writeFlowTrainingPair(
          futures,
          flowTime[slot],
          rng,
          noisyLatents,
          latentTarget,
          slot * futures.length,
        );
        if (dropout > 0 && rng.next() < dropout) contextKeep[slot] = 0;
        if (goalDropout > 0 && rng.next() < goalDropout) goal.fill(0, slot * z, (slot + 1) * z);
      });
      const wm = ACT2GOAL_TENSORS.worldModel;
      const names = ACT2GOAL_TRAINING_TENSORS;
      const tensor = (dims: number[], data: Float32Array): TensorData => ({ dtype: 'float32', dims, data });
      const both: Record<string, TensorData> = {
        [wm.flowTime]: tensor([n], flowTime),
        [wm.noisyLatents]: tensor([n, frames, z], noisyLatents),
        [names.latentTarget]: tensor([n, frames, z], latentTarget),
        [wm.currentLatent]: tensor([n, z], current),
        [wm.goalLatent]: tensor([n, z], goal),
        [wm.proprio]: tensor([n, pd], proprio),
        [wm.goalSteps]: tensor([n], goalSteps),
        [names.cleanLatents]: tensor([n, frames, z], clean),
        [names.actionFlowTime]: tensor([n], actionFlowTime),
        [ACT2GOAL_TENSORS.actionExpert.noisyActions]: tensor([n, actions, arch.actionDim], noisyActions),
        [names.actionTarget]: tensor([n, actions, arch.actionDim], actionTarget),
        [names.contextKeep]: tensor([n], contextKeep),
        ...(arch.expertReadsMotion
          ? { [ACT2GOAL_TENSORS.actionExpert.previousLatent]: tensor([n, z], previous) }
          : {}),
      };
      if (stage === 2) return { ...both, [names.planGoalSteps]: tensor([n], planGoalSteps) };
      return { ...both, [names.logGoalSteps]: tensor([n], logGoalSteps) };
    },
  };
}
