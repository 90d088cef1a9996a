import { createRng, deriveSeed } from '../common/rng.ts';
import type { TensorData } from '../nn/graph.ts';
import type { Dataset } from '../nn/train-loop.ts';
import { BESO_TENSORS, type BesoArchitecture } from '../policies/beso/beso-config.ts';
import { normalizeFrame } from '../policies/image-normalizer.ts';
import { scaleActionValue } from '../policies/robot-units.ts';
import { computeEdmCoefficients } from '../policies/sampling/edm-preconditioning.ts';
import { createTrainingSigmaSampler } from '../policies/sampling/training-sigma.ts';
import type { EpisodeRecord } from '../sim/episode.ts';
import { BESO_TRAINING_TENSORS } from './beso-training-graph.ts';
import { type EpisodeStore, episodeFrame } from './episode-store.ts';
import { pickHindsightGoal } from './hindsight-goal.ts';
import { PROBED_STATE_DIM, writeProbeTargets } from './state-probe.ts';

/** How training samples are drawn; see METHODS.md (BESO, Training). */
export interface BesoSampling {
  /** Probability that the goal is replaced by the null goal (whole-goal dropout for guidance). */
  goalDropout: number;
  /** Probability that the hindsight goal is the episode's last frame rather than a uniform future one. */
  finalGoalShare: number;
  /** Bounds of the truncated log-logistic training σ. */
  sigmaMin: number;
  sigmaMax: number;
  /** Weight of the auxiliary state-probe loss on the encoder (see buildBesoTrainingGraph). */
  probeWeight: number;
}

/** The defaults of `goalserve train beso`. */
export const DEFAULT_BESO_SAMPLING: BesoSampling = {
  goalDropout: 0.1,
  finalGoalShare: 0.5,
  sigmaMin: 0.001,
  sigmaMax: 80,
  probeWeight: 1,
};

/**
 * Training samples for BESO: one per (episode, step t). A sample holds the W frames and proprio up to t,
 * the next H actions (zero-padded past the end: the robot holds still after success), a hindsight goal
 * frame from the same episode's future, and EDM-preconditioned noisy actions with their target. The
 * noise, σ, goal and dropout of a sample depend only on (seed, training step, slot), so a resumed run
 * draws the same batches.
 */
export function createBesoDataset(
  store: EpisodeStore,
  arch: BesoArchitecture,
  sampling: BesoSampling,
  seed: number,
  stepOf: () => number,
): Dataset {
  const starts: { episode: EpisodeRecord; t: number }[] = [];
  for (const episode of store.episodes) {
    // Play episodes end at the horizon, not at a resting goal: only use steps with a full chunk ahead.
    const last = episode.policy === 'play' ? episode.steps - arch.chunk : episode.steps - 1;
    for (let t = 0; t <= last; t++) starts.push({ episode, t });
  }
  const sigmaOf = createTrainingSigmaSampler(sampling);
  const frameSize = 3 * arch.imageSize * arch.imageSize;
  const perSample = arch.window + 1;
  const { low, high } = store.actionBounds;

  return {
    size: starts.length,
    batch(indices) {
      const n = indices.length;
      const frames = new Float32Array(n * perSample * frameSize);
      const goalKeep = new Float32Array(n);
      const proprio = new Float32Array(n * arch.window * arch.proprioDim);
      const scaled = new Float32Array(n * arch.chunk * arch.actionDim);
      const noiseLevel = new Float32Array(n);
      const target = new Float32Array(n * arch.chunk * arch.actionDim);
      const frameStates = new Float32Array(n * perSample * PROBED_STATE_DIM);
      const frameStateMask = new Float32Array(n * perSample * PROBED_STATE_DIM);
      /** Writes frame `frameIndex` of an episode into frame slot `frameSlot`, with its probe targets. */
      const putFrame = (episode: EpisodeRecord, frameIndex: number, frameSlot: number) => {
        normalizeFrame(episodeFrame(episode, frameIndex), store.pixels, frames, frameSlot * frameSize);
        writeProbeTargets(episode, frameIndex, frameStates, frameStateMask, frameSlot);
      };
      const step = stepOf();
      indices.forEach((index, slot) => {
        const { episode, t } = starts[index];
        const rng = createRng(deriveSeed(seed, step, slot));
        for (let k = 0; k < arch.window; k++) {
          const frameIndex = Math.max(0, t - arch.window + 1 + k);
          putFrame(episode, frameIndex, slot * perSample + k);
          for (let p = 0; p < arch.proprioDim; p++) {
            const value = episode.proprio[frameIndex * arch.proprioDim + p];
            proprio[(slot * arch.window + k) * arch.proprioDim + p] =
              (value - store.proprio.mean[p]) / store.proprio.std[p];
          }
        }
        const goalIndex = pickHindsightGoal(episode.steps, t, sampling.finalGoalShare, rng);
        putFrame(episode, goalIndex, slot * perSample + arch.window);
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
      const tensor = (dims: number[], data: Float32Array): TensorData => ({ dtype: 'float32', dims, data });
      return {
        [BESO_TRAINING_TENSORS.frames]: tensor([n * perSample, 3, arch.imageSize, arch.imageSize], frames),
        [BESO_TRAINING_TENSORS.goalKeep]: tensor([n, 1], goalKeep),
        [names.proprio]: tensor([n, arch.window, arch.proprioDim], proprio),
        [names.scaledActions]: tensor([n, arch.chunk, arch.actionDim], scaled),
        [names.noiseLevel]: tensor([n], noiseLevel),
        [BESO_TRAINING_TENSORS.target]: tensor([n, arch.chunk, arch.actionDim], target),
        [BESO_TRAINING_TENSORS.frameStates]: tensor([n * perSample, PROBED_STATE_DIM], frameStates),
        [BESO_TRAINING_TENSORS.frameStateMask]: tensor([n * perSample, PROBED_STATE_DIM], frameStateMask),
      };
    },
  };
}
