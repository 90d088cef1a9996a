import type { TensorData } from '../nn/graph.ts';
import type { Dataset } from '../nn/train-loop.ts';
import { normalizeFrame } from '../policies/image-normalizer.ts';
import type { EpisodeRecord } from '../sim/episode.ts';
import { ACT2GOAL_TRAINING_TENSORS } from './act2goal-training-graphs.ts';
import { type CoverageFrames, createCoverageDraw } from './coverage-frames.ts';
import { type EpisodeStore, episodeFrame } from './episode-store.ts';
import { frameAsSeen, type JpegCopies } from './jpeg-copies.ts';
import {
  ABSENT_POSITION,
  PROBED_STATE_DIM,
  STATE_PROBE_TENSORS,
  writeProbeTargets,
  writeStateTargets,
} from './state-probe.ts';

/** How stage-0 reconstruction errors are weighted per pixel. */
export interface ForegroundWeighting {
  /** λ: a pixel far from the mean frame weighs up to 1 + λ. */
  extraWeight: number;
  /** δ: distance from the mean frame (normalised units, over the 3 channels) at which the full λ applies. */
  distance: number;
}

/** The defaults of `goalserve train act2goal`. */
export const DEFAULT_FOREGROUND_WEIGHTING: ForegroundWeighting = { extraWeight: 30, distance: 1 };

/** What stage 0 feeds besides the lossless frames of the store (default: nothing else). */
export interface FrameSources {
  /** JPEG copies of the store's frames and the share of slots that take them. */
  jpeg?: JpegCopies;
  /** Renders of random states over the whole table and the share of slots that take them. */
  coverage?: CoverageFrames;
  /** The training step a batch is drawn for (default 0). */
  stepOf?: () => number;
}

/**
 * Stage 0 samples: every frame of every episode (observations 0..T, play episodes included), each the
 * autoencoder's input and target → frames float32 [n, 3, S, S] normalised with the store's pixel
 * stats; the position targets (a block the task lacks: ABSENT_POSITION); and per-pixel loss weights [n, 1, S, S] of 1 + λ·min(1, ‖x − m‖²/δ²),
 * m the dataset's mean frame. Table and border are the same in every frame, so m holds them and the
 * weights pick out pusher and blocks, a few pixels each that an unweighted loss leaves blurred away.
 * With `jpeg`, a slot takes the frame's JPEG copy instead with probability `jpeg.share` (as input and
 * target; the position targets stay the simulator's), so the encoder places objects in the frames a
 * robot streams as JPEG as well. With `coverage`, a slot takes instead, with probability
 * `coverage.share`, a lossless render of a random state of the frame's task over the whole table,
 * with that state's position targets (the JPEG draw then applies to the other slots). Both draws
 * depend on the training step `stepOf` reads.
 */
export function createFrameDataset(
  store: EpisodeStore,
  weighting: ForegroundWeighting,
  sources: FrameSources = {},
): Dataset {
  const { jpeg, stepOf = () => 0 } = sources;
  const coverageDraw = sources.coverage && createCoverageDraw(store, sources.coverage);
  const frames = store.episodes.flatMap((episode, e) =>
    Array.from({ length: episode.steps + 1 }, (_, index) => ({ episode, e, index })),
  );
  const size = store.imageSize;
  const pixels = size * size;
  const frameSize = 3 * pixels;
  const mean = meanFrame(store, frames);
  return {
    size: frames.length,
    batch(indices) {
      const n = indices.length;
      const images = new Float32Array(n * frameSize);
      const weights = new Float32Array(n * pixels);
      const states = new Float32Array(n * PROBED_STATE_DIM);
      const mask = new Float32Array(n * PROBED_STATE_DIM);
      const step = stepOf();
      indices.forEach((sample, slot) => {
        const { episode, e, index } = frames[sample];
        const covered = coverageDraw?.(episode.task, step, slot);
        normalizeFrame(
          covered?.frame ?? frameAsSeen(store, e, index, jpeg, step, slot),
          store.pixels,
          images,
          slot * frameSize,
        );
        for (let p = 0; p < pixels; p++) {
          let squared = 0;
          for (let c = 0; c < 3; c++)
            squared += (images[slot * frameSize + c * pixels + p] - mean[c * pixels + p]) ** 2;
          weights[slot * pixels + p] =
            1 + weighting.extraWeight * Math.min(1, squared / weighting.distance ** 2);
        }
        if (covered) writeStateTargets(covered.state, states, mask, slot, ABSENT_POSITION);
        else writeProbeTargets(episode, index, states, mask, slot, ABSENT_POSITION);
      });
      const tensor = (dims: number[], data: Float32Array): TensorData => ({ dtype: 'float32', dims, data });
      return {
        [ACT2GOAL_TRAINING_TENSORS.frames]: tensor([n, 3, size, size], images),
        [ACT2GOAL_TRAINING_TENSORS.pixelWeights]: tensor([n, 1, size, size], weights),
        [STATE_PROBE_TENSORS.states]: tensor([n, PROBED_STATE_DIM], states),
        [STATE_PROBE_TENSORS.mask]: tensor([n, PROBED_STATE_DIM], mask),
      };
    },
  };
}

/** The mean of every normalised frame → float32 [3, S, S]. */
function meanFrame(store: EpisodeStore, frames: { episode: EpisodeRecord; index: number }[]): Float32Array {
  const frameSize = 3 * store.imageSize * store.imageSize;
  const sum = new Float64Array(frameSize);
  const one = new Float32Array(frameSize);
  for (const { episode, index } of frames) {
    normalizeFrame(episodeFrame(episode, index), store.pixels, one, 0);
    for (let k = 0; k < frameSize; k++) sum[k] += one[k];
  }
  return Float32Array.from(sum, (s) => s / frames.length);
}
