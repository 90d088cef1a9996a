import { GraphBuilder, type Model } from '../../nn/builder.ts';
import { concat } from '../../nn/layers.ts';
import { ACT2GOAL_TENSORS, type Act2GoalArchitecture } from './act2goal-config.ts';
import { actionExpertNetwork } from './action-expert.ts';
import { goalStepsHeadNetwork } from './goal-steps-head.ts';
import { decodeLatent, encodeImage } from './image-autoencoder.ts';
import { msthActionCount, msthFrameCount } from './msth.ts';
import { worldModelNetwork, worldModelTokens } from './world-model.ts';

/** The inference encoder: frames float32 ['batch', 3, S, S] → latent ['batch', Z]. */
export function buildAct2GoalEncoderGraph(arch: Act2GoalArchitecture, seed = 0): Model {
  const b = new GraphBuilder('act2goal_encoder', { seed });
  const names = ACT2GOAL_TENSORS.encoder;
  const frames = b.input(names.frames, ['batch', 3, arch.imageSize, arch.imageSize]);
  b.output(names.latent, encodeImage(frames, arch));
  return b.build();
}

/** The inference decoder: latent float32 ['batch', Z] → frames ['batch', 3, S, S]. */
export function buildAct2GoalDecoderGraph(arch: Act2GoalArchitecture, seed = 0): Model {
  const b = new GraphBuilder('act2goal_decoder', { seed });
  const names = ACT2GOAL_TENSORS.decoder;
  b.output(names.frames, decodeLatent(b.input(names.latent, ['batch', arch.latentDim]), arch));
  return b.build();
}

/** One world-model evaluation: latents, proprio, K, τ, noisy futures → velocity and stacked hidden states. */
export function buildWorldModelGraph(arch: Act2GoalArchitecture, seed = 0): Model {
  const b = new GraphBuilder('act2goal_world_model', { seed });
  const names = ACT2GOAL_TENSORS.worldModel;
  const { velocity, hiddenStates } = worldModelNetwork(
    {
      currentLatent: b.input(names.currentLatent, ['batch', arch.latentDim]),
      goalLatent: b.input(names.goalLatent, ['batch', arch.latentDim]),
      proprio: b.input(names.proprio, ['batch', arch.proprioDim]),
      goalSteps: b.input(names.goalSteps, ['batch']),
      flowTime: b.input(names.flowTime, ['batch']),
      noisyLatents: b.input(names.noisyLatents, ['batch', msthFrameCount(arch.msth), arch.latentDim]),
    },
    arch,
  );
  b.output(names.velocity, velocity);
  b.output(
    names.hiddenStates,
    concat(
      hiddenStates.map((h) => h.unsqueeze([1])),
      1,
    ),
  );
  return b.build();
}

/** One action-expert evaluation: z_t, z_g (and z_{t−1}), stacked world-model hidden states, proprio, τ, noisy actions → velocity. */
export function buildActionExpertGraph(arch: Act2GoalArchitecture, seed = 0): Model {
  const b = new GraphBuilder('act2goal_action_expert', { seed });
  const names = ACT2GOAL_TENSORS.actionExpert;
  const tokens = worldModelTokens(arch);
  const stacked = b.input(names.hiddenStates, ['batch', arch.layers, tokens, arch.worldModel.width]);
  const velocity = actionExpertNetwork(
    {
      currentLatent: b.input(names.currentLatent, ['batch', arch.latentDim]),
      goalLatent: b.input(names.goalLatent, ['batch', arch.latentDim]),
      hiddenStates: Array.from({ length: arch.layers }, (_, l) =>
        stacked.slice([l], [l + 1], [1]).squeeze([1]),
      ),
      proprio: b.input(names.proprio, ['batch', arch.proprioDim]),
      flowTime: b.input(names.flowTime, ['batch']),
      noisyActions: b.input(names.noisyActions, ['batch', msthActionCount(arch.msth), arch.actionDim]),
      futureLatents: arch.expertReadsPlanPositions
        ? b.input(names.futureLatents, ['batch', msthFrameCount(arch.msth), arch.latentDim])
        : undefined,
      previousLatent: arch.expertReadsMotion
        ? b.input(names.previousLatent, ['batch', arch.latentDim])
        : undefined,
    },
    arch,
  );
  b.output(names.velocity, velocity);
  return b.build();
}

/** The goal-steps head: latents float32 ['batch', Z] of the current and goal frames → ln(1 + K) ['batch']. */
export function buildGoalStepsGraph(arch: Act2GoalArchitecture, seed = 0): Model {
  const b = new GraphBuilder('act2goal_goal_steps', { seed });
  const names = ACT2GOAL_TENSORS.goalStepsHead;
  const current = b.input(names.currentLatent, ['batch', arch.latentDim]);
  const goal = b.input(names.goalLatent, ['batch', arch.latentDim]);
  b.output(names.logGoalSteps, goalStepsHeadNetwork(current, goal, arch));
  return b.build();
}
