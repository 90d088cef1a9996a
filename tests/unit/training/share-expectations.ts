import { expect } from 'vitest';

/**
 * Checks a dataset's per-slot draws (a JPEG copy, a coverage frame, …) through `copied(share, step)`,
 * which tells for each slot of a large batch whether it took the draw: none at share 0, all at 1,
 * about half at 0.5, the same slots again for the same step and others for another step.
 */
export function expectShareDraws(copied: (share: number, step: number) => boolean[]): void {
  expect(copied(0, 1).some(Boolean)).toBe(false);
  expect(copied(1, 1).every(Boolean)).toBe(true);
  const half = copied(0.5, 1);
  const share = half.filter(Boolean).length / half.length;
  expect(share).toBeGreaterThan(0.4);
  expect(share).toBeLessThan(0.6);
  expect(copied(0.5, 1)).toEqual(half);
  expect(copied(0.5, 2)).not.toEqual(half);
}
