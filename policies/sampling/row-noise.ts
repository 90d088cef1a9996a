import type { Rng } from '../../common/rng.ts';

/**
 * Returns a filler that writes N(0, 1) into a float32 [B, H, A] array with row b drawn from rngs[b]
 * only, so a request's noise never depends on its batch position or neighbours.
 */
export function createRowNoise(rngs: readonly Rng[], rowSize: number): (out: Float32Array) => Float32Array {
  return (out) => {
    for (const [b, rng] of rngs.entries()) rng.fillNormal(out.subarray(b * rowSize, (b + 1) * rowSize));
    return out;
  };
}
