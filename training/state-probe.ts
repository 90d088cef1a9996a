import { linear, mseLoss } from '../nn/layers.ts';
import type { Tensor } from '../nn/tensor.ts';
import type { EpisodeRecord } from '../sim/episode.ts';

/** Number of positions a frame's state probe predicts: pusher and up to two blocks, x and y each. */
export const PROBED_STATE_DIM = 6;

/** Tensor names of the probe's targets in a training graph. */
export const STATE_PROBE_TENSORS = {
  /** float32 [N, 6]: simulator positions shown in each frame (pusher, block 0, block 1), (p − 0.5)·4. */
  states: 'frame_states',
  /** float32 [N, 6]: 1 where a target is given (see writeProbeTargets). */
  mask: 'frame_state_mask',
} as const;

/**
 * A position target for a block the task does not have: off the table ((p − 0.5)·4 lies in [−2, 2]
 * on it), so the estimates tell the object tokens (BESO's denoiser, Act2Goal's action expert)
 * unmistakably that the block is absent.
 */
export const ABSENT_POSITION = -3;

/**
 * Writes the probe targets of frame `frameIndex` of an episode into row `row` of `states` and `mask`
 * (see writeStateTargets).
 */
export function writeProbeTargets(
  episode: EpisodeRecord,
  frameIndex: number,
  states: Float32Array,
  mask: Float32Array,
  row: number,
  absentTarget?: number,
): void {
  const stateDim = episode.goalState.length;
  const state = episode.states.subarray(frameIndex * stateDim, (frameIndex + 1) * stateDim);
  writeStateTargets(state, states, mask, row, absentTarget);
}

/**
 * Writes the probe targets of one state vector (pusher x, y then each block's x, y, as
 * `EpisodeRecord.states`) into row `row` of `states` and `mask`. Positions of blocks the state lacks
 * get `absentTarget` with mask 1 when it is given, else mask 0.
 */
export function writeStateTargets(
  state: ArrayLike<number>,
  states: Float32Array,
  mask: Float32Array,
  row: number,
  absentTarget?: number,
): void {
  for (let k = 0; k < PROBED_STATE_DIM; k++) {
    const present = k < state.length;
    if (!present && absentTarget === undefined) continue;
    states[row * PROBED_STATE_DIM + k] = present ? (state[k] - 0.5) * 4 : (absentTarget as number);
    mask[row * PROBED_STATE_DIM + k] = 1;
  }
}

/**
 * Mean squared error of position estimates float32 [N, 6] against the simulator positions, over the
 * masked targets (without an absent target, a task with fewer blocks has nothing to estimate for
 * the missing ones).
 */
export function positionEstimateLoss(estimates: Tensor, states: Tensor, mask: Tensor): Tensor {
  return mseLoss(estimates.mul(mask), states);
}

/**
 * Auxiliary loss that makes an image encoder keep where things are: a linear probe (trained with it,
 * never exported) must read the simulator positions off each frame's embedding float32 [N, E].
 * The policy itself sees images and proprioception only.
 */
export function stateProbeLoss(embeddings: Tensor, states: Tensor, mask: Tensor): Tensor {
  return positionEstimateLoss(linear(embeddings, 'state_probe', PROBED_STATE_DIM), states, mask);
}
