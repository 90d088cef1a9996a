import type { TensorData } from '../nn/graph.ts';
import { encodeOnnx } from '../nn/onnx-encode.ts';
import { OrtSession } from '../nn/ort-session.ts';
import { ACT2GOAL_TENSORS, type Act2GoalArchitecture } from '../policies/act2goal/act2goal-config.ts';
import { buildAct2GoalEncoderGraph } from '../policies/act2goal/act2goal-graphs.ts';
import { normalizeFrames } from '../policies/image-normalizer.ts';
import { type EpisodeStore, episodeFrame } from './episode-store.ts';
import { exportTrainedModel } from './package-files.ts';

/** Frames per encoder run while filling the cache. */
const FRAMES_PER_RUN = 256;

/**
 * Encodes every frame of every episode once with the frozen (stage-0) encoder weights, so stages 1
 * and 2 train on latents without touching pixels → per episode float32 [T + 1, Z], in store order.
 */
export async function encodeEpisodeLatents(
  store: EpisodeStore,
  arch: Act2GoalArchitecture,
  weights: Map<string, TensorData>,
): Promise<Float32Array[]> {
  const names = ACT2GOAL_TENSORS.encoder;
  const graph = exportTrainedModel(buildAct2GoalEncoderGraph(arch), weights, [names.latent]);
  const encoder = await OrtSession.create(encodeOnnx(graph), graph);
  const size = store.imageSize;
  try {
    const latents: Float32Array[] = [];
    for (const episode of store.episodes) {
      const out = new Float32Array((episode.steps + 1) * arch.latentDim);
      for (let first = 0; first <= episode.steps; first += FRAMES_PER_RUN) {
        const count = Math.min(FRAMES_PER_RUN, episode.steps + 1 - first);
        const frames = Array.from({ length: count }, (_, k) => episodeFrame(episode, first + k));
        const pixels = normalizeFrames(frames, size, store.pixels);
        const result = await encoder.run({
          [names.frames]: { dtype: 'float32', dims: [count, 3, size, size], data: pixels },
        });
        out.set(result[names.latent].data as Float32Array, first * arch.latentDim);
      }
      latents.push(out);
    }
    return latents;
  } finally {
    await encoder.release();
  }
}
