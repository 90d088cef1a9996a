import { PolicyError } from '../policy-error.ts';

/**
 * Multi-Scale Temporal Hashing (Act2Goal, AgiBot 2025): which future steps the world model imagines
 * and the action expert predicts. Paper scale: P = 54, r = 6, M = 9.
 */
export interface MsthConfig {
  /** P: steps covered densely; its P actions are the ones executed. */
  proximalSteps: number;
  /** r: steps between imagined proximal frames; divides P. */
  strideSteps: number;
  /** M: log-spaced distal frames (and actions) between P and the goal; 0 is a fixed-horizon chunk. */
  distalCount: number;
}

/** Checks P, r and M, throwing MODEL_IO_MISMATCH that names the field (they are part of a model's architecture). */
export function validateMsthConfig(config: MsthConfig): MsthConfig {
  const { proximalSteps, strideSteps, distalCount } = config;
  expectWhole('proximalSteps', proximalSteps, 1);
  expectWhole('strideSteps', strideSteps, 1);
  if (proximalSteps % strideSteps !== 0) {
    fail('strideSteps', `a divisor of proximalSteps ${proximalSteps}`, String(strideSteps));
  }
  expectWhole('distalCount', distalCount, 0);
  return config;
}

/** Imagined frames per plan: P/r proximal then M distal. */
export function msthFrameCount(config: MsthConfig): number {
  return config.proximalSteps / config.strideSteps + config.distalCount;
}

/** Predicted actions per plan: P proximal then M distal. */
export function msthActionCount(config: MsthConfig): number {
  return config.proximalSteps + config.distalCount;
}

/**
 * Step offsets of the imagined frames s_{t+offset} for a goal K steps ahead: proximal k·r (k = 1..P/r),
 * then distal d_m = P + ⌊(K − P)/ln(M + 1)·ln(m + 1)⌋ (m = 1..M), so d_M = K. Every offset is clamped
 * to K: a frame past the goal is the goal frame itself (the robot is meant to stay there). So for
 * K ≤ P every distal frame is the goal and proximal frames past K repeat it; for K a little above P,
 * neighbouring distal offsets can coincide. Offsets never decrease.
 */
export function msthFrameOffsets(config: MsthConfig, goalSteps: number): number[] {
  validateMsthConfig(config);
  expectGoalSteps(goalSteps);
  const { proximalSteps: p, strideSteps: r, distalCount: m } = config;
  const proximal = Array.from({ length: p / r }, (_, k) => (k + 1) * r);
  // MSTH distal spacing (Act2Goal 2025). The 1e-9 keeps whole products whole where float logs round
  // just below them: ln(m+1)/ln(M+1) is exactly 1 at m = M (so d_M = K) and 1/2 for m = 1, M = 3.
  const distal = Array.from(
    { length: m },
    (_, i) => p + Math.floor(((goalSteps - p) * Math.log(i + 2)) / Math.log(m + 1) + 1e-9),
  );
  return [...proximal, ...distal].map((offset) => Math.min(offset, goalSteps));
}

/**
 * Step offsets of the predicted actions a_{t+offset} for a goal K steps ahead: proximal 0..P−1 (the
 * actions executed), then d_m − 1 for each distal frame offset d_m (the action that arrives at that
 * frame, so the last one leads into the goal). Clamped to K − 1, the last action before the goal; past
 * that the data must say what "stay at the goal" means (e.g. a hold action), which this index does not.
 */
export function msthActionOffsets(config: MsthConfig, goalSteps: number): number[] {
  const frames = msthFrameOffsets(config, goalSteps);
  const proximal = Array.from({ length: config.proximalSteps }, (_, j) => j);
  const distal = frames.slice(config.proximalSteps / config.strideSteps).map((d) => d - 1);
  return [...proximal, ...distal].map((offset) => Math.min(offset, goalSteps - 1));
}

function expectGoalSteps(goalSteps: number): void {
  if (!Number.isInteger(goalSteps) || goalSteps < 1) {
    throw new PolicyError(
      'BAD_SAMPLER_OPTIONS',
      `msth.goalSteps: expected an integer ≥ 1 (steps to the goal frame), got ${goalSteps}`,
    );
  }
}

function expectWhole(field: keyof MsthConfig, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) fail(field, `an integer ≥ ${min}`, String(value));
}

function fail(field: keyof MsthConfig, expected: string, got: string): never {
  throw new PolicyError('MODEL_IO_MISMATCH', `msth.${field}: expected ${expected}, got ${got}`);
}
