import { describe, expect, it } from 'vitest';
import {
  type MsthConfig,
  msthActionCount,
  msthActionOffsets,
  msthFrameCount,
  msthFrameOffsets,
  validateMsthConfig,
} from '../../../../policies/act2goal/msth.ts';
import type { PolicyError } from '../../../../policies/policy-error.ts';

const msth = (proximalSteps: number, strideSteps: number, distalCount: number): MsthConfig => ({
  proximalSteps,
  strideSteps,
  distalCount,
});

function expectPolicyError(body: () => unknown, code: string, message: RegExp): void {
  try {
    body();
  } catch (error) {
    expect((error as PolicyError).code).toBe(code);
    expect((error as Error).message).toMatch(message);
    return;
  }
  expect.fail('expected a PolicyError');
}

describe('MSTH frame offsets', () => {
  it('spaces P = 16, r = 4, M = 4 frames toward a goal 300 steps away as worked by hand', () => {
    // proximal k·r, k = 1..4: 4, 8, 12, 16
    // distal: K − P = 284, ln 5 = 1.609438
    //   m = 1: 284·ln 2/ln 5 = 284·0.693147/1.609438 = 122.31 → 16 + 122 = 138
    //   m = 2: 284·ln 3/ln 5 = 284·1.098612/1.609438 = 193.86 → 16 + 193 = 209
    //   m = 3: 284·ln 4/ln 5 = 284·1.386294/1.609438 = 244.62 → 16 + 244 = 260
    //   m = 4: 284·ln 5/ln 5 = 284 → 300 = K
    expect(msthFrameOffsets(msth(16, 4, 4), 300)).toEqual([4, 8, 12, 16, 138, 209, 260, 300]);
  });

  it('reproduces the paper-scale P = 54, r = 6, M = 9 spacing for a goal 200 steps away', () => {
    // proximal 6, 12, …, 54; distal: K − P = 146, ln 10 = 2.302585, d_m = 54 + ⌊146·ln(m+1)/ln 10⌋
    //   146·[0.693147, 1.098612, 1.386294, 1.609438, 1.791759, 1.945910, 2.079442, 2.197225, 2.302585]/2.302585
    //   = [43.95, 69.66, 87.90, 102.05, 113.61, 123.38, 131.85, 139.32, 146]
    const proximal = [6, 12, 18, 24, 30, 36, 42, 48, 54];
    const distal = [97, 123, 141, 156, 167, 177, 185, 193, 200];
    expect(msthFrameOffsets(msth(54, 6, 9), 200)).toEqual([...proximal, ...distal]);
  });

  it('keeps a whole product whole where the log ratio is rational (M = 3, m = 1: ln 2/ln 4 = 1/2)', () => {
    // K − P = 20: m = 1: 20·1/2 = 10 → 18; m = 2: 20·ln 3/ln 4 = 20·0.792481 = 15.85 → 23; m = 3: 28
    expect(msthFrameOffsets(msth(8, 4, 3), 28)).toEqual([4, 8, 18, 23, 28]);
  });

  it('ends on the goal, d_M = K, for every M ≤ 12 and every K from P to 400', () => {
    // Plain float floors miss this, e.g. M = 1, K − P = 51: 51·ln 2/ln 2 = 50.99999999999999 in float64.
    for (let m = 1; m <= 12; m++) {
      for (let k = 4; k <= 400; k++) expect(msthFrameOffsets(msth(4, 2, m), k).at(-1)).toBe(k);
    }
  });

  it('never decreases and never passes the goal', () => {
    for (let k = 1; k <= 300; k++) {
      const offsets = msthFrameOffsets(msth(16, 4, 4), k);
      expect(offsets).toHaveLength(8);
      offsets.forEach((offset, i) => {
        expect(offset).toBeLessThanOrEqual(k);
        if (i > 0) expect(offset).toBeGreaterThanOrEqual(offsets[i - 1]);
      });
    }
  });

  it('clamps to the goal when it is closer than P: frames past K are the goal frame', () => {
    // K = 10 < P = 16: proximal 4, 8, then 12 and 16 clamp to 10; distal 16 + ⌊−6·ln(m+1)/ln 3⌋ ≥ 10 clamp to 10
    expect(msthFrameOffsets(msth(16, 4, 2), 10)).toEqual([4, 8, 10, 10, 10, 10]);
    expect(msthFrameOffsets(msth(16, 4, 2), 1)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('lets distal frames coincide with P when the goal is just past it', () => {
    // K = 17: d_m = 16 + ⌊1·ln(m+1)/ln 5⌋ = 16, 16, 16, 17
    expect(msthFrameOffsets(msth(16, 4, 4), 17)).toEqual([4, 8, 12, 16, 16, 16, 16, 17]);
    expect(msthFrameOffsets(msth(16, 4, 4), 16)).toEqual([4, 8, 12, 16, 16, 16, 16, 16]);
  });

  it('covers the P, r edge cases: r = P, r = 1 and no distal frames', () => {
    expect(msthFrameOffsets(msth(6, 6, 1), 30)).toEqual([6, 30]);
    expect(msthFrameOffsets(msth(3, 1, 1), 30)).toEqual([1, 2, 3, 30]);
    expect(msthFrameOffsets(msth(8, 2, 0), 300)).toEqual([2, 4, 6, 8]);
  });

  it('counts P/r + M frames and P + M actions', () => {
    expect(msthFrameCount(msth(16, 4, 4))).toBe(8);
    expect(msthActionCount(msth(16, 4, 4))).toBe(20);
  });
});

describe('MSTH action offsets', () => {
  it('takes the P proximal actions, then the action arriving at each distal frame', () => {
    // P = 4, r = 2, M = 2, K = 20: distal frames 4 + ⌊16·ln 2/ln 3⌋ = 4 + ⌊10.09⌋ = 14 and 20
    expect(msthFrameOffsets(msth(4, 2, 2), 20)).toEqual([2, 4, 14, 20]);
    expect(msthActionOffsets(msth(4, 2, 2), 20)).toEqual([0, 1, 2, 3, 13, 19]);
  });

  it('clamps to K − 1, the last action before a goal closer than P', () => {
    expect(msthActionOffsets(msth(4, 2, 2), 3)).toEqual([0, 1, 2, 2, 2, 2]);
  });
});

describe('MSTH validation', () => {
  it('names P when it is not a whole number ≥ 1', () => {
    for (const p of [0, -4, 2.5, Number.NaN]) {
      expectPolicyError(
        () => validateMsthConfig(msth(p, 1, 2)),
        'MODEL_IO_MISMATCH',
        /^msth\.proximalSteps: /,
      );
    }
  });

  it('names r when it is not a whole number ≥ 1 or does not divide P', () => {
    expectPolicyError(() => validateMsthConfig(msth(16, 0, 2)), 'MODEL_IO_MISMATCH', /^msth\.strideSteps: /);
    expectPolicyError(
      () => validateMsthConfig(msth(16, 5, 2)),
      'MODEL_IO_MISMATCH',
      /^msth\.strideSteps: expected a divisor of proximalSteps 16, got 5$/,
    );
    expectPolicyError(() => validateMsthConfig(msth(16, 32, 2)), 'MODEL_IO_MISMATCH', /divisor/);
  });

  it('names M when it is negative or fractional', () => {
    for (const m of [-1, 1.5]) {
      expectPolicyError(
        () => validateMsthConfig(msth(16, 4, m)),
        'MODEL_IO_MISMATCH',
        /^msth\.distalCount: /,
      );
    }
  });

  it('names K when it is not a whole number of steps ≥ 1', () => {
    for (const k of [0, -3, 7.5]) {
      expectPolicyError(
        () => msthFrameOffsets(msth(16, 4, 4), k),
        'BAD_SAMPLER_OPTIONS',
        /^msth\.goalSteps: /,
      );
    }
  });
});
