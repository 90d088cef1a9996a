import { concat, layerNorm, linear } from '../../nn/layers.ts';
import type { Tensor } from '../../nn/tensor.ts';
import { objectTokenFeatures } from '../object-features.ts';
import { PolicyError } from '../policy-error.ts';
import type { Act2GoalArchitecture } from './act2goal-config.ts';
import { estimatePositions } from './image-autoencoder.ts';
import { msthActionCount, msthFrameCount } from './msth.ts';
import { scalarToken } from './scalar-token.ts';
import { TOKEN_INIT, transformerBlock } from './transformer-block.ts';

/** Tokens before the object tokens: τ, proprio. */
const LEADING_TOKENS = 2;

/** Inputs of the action expert's velocity network. */
export interface ActionExpertInputs {
  /** float32 [B, Z]: z_t. */
  currentLatent: Tensor;
  /** float32 [B, Z]: z_g. */
  goalLatent: Tensor;
  /** L × float32 [B, T, d_w]: the world model's block outputs, one per expert block. */
  hiddenStates: Tensor[];
  /** float32 [B, Pp], z-scored. */
  proprio: Tensor;
  /** float32 [B]: flow time τ. */
  flowTime: Tensor;
  /** float32 [B, P + M, A]: the MSTH actions at τ. */
  noisyActions: Tensor;
  /** float32 [B, F, Z]: the imagined future latents; read only where `arch.expertReadsPlanPositions`. */
  futureLatents?: Tensor;
}

/**
 * Act2Goal's action expert at our scale: tokens [τ, proprio, o_1..o_N, a_1..a_{P+M}] with learned
 * positions, L pre-LN blocks where block l self-attends, then cross-attends to the world model's
 * block-l output (layer by layer, as in the paper), final LayerNorm and a linear velocity head →
 * float32 [B, P + M, A]. The N = positionDim/2 object tokens are one shared projection of each
 * object's {@link objectTokenFeatures} from the position estimates of z_t and z_g: BESO pushes two
 * blocks only with such tokens (BENCHMARKS.md), and the imagined frames do not replace them.
 */
export function actionExpertNetwork(inputs: ActionExpertInputs, arch: Act2GoalArchitecture): Tensor {
  if (inputs.hiddenStates.length !== arch.layers) {
    throw new PolicyError(
      'MODEL_IO_MISMATCH',
      `action expert: expected ${arch.layers} world-model hidden states (one per block), got ${inputs.hiddenStates.length}`,
    );
  }
  const b = inputs.flowTime.b;
  const { width: d, heads } = arch.actionExpert;
  const actions = msthActionCount(arch.msth);
  const objects = arch.positionDim / 2;
  const init = TOKEN_INIT;
  const frames = arch.expertReadsPlanPositions ? msthFrameCount(arch.msth) : 0;
  // one read-out of the position head over z_t, z_g (and the imagined latents the plan tokens use)
  const positions = estimatePositions(concat(readLatents(inputs, arch), 1), arch);
  const at = (row: number) => positions.slice([row], [row + 1], [1]).reshape([-1, arch.positionDim]);
  const features = objectTokenFeatures(at(0), at(1), objects);
  const plan = frames > 0 ? planPositionFeatures(positions.slice([2], [2 + frames], [1]), at(0)) : undefined;
  const conditionTokens = LEADING_TOKENS + objects + frames;
  return b.scope('action_expert', () => {
    const tokens = concat(
      [
        scalarToken(inputs.flowTime, 'time_embed', d),
        linear(inputs.proprio.unsqueeze([1]), 'proprio_embed', d, { init }),
        linear(features, 'object_embed', d, { init }),
        ...(plan ? [linear(plan, 'plan_embed', d, { init })] : []),
        linear(inputs.noisyActions, 'action_embed', d, { init }),
      ],
      1,
    );
    let x = tokens.add(b.param('position', [1, conditionTokens + actions, d], init));
    const seesWorldModel = arch.expertSeesWorldModel ?? true;
    for (const [layer, hidden] of inputs.hiddenStates.entries()) {
      const context = seesWorldModel ? hidden : hidden.mul(0);
      x = transformerBlock(x, `block${layer}`, { heads, context });
    }
    const actionTokens = layerNorm(x, 'ln_f').slice([conditionTokens], [conditionTokens + actions], [1]);
    return linear(actionTokens, 'head', arch.actionDim, { init });
  });
}

/** [z_t, z_g] as float32 [B, 2, Z], then the imagined latents [B, F, Z] where the plan tokens read them. */
function readLatents(inputs: ActionExpertInputs, arch: Act2GoalArchitecture): Tensor[] {
  const endpoints = [inputs.currentLatent.unsqueeze([1]), inputs.goalLatent.unsqueeze([1])];
  if (!arch.expertReadsPlanPositions) return endpoints;
  if (inputs.futureLatents === undefined) {
    throw new PolicyError(
      'MODEL_IO_MISMATCH',
      'action expert: expertReadsPlanPositions needs the future latents',
    );
  }
  return [...endpoints, inputs.futureLatents];
}

/**
 * One feature row per imagined frame: its position estimates (`planned` float32 [B, F, positionDim])
 * and their offsets from now's (`now` [B, positionDim]) → float32 [B, F, 2·positionDim].
 */
function planPositionFeatures(planned: Tensor, now: Tensor): Tensor {
  return concat([planned, planned.sub(now.unsqueeze([1]))], 2);
}
