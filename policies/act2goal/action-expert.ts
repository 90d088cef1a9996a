import { allocate } from '../../nn/dtype.ts';
import { concat, layerNorm, linear } from '../../nn/layers.ts';
import type { Tensor } from '../../nn/tensor.ts';
import { goalPresence, objectTokenFeatures } from '../object-features.ts';
import { PolicyError } from '../policy-error.ts';
import { DEFAULT_SIGMA_DATA } from '../sampling/edm-preconditioning.ts';
import type { Act2GoalArchitecture } from './act2goal-config.ts';
import { estimatePositions } from './image-autoencoder.ts';
import { msthActionCount, msthFrameCount } from './msth.ts';
import { endpointPositions } from './object-tokens.ts';
import { scalarToken } from './scalar-token.ts';
import { TOKEN_INIT, transformerBlock } from './transformer-block.ts';

/** Tokens before the scene and object tokens: τ, proprio. */
const LEADING_TOKENS = 2;

/** Inputs of the action expert's velocity network. */
export interface ActionExpertInputs {
  /** float32 [B, Z]: z_t. */
  currentLatent: Tensor;
  /** float32 [B, Z]: z_g. */
  goalLatent: Tensor;
  /**
   * L × float32 [B, T, d_w]: the world model's block outputs, one per expert block; none: an all-zero
   * context, the one an expert without the world model (`expertSeesWorldModel` false) sees.
   */
  hiddenStates?: Tensor[];
  /** float32 [B, Pp], z-scored. */
  proprio: Tensor;
  /** float32 [B]: flow time τ. */
  flowTime: Tensor;
  /** float32 [B, P + M, A]: the MSTH actions at τ. */
  noisyActions: Tensor;
  /** float32 [B, F, Z]: the imagined future latents; read only where `arch.expertReadsPlanPositions`. */
  futureLatents?: Tensor;
  /** float32 [B, Z]: z_{t−1}; read only where `arch.expertReadsMotion`. */
  previousLatent?: Tensor;
}

/**
 * Act2Goal's action expert at our scale: tokens [τ, proprio, o_1..o_N, a_1..a_{P+M}] with learned
 * positions, L pre-LN blocks where block l self-attends, then cross-attends to the world model's
 * block-l output (layer by layer, as in the paper), final LayerNorm and a linear velocity head →
 * float32 [B, P + M, A]. The N = positionDim/2 object tokens are one shared projection of each
 * object's {@link objectTokenFeatures} from the position estimates of z_t and z_g: BESO pushes two
 * blocks only with such tokens (BENCHMARKS.md), and the imagined frames do not replace them.
 * With `isolateDistalActions`, the distal action tokens are read by none of the others; with
 * `causalExpert`, each token reads only itself and the tokens before it. With `expertReadsMotion`
 * each object token also carries the object's motion since the previous frame. With
 * `expertPredictsActions` the head predicts the clean actions and the output is the velocity they imply;
 * with `expertEdmPreconditioning` the head is EDM's F and the output the velocity its D implies.
 * `expertExtraBlocks` more blocks follow the L, self-attention only. With `expertSceneTokens`, scene
 * tokens follow proprio, as BESO's goal and state tokens: one shared projection of every object's
 * position estimates per frame, the goal's, z_{t−1}'s (when read) and z_t's; with `expertSceneMotionOnly`
 * z_{t−1} is read there only, and the object tokens carry no motion. With `expertNullGoal` an
 * all-zero z_g is the null goal (see {@link goalPresence}).
 */
export function actionExpertNetwork(inputs: ActionExpertInputs, arch: Act2GoalArchitecture): Tensor {
  if (inputs.hiddenStates !== undefined && inputs.hiddenStates.length !== arch.layers) {
    throw new PolicyError(
      'MODEL_IO_MISMATCH',
      `action expert: expected ${arch.layers} world-model hidden states (one per block), got ${inputs.hiddenStates.length}`,
    );
  }
  checkActionExpertOptions(arch);
  const b = inputs.flowTime.b;
  const { width: d, heads } = arch.actionExpert;
  const actions = msthActionCount(arch.msth);
  const objects = arch.positionDim / 2;
  const init = TOKEN_INIT;
  const frames = arch.expertReadsPlanPositions ? msthFrameCount(arch.msth) : 0;
  const { now, goal } = endpointPositions(inputs.currentLatent, inputs.goalLatent, arch);
  const before = arch.expertReadsMotion ? previousPositions(inputs, arch) : undefined;
  const presence = arch.expertNullGoal ? goalPresence(inputs.goalLatent) : undefined;
  const toObjects = objectTokenFeatures(now, goal, objects, presence);
  const features =
    before && !arch.expertSceneMotionOnly
      ? concat([toObjects, now.sub(before).reshape([-1, objects, 2])], 2)
      : toObjects;
  const scenes = arch.expertSceneTokens
    ? concat(
        [goal, ...(before ? [before] : []), now].map((positions) => positions.unsqueeze([1])),
        1,
      )
    : undefined;
  const plan = frames > 0 ? planPositionFeatures(inputs, now, arch) : undefined;
  const conditionTokens = LEADING_TOKENS + (scenes?.dim(1) ?? 0) + objects + frames;
  const edmScale = arch.expertEdmPreconditioning ? edmInputScale(inputs.flowTime) : undefined;
  return b.scope('action_expert', () => {
    const tokens = concat(
      [
        scalarToken(inputs.flowTime, 'time_embed', d),
        proprioToken(inputs.proprio, presence, d),
        ...(scenes ? [linear(scenes, 'scene_embed', d, { init })] : []),
        linear(features, 'object_embed', d, { init }),
        ...(plan ? [linear(plan, 'plan_embed', d, { init })] : []),
        linear(edmScale ? inputs.noisyActions.div(edmScale) : inputs.noisyActions, 'action_embed', d, {
          init,
        }),
      ],
      1,
    );
    let x = tokens.add(b.param('position', [1, conditionTokens + actions, d], init));
    const seesWorldModel = arch.expertSeesWorldModel ?? true;
    const mask = selfAttentionMask(x, arch, conditionTokens + arch.msth.proximalSteps);
    for (let layer = 0; layer < arch.layers; layer++) {
      const hidden = inputs.hiddenStates?.[layer];
      const context =
        hidden === undefined ? { zeroWidth: arch.worldModel.width } : seesWorldModel ? hidden : hidden.mul(0);
      x = transformerBlock(x, `block${layer}`, { heads, context, mask });
    }
    for (let layer = arch.layers; layer < arch.layers + (arch.expertExtraBlocks ?? 0); layer++) {
      x = transformerBlock(x, `block${layer}`, { heads, mask });
    }
    const actionTokens = layerNorm(x, 'ln_f').slice([conditionTokens], [conditionTokens + actions], [1]);
    const head = linear(actionTokens, 'head', arch.actionDim, { init });
    if (edmScale) return edmVelocity(head, inputs.noisyActions, inputs.flowTime, edmScale);
    return arch.expertPredictsActions
      ? head.sub(inputs.noisyActions).div(remainingFlowTime(inputs.flowTime))
      : head;
  });
}

/**
 * Throws MODEL_IO_MISMATCH, naming the fields, where the architecture's action-expert options
 * exclude or need each other; training checks this before its first stage.
 */
export function checkActionExpertOptions(arch: Act2GoalArchitecture): void {
  if (arch.expertPredictsActions && arch.expertEdmPreconditioning) {
    throw new PolicyError(
      'MODEL_IO_MISMATCH',
      'action expert: expertPredictsActions and expertEdmPreconditioning are two parameterisations, pick one',
    );
  }
  if (arch.expertSceneMotionOnly && !(arch.expertReadsMotion && arch.expertSceneTokens)) {
    throw new PolicyError(
      'MODEL_IO_MISMATCH',
      'action expert: expertSceneMotionOnly needs expertReadsMotion and expertSceneTokens',
    );
  }
}

/**
 * The proprio token [B, 1, d]; with `presence` [B, 1, 1] (an `expertNullGoal` expert's) plus
 * (1 − presence) times a learned vector, so a null goal is told from a goal already reached.
 */
function proprioToken(proprio: Tensor, presence: Tensor | undefined, d: number): Tensor {
  const token = linear(proprio.unsqueeze([1]), 'proprio_embed', d, { init: TOKEN_INIT });
  if (presence === undefined) return token;
  const nullGoal = proprio.b.param('null_goal', [1, 1, d], TOKEN_INIT);
  return token.add(nullGoal.mul(presence.neg().add(1)));
}

/**
 * √R = √((1 − τ)² + σ_d²τ²) of each row as float32 [B, 1, 1]: τ·√(σ² + σ_d²) at σ = (1 − τ)/τ, so
 * x_τ/√R is EDM's c_in·x_σ, and F's error is the velocity's times √R/σ_d (the scale of an
 * `expertEdmPreconditioning` expert's L_a).
 */
export function edmInputScale(flowTime: Tensor): Tensor {
  const tau = flowTime.reshape([-1, 1, 1]);
  const remaining = tau.neg().add(1);
  return remaining
    .mul(remaining)
    .add(tau.mul(tau).mul(DEFAULT_SIGMA_DATA ** 2))
    .sqrt();
}

/**
 * The velocity implied by EDM's denoised D = c_skip·x_σ + c_out·F at σ = (1 − τ)/τ:
 * v = (D − x_τ)/(1 − τ) = (σ_d√R·F + (σ_d²τ − 1 + τ)·x_τ)/R, `scale` = √R from {@link edmInputScale}.
 */
function edmVelocity(network: Tensor, noisyActions: Tensor, flowTime: Tensor, scale: Tensor): Tensor {
  const tau = flowTime.reshape([-1, 1, 1]);
  const skip = tau.mul(DEFAULT_SIGMA_DATA ** 2 + 1).sub(1);
  return network.mul(scale.mul(DEFAULT_SIGMA_DATA)).add(noisyActions.mul(skip)).div(scale.mul(scale));
}

/** Smallest 1 − τ an x-predicting expert divides by (π0's 'noisy' draw stops at τ = 0.999). */
const MIN_REMAINING_FLOW_TIME = 1e-3;

/**
 * 1 − τ of each row as float32 [B, 1, 1], at least {@link MIN_REMAINING_FLOW_TIME}: the flow time left
 * to the data, by which an x-predicting expert (`expertPredictsActions`) turns its predicted actions â
 * into the velocity (â − x_τ)/(1 − τ), and which scales its L_a back to â's error.
 */
export function remainingFlowTime(flowTime: Tensor): Tensor {
  return flowTime
    .neg()
    .add(1 - MIN_REMAINING_FLOW_TIME)
    .relu()
    .add(MIN_REMAINING_FLOW_TIME)
    .reshape([-1, 1, 1]);
}

/** The position estimates of z_{t−1} → float32 [B, positionDim]. */
function previousPositions(inputs: ActionExpertInputs, arch: Act2GoalArchitecture): Tensor {
  if (inputs.previousLatent === undefined) {
    throw new PolicyError('MODEL_IO_MISMATCH', 'action expert: expertReadsMotion needs the previous latent');
  }
  return estimatePositions(inputs.previousLatent, arch);
}

/**
 * One feature row per imagined frame: its position estimates and their offsets from now's
 * (`now` float32 [B, positionDim]) → float32 [B, F, 2·positionDim].
 */
function planPositionFeatures(inputs: ActionExpertInputs, now: Tensor, arch: Act2GoalArchitecture): Tensor {
  if (inputs.futureLatents === undefined) {
    throw new PolicyError(
      'MODEL_IO_MISMATCH',
      'action expert: expertReadsPlanPositions needs the future latents',
    );
  }
  const planned = estimatePositions(inputs.futureLatents, arch);
  return concat([planned, planned.sub(now.unsqueeze([1]))], 2);
}

/**
 * Additive self-attention mask float [T, T] over `tokens` [B, T, d] (−1e9 where token i may not read
 * token j, 0 elsewhere), or none where every token reads every token: with `causalExpert` token i reads
 * j ≤ i; with `isolateDistalActions` alone the tokens before `distalStart` (the first distal action)
 * read none from it on.
 */
function selfAttentionMask(
  tokens: Tensor,
  arch: Act2GoalArchitecture,
  distalStart: number,
): Tensor | undefined {
  if (!arch.causalExpert && !arch.isolateDistalActions) return undefined;
  const t = tokens.dim(1);
  const data = allocate(tokens.dtype, t * t) as Float32Array | Float64Array;
  for (let i = 0; i < t; i++) {
    const firstHidden = arch.causalExpert ? i + 1 : i < distalStart ? distalStart : t;
    data.fill(-1e9, i * t + firstHidden, (i + 1) * t);
  }
  return tokens.b.constant({ dtype: tokens.dtype, dims: [t, t], data }, 'self_attention_mask');
}
