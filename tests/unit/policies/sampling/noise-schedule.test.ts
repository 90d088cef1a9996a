import { describe, expect, it } from 'vitest';
import { createNoiseSchedule, type ScheduleOptions } from '../../../../policies/sampling/noise-schedule.ts';

const worked: Omit<ScheduleOptions, 'schedule'> = { steps: 3, sigmaMin: 0.005, sigmaMax: 1, rho: 5 };

function expectSchedule(actual: Float64Array, expected: number[], digits: number): void {
  expect(actual).toHaveLength(expected.length);
  for (const [i, value] of expected.entries()) expect(actual[i]).toBeCloseTo(value, digits);
}

describe('noise schedules', () => {
  it('reproduce the exponential worked numbers of METHODS.md', () => {
    expectSchedule(createNoiseSchedule({ ...worked, schedule: 'exponential' }), [1, 0.0707, 0.005, 0], 4);
  });

  it('reproduce the Karras ρ = 5 worked numbers of METHODS.md', () => {
    expectSchedule(createNoiseSchedule({ ...worked, schedule: 'karras' }), [1, 0.1384, 0.005, 0], 4);
  });

  it('space the linear schedule evenly in σ', () => {
    expectSchedule(createNoiseSchedule({ ...worked, schedule: 'linear' }), [1, 0.5025, 0.005, 0], 12);
  });

  it('space the exponential schedule evenly in ln σ', () => {
    const sigmas = createNoiseSchedule({ ...worked, steps: 6, sigmaMax: 80, schedule: 'exponential' });
    const ratios = Array.from({ length: 5 }, (_, i) => sigmas[i + 1] / sigmas[i]);
    for (const ratio of ratios) expect(ratio).toBeCloseTo((0.005 / 80) ** (1 / 5), 12);
  });

  it('put a single step at σ_max', () => {
    for (const schedule of ['exponential', 'linear', 'karras'] as const) {
      expectSchedule(createNoiseSchedule({ ...worked, steps: 1, schedule }), [1, 0], 12);
    }
  });

  it('decrease strictly from σ_max to σ_min and end with 0', () => {
    for (const schedule of ['exponential', 'linear', 'karras'] as const) {
      const sigmas = createNoiseSchedule({ steps: 20, sigmaMin: 0.002, sigmaMax: 80, rho: 7, schedule });
      expect(sigmas[0]).toBeCloseTo(80, 10);
      expect(sigmas[19]).toBeCloseTo(0.002, 10);
      expect(sigmas[20]).toBe(0);
      for (let i = 0; i < 20; i++) expect(sigmas[i + 1]).toBeLessThan(sigmas[i]);
    }
  });
});
