import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../../nn/graph.ts';
import type { EpisodeRecord } from '../../../sim/episode.ts';
import {
  type Act2GoalLatentSources,
  type Act2GoalSampling,
  createAct2GoalDataset,
  DEFAULT_ACT2GOAL_SAMPLING,
} from '../../../training/act2goal-dataset.ts';
import type { EpisodeStore } from '../../../training/episode-store.ts';
import { createPositionShift } from '../../../training/position-shift.ts';
import { TINY_ACT2GOAL as arch } from '../policies/act2goal/tiny-act2goal.ts';

// P = 4, r = 2, M = 2: frames at offsets 2, 4 then two distal; actions 0..3 then two distal.
const steps = 20;
const z = arch.latentDim;
/** Latent of frame i: i + d/10 in dimension d, so a target names the frame it came from. */
const latents = Float32Array.from({ length: (steps + 1) * z }, (_, k) => Math.floor(k / z) + (k % z) / 10);
/** Action at step i: (i + a/2)/100, inside the bounds [−1, 1] so min-max scaling keeps it. */
const actionAt = (i: number, a: number) => (i + a / 2) / 100;

const episode = {
  task: 'push1',
  seed: 1,
  policy: 'play',
  success: false,
  steps,
  imageSize: arch.imageSize,
  frames: new Uint8Array(0),
  proprio: Float32Array.from({ length: (steps + 1) * arch.proprioDim }, (_, k) => k),
  actions: Float32Array.from({ length: steps * 2 }, (_, k) => actionAt(Math.floor(k / 2), k % 2)),
  // push1: the pusher and one block, so positions 4 and 5 (a second block) are absent
  goalState: new Float32Array(4),
} as unknown as EpisodeRecord;

const store: EpisodeStore = {
  episodes: [episode],
  imageSize: arch.imageSize,
  pixels: { mean: [0, 0, 0], std: [1, 1, 1] },
  proprio: { mean: [1, 2, 3], std: [2, 2, 2] },
  actionBounds: { low: [-1, -1], high: [1, 1] },
};

/** The dataset over the one episode, seed 7, at training step `step`. */
function datasetOf(stage: 1 | 2, sampling: Act2GoalSampling, step: number, sources?: Act2GoalLatentSources) {
  return createAct2GoalDataset(store, [latents], arch, sampling, 7, stage, () => step, sources);
}

/** Always the final goal and clean τ = 1 latents, so the targets are fixed by t alone. */
function finalGoalData(stage: 1 | 2) {
  return datasetOf(
    stage,
    {
      finalGoalShare: 1,
      hiddenStateNoise: 0,
      contextDropout: { joint: 0, action: 0 },
      actionFlowTime: 'uniform',
    },
    3,
  );
}

/** Clean values x = x_τ + (1 − τ)·v recovered from a flow-matching pair, row `row`. */
function recoverClean(noisy: TensorData, target: TensorData, tau: TensorData, row: number): number[] {
  const size = noisy.data.length / noisy.dims[0];
  const t = tau.data[row] as number;
  return Array.from({ length: size }, (_, k) => {
    const i = row * size + k;
    return (noisy.data[i] as number) + (1 - t) * (target.data[i] as number);
  });
}

const framesOf = (values: TensorData['data'] | number[]) =>
  Array.from({ length: values.length / z }, (_, f) => Math.round(values[f * z] as number));
const actionsOf = (values: number[]) => values.map((v) => Math.round(v * 200) / 2 + 0);

describe('Act2Goal training samples', () => {
  it('hold one sample per step that has an action, play episodes included', () => {
    expect(finalGoalData(2).size).toBe(steps);
  });

  it('take K from the goal frame and MSTH frames and actions for it (t = 5, goal 20, K = 15)', () => {
    const batch = finalGoalData(1).batch(Int32Array.of(5));
    expect(batch.goal_steps.data[0]).toBe(15);
    expect(batch.log_goal_steps_target.data[0]).toBeCloseTo(Math.log(16), 5);
    expect(framesOf(batch.current_latent.data)).toEqual([5]);
    expect(framesOf(batch.goal_latent.data)).toEqual([20]);
    // frames: proximal 2, 4; distal 4 + ⌊11·ln 2/ln 3⌋ = 10 and 4 + 11 = 15 → steps 7, 9, 15, 20
    expect(framesOf(batch.clean_latents.data)).toEqual([7, 9, 15, 20]);
    const future = recoverClean(batch.noisy_latents, batch.latent_target, batch.flow_time, 0);
    future.forEach((v, k) => {
      expect(v).toBeCloseTo(batch.clean_latents.data[k] as number, 4);
    });
    // actions: proximal a_5..a_8; distal d − 1 = 9, 14 → a_14, a_19
    const actions = recoverClean(batch.noisy_actions, batch.action_target, batch.action_flow_time, 0);
    expect(actionsOf(actions.filter((_, k) => k % 2 === 0))).toEqual([5, 6, 7, 8, 14, 19]);
    expect(actionsOf(actions.filter((_, k) => k % 2 === 1))).toEqual([5.5, 6.5, 7.5, 8.5, 14.5, 19.5]);
  });

  it('give an expert that reads motion the previous frame’s latent, the first frame’s at t = 0', () => {
    const sampling = { ...DEFAULT_ACT2GOAL_SAMPLING, finalGoalShare: 1 };
    const motion = createAct2GoalDataset(
      store,
      [latents],
      { ...arch, expertReadsMotion: true },
      sampling,
      7,
      1,
      () => 3,
    );
    const batch = motion.batch(Int32Array.of(5, 0, 19));
    expect(framesOf(batch.current_latent.data)).toEqual([5, 0, 19]);
    expect(framesOf(batch.previous_latent.data)).toEqual([4, 0, 18]);
    expect(batch.previous_latent.dims).toEqual([3, z]);
    expect(finalGoalData(1).batch(Int32Array.of(5)).previous_latent).toBeUndefined();
  });

  it('repeat the goal frame and hold still past a goal nearer than P (t = 18, K = 2)', () => {
    const batch = finalGoalData(2).batch(Int32Array.of(18));
    expect(batch.goal_steps.data[0]).toBe(2);
    expect(framesOf(batch.clean_latents.data)).toEqual([20, 20, 20, 20]);
    const actions = recoverClean(batch.noisy_actions, batch.action_target, batch.action_flow_time, 0);
    // a_18, a_19, then zeros at j = 2, 3 ≥ K, then the distal actions into the goal: a_19 twice
    expect(actionsOf(actions.filter((_, k) => k % 2 === 0))).toEqual([18, 19, 0, 0, 19, 19]);
    // stage 2 keeps the latent flow targets (L_v) but not the goal-steps head's
    expect(framesOf(recoverClean(batch.noisy_latents, batch.latent_target, batch.flow_time, 0))).toEqual([
      20, 20, 20, 20,
    ]);
    expect(batch).not.toHaveProperty('log_goal_steps_target');
    expect([...batch.context_keep.data]).toEqual([1]);
    // without imagined futures the τ = 1 pass is told the true K
    expect([...batch.plan_goal_steps.data]).toEqual([2]);
  });

  it('draw the action flow time with π0’s noisy emphasis from the same u as the uniform draw', () => {
    const indices = Int32Array.from({ length: steps }, (_, t) => t);
    const sampling = { ...DEFAULT_ACT2GOAL_SAMPLING, actionFlowTime: 'uniform' as const };
    for (const stage of [1, 2] as const) {
      const uniform = [...datasetOf(stage, sampling, 4).batch(indices).action_flow_time.data];
      const noisy = [
        ...datasetOf(stage, { ...sampling, actionFlowTime: 'noisy' }, 4).batch(indices).action_flow_time.data,
      ];
      noisy.forEach((tau, i) => {
        expect(tau).toBeCloseTo(0.999 * (1 - Number(uniform[i]) ** (2 / 3)), 6);
      });
    }
  });

  it('zero the context of about each stage’s dropout share of samples, the same rows for the same step', () => {
    const sampling = {
      finalGoalShare: 0.5,
      hiddenStateNoise: 0.1,
      contextDropout: { joint: 0.6, action: 0.3 },
      actionFlowTime: 'uniform' as const,
    };
    const indices = Int32Array.from({ length: steps }, (_, t) => t);
    for (const [stage, share] of [
      [1, 0.6],
      [2, 0.3],
    ] as const) {
      const keeps = Array.from({ length: 40 }, (_, step) => [
        ...datasetOf(stage, sampling, step).batch(indices).context_keep.data,
      ]);
      const all = keeps.flat();
      expect(new Set(all)).toEqual(new Set([0, 1]));
      // 40 steps × 20 samples, Bernoulli(p): the zeroed share lies within ±4 standard errors (≤ 0.07)
      const dropped = all.filter((k) => k === 0).length / all.length;
      expect(Math.abs(dropped - share)).toBeLessThan(4 * Math.sqrt((share * (1 - share)) / all.length));
      expect([...datasetOf(stage, sampling, 5).batch(indices).context_keep.data]).toEqual(keeps[5]);
    }
    const none = { ...sampling, contextDropout: { joint: 0, action: 0 } };
    expect([...datasetOf(1, none, 5).batch(indices).context_keep.data]).toEqual(Array(steps).fill(1));
  });

  it("give about stage 2's goal-dropout share of samples the null goal, every other draw as without it", () => {
    const sampling = {
      finalGoalShare: 0.5,
      hiddenStateNoise: 0.1,
      contextDropout: { joint: 0, action: 0.3 },
      actionFlowTime: 'uniform' as const,
    };
    const share = 0.2;
    const dropping = { ...sampling, goalDropout: share };
    const indices = Int32Array.from({ length: steps }, (_, t) => t);
    const rows = (data: TensorData) =>
      Array.from({ length: steps }, (_, r) => [...data.data.slice(r * z, (r + 1) * z)]);
    let nulls = 0;
    for (let step = 0; step < 40; step++) {
      const kept = datasetOf(2, sampling, step).batch(indices);
      const batch = datasetOf(2, dropping, step).batch(indices);
      for (const [name, tensor] of Object.entries(batch)) {
        if (name !== 'goal_latent') expect(tensor.data).toEqual(kept[name].data);
      }
      const before = rows(kept.goal_latent);
      rows(batch.goal_latent).forEach((goal, r) => {
        if (goal.every((v) => v === 0)) nulls++;
        else expect(goal).toEqual(before[r]);
      });
      // stage 1 never drops the goal
      expect(datasetOf(1, dropping, step).batch(indices).goal_latent.data).toEqual(
        datasetOf(1, sampling, step).batch(indices).goal_latent.data,
      );
    }
    // 40 steps × 20 samples, Bernoulli(p): the null share lies within ±4 standard errors
    const draws = 40 * steps;
    expect(Math.abs(nulls / draws - share)).toBeLessThan(4 * Math.sqrt((share * (1 - share)) / draws));
  });

  it('z-score proprio and draw the same batch for the same step', () => {
    const data = finalGoalData(1);
    const batch = data.batch(Int32Array.of(2));
    expect([...batch.proprio.data]).toEqual([(6 - 1) / 2, (7 - 2) / 2, (8 - 3) / 2]);
    expect(data.batch(Int32Array.of(2)).noisy_actions.data).toEqual(batch.noisy_actions.data);
  });

  it('pick hindsight goals after t within the episode', () => {
    const data = datasetOf(
      1,
      {
        finalGoalShare: 0,
        hiddenStateNoise: 0.1,
        contextDropout: { joint: 0, action: 0 },
        actionFlowTime: 'uniform',
      },
      0,
    );
    const batch = data.batch(Int32Array.from({ length: steps }, (_, t) => t));
    for (let t = 0; t < steps; t++) {
      const k = batch.goal_steps.data[t] as number;
      expect(k).toBeGreaterThanOrEqual(1);
      expect(t + k).toBeLessThanOrEqual(steps);
    }
  });

  it('with imagined futures, take each draw’s goal and attend to its imagined latents at their K', () => {
    const frames = 4;
    const imagined = {
      draws: [
        { episode: 0, t: 5, goal: 20 },
        { episode: 0, t: 3, goal: 9 },
      ],
      goalSteps: Float32Array.of(11, 4),
      // draw i imagines every value as 100 + 10·i + its index within the row
      latents: Float32Array.from(
        { length: 2 * frames * z },
        (_, k) => 100 + 10 * Math.floor(k / (frames * z)) + (k % (frames * z)),
      ),
    };
    const data = datasetOf(
      2,
      {
        finalGoalShare: 0,
        hiddenStateNoise: 0.1,
        contextDropout: { joint: 0, action: 0 },
        actionFlowTime: 'uniform',
      },
      0,
      { imagined },
    );
    expect(data.size).toBe(2);
    const batch = data.batch(Int32Array.of(1, 0));
    expect([...batch.goal_steps.data]).toEqual([6, 15]);
    // the τ = 1 pass is told the K each draw was imagined for
    expect([...batch.plan_goal_steps.data]).toEqual([4, 11]);
    expect(framesOf(batch.goal_latent.data)).toEqual([9, 20]);
    expect(batch.clean_latents.data).toEqual(
      Float32Array.of(...imagined.latents.subarray(frames * z), ...imagined.latents.subarray(0, frames * z)),
    );
    // L_v still learns the true futures: t = 3, K = 6 → frames 5, 7 then 7 + ⌊2·ln 2/ln 3⌋ = 8 and 9
    expect(framesOf(recoverClean(batch.noisy_latents, batch.latent_target, batch.flow_time, 0))).toEqual([
      5, 7, 8, 9,
    ]);
  });

  it('take z_t and z_g from the JPEG copies’ latents for about their share of samples, futures always lossless', () => {
    // the JPEG copy of frame i encodes to its lossless latent + 1000
    const jpegLatents = [latents.map((v) => v + 1000)];
    const sampling: Act2GoalSampling = {
      finalGoalShare: 0.5,
      hiddenStateNoise: 0,
      contextDropout: { joint: 0, action: 0 },
      actionFlowTime: 'uniform',
      jpegLatentShare: 0.3,
    };
    const indices = Int32Array.from({ length: 200 }, (_, i) => i % steps);
    let fromJpeg = 0;
    for (const step of [0, 1, 2]) {
      const batch = datasetOf(1, sampling, step, { jpegLatents }).batch(indices);
      const plain = datasetOf(1, sampling, step).batch(indices);
      const kept = datasetOf(1, sampling, step, { jpegLatents }).batch(indices);
      expect(kept.current_latent.data).toEqual(batch.current_latent.data);
      indices.forEach((t, row) => {
        const k = batch.goal_steps.data[row] as number;
        for (const [name, frame] of [
          ['current_latent', t],
          ['goal_latent', t + k],
        ] as const) {
          const value = batch[name].data[row * z] as number;
          expect([frame, frame + 1000]).toContain(value);
          if (value >= 1000) fromJpeg++;
        }
        // the futures to imagine are the lossless frames' (targets exact at τ, so compare rounded)
        expect(
          Math.max(...framesOf(recoverClean(batch.noisy_latents, batch.latent_target, batch.flow_time, row))),
        ).toBeLessThan(1000);
      });
      // without JPEG latents the draws are the ones a share-0 run makes (no extra random numbers)
      expect(plain.current_latent.data).toEqual(
        datasetOf(1, { ...sampling, jpegLatentShare: 0 }, step, { jpegLatents }).batch(indices).current_latent
          .data,
      );
    }
    // 1,200 independent draws at 0.3: mean 360, standard deviation about 16
    expect(fromJpeg).toBeGreaterThan(300);
    expect(fromJpeg).toBeLessThan(420);
  });

  it('with position noise, move z_t and z_{t−1} alike so the head reads the objects the episode has displaced', () => {
    // a head reading latent element i as position i (Z = positionDim here), so the shift is δ itself
    const head: TensorData = {
      dtype: 'float32',
      dims: [z, arch.positionDim],
      data: Float32Array.from({ length: z * arch.positionDim }, (_, n) =>
        n % (arch.positionDim + 1) === 0 ? 1 : 0,
      ),
    };
    const motionArch = { ...arch, expertReadsMotion: true };
    const sampling = { ...DEFAULT_ACT2GOAL_SAMPLING };
    const std = 0.02;
    const indices = Int32Array.from({ length: 200 }, (_, i) => i % steps);
    const dataOf = (sources: Act2GoalLatentSources) =>
      createAct2GoalDataset(store, [latents], motionArch, sampling, 7, 2, () => 4, sources).batch(indices);
    const plain = dataOf({});
    const noisy = dataOf({ positionNoise: { std, shift: createPositionShift(head) } });
    const squares = [0, 0, 0, 0];
    indices.forEach((_, row) => {
      for (let k = 0; k < z; k++) {
        const i = row * z + k;
        const moved = (noisy.current_latent.data[i] as number) - (plain.current_latent.data[i] as number);
        // the motion since the previous frame is kept
        expect(
          (noisy.previous_latent.data[i] as number) - (plain.previous_latent.data[i] as number),
        ).toBeCloseTo(moved, 5);
        if (k >= 4) expect(moved).toBe(0);
        else squares[k] += (moved / 4) ** 2; // head units are 4 table units
      }
    });
    // 200 draws per coordinate: the sample std is within about 10 % of std
    for (const sum of squares) expect(Math.sqrt(sum / indices.length) / std).toBeGreaterThan(0.8);
    for (const sum of squares) expect(Math.sqrt(sum / indices.length) / std).toBeLessThan(1.2);
    // goals, futures, actions and every other draw are the noise-free run's
    for (const name of [
      'goal_latent',
      'clean_latents',
      'noisy_actions',
      'action_target',
      'goal_steps',
    ] as const) {
      expect(noisy[name].data).toEqual(plain[name].data);
    }
  });
});
