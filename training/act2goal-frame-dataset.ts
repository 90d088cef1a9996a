import type { TensorData } from '../nn/graph.ts';
import type { Dataset } from '../nn/train-loop.ts';
import { normalizeFrame } from '../policies/image-normalizer.ts';
import { ACT2GOAL_TRAINING_TENSORS } from './act2goal-training-graphs.ts';
import { type EpisodeStore, episodeFrame } from './episode-store.ts';

/**
 * Stage 0 samples: every frame of every episode (observations 0..T, play episodes included), each the
 * autoencoder's input and target → frames float32 [n, 3, S, S], normalised with the store's pixel stats.
 */
export function createFrameDataset(store: EpisodeStore): Dataset {
  const frames = store.episodes.flatMap((episode) =>
    Array.from({ length: episode.steps + 1 }, (_, index) => ({ episode, index })),
  );
  const size = store.imageSize;
  const frameSize = 3 * size * size;
  return {
    size: frames.length,
    batch(indices) {
      const pixels = new Float32Array(indices.length * frameSize);
      indices.forEach((sample, slot) => {
        const { episode, index } = frames[sample];
        normalizeFrame(episodeFrame(episode, index), store.pixels, pixels, slot * frameSize);
      });
      const tensor: TensorData = { dtype: 'float32', dims: [indices.length, 3, size, size], data: pixels };
      return { [ACT2GOAL_TRAINING_TENSORS.frames]: tensor };
    },
  };
}
