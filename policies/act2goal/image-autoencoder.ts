import { conv2d, layerNorm, linear, pixelShuffle, silu } from '../../nn/layers.ts';
import type { Tensor } from '../../nn/tensor.ts';
import type { Act2GoalArchitecture } from './act2goal-config.ts';

/** Side of the feature grid after the encoder's stride-2 convolutions. */
function gridSize(arch: Act2GoalArchitecture): number {
  return arch.imageSize / 2 ** arch.encoderChannels.length;
}

/**
 * Image encoder: float32 [N, 3, S, S] → latent [N, Z]. Stride-2 3×3 convolutions with SiLU, a linear map
 * of the flattened grid (keeping where things are), then a LayerNorm so latents sit at the scale of
 * the world model's N(0, I) flow noise.
 */
export function encodeImage(frames: Tensor, arch: Act2GoalArchitecture): Tensor {
  return frames.b.scope('encoder', () => {
    let x = frames;
    for (const [i, channels] of arch.encoderChannels.entries()) {
      x = silu(conv2d(x, `conv${i}`, channels, 3, { stride: 2, pad: 1 }));
    }
    const flat = gridSize(arch) ** 2 * arch.encoderChannels.at(-1)!;
    return layerNorm(linear(x.reshape([0, flat]), 'proj', arch.latentDim), 'norm');
  });
}

/**
 * Image decoder: latent float32 [N, Z] → [N, 3, S, S] in normalised pixel units. A linear map to the
 * encoder's last feature grid, then per level a 3×3 conv to 4× the channels, a ×2 pixel shuffle and
 * SiLU (sub-pixel upsampling, Shi et al. 2016), mirroring the encoder's channels, and a final 3×3 conv.
 */
export function decodeLatent(latent: Tensor, arch: Act2GoalArchitecture): Tensor {
  const channels = arch.encoderChannels;
  const grid = gridSize(arch);
  return latent.b.scope('decoder', () => {
    let x = linear(latent, 'proj', grid * grid * channels.at(-1)!).reshape([0, channels.at(-1)!, grid, grid]);
    for (let level = channels.length - 1; level >= 0; level--) {
      const out = channels[Math.max(level - 1, 0)];
      x = silu(pixelShuffle(conv2d(x, `conv${level}`, 4 * out, 3, { pad: 1 }), 2));
    }
    return conv2d(x, 'to_rgb', 3, 3, { pad: 1 });
  });
}

/**
 * The autoencoder's position estimates: a linear head on latents float32 [..., Z] → [..., positionDim],
 * x and y of the pusher then of each block as (p − 0.5)·4 (on the table in [−2, 2]; a block the scene
 * lacks reads −3). Trained with the autoencoder (stage 0), frozen after.
 */
export function estimatePositions(latent: Tensor, arch: Act2GoalArchitecture): Tensor {
  return linear(latent, 'position_head', arch.positionDim, { shared: true });
}
