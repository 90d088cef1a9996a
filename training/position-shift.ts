import type { TensorData } from '../nn/graph.ts';
import { NnError } from '../nn/nn-error.ts';

/**
 * Moves latents so that a linear position head (estimate = zᵀW + b, W float32 [Z, P]) reads
 * positions shifted by a chosen δ ∈ ℝ^P: the least-norm latent change u with Wᵀu = δ,
 * u = W (WᵀW)⁻¹ δ. Everything else the latent holds is left as it is, as far as a linear change can.
 */
export interface PositionShift {
  /** Adds the latent change for `delta` (length P, in the head's units) to `latent` [Z] in place. */
  apply(latent: Float32Array, delta: ArrayLike<number>): void;
}

/** The {@link PositionShift} of a position head's weight float32 [Z, P]. */
export function createPositionShift(weight: TensorData): PositionShift {
  const [z, p] = weight.dims;
  const w = weight.data as Float32Array;
  const gram = Array.from({ length: p }, (_, i) =>
    Array.from({ length: p }, (_, j) => {
      let sum = 0;
      for (let k = 0; k < z; k++) sum += w[k * p + i] * w[k * p + j];
      return sum;
    }),
  );
  const gramInverse = invert(gram);
  const coefficients = new Float64Array(p);
  return {
    apply(latent, delta) {
      for (let i = 0; i < p; i++) {
        let sum = 0;
        for (let j = 0; j < p; j++) sum += gramInverse[i][j] * delta[j];
        coefficients[i] = sum;
      }
      for (let k = 0; k < z; k++) {
        let sum = 0;
        for (let i = 0; i < p; i++) sum += w[k * p + i] * coefficients[i];
        latent[k] += sum;
      }
    },
  };
}

/** Inverse of a small square matrix by Gauss–Jordan elimination with partial pivoting. */
function invert(matrix: number[][]): number[][] {
  const n = matrix.length;
  const rows = matrix.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let column = 0; column < n; column++) {
    let pivot = column;
    for (let r = column + 1; r < n; r++) {
      if (Math.abs(rows[r][column]) > Math.abs(rows[pivot][column])) pivot = r;
    }
    if (Math.abs(rows[pivot][column]) < 1e-12) {
      throw new NnError(
        'BAD_ARGUMENT',
        'position head: its weight has dependent columns, so no latent shift reads a chosen offset',
      );
    }
    [rows[column], rows[pivot]] = [rows[pivot], rows[column]];
    const scale = rows[column][column];
    for (let j = 0; j < 2 * n; j++) rows[column][j] /= scale;
    for (let r = 0; r < n; r++) {
      if (r === column) continue;
      const factor = rows[r][column];
      for (let j = 0; j < 2 * n; j++) rows[r][j] -= factor * rows[column][j];
    }
  }
  return rows.map((row) => row.slice(n));
}
