import type { Graph } from '../nn/graph.ts';
import { encodeOnnx } from '../nn/onnx-encode.ts';
import { OrtSession } from '../nn/ort-session.ts';
import { normalizeFrames } from '../policies/image-normalizer.ts';
import { type EpisodeStore, episodeFrame } from './episode-store.ts';

/** Frames per encoder run while filling the cache. */
const FRAMES_PER_RUN = 256;

/** A frozen image encoder: an inference graph from normalised frames [N, 3, S, S] to vectors [N, width]. */
export interface FrozenEncoder {
  graph: Graph;
  /** Input and output tensor names. */
  frames: string;
  output: string;
  width: number;
}

/**
 * Encodes every frame of every episode once with a frozen encoder, so later stages train on vectors
 * without touching pixels → per episode float32 [T + 1, width], in store order.
 */
export async function encodeEpisodeFrames(
  store: EpisodeStore,
  encoder: FrozenEncoder,
): Promise<Float32Array[]> {
  const session = await OrtSession.create(encodeOnnx(encoder.graph), encoder.graph);
  const size = store.imageSize;
  try {
    const encoded: Float32Array[] = [];
    for (const episode of store.episodes) {
      const out = new Float32Array((episode.steps + 1) * encoder.width);
      for (let first = 0; first <= episode.steps; first += FRAMES_PER_RUN) {
        const count = Math.min(FRAMES_PER_RUN, episode.steps + 1 - first);
        const frames = Array.from({ length: count }, (_, k) => episodeFrame(episode, first + k));
        const result = await session.run({
          [encoder.frames]: {
            dtype: 'float32',
            dims: [count, 3, size, size],
            data: normalizeFrames(frames, size, store.pixels),
          },
        });
        out.set(result[encoder.output].data as Float32Array, first * encoder.width);
      }
      encoded.push(out);
    }
    return encoded;
  } finally {
    await session.release();
  }
}
