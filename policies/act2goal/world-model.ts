import { concat, layerNorm, linear } from '../../nn/layers.ts';
import type { Tensor } from '../../nn/tensor.ts';
import type { Act2GoalArchitecture } from './act2goal-config.ts';
import { msthFrameCount } from './msth.ts';
import { endpointObjectFeatures } from './object-tokens.ts';
import { scalarToken } from './scalar-token.ts';
import { TOKEN_INIT, transformerBlock } from './transformer-block.ts';

/** Tokens before the imagined frames: τ, K, z_t, z_g, proprio, then the object tokens where the arch has them. */
export function worldModelConditionTokens(arch: Act2GoalArchitecture): number {
  return 5 + (arch.worldModelObjectTokens ? arch.positionDim / 2 : 0);
}

/** Tokens of the world model, each block's hidden states one row per token: the condition tokens, then the F frames. */
export function worldModelTokens(arch: Act2GoalArchitecture): number {
  return worldModelConditionTokens(arch) + msthFrameCount(arch.msth);
}

/** Inputs of the world model's velocity network. */
export interface WorldModelInputs {
  /** float32 [B, Z]: z_t. */
  currentLatent: Tensor;
  /** float32 [B, Z]: z_g. */
  goalLatent: Tensor;
  /** float32 [B, Pp], z-scored. */
  proprio: Tensor;
  /** float32 [B]: K in steps. */
  goalSteps: Tensor;
  /** float32 [B]: flow time τ. */
  flowTime: Tensor;
  /** float32 [B, F, Z]: the MSTH future latents at τ. */
  noisyLatents: Tensor;
}

/** What the world model computes: the latents' velocity and every block's output for the action expert. */
export interface WorldModelOutputs {
  /** float32 [B, F, Z]. */
  velocity: Tensor;
  /** L × float32 [B, 5 + F, d_w]. */
  hiddenStates: Tensor[];
}

/**
 * Goal-conditioned world model (Act2Goal's GCWM at our scale): tokens [τ, K, z_t, z_g, proprio,
 * x_1..x_F] with learned positions (z_t and z_g share one projection), L bidirectional pre-LN blocks,
 * final LayerNorm and a linear velocity head on the F future tokens.
 */
export function worldModelNetwork(inputs: WorldModelInputs, arch: Act2GoalArchitecture): WorldModelOutputs {
  const b = inputs.flowTime.b;
  const { width: d, heads } = arch.worldModel;
  const frames = msthFrameCount(arch.msth);
  const init = TOKEN_INIT;
  const conditionTokens = worldModelConditionTokens(arch);
  const objects = arch.worldModelObjectTokens
    ? endpointObjectFeatures(inputs.currentLatent, inputs.goalLatent, arch)
    : undefined;
  return b.scope('world_model', () => {
    const time = scalarToken(inputs.flowTime, 'time_embed', d);
    // ln(1 + K)/ln(1 + K_max): with log-spaced distal frames the goal's order of magnitude is what matters
    const scaledSteps = inputs.goalSteps
      .add(1)
      .log()
      .mul(1 / Math.log(1 + arch.maxGoalSteps));
    const distance = scalarToken(scaledSteps, 'goal_steps_embed', d);
    const endpoints = concat([inputs.currentLatent.unsqueeze([1]), inputs.goalLatent.unsqueeze([1])], 1);
    const tokens = concat(
      [
        time,
        distance,
        linear(endpoints, 'latent_embed', d, { init }),
        linear(inputs.proprio.unsqueeze([1]), 'proprio_embed', d, { init }),
        ...(objects ? [linear(objects, 'object_embed', d, { init })] : []),
        linear(inputs.noisyLatents, 'noisy_embed', d, { init }),
      ],
      1,
    );
    let x = tokens.add(b.param('position', [1, conditionTokens + frames, d], init));
    const hiddenStates: Tensor[] = [];
    for (let layer = 0; layer < arch.layers; layer++) {
      x = transformerBlock(x, `block${layer}`, { heads });
      hiddenStates.push(x);
    }
    const futures = layerNorm(x, 'ln_f').slice([conditionTokens], [conditionTokens + frames], [1]);
    return { velocity: linear(futures, 'head', arch.latentDim, { init }), hiddenStates };
  });
}
