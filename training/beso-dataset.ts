import { createRng, deriveSeed } from '../common/rng.ts';
import type { TensorData } from '../nn/graph.ts';
import type { Dataset } from '../nn/train-loop.ts';
import { BESO_TENSORS, type BesoArchitecture } from '../policies/beso/beso-config.ts';
import { normalizeFrame } from '../policies/image-normalizer.ts';
import { scaleActionValue } from '../policies/robot-units.ts';
import { computeEdmCoefficients } from '../policies/sampling/edm-preconditioning.ts';
import {
  BESO_TRAINING_SIGMA_BOUNDS,
  createTrainingSigmaSampler,
} from '../policies/sampling/training-sigma.ts';
import { BESO_TRAINING_TENSORS } from './beso-training-graph.ts';
import type { EpisodeStore } from './episode-store.ts';
import { pickHindsightGoal } from './hindsight-goal.ts';
import {
  DEFAULT_JPEG_AUGMENTATION,
  frameAsSeen,
  type JpegAugmentation,
  type JpegCopies,
} from './jpeg-copies.ts';
import { ABSENT_POSITION, PROBED_STATE_DIM, writeProbeTargets } from './state-probe.ts';

/** How training samples are drawn; see METHODS.md (BESO, Training). */
export interface BesoSampling {
  /** Probability that the goal is replaced by the null goal (whole-goal dropout for guidance). */
  goalDropout: number;
  /** Probability that the hindsight goal is the episode's last frame rather than a uniform future one. */
  finalGoalShare: number;
  /** Bounds of the truncated log-logistic training σ. */
  sigmaMin: number;
  sigmaMax: number;
  /** Weight of the position-estimate loss on the encoder (see buildBesoTrainingGraph). */
  positionWeight: number;
  /** JPEG copies mixed into the pixel stage (see pixelFrameFeed). */
  jpeg: JpegAugmentation;
}

/** The defaults of `goalserve train beso`. */
export const DEFAULT_BESO_SAMPLING: BesoSampling = {
  goalDropout: 0.1,
  finalGoalShare: 0.5,
  ...BESO_TRAINING_SIGMA_BOUNDS,
  // ×10 (was 1): an object-centric denoiser sees the scene only through these estimates, and their
  // error was what held push2 back (BENCHMARKS.md, "What held pushing back").
  positionWeight: 10,
  jpeg: DEFAULT_JPEG_AUGMENTATION,
};

/** How a batch's images reach a training graph: as pixels or as cached embeddings. */
export interface BesoFrameFeed {
  /** Starts a batch of n samples for optimizer step `step`. */
  begin(n: number, step: number): void;
  /** Puts frame `frameIndex` of episode `episodeIndex` into slot k of sample `sample`: k < W observations, k = W the goal. */
  put(episodeIndex: number, frameIndex: number, sample: number, k: number): void;
  /** The batch's image tensors. */
  tensors(): Record<string, TensorData>;
}

/**
 * Training samples for BESO: one per (episode, step t). A sample holds the W frames and proprio up to t,
 * the next H actions (zero-padded past the end: the robot holds still after success), a hindsight goal
 * frame from the same episode's future, and EDM-preconditioned noisy actions with their target. The
 * noise, σ, goal and dropout of a sample depend only on (seed, training step, slot), so a resumed run
 * draws the same batches. `frames` decides how the images are fed.
 */
export function createBesoDataset(
  store: EpisodeStore,
  arch: BesoArchitecture,
  sampling: BesoSampling,
  seed: number,
  stepOf: () => number,
  frames: BesoFrameFeed,
): Dataset {
  const starts: { episodeIndex: number; t: number }[] = [];
  store.episodes.forEach((episode, episodeIndex) => {
    // Play episodes end at the horizon, not at a resting goal: only use steps with a full chunk ahead.
    const last = episode.policy === 'play' ? episode.steps - arch.chunk : episode.steps - 1;
    for (let t = 0; t <= last; t++) starts.push({ episodeIndex, t });
  });
  const sigmaOf = createTrainingSigmaSampler(sampling);
  const { low, high } = store.actionBounds;

  return {
    size: starts.length,
    batch(indices) {
      const n = indices.length;
      const step = stepOf();
      frames.begin(n, step);
      const goalKeep = new Float32Array(n);
      const proprio = new Float32Array(n * arch.window * arch.proprioDim);
      const scaled = new Float32Array(n * arch.chunk * arch.actionDim);
      const noiseLevel = new Float32Array(n);
      const target = new Float32Array(n * arch.chunk * arch.actionDim);
      indices.forEach((index, slot) => {
        const { episodeIndex, t } = starts[index];
        const episode = store.episodes[episodeIndex];
        const rng = createRng(deriveSeed(seed, step, slot));
        for (let k = 0; k < arch.window; k++) {
          const frameIndex = Math.max(0, t - arch.window + 1 + k);
          frames.put(episodeIndex, frameIndex, slot, k);
          for (let p = 0; p < arch.proprioDim; p++) {
            const value = episode.proprio[frameIndex * arch.proprioDim + p];
            proprio[(slot * arch.window + k) * arch.proprioDim + p] =
              (value - store.proprio.mean[p]) / store.proprio.std[p];
          }
        }
        const goalIndex = pickHindsightGoal(episode.steps, t, sampling.finalGoalShare, rng);
        frames.put(episodeIndex, goalIndex, slot, arch.window);
        goalKeep[slot] = rng.next() < sampling.goalDropout ? 0 : 1;

        const sigma = sigmaOf(rng);
        const { cSkip, cOut, cIn, cNoise } = computeEdmCoefficients(sigma, arch.sigmaData);
        noiseLevel[slot] = cNoise;
        for (let h = 0; h < arch.chunk; h++) {
          for (let a = 0; a < arch.actionDim; a++) {
            const raw = t + h < episode.steps ? episode.actions[(t + h) * arch.actionDim + a] : 0;
            const clean = scaleActionValue(raw, low[a], high[a]);
            const noisy = clean + sigma * rng.normal();
            const k = (slot * arch.chunk + h) * arch.actionDim + a;
            scaled[k] = cIn * noisy;
            target[k] = (clean - cSkip * noisy) / cOut;
          }
        }
      });
      const names = BESO_TENSORS.denoiser;
      return {
        ...frames.tensors(),
        [BESO_TRAINING_TENSORS.goalKeep]: f32([n, 1], goalKeep),
        [names.proprio]: f32([n, arch.window, arch.proprioDim], proprio),
        [names.scaledActions]: f32([n, arch.chunk, arch.actionDim], scaled),
        [names.noiseLevel]: f32([n], noiseLevel),
        [BESO_TRAINING_TENSORS.target]: f32([n, arch.chunk, arch.actionDim], target),
      };
    },
  };
}

/**
 * Feeds normalised pixels with each frame's simulator positions (the end-to-end graph's inputs). With
 * `jpeg`, each slot takes the frame's JPEG copy with probability `share`, drawn from (seed, step,
 * sample, slot) so a resumed run feeds the same pixels; the position targets stay the true ones.
 */
export function pixelFrameFeed(
  store: EpisodeStore,
  arch: BesoArchitecture,
  jpeg?: JpegCopies,
): BesoFrameFeed {
  const frameSize = 3 * arch.imageSize * arch.imageSize;
  const perSample = arch.window + 1;
  let n = 0;
  let step = 0;
  let pixels = new Float32Array(0);
  let states = new Float32Array(0);
  let mask = new Float32Array(0);
  return {
    begin(count, batchStep) {
      n = count;
      step = batchStep;
      pixels = new Float32Array(n * perSample * frameSize);
      states = new Float32Array(n * perSample * PROBED_STATE_DIM);
      mask = new Float32Array(n * perSample * PROBED_STATE_DIM);
    },
    put(episodeIndex, frameIndex, sample, k) {
      const episode = store.episodes[episodeIndex];
      const row = sample * perSample + k;
      const frame = frameAsSeen(store, episodeIndex, frameIndex, jpeg, step, sample, k);
      normalizeFrame(frame, store.pixels, pixels, row * frameSize);
      // Object tokens need an estimate of every object, so absent blocks get a target too.
      writeProbeTargets(
        episode,
        frameIndex,
        states,
        mask,
        row,
        arch.objectCentric ? ABSENT_POSITION : undefined,
      );
    },
    tensors: () => ({
      [BESO_TRAINING_TENSORS.frames]: f32([n * perSample, 3, arch.imageSize, arch.imageSize], pixels),
      [BESO_TRAINING_TENSORS.frameStates]: f32([n * perSample, PROBED_STATE_DIM], states),
      [BESO_TRAINING_TENSORS.frameStateMask]: f32([n * perSample, PROBED_STATE_DIM], mask),
    }),
  };
}

/**
 * Feeds embeddings cached per episode (float32 [T + 1, E] each, see encodeEpisodeFrames) as the
 * denoiser's goal and observation inputs.
 */
export function cachedEmbeddingFeed(
  embeddings: readonly Float32Array[],
  arch: BesoArchitecture,
): BesoFrameFeed {
  const e = arch.embedDim;
  let n = 0;
  let goal = new Float32Array(0);
  let observation = new Float32Array(0);
  return {
    begin(count) {
      n = count;
      goal = new Float32Array(n * e);
      observation = new Float32Array(n * arch.window * e);
    },
    put(episodeIndex, frameIndex, sample, k) {
      const row = embeddings[episodeIndex].subarray(frameIndex * e, (frameIndex + 1) * e);
      if (k === arch.window) goal.set(row, sample * e);
      else observation.set(row, (sample * arch.window + k) * e);
    },
    tensors: () => ({
      [BESO_TENSORS.denoiser.goal]: f32([n, e], goal),
      [BESO_TENSORS.denoiser.observation]: f32([n, arch.window, e], observation),
    }),
  };
}

function f32(dims: number[], data: Float32Array): TensorData {
  return { dtype: 'float32', dims, data };
}
