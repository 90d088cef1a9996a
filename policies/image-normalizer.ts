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
