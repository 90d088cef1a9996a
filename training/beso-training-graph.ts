import { GraphBuilder, type Model } from '../nn/builder.ts';
import { mseLoss } from '../nn/layers.ts';
import type { Tensor } from '../nn/tensor.ts';
import { BESO_TENSORS, type BesoArchitecture } from '../policies/beso/beso-config.ts';
import { declareActionInputs } from '../policies/beso/beso-graphs.ts';
import { besoDenoiserNetwork, besoEncoder } from '../policies/beso/beso-network.ts';
import {
  PROBED_STATE_DIM,
  positionEstimateLoss,
  STATE_PROBE_TENSORS,
  stateProbeLoss,
} from './state-probe.ts';

/** Extra tensor names of the BESO training graphs. */
export const BESO_TRAINING_TENSORS = {
  /** float32 [B·(W+1), 3, S, S]: per sample its W observation frames (oldest first), then its goal frame. */
  frames: 'frames',
  /** float32 [B, 1]: 1 keeps the goal, 0 replaces it by the null goal (classifier-free guidance dropout). */
  goalKeep: 'goal_keep',
  /** float32 [B, H, A]: EDM target (a − c_skip·x)/c_out. */
  target: 'target',
  /** float32 [B·(W+1), 6]: the simulator positions shown in each frame (see state-probe.ts). */
  frameStates: STATE_PROBE_TENSORS.states,
  /** float32 [B·(W+1), 6]: 1 where a position exists. */
  frameStateMask: STATE_PROBE_TENSORS.mask,
  loss: 'loss',
} as const;

/**
 * The end-to-end training graph: the encoder embeds observation and goal frames in one pass, the
 * goal embedding is zeroed where goal_keep = 0, and the loss is BESO's mean((F − target)²) over
 * every element plus `positionWeight` × the error of the embedding's position estimates against the
 * simulator positions (with positionDim = 0, of a linear probe that is trained alongside and not
 * exported). The policy itself sees images and proprioception only.
 */
export function buildBesoTrainingGraph(
  arch: BesoArchitecture,
  batch: number,
  seed: number,
  positionWeight: number,
): Model {
  const b = new GraphBuilder('beso_training', { seed });
  const names = BESO_TRAINING_TENSORS;
  const perSample = arch.window + 1;
  const frames = b.input(names.frames, [batch * perSample, 3, arch.imageSize, arch.imageSize]);
  const goalKeep = b.input(names.goalKeep, [batch, 1]);
  const frameStates = b.input(names.frameStates, [batch * perSample, PROBED_STATE_DIM]);
  const frameStateMask = b.input(names.frameStateMask, [batch * perSample, PROBED_STATE_DIM]);
  const frameEmbeddings = besoEncoder(frames, arch);
  const positionLoss =
    arch.positionDim === 0
      ? stateProbeLoss(frameEmbeddings, frameStates, frameStateMask)
      : positionEstimateLoss(
          frameEmbeddings.slice([arch.embedDim - arch.positionDim], [arch.embedDim], [1]),
          frameStates,
          frameStateMask,
        );
  const embeddings = frameEmbeddings.reshape([batch, perSample, arch.embedDim]);
  const observation = embeddings.slice([0], [arch.window], [1]);
  const goal = embeddings.slice([arch.window], [perSample], [1]).reshape([batch, arch.embedDim]);
  const loss = denoiserLoss(b, arch, batch, goal.mul(goalKeep), observation);
  b.output(names.loss, loss.add(positionLoss.mul(positionWeight)));
  return b.build();
}

/**
 * The denoiser-only training graph over cached embeddings of a frozen encoder: goal and observation
 * embeddings come in as the exported denoiser's inputs, the goal zeroed where goal_keep = 0; loss
 * mean((F − target)²). Its parameter names equal the end-to-end graph's denoiser parameters.
 */
export function buildBesoDenoiserTrainingGraph(arch: BesoArchitecture, batch: number, seed: number): Model {
  const b = new GraphBuilder('beso_denoiser_training', { seed });
  const goalKeep = b.input(BESO_TRAINING_TENSORS.goalKeep, [batch, 1]);
  const goal = b.input(BESO_TENSORS.denoiser.goal, [batch, arch.embedDim]);
  const observation = b.input(BESO_TENSORS.denoiser.observation, [batch, arch.window, arch.embedDim]);
  b.output(BESO_TRAINING_TENSORS.loss, denoiserLoss(b, arch, batch, goal.mul(goalKeep), observation));
  return b.build();
}

/** BESO's loss mean((F − target)²) of the denoiser network on these embeddings. */
function denoiserLoss(
  b: GraphBuilder,
  arch: BesoArchitecture,
  batch: number,
  goal: Tensor,
  observation: Tensor,
): Tensor {
  const actionInputs = declareActionInputs(b, arch, batch);
  const target = b.input(BESO_TRAINING_TENSORS.target, [batch, arch.chunk, arch.actionDim]);
  return mseLoss(besoDenoiserNetwork({ ...actionInputs, goal, observation }, arch), target);
}
