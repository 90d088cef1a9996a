import { PolicyError } from './policy-error.ts';

/** Per-channel pixel statistics, in 0–255 units, used to normalise camera frames. */
export interface PixelStats {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/**
 * Converts one uint8 [H, W, 3] RGB frame to float32 [3, H, W] with (x − mean)/std per channel, writing
 * into `out` at `offset`. The one place where pixels go from HWC to CHW.
 */
export function normalizeFrame(
  frame: Uint8Array,
  stats: PixelStats,
  out: Float32Array,
  offset: number,
): void {
  const pixels = frame.length / 3;
  for (let c = 0; c < 3; c++) {
    const scale = 1 / stats.std[c];
    const shift = stats.mean[c];
    const plane = offset + c * pixels;
    for (let p = 0; p < pixels; p++) out[plane + p] = (frame[p * 3 + c] - shift) * scale;
  }
}

/**
 * Stacks camera frames (each uint8 [S, S, 3] RGB) into float32 [N, 3, S, S], normalised; throws
 * BAD_OBSERVATION naming the frame whose size is wrong.
 */
export function normalizeFrames(
  frames: readonly Uint8Array[],
  size: number,
  stats: PixelStats,
): Float32Array {
  const frameSize = 3 * size * size;
  const pixels = new Float32Array(frames.length * frameSize);
  frames.forEach((frame, i) => {
    if (frame.length !== frameSize) {
      throw new PolicyError(
        'BAD_OBSERVATION',
        `frames[${i}]: expected ${size}×${size}×3 = ${frameSize} bytes, got ${frame.length}`,
      );
    }
    normalizeFrame(frame, stats, pixels, i * frameSize);
  });
  return pixels;
}

/** The inverse of `normalizeFrame`: float32 [3, S, S] normalised → uint8 [S, S, 3] RGB, rounded and clamped. */
export function denormalizeFrame(chw: Float32Array, stats: PixelStats): Uint8Array {
  const pixels = chw.length / 3;
  const out = new Uint8Array(chw.length);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < pixels; p++) {
      const value = chw[c * pixels + p] * stats.std[c] + stats.mean[c];
      out[p * 3 + c] = Math.min(255, Math.max(0, Math.round(value)));
    }
  }
  return out;
}
