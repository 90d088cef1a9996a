import { GraphBuilder, type Model } from '../nn/builder.ts';
import { mseLoss } from '../nn/layers.ts';
import type { BesoArchitecture } from '../policies/beso/beso-config.ts';
import { declareActionInputs } from '../policies/beso/beso-graphs.ts';
import { besoDenoiserNetwork, besoEncoder } from '../policies/beso/beso-network.ts';
import { PROBED_STATE_DIM, STATE_PROBE_TENSORS, stateProbeLoss } from './state-probe.ts';

/** Extra tensor names of the BESO training graph. */
export const BESO_TRAINING_TENSORS = {
  /** float32 [B·(W+1), 3, S, S]: per sample its W observation frames (oldest first), then its goal frame. */
  frames: 'frames',
  /** float32 [B, 1]: 1 keeps the goal, 0 replaces it by the null goal (classifier-free guidance dropout). */
  goalKeep: 'goal_keep',
  /** float32 [B, H, A]: EDM target (a − c_skip·x)/c_out. */
  target: 'target',
  /** float32 [B·(W+1), 6]: the state probe's targets per frame (see state-probe.ts). */
  frameStates: STATE_PROBE_TENSORS.states,
  /** float32 [B·(W+1), 6]: 1 where a position exists. */
  frameStateMask: STATE_PROBE_TENSORS.mask,
  loss: 'loss',
} as const;

/**
 * The end-to-end training graph: the encoder embeds observation and goal frames in one pass, the
 * goal embedding is zeroed where goal_keep = 0, and the loss is BESO's mean((F − target)²) over
 * every element plus `probeWeight` × an auxiliary loss: a linear probe must read the simulator
 * positions off each frame's embedding. The probe only shapes the encoder during training; it is
 * not exported, and the policy sees images and proprioception only.
 */
export function buildBesoTrainingGraph(
  arch: BesoArchitecture,
  batch: number,
  seed: number,
  probeWeight: number,
): Model {
  const b = new GraphBuilder('beso_training', { seed });
  const names = BESO_TRAINING_TENSORS;
  const perSample = arch.window + 1;
  const frames = b.input(names.frames, [batch * perSample, 3, arch.imageSize, arch.imageSize]);
  const goalKeep = b.input(names.goalKeep, [batch, 1]);
  const actionInputs = declareActionInputs(b, arch, batch);
  const target = b.input(names.target, [batch, arch.chunk, arch.actionDim]);
  const frameStates = b.input(names.frameStates, [batch * perSample, PROBED_STATE_DIM]);
  const frameStateMask = b.input(names.frameStateMask, [batch * perSample, PROBED_STATE_DIM]);
  const frameEmbeddings = besoEncoder(frames, arch);
  const probeLoss = stateProbeLoss(frameEmbeddings, frameStates, frameStateMask);
  const embeddings = frameEmbeddings.reshape([batch, perSample, arch.embedDim]);
  const observation = embeddings.slice([0], [arch.window], [1]);
  const goal = embeddings
    .slice([arch.window], [perSample], [1])
    .reshape([batch, arch.embedDim])
    .mul(goalKeep);
  const output = besoDenoiserNetwork({ ...actionInputs, goal, observation }, arch);
  b.output(names.loss, mseLoss(output, target).add(probeLoss.mul(probeWeight)));
  return b.build();
}
