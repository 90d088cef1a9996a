import type { Model } from '../nn/builder.ts';
import type { TensorData } from '../nn/graph.ts';
import { NnError } from '../nn/nn-error.ts';
import type { TrainProgress } from '../nn/train-loop.ts';
import {
  ACT2GOAL_TENSORS,
  type Act2GoalArchitecture,
  DEFAULT_ACT2GOAL_ARCHITECTURE,
} from '../policies/act2goal/act2goal-config.ts';
import { buildAct2GoalEncoderGraph } from '../policies/act2goal/act2goal-graphs.ts';
import type { Act2GoalManifestSection } from '../policies/act2goal/act2goal-manifest.ts';
import { checkActionExpertOptions } from '../policies/act2goal/action-expert.ts';
import type { ModelManifest } from '../policies/model-manifest.ts';
import type { FlowTimeDraw } from '../policies/sampling/flow-matching.ts';
import { DEFAULT_SAMPLER_OPTIONS, TRAINED_SIGMA_MIN } from '../policies/sampling/sampler-options.ts';
import {
  type Act2GoalSampling,
  createAct2GoalDataset,
  DEFAULT_ACT2GOAL_SAMPLING,
} from './act2goal-dataset.ts';
import { createFrameDataset, DEFAULT_FOREGROUND_WEIGHTING } from './act2goal-frame-dataset.ts';
import {
  buildActionExpertTrainingGraph,
  buildAutoencoderTrainingGraph,
  buildDynamicsTrainingGraph,
  POSITION_WEIGHT,
} from './act2goal-training-graphs.ts';
import { loadEpisodeStore } from './episode-store.ts';
import { encodeEpisodeFrames } from './frame-cache.ts';
import { drawHindsightGoals, imagineFutures } from './imagined-futures.ts';
import { compressEpisodeFrames, DEFAULT_JPEG_AUGMENTATION } from './jpeg-copies.ts';
import { createPositionShift } from './position-shift.ts';
import {
  feedsOf,
  type RunSettings,
  stageCheckpoint,
  startFrom,
  trainStageWeights,
} from './run-training-stage.ts';
import { writeAct2GoalPackage } from './write-act2goal-package.ts';

/** Euler steps of the shipped world model's imagination, in plans and in stage 2's imagined futures. */
const WORLD_MODEL_STEPS = 10;

/**
 * The package's default Euler steps of the action expert's flow: on push2 3 steps place both blocks
 * more often than 10 (0.39 against 0.29; BESO's 3-step samples likewise beat its 10-step ones), push1
 * and reach are within noise, and a chunk costs a third (BENCHMARKS.md, act2goal point 20).
 */
const ACTION_EXPERT_STEPS = 3;

/** The three stages of the recipe, by the name progress reports use. */
export const ACT2GOAL_STAGES = ['autoencoder', 'joint', 'action'] as const;

/** One of {@link ACT2GOAL_STAGES}. */
export type Act2GoalStage = (typeof ACT2GOAL_STAGES)[number];

/** Options of the Act2Goal training recipe; every stage shares the run settings. */
export interface Act2GoalTrainOptions extends RunSettings {
  data: string[];
  out: string;
  /** Optimizer steps per stage; 0 skips a stage (or keeps what its checkpoint holds). */
  steps: Record<Act2GoalStage, number>;
  /** Checkpoint path; stage k resumes from `<path without .safetensors>.stage<k>.safetensors`. */
  checkpoint: string;
  arch: Partial<Act2GoalArchitecture>;
  /** Share of each stage's samples whose expert reads a zeroed world-model context (default 0). */
  contextDropout?: Partial<Act2GoalSampling['contextDropout']>;
  /**
   * Share of stage 2's samples whose expert reads the null goal (default 0), as BESO's goal dropout;
   * above 0 the expert is built to know it (`expertNullGoal`).
   */
  goalDropout?: number;
  /** World-model guidance λ written to the manifest as the plan default (default 1: the expert reads the imagination as trained). */
  guidance?: number;
  /** Smallest predicted K a plan uses, written to the manifest (default 1: K as predicted). */
  minGoalSteps?: number;
  /**
   * Stage 2 imagines each draw's futures for the K a plan would use (`goalSteps`, `minGoalSteps`)
   * instead of the true distance to its goal (default false).
   */
  imagineAtPlanGoalSteps?: boolean;
  /**
   * Share of stage 0's frames replaced by their JPEG copy (quality 60–100, as BESO's; default 0: none),
   * so the encoder also places objects in the JPEG frames robots stream.
   */
  jpegShare?: number;
  /**
   * Share of stage 0's frames replaced by renders of random states over the whole table (default 0:
   * none), so the position head also places a pusher or block near a wall, where demonstrations
   * rarely go but a policy may drift.
   */
  coverageShare?: number;
  /** Chance that a disc of a coverage frame touches a wall (default 0: uniform over the table). */
  coverageWallShare?: number;
  /**
   * Share of stage 1–2 samples whose z_t, and independently z_g, are latents of the frames' JPEG
   * copies (default 0: all lossless), so the world model and expert act on what a JPEG stream encodes to.
   */
  jpegLatentShare?: number;
  /**
   * Weight of each of the M distal actions in L_a against a proximal action's 1 (default 1), in
   * stages 1 and 2: they are predicted for guidance only, and at full weight they cost the executed
   * actions' precision (BENCHMARKS.md, MSTH ablation).
   */
  distalActionWeight?: number;
  /**
   * How the action flow's training τ is drawn (default 'uniform'; 'noisy': π0's Beta emphasis; 'edm':
   * BESO's training σ as τ = 1/(1 + σ), for an EDM-preconditioned expert).
   */
  actionFlowTime?: FlowTimeDraw;
  /**
   * Std in table units (default 0: none) of stage 2's position noise: z_t and z_{t−1} move so that the
   * position head reads each object displaced by N(0, std²) per coordinate, its motion kept, as
   * closed-loop frames are read less precisely than the demonstrations' (BENCHMARKS.md).
   */
  positionNoise?: number;
  /** K at plan time, written to the manifest: 'predicted' (goal-steps head) or a fixed step count. */
  goalSteps: Act2GoalManifestSection['goalSteps'];
  /** The command line, recorded in the package manifest. */
  producedBy: string;
  onProgress?: (stage: Act2GoalStage, progress: TrainProgress, dataSize: number) => void;
}

/**
 * Trains Act2Goal in three stages and writes a package with EMA weights. Stage 0 ('autoencoder'):
 * the image autoencoder on every frame (foreground-weighted reconstruction MSE; a `jpegShare` of them
 * JPEG copies) with its position head. Then the encoder is frozen and every frame's
 * latent is computed once (and its JPEG copy's, with `jpegLatentShare`), so the next stages train on
 * latents only (cheap on a CPU). Stage 1 ('joint'):
 * world model, action expert and goal-steps head with L_v + 0.1·L_a (+ 0.1·L_K). Stage 2 ('action'):
 * L_a + L_v through expert and world model, starting from stage 1's EMA weights (the goal-steps head
 * stays as stage 1 left it), with the expert attending to futures that stage 1's world model imagined
 * for one hindsight goal per step, as at plan time, instead of the true ones that stage 1 feeds it
 * (an expert without the world model skips the imagining, draws fresh goals as in stage 1 and
 * trains alone on L_a: the world model keeps stage 1's weights);
 * with `contextDropout` > 0 that share of a stage's samples reads a zeroed context instead (world-model
 * guidance).
 * The position head is trained in stage 0 only.
 */
export async function trainAct2Goal(options: Act2GoalTrainOptions): Promise<ModelManifest> {
  const requested = { ...DEFAULT_ACT2GOAL_ARCHITECTURE, ...options.arch };
  checkActionExpertOptions(requested);
  const store = await loadEpisodeStore(options.data);
  const arch: Act2GoalArchitecture = {
    ...requested,
    ...((options.goalDropout ?? 0) > 0 ? { expertNullGoal: true } : {}),
    imageSize: store.imageSize,
    actionDim: store.actionBounds.low.length,
    proprioDim: store.proprio.mean.length,
  };
  const { batch, seed } = options;
  const stage = (index: number, name: Act2GoalStage) => ({
    ...options,
    steps: options.steps[name],
    checkpoint: stageCheckpoint(options.checkpoint, index),
    onProgress: (p: TrainProgress, size: number) => options.onProgress?.(name, p, size),
  });
  const jpegShare = options.jpegShare ?? 0;
  const jpegLatentShare = options.jpegLatentShare ?? 0;
  const coverageShare = options.coverageShare ?? 0;
  const jpegFrames =
    (jpegShare > 0 && options.steps.autoencoder > 0) || jpegLatentShare > 0
      ? await compressEpisodeFrames(store, DEFAULT_JPEG_AUGMENTATION, seed)
      : undefined;
  const autoencoder = await trainStageWeights({
    ...stage(0, 'autoencoder'),
    model: buildAutoencoderTrainingGraph(arch, batch, seed, POSITION_WEIGHT),
    data: (stepOf) =>
      createFrameDataset(store, DEFAULT_FOREGROUND_WEIGHTING, {
        jpeg: jpegShare > 0 && jpegFrames ? { frames: jpegFrames, share: jpegShare, seed } : undefined,
        coverage:
          coverageShare > 0
            ? { share: coverageShare, seed, wallShare: options.coverageWallShare ?? 0 }
            : undefined,
        stepOf,
      }),
  });
  const encoder = buildAct2GoalEncoderGraph(arch);
  const latentsOf = (pixels?: readonly Uint8Array[]) =>
    encodeEpisodeFrames(store, encoder, autoencoder, ACT2GOAL_TENSORS.encoder.latent, pixels);
  const latents = await latentsOf();
  const jpegLatents = jpegLatentShare > 0 ? await latentsOf(jpegFrames) : undefined;
  const sampling = {
    ...DEFAULT_ACT2GOAL_SAMPLING,
    jpegLatentShare,
    goalDropout: options.goalDropout ?? 0,
    contextDropout: { ...DEFAULT_ACT2GOAL_SAMPLING.contextDropout, ...options.contextDropout },
    actionFlowTime: options.actionFlowTime ?? DEFAULT_ACT2GOAL_SAMPLING.actionFlowTime,
  };
  const distalActionWeight = options.distalActionWeight ?? 1;
  const jointModel = buildDynamicsTrainingGraph(arch, batch, seed, 1, distalActionWeight);
  // the position head comes trained from stage 0 and stays as it is
  const allButPositionHead = (model: Model) =>
    [...model.params.keys()].filter((n) => !n.startsWith('position_head.'));
  const joint = await trainStageWeights({
    ...stage(1, 'joint'),
    model: startFrom(jointModel, new Map([...jointModel.params, ...autoencoder])),
    trainable: allButPositionHead(jointModel),
    data: (stepOf) => createAct2GoalDataset(store, latents, arch, sampling, seed, 1, stepOf, { jpegLatents }),
  });
  const minGoalSteps = options.minGoalSteps ?? DEFAULT_SAMPLER_OPTIONS.minGoalSteps;
  // Imagined futures come for one fixed goal per draw; an expert that never reads them keeps
  // stage 1's fresh hindsight goal per sample instead (BENCHMARKS.md, act2goal point 15).
  const imagined =
    arch.expertSeesWorldModel === false
      ? undefined
      : await imagineFutures(
          store,
          latents,
          arch,
          joint,
          drawHindsightGoals(store, sampling.finalGoalShare, seed),
          seed,
          WORLD_MODEL_STEPS,
          options.imagineAtPlanGoalSteps
            ? { kind: 'plan', goalSteps: options.goalSteps, minGoalSteps }
            : { kind: 'true' },
        );
  // an expert without the world model trains alone: nothing of L_a would reach the world model
  const actionModel = startFrom(
    arch.expertSeesWorldModel === false
      ? buildActionExpertTrainingGraph(arch, batch, seed, distalActionWeight)
      : buildDynamicsTrainingGraph(arch, batch, seed, 2, distalActionWeight),
    joint,
  );
  const positionNoise = options.positionNoise ?? 0;
  const stage2Sources = {
    imagined,
    jpegLatents,
    positionNoise:
      positionNoise > 0
        ? {
            std: positionNoise,
            shift: createPositionShift(stage0Weight(autoencoder, 'position_head.weight')),
          }
        : undefined,
  };
  const action = await trainStageWeights({
    ...stage(2, 'action'),
    model: actionModel,
    trainable: allButPositionHead(actionModel),
    data: (stepOf) =>
      feedsOf(
        actionModel,
        createAct2GoalDataset(store, latents, arch, sampling, seed, 2, stepOf, stage2Sources),
      ),
  });
  return writeAct2GoalPackage(options.out, new Map([...autoencoder, ...joint, ...action]), {
    name: options.out.split('/').filter(Boolean).pop() ?? 'act2goal',
    producedBy: options.producedBy,
    arch,
    goalSteps: options.goalSteps,
    store,
    sampler: {
      ...DEFAULT_SAMPLER_OPTIONS,
      ...(arch.expertEdmPreconditioning ? { sigmaMin: TRAINED_SIGMA_MIN } : {}),
      steps: ACTION_EXPERT_STEPS,
      worldModelSteps: WORLD_MODEL_STEPS,
      guidance: options.guidance ?? DEFAULT_SAMPLER_OPTIONS.guidance,
      minGoalSteps,
    },
    // Re-plan at every step, as BESO: at this scale closed-loop pushing needs a fresh frame more
    // than the paper's long open-loop chunks (BENCHMARKS.md compares 1, 2, 4 and 8).
    actionsPerChunk: 1,
  });
}

/** A weight stage 0 trained, by name. */
function stage0Weight(weights: Map<string, TensorData>, name: string): TensorData {
  const weight = weights.get(name);
  if (weight === undefined) throw new NnError('BAD_ARGUMENT', `stage 0 trained no weight '${name}'`);
  return weight;
}
