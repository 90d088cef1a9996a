import { PolicyError } from './policy-error.ts';

/** Per-dimension proprioception statistics (robot units). */
export interface ProprioStats {
  dim: number;
  mean: readonly number[];
  std: readonly number[];
}

/** Action bounds and the clip factor of a package (robot units ↔ [−1, 1]). */
export interface ActionBounds {
  dim: number;
  low: readonly number[];
  high: readonly number[];
  /** Normalised actions are clipped to ±clip before mapping back. */
  clip: number;
}

/** z-scores float32 [rows, P] proprioception in robot units; BAD_OBSERVATION when it has the wrong length. */
export function zScoreProprio(raw: Float32Array, stats: ProprioStats, rows: number): Float32Array {
  const expected = rows * stats.dim;
  if (raw.length !== expected)
    throw new PolicyError('BAD_OBSERVATION', `proprio: expected ${expected} values, got ${raw.length}`);
  return raw.map((v, i) => (v - stats.mean[i % stats.dim]) / stats.std[i % stats.dim]);
}

/** Min-max scales one action component from [low, high] to [−1, 1] (BESO's and Act2Goal's action units). */
export function scaleActionValue(value: number, low: number, high: number): number {
  return ((value - low) / (high - low)) * 2 - 1;
}

/** Clips float32 [H, A] normalised actions to ±clip and maps [−1, 1] back to [low, high]. */
export function actionsToRobotUnits(normalized: Float32Array, bounds: ActionBounds): Float32Array {
  const { dim, low, high, clip } = bounds;
  return normalized.map((v, i) => {
    const c = Math.min(clip, Math.max(-clip, v));
    const a = i % dim;
    return low[a] + ((c + 1) / 2) * (high[a] - low[a]);
  });
}
