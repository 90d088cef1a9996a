import type { Model } from '../nn/builder.ts';
import type { TensorData } from '../nn/graph.ts';
import { encodeOnnx } from '../nn/onnx-encode.ts';
import { OrtSession } from '../nn/ort-session.ts';
import { normalizeFrames } from '../policies/image-normalizer.ts';
import { type EpisodeStore, episodeFrame } from './episode-store.ts';
import { exportTrainedModel } from './package-files.ts';

/** Frames per encoder run while filling the cache. */
const FRAMES_PER_RUN = 256;

/**
 * Encodes every frame of every episode once with a frozen encoder (an inference graph from
 * normalised frames [N, 3, S, S] to `output` [N, width], with these weights), so later stages train
 * on vectors without touching pixels → per episode float32 [T + 1, width], in store order. With
 * `pixels` (per episode uint8 [T + 1, S, S, 3], e.g. the frames' JPEG copies) those are encoded instead.
 */
export async function encodeEpisodeFrames(
  store: EpisodeStore,
  encoder: Model,
  weights: Map<string, TensorData>,
  output: string,
  pixels?: readonly Uint8Array[],
): Promise<Float32Array[]> {
  const graph = exportTrainedModel(encoder, weights, [output]);
  const frames = graph.inputs[0].name;
  const width = graph.outputs[0].dims[1] as number;
  const session = await OrtSession.create(encodeOnnx(graph), graph);
  const size = store.imageSize;
  try {
    const encoded: Float32Array[] = [];
    const frameSize = 3 * size * size;
    for (const [e, episode] of store.episodes.entries()) {
      const frameAt = (t: number) =>
        pixels === undefined
          ? episodeFrame(episode, t)
          : pixels[e].subarray(t * frameSize, (t + 1) * frameSize);
      const out = new Float32Array((episode.steps + 1) * width);
      for (let first = 0; first <= episode.steps; first += FRAMES_PER_RUN) {
        const count = Math.min(FRAMES_PER_RUN, episode.steps + 1 - first);
        const images = Array.from({ length: count }, (_, k) => frameAt(first + k));
        const result = await session.run({
          [frames]: {
            dtype: 'float32',
            dims: [count, 3, size, size],
            data: normalizeFrames(images, size, store.pixels),
          },
        });
        out.set(result[output].data as Float32Array, first * width);
      }
      encoded.push(out);
    }
    return encoded;
  } finally {
    await session.release();
  }
}
