import { describe, expect, it } from 'vitest';
import { createRng } from '../../../common/rng.ts';
import type { TensorData } from '../../../nn/graph.ts';
import { createPositionShift } from '../../../training/position-shift.ts';

const Z = 32;
const P = 6;

/** A head weight float32 [Z, P] from a function of (latent element, position). */
function headWeight(at: (k: number, i: number) => number): TensorData {
  return {
    dtype: 'float32',
    dims: [Z, P],
    data: Float32Array.from({ length: Z * P }, (_, n) => at(Math.floor(n / P), n % P)),
  };
}

/** The head's reading zᵀW (no bias: it cancels in a difference). */
function read(weight: TensorData, latent: Float32Array): number[] {
  const w = weight.data as Float32Array;
  return Array.from({ length: P }, (_, i) => latent.reduce((sum, v, k) => sum + v * w[k * P + i], 0));
}

describe('position shift', () => {
  it('moves a head that reads one latent element per position by δ_i / s_i in that element alone', () => {
    const scales = [2, -1, 0.5, 4, 1, 3];
    const weight = headWeight((k, i) => (k === i ? scales[i] : 0));
    const latent = new Float32Array(Z).fill(0.25);
    const delta = [0.1, -0.2, 0.3, 0.4, -0.5, 0.6];
    createPositionShift(weight).apply(latent, delta);
    latent.forEach((v, k) => {
      expect(v).toBeCloseTo(0.25 + (k < P ? delta[k] / scales[k] : 0), 6);
    });
  });

  it('on a random head, reads exactly δ more and changes nothing the head cannot see', () => {
    const rng = createRng(11);
    const weight = headWeight(() => rng.normal());
    const latent = Float32Array.from({ length: Z }, () => rng.normal());
    const before = read(weight, latent);
    const delta = Array.from({ length: P }, () => rng.normal());
    const moved = Float32Array.from(latent);
    createPositionShift(weight).apply(moved, delta);
    read(weight, moved).forEach((v, i) => {
      expect(v - before[i]).toBeCloseTo(delta[i], 4);
    });
    // least norm: the change is orthogonal to every latent direction the head does not read, here a
    // random vector minus its Gram–Schmidt projection onto the head's columns
    const columns: number[][] = [];
    for (let i = 0; i < P; i++) {
      const c = Array.from({ length: Z }, (_, k) => (weight.data as Float32Array)[k * P + i]);
      for (const q of columns) {
        const dot = c.reduce((s, v, k) => s + v * q[k], 0);
        c.forEach((_, k) => {
          c[k] -= dot * q[k];
        });
      }
      const norm = Math.hypot(...c);
      columns.push(c.map((v) => v / norm));
    }
    const unseen = Array.from({ length: Z }, () => rng.normal());
    for (const q of columns) {
      const dot = unseen.reduce((s, v, k) => s + v * q[k], 0);
      unseen.forEach((_, k) => {
        unseen[k] -= dot * q[k];
      });
    }
    const change = Array.from(moved, (v, k) => v - latent[k]);
    expect(Math.abs(change.reduce((s, v, k) => s + v * unseen[k], 0))).toBeLessThan(1e-4);
  });

  it('refuses a head whose columns are dependent', () => {
    expect(() => createPositionShift(headWeight((k, i) => (i < 2 ? k : k + i)))).toThrow(/dependent columns/);
  });
});
