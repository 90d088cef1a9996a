import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../../../common/rng.ts';
import type { TensorData } from '../../../nn/graph.ts';
import { msthFrameCount } from '../../../policies/act2goal/msth.ts';
import type { EpisodeRecord } from '../../../sim/episode.ts';
import type { EpisodeStore } from '../../../training/episode-store.ts';
import {
  drawHindsightGoals,
  type ImaginedGoalSteps,
  imagineFutures,
} from '../../../training/imagined-futures.ts';
import { TINY_ACT2GOAL as arch } from '../policies/act2goal/tiny-act2goal.ts';

const episodeOf = (steps: number) =>
  ({
    steps,
    proprio: new Float32Array((steps + 1) * arch.proprioDim),
  }) as unknown as EpisodeRecord;

const store: EpisodeStore = {
  episodes: [episodeOf(6), episodeOf(3)],
  imageSize: arch.imageSize,
  pixels: { mean: [0, 0, 0], std: [1, 1, 1] },
  proprio: { mean: [0, 0, 0], std: [1, 1, 1] },
  actionBounds: { low: [-1, -1], high: [1, 1] },
};

describe('hindsight goal draws', () => {
  it('give every step that has an action one goal after it, in store order', () => {
    const draws = drawHindsightGoals(store, 0, 3);
    expect(draws.map((d) => [d.episode, d.t])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [0, 3],
      [0, 4],
      [0, 5],
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
    for (const d of draws) {
      expect(d.goal).toBeGreaterThan(d.t);
      expect(d.goal).toBeLessThanOrEqual(store.episodes[d.episode].steps);
    }
    expect(drawHindsightGoals(store, 1, 3).map((d) => d.goal)).toEqual([6, 6, 6, 6, 6, 6, 3, 3, 3]);
  });
});

describe('imagined futures', () => {
  it('integrate the world model from each draw’s own noise: a constant velocity c gives noise + c', async () => {
    // head weight 0, bias c: v ≡ c whatever the inputs, so N Euler steps from x_0 = ε end at ε + c
    const c = Float32Array.from({ length: arch.latentDim }, (_, d) => d - 2);
    const width = arch.worldModel.width;
    const weights = new Map<string, TensorData>([
      [
        'world_model.head.weight',
        { dtype: 'float32', dims: [width, arch.latentDim], data: new Float32Array(width * arch.latentDim) },
      ],
      ['world_model.head.bias', { dtype: 'float32', dims: [arch.latentDim], data: c }],
    ]);
    const latents = store.episodes.map((e) => new Float32Array((e.steps + 1) * arch.latentDim).fill(0.5));
    const draws = drawHindsightGoals(store, 0.5, 3);
    const seed = 11;
    const imagined = await imagineFutures(store, latents, arch, weights, draws, seed, 3, { kind: 'true' });
    const row = msthFrameCount(arch.msth) * arch.latentDim;
    expect(imagined.draws).toBe(draws);
    expect([...imagined.goalSteps]).toEqual(draws.map((d) => d.goal - d.t));
    expect(imagined.latents.length).toBe(draws.length * row);
    draws.forEach((_, i) => {
      const noise = createRng(deriveSeed(seed, 0x1a62, i)).fillNormal(new Float32Array(row));
      for (let k = 0; k < row; k++) {
        expect(imagined.latents[i * row + k]).toBeCloseTo(noise[k] + c[k % arch.latentDim], 4);
      }
    });
  });

  it('tell the world model the K a plan would use: fixed, or the head’s prediction with its floor', async () => {
    const latents = store.episodes.map((e) => new Float32Array((e.steps + 1) * arch.latentDim));
    const draws = drawHindsightGoals(store, 0.5, 3);
    const imagine = (weights: Map<string, TensorData>, told: ImaginedGoalSteps) =>
      imagineFutures(store, latents, arch, weights, draws, 3, 1, told);
    const fixed = await imagine(new Map(), { kind: 'plan', goalSteps: 7, minGoalSteps: 1 });
    expect([...fixed.goalSteps]).toEqual(draws.map(() => 7));
    // output weight 0, bias y: the head predicts ln(1 + K) = y whatever the latents
    const width = arch.worldModel.width;
    const headOf = (y: number) =>
      new Map<string, TensorData>([
        ['goal_steps_head.out.weight', { dtype: 'float32', dims: [width, 1], data: new Float32Array(width) }],
        ['goal_steps_head.out.bias', { dtype: 'float32', dims: [1], data: Float32Array.of(y) }],
      ]);
    const predicted = await imagine(headOf(Math.log(1 + 4.4)), {
      kind: 'plan',
      goalSteps: 'predicted',
      minGoalSteps: 1,
    });
    expect([...predicted.goalSteps]).toEqual(draws.map(() => 4));
    const floored = await imagine(headOf(Math.log(1 + 4.4)), {
      kind: 'plan',
      goalSteps: 'predicted',
      minGoalSteps: 6,
    });
    expect([...floored.goalSteps]).toEqual(draws.map(() => 6));
  });
});
