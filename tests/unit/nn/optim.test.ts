import { describe, expect, it } from 'vitest';
import { AdamW } from '../../../nn/adamw.ts';
import { clipGradNorm } from '../../../nn/clip-grad.ts';
import { Ema } from '../../../nn/ema.ts';
import type { TensorData } from '../../../nn/graph.ts';
import { stepDecayLr, warmupCosineLr } from '../../../nn/lr-schedule.ts';

const t = (dims: number[], values: number[]): TensorData => ({
  dtype: 'float64',
  dims,
  data: Float64Array.from(values),
});

describe('AdamW', () => {
  it('moves each weight by lr·sign(g) on the first step and decays only matrices (worked numbers)', () => {
    const params = new Map([
      ['w', t([1, 2], [1, -2])],
      ['b', t([1], [3])],
    ]);
    const opt = new AdamW(params, { weightDecay: 0.1, eps: 0 });
    opt.step(
      new Map([
        ['w', t([1, 2], [0.5, -4])],
        ['b', t([1], [2])],
      ]),
      0.01,
    );
    // m̂ = g, v̂ = g² → update lr·g/|g|; decoupled decay p·(1 − lr·λ) on w only
    expect(params.get('w')!.data[0]).toBeCloseTo(1 * (1 - 0.001) - 0.01, 12);
    expect(params.get('w')!.data[1]).toBeCloseTo(-2 * (1 - 0.001) + 0.01, 12);
    expect(params.get('b')!.data[0]).toBeCloseTo(3 - 0.01, 12);
  });

  it('applies bias-corrected moments on later steps', () => {
    const params = new Map([['p', t([1], [0])]]);
    const opt = new AdamW(params, { weightDecay: 0, eps: 1e-8 });
    opt.step(new Map([['p', t([1], [1])]]), 0.1);
    opt.step(new Map([['p', t([1], [3])]]), 0.1);
    const m = (0.9 * 0.1 + 0.1 * 3) / (1 - 0.9 ** 2);
    const v = (0.999 * 0.001 + 0.001 * 9) / (1 - 0.999 ** 2);
    expect(params.get('p')!.data[0]).toBeCloseTo(-0.1 / (1 + 1e-8) - (0.1 * m) / (Math.sqrt(v) + 1e-8), 12);
  });
});

describe('clipGradNorm', () => {
  it('returns the global norm and scales every gradient to the max norm', () => {
    const a = t([2], [3, 0]);
    const b = t([1], [4]);
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(5, 12);
    expect(Array.from(a.data as Float64Array)).toEqual([expect.closeTo(0.6, 6), 0]);
    expect(b.data[0]).toBeCloseTo(0.8, 6);
  });
  it('leaves gradients under the max norm unchanged', () => {
    const a = t([2], [0.3, 0.4]);
    expect(clipGradNorm([a], 1)).toBeCloseTo(0.5, 12);
    expect(Array.from(a.data as Float64Array)).toEqual([0.3, 0.4]);
  });
});

describe('learning-rate schedules', () => {
  it('warms up linearly, peaks, then follows a cosine to the floor', () => {
    const lr = warmupCosineLr({ peakLr: 1, warmupSteps: 4, totalSteps: 14, minLr: 0.1 });
    expect([0, 1, 3].map(lr)).toEqual([0.25, 0.5, 1]);
    expect(lr(4)).toBeCloseTo(1, 12);
    expect(lr(9)).toBeCloseTo(0.55, 12);
    expect(lr(14)).toBeCloseTo(0.1, 12);
    expect(lr(100)).toBeCloseTo(0.1, 12);
  });
  it('decays by gamma every stepSize steps', () => {
    const lr = stepDecayLr({ lr: 1, stepSize: 10, gamma: 0.5 });
    expect([0, 9, 10, 25].map(lr)).toEqual([1, 1, 0.5, 0.25]);
  });
});

describe('EMA with warm-up', () => {
  it('uses decay min(d, (1+n)/(10+n)) at update n', () => {
    const params = new Map([['w', t([1], [0])]]);
    const ema = new Ema(params, 0.999);
    (params.get('w')!.data as Float64Array)[0] = 1;
    ema.update(params);
    expect(ema.shadow.get('w')!.data[0]).toBeCloseTo(0.9, 12);
    ema.update(params);
    expect(ema.shadow.get('w')!.data[0]).toBeCloseTo(0.9 * (2 / 11) + (1 - 2 / 11), 12);
    ema.updates = 100_000;
    expect(ema.currentDecay()).toBe(0.999);
  });
});
