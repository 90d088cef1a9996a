import { GraphBuilder, type Model } from '../nn/builder.ts';
import { concat, mseLoss } from '../nn/layers.ts';
import type { Tensor } from '../nn/tensor.ts';
import { filled } from '../nn/tensor-data.ts';
import { ACT2GOAL_TENSORS, type Act2GoalArchitecture } from '../policies/act2goal/act2goal-config.ts';
import { actionExpertNetwork, edmInputScale, remainingFlowTime } from '../policies/act2goal/action-expert.ts';
import { goalStepsHeadNetwork } from '../policies/act2goal/goal-steps-head.ts';
import { decodeLatent, encodeImage, estimatePositions } from '../policies/act2goal/image-autoencoder.ts';
import { msthActionCount, msthFrameCount } from '../policies/act2goal/msth.ts';
import { worldModelNetwork } from '../policies/act2goal/world-model.ts';
import { DEFAULT_SIGMA_DATA } from '../policies/sampling/edm-preconditioning.ts';
import { PROBED_STATE_DIM, positionEstimateLoss, STATE_PROBE_TENSORS } from './state-probe.ts';

/** Tensor names of the Act2Goal training graphs besides those of the exported graphs. */
export const ACT2GOAL_TRAINING_TENSORS = {
  /** float32 [B, 3, S, S]: frames to reconstruct (stage 0), normalised like the encoder's input. */
  frames: ACT2GOAL_TENSORS.encoder.frames,
  /** float32 [B, 1, S, S]: each pixel's weight in the reconstruction loss (stage 0). */
  pixelWeights: 'pixel_weights',
  /** float32 [B, F, Z]: velocity target data − noise of the MSTH future latents. */
  latentTarget: 'latent_target',
  /** float32 [B, F, Z]: the future latents of the τ = 1 pass: true plus a little noise (stage 1) or imagined (stage 2). */
  cleanLatents: 'clean_latents',
  /** float32 [B]: the action flow's τ (the world model's is `flow_time`). */
  actionFlowTime: 'action_flow_time',
  /** float32 [B, P + M, A]: velocity target data − noise of the MSTH actions. */
  actionTarget: 'action_target',
  /** float32 [B]: the K the τ = 1 pass is told (stage 2): the K its imagined futures were made for. */
  planGoalSteps: 'plan_goal_steps',
  /** float32 [B]: 1 where the action expert reads the world model's hidden states, 0 where they are zeroed. */
  contextKeep: 'context_keep',
  /** float32 [B]: ln(1 + K), target of the goal-steps head. */
  logGoalSteps: 'log_goal_steps_target',
  loss: 'loss',
} as const;

/** Weight of the position estimates' loss in stage 0 (as BESO's: their precision limits pushing). */
export const POSITION_WEIGHT = 10;

/** Weight of the goal-steps head's loss in stage 1 (its parameters are its own; the weight only matters through gradient clipping). */
export const GOAL_STEPS_LOSS_WEIGHT = 0.1;

/**
 * L_a: the squared error of the action velocity (float32 [B, P + M, A]) against its target, each of
 * the M distal actions weighted `distalWeight` against a proximal one's 1, divided by the weights'
 * sum: weight 1 is the plain mean, weight 0 the proximal actions' mean alone (their loss then keeps
 * the scale it has without distal actions). For an x-predicting expert (`expertPredictsActions`) each
 * row's error is scaled by its 1 − τ (`flowTime` float32 [B]), which makes it the error of the
 * predicted clean actions: x_τ + (1 − τ)·v is â for the prediction and the data for the target; for
 * an EDM-preconditioned one (`expertEdmPreconditioning`) by its √R/σ_d, which makes it F's error.
 */
export function msthActionLoss(
  velocity: Tensor,
  target: Tensor,
  flowTime: Tensor,
  arch: Act2GoalArchitecture,
  distalWeight: number,
): Tensor {
  const { proximalSteps, distalCount } = arch.msth;
  const velocityError = velocity.sub(target);
  const error = arch.expertPredictsActions
    ? velocityError.mul(remainingFlowTime(flowTime))
    : arch.expertEdmPreconditioning
      ? velocityError.mul(edmInputScale(flowTime).div(DEFAULT_SIGMA_DATA))
      : velocityError;
  if (distalWeight === 1 || distalCount === 0) return error.mul(error).mean();
  const actions = proximalSteps + distalCount;
  const scale = actions / (proximalSteps + distalCount * distalWeight);
  const weights = filled('float32', [1, actions, 1], scale);
  (weights.data as Float32Array).fill(distalWeight * scale, proximalSteps);
  return error.mul(error).mul(velocity.b.constant(weights, 'action_loss_weights')).mean();
}

/**
 * Stage 0: the image autoencoder and its position head. Loss: mean(w·(decode(encode(x)) − x)²) in
 * normalised pixels with per-pixel weights w (see createFrameDataset), plus `positionWeight` × the
 * error of the latents' position estimates against the simulator positions (as BESO's encoder): a
 * pusher a few pixels wide weighs little in a pixel loss, yet where it is must be in the latent for
 * the world model to plan, and the action expert's object tokens are made of these estimates.
 */
export function buildAutoencoderTrainingGraph(
  arch: Act2GoalArchitecture,
  batch: number,
  seed: number,
  positionWeight: number,
): Model {
  const b = new GraphBuilder('act2goal_autoencoder_training', { seed });
  const frames = b.input(ACT2GOAL_TRAINING_TENSORS.frames, [batch, 3, arch.imageSize, arch.imageSize]);
  const weights = b.input(ACT2GOAL_TRAINING_TENSORS.pixelWeights, [batch, 1, arch.imageSize, arch.imageSize]);
  const states = b.input(STATE_PROBE_TENSORS.states, [batch, PROBED_STATE_DIM]);
  const mask = b.input(STATE_PROBE_TENSORS.mask, [batch, PROBED_STATE_DIM]);
  const latent = encodeImage(frames, arch);
  const error = decodeLatent(latent, arch).sub(frames);
  const reconstruction = error.mul(error).mul(weights).mean();
  b.output(
    ACT2GOAL_TRAINING_TENSORS.loss,
    reconstruction.add(
      positionEstimateLoss(estimatePositions(latent, arch), states, mask).mul(positionWeight),
    ),
  );
  return b.build();
}

/**
 * Stages 1 and 2 on cached latents (the encoder is frozen after stage 0). The world model runs once on
 * 2B rows: rows 0..B−1 are the noisy futures at the sampled τ (L_v), rows B..2B−1 futures at τ = 1,
 * whose block outputs the action expert cross-attends to (L_a): the true ones in stage 1, the world
 * model's own imagined ones in stage 2, as at plan time (the dataset decides which), there told the K
 * they were imagined for (`plan_goal_steps`) while the L_v rows keep the true K. Stage 1:
 * L_v + 0.1·L_a (Act2Goal) plus the goal-steps head's loss; stage 2: L_a end to end through expert
 * and world model, plus L_v, without which the world model's blocks drift to serve the expert and its
 * imagination, the futures the expert reads at plan time, falls apart (BENCHMARKS.md). In both stages
 * the rows with `context_keep` 0 give the expert a zeroed context (context dropout). An expert
 * without the world model (`expertSeesWorldModel` false) reads a zero context in every row, so the
 * world model runs the B rows of L_v only and the expert's cross-attention is one constant row per
 * block (the same loss as the reading graph's with every `context_keep` 0, at about 0.6 of its
 * cost). Seeds equal to the exported graphs' give the same initial weights by name.
 */
export function buildDynamicsTrainingGraph(
  arch: Act2GoalArchitecture,
  batch: number,
  seed: number,
  stage: 1 | 2,
  distalActionWeight = 1,
): Model {
  const b = new GraphBuilder(`act2goal_stage${stage}_training`, { seed });
  const wm = ACT2GOAL_TENSORS.worldModel;
  const names = ACT2GOAL_TRAINING_TENSORS;
  const frames = msthFrameCount(arch.msth);
  const actions = msthActionCount(arch.msth);
  const current = b.input(wm.currentLatent, [batch, arch.latentDim]);
  const goal = b.input(wm.goalLatent, [batch, arch.latentDim]);
  const proprio = b.input(wm.proprio, [batch, arch.proprioDim]);
  const goalSteps = b.input(wm.goalSteps, [batch]);
  const clean = b.input(names.cleanLatents, [batch, frames, arch.latentDim]);
  // an expert without the world model reads a zero context: the world model then runs the L_v rows only
  const readsContext = arch.expertSeesWorldModel !== false;
  const ones = b.constant(filled('float32', [batch], 1), 'clean_flow_time');
  const withContextRows = (x: typeof current, contextRows: typeof current = x) =>
    readsContext ? concat([x, contextRows], 0) : x;
  // stage 2's τ = 1 rows hold imagined futures, told the K they were imagined for (the plan's K)
  const contextGoalSteps = stage === 2 ? b.input(names.planGoalSteps, [batch]) : goalSteps;
  const { velocity, hiddenStates } = worldModelNetwork(
    {
      currentLatent: withContextRows(current),
      goalLatent: withContextRows(goal),
      proprio: withContextRows(proprio),
      goalSteps: withContextRows(goalSteps, contextGoalSteps),
      flowTime: withContextRows(b.input(wm.flowTime, [batch]), ones),
      noisyLatents: withContextRows(b.input(wm.noisyLatents, [batch, frames, arch.latentDim]), clean),
    },
    arch,
  );
  const cleanRows = (h: typeof current) => h.slice([batch], [2 * batch], [0]);
  // rows with context_keep 0 have their context zeroed (context dropout), so the expert also learns
  // to act without the imagination: the free pass of world-model guidance at plan time
  const keep = b.input(names.contextKeep, [batch]).unsqueeze([1, 2]);
  const context = (h: typeof current) => cleanRows(h).mul(keep);
  const actionFlowTime = b.input(names.actionFlowTime, [batch]);
  const actionVelocity = actionExpertNetwork(
    {
      currentLatent: current,
      goalLatent: goal,
      hiddenStates: readsContext ? hiddenStates.map(context) : undefined,
      proprio,
      flowTime: actionFlowTime,
      noisyActions: b.input(ACT2GOAL_TENSORS.actionExpert.noisyActions, [batch, actions, arch.actionDim]),
      futureLatents: clean,
      previousLatent: previousLatentInput(b, arch, batch),
    },
    arch,
  );
  const actionLoss = msthActionLoss(
    actionVelocity,
    b.input(names.actionTarget, [batch, actions, arch.actionDim]),
    actionFlowTime,
    arch,
    distalActionWeight,
  );
  const latentLoss = mseLoss(
    velocity.slice([0], [batch], [0]),
    b.input(names.latentTarget, [batch, frames, arch.latentDim]),
  );
  if (stage === 2) {
    b.output(names.loss, latentLoss.add(actionLoss));
    return b.build();
  }
  const goalStepsLoss = mseLoss(
    goalStepsHeadNetwork(current, goal, arch),
    b.input(names.logGoalSteps, [batch]),
  );
  b.output(names.loss, latentLoss.add(actionLoss.mul(0.1)).add(goalStepsLoss.mul(GOAL_STEPS_LOSS_WEIGHT)));
  return b.build();
}

/**
 * Stage 2 of an expert without the world model (`expertSeesWorldModel` false): L_a alone. Its
 * context is zeros, which is what the zeroed context of {@link buildDynamicsTrainingGraph} gives
 * such an expert, and nothing of L_a reaches the world model there; so the world model is left out
 * of the graph (it keeps stage 1's weights) and a step costs about half as much; the zero context
 * also makes each block's cross-attention one constant row, computed once (policies/act2goal/transformer-block.ts).
 */
export function buildActionExpertTrainingGraph(
  arch: Act2GoalArchitecture,
  batch: number,
  seed: number,
  distalActionWeight = 1,
): Model {
  const b = new GraphBuilder('act2goal_action_expert_training', { seed });
  const wm = ACT2GOAL_TENSORS.worldModel;
  const names = ACT2GOAL_TRAINING_TENSORS;
  const actions = msthActionCount(arch.msth);
  const flowTime = b.input(names.actionFlowTime, [batch]);
  const velocity = actionExpertNetwork(
    {
      currentLatent: b.input(wm.currentLatent, [batch, arch.latentDim]),
      goalLatent: b.input(wm.goalLatent, [batch, arch.latentDim]),
      proprio: b.input(wm.proprio, [batch, arch.proprioDim]),
      flowTime,
      noisyActions: b.input(ACT2GOAL_TENSORS.actionExpert.noisyActions, [batch, actions, arch.actionDim]),
      futureLatents: arch.expertReadsPlanPositions
        ? b.input(names.cleanLatents, [batch, msthFrameCount(arch.msth), arch.latentDim])
        : undefined,
      previousLatent: previousLatentInput(b, arch, batch),
    },
    arch,
  );
  const target = b.input(names.actionTarget, [batch, actions, arch.actionDim]);
  b.output(names.loss, msthActionLoss(velocity, target, flowTime, arch, distalActionWeight));
  return b.build();
}

/** The z_{t−1} input [batch, Z] of an expert that reads motion; none otherwise. */
function previousLatentInput(b: GraphBuilder, arch: Act2GoalArchitecture, batch: number): Tensor | undefined {
  return arch.expertReadsMotion
    ? b.input(ACT2GOAL_TENSORS.actionExpert.previousLatent, [batch, arch.latentDim])
    : undefined;
}
