import { attention, concat, conv2d, gelu, layerNorm, linear, silu } from '../../nn/layers.ts';
import type { Tensor } from '../../nn/tensor.ts';
import { goalPresence, objectTokenFeatures } from '../object-features.ts';
import type { BesoArchitecture } from './beso-config.ts';

/**
 * Image encoder: float32 [N, 3, S, S] → [N, E]. Four stride-2 3×3 convolutions with SiLU, then a
 * linear map of the flattened feature grid (keeping where things are) and a LayerNorm to E − p
 * features, followed by p = positionDim position estimates read linearly off those features.
 */
export function besoEncoder(frames: Tensor, arch: BesoArchitecture): Tensor {
  return frames.b.scope('encoder', () => {
    let x = frames;
    for (const [i, channels] of [16, 32, 64, 64].entries()) {
      x = silu(conv2d(x, `conv${i}`, channels, 3, { stride: 2, pad: 1 }));
    }
    const grid = (arch.imageSize / 16) ** 2 * 64;
    const features = layerNorm(
      linear(x.reshape([0, grid]), 'proj', arch.embedDim - arch.positionDim),
      'norm',
    );
    if (arch.positionDim === 0) return features;
    return concat([features, linear(features, 'position_head', arch.positionDim)], 1);
  });
}

/** Inputs of the denoiser network F. */
export interface DenoiserInputs {
  /** float32 [B, E]. */
  goal: Tensor;
  /** float32 [B, W, E]. */
  observation: Tensor;
  /** float32 [B, W, P]. */
  proprio: Tensor;
  /** float32 [B, H, A]: c_in·x. */
  scaledActions: Tensor;
  /** float32 [B]: c_noise = ln(σ)/4. */
  noiseLevel: Tensor;
}

/**
 * BESO's GPT denoiser F (Reuss et al. 2023): tokens [σ, goal, s_1..s_W, o_1..o_N, a_1..a_H], goal and
 * states through one input projection (the goal's proprio slot is zero), learned positions for all
 * but the σ token, pre-LN causal blocks with a 4d exact-GELU MLP, final LayerNorm, linear head on the
 * action tokens → float32 [B, H, A]. Object-centric (arch.objectCentric): goal and states carry only
 * the embeddings' position estimates, and N object tokens follow, one shared projection of each
 * object's {@link objectFeatures}; else N = 0. With the objects as separate tokens the same weights
 * serve every block and attention can pick the one to push: fed the same positions as one state
 * vector, the GPT did not learn two-block pushing at all (BENCHMARKS.md).
 */
export function besoDenoiserNetwork(inputs: DenoiserInputs, arch: BesoArchitecture): Tensor {
  const b = inputs.goal.b;
  const d = arch.width;
  const init = { kind: 'normal', std: 0.02 } as const;
  return b.scope('denoiser', () => {
    const sigmaToken = linear(inputs.noiseLevel.reshape([-1, 1, 1]), 'sigma_embed', d, { init });
    // Goal row [B, 1, E'+P] with a zero proprio slot, then state rows [B, W, E'+P]; one shared projection.
    const e = arch.embedDim;
    const seen = (embeddings: Tensor, axis: number) =>
      arch.objectCentric ? embeddings.slice([e - arch.positionDim], [e], [axis]) : embeddings;
    const goalRow = concat(
      [seen(inputs.goal, 1).unsqueeze([1]), inputs.proprio.slice([0], [1], [1]).mul(0)],
      2,
    );
    const stateRows = concat([seen(inputs.observation, 2), inputs.proprio], 2);
    const goalAndStateTokens = linear(concat([goalRow, stateRows], 1), 'state_embed', d, { init });
    const actionTokens = linear(inputs.scaledActions, 'action_embed', d, { init });
    const objects = arch.objectCentric ? arch.positionDim / 2 : 0;
    const positioned = concat(
      objects > 0
        ? [
            goalAndStateTokens,
            linear(objectFeatures(inputs, arch), 'object_embed', d, { init }),
            actionTokens,
          ]
        : [goalAndStateTokens, actionTokens],
      1,
    );
    const tokensAfterSigma = 1 + arch.window + objects + arch.chunk;
    const positions = b.param('position', [1, tokensAfterSigma, d], init);
    let x = concat([sigmaToken, positioned.add(positions)], 1);
    for (let layer = 0; layer < arch.layers; layer++) {
      b.scope(`block${layer}`, () => {
        x = x.add(attention(layerNorm(x, 'ln1'), 'attn', { heads: arch.heads, causal: true }));
        const hidden = gelu(linear(layerNorm(x, 'ln2'), 'fc', 4 * d, { init }));
        x = x.add(linear(hidden, 'proj', d, { init }));
      });
    }
    const firstAction = 2 + arch.window + objects;
    const actions = layerNorm(x, 'ln_f').slice([firstAction], [firstAction + arch.chunk], [1]);
    return linear(actions, 'head', arch.actionDim, { init });
  });
}

/**
 * The object tokens' features ({@link objectTokenFeatures}) from the position estimates of the newest
 * frame's and the goal's embeddings; the goal offsets are zero for the null goal → float32
 * [B, positionDim/2, 6].
 */
export function objectFeatures(
  inputs: Pick<DenoiserInputs, 'goal' | 'observation'>,
  arch: BesoArchitecture,
): Tensor {
  const e = arch.embedDim;
  const newest = inputs.observation
    .slice([arch.window - 1, e - arch.positionDim], [arch.window, e], [1, 2])
    .reshape([-1, arch.positionDim]);
  const goal = inputs.goal.slice([e - arch.positionDim], [e], [1]);
  return objectTokenFeatures(newest, goal, arch.positionDim / 2, goalPresence(inputs.goal));
}
