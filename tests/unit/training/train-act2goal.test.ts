import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';
import { createRng } from '../../../common/rng.ts';
import type { Model } from '../../../nn/builder.ts';
import { loadSafetensors } from '../../../nn/files.ts';
import type { TensorData } from '../../../nn/graph.ts';
import { decodeOnnx } from '../../../nn/onnx-decode.ts';
import { encodeOnnx } from '../../../nn/onnx-encode.ts';
import { OrtSession } from '../../../nn/ort-session.ts';
import { Act2GoalPolicy } from '../../../policies/act2goal/act2goal-policy.ts';
import { worldModelTokens } from '../../../policies/act2goal/world-model.ts';
import type { ChunkRequest } from '../../../policies/chunk-policy.ts';
import { loadPolicy } from '../../../policies/load-policy.ts';
import { openPackageGraph } from '../../../policies/package-graph.ts';
import { actionsToRobotUnits, zScoreProprio } from '../../../policies/robot-units.ts';
import { writeDataset } from '../../../sim/dataset-writer.ts';
import { recordEpisode } from '../../../sim/rollout.ts';
import { createTabletopEnv } from '../../../sim/tabletop-env.ts';
import {
  buildAutoencoderTrainingGraph,
  buildDynamicsTrainingGraph,
} from '../../../training/act2goal-training-graphs.ts';
import { trainAct2Goal } from '../../../training/train-act2goal.ts';
import { tinyAct2GoalOptions } from '../../integration/tiny-act2goal-package.ts';
import { randomTensor, tensorOf } from '../policies/act2goal/tiny-act2goal.ts';

const root = mkdtempSync(join(tmpdir(), 'goalserve-train-act2goal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const data = [join(root, 'push1')];
const pkg = join(root, 'pkg');

/** Every initializer of every ONNX file of the package, by parameter name. */
function packageWeights(dir: string): Map<string, TensorData> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const weights = new Map<string, TensorData>();
  for (const { file } of Object.values(manifest.graphs) as { file: string }[]) {
    for (const [name, t] of decodeOnnx(readFileSync(join(dir, file))).graph.initializers)
      weights.set(name, t);
  }
  return weights;
}

/** The training graph's loss with the package's weights. */
async function trainingLoss(
  model: Model,
  weights: Map<string, TensorData>,
  feeds: Record<string, TensorData>,
) {
  const params = Object.fromEntries([...model.params].map(([n, p]) => [n, weights.get(n) ?? p]));
  const session = await OrtSession.create(encodeOnnx(model.graph), model.graph, { intraOpThreads: 1 });
  try {
    return (await session.run({ ...params, ...feeds })).loss.data[0] as number;
  } finally {
    await session.release();
  }
}

const mse = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a, (v, i) => (v - b[i]) ** 2).reduce((s, x) => s + x, 0) / a.length;

/** `goalserve train act2goal` on the test's data into `out`, batch 4. */
function trainCommand(out: string): string[] {
  return ['train', 'act2goal', '--data', ...data, '--out', out, '--batch', '4'];
}

/** `goalserve eval` of `model` on push1, one episode (seed 1000), as JSON. */
function evalOneEpisode(model: string): string[] {
  return ['eval', '--model', model, '--task', 'push1', '--episodes', '1', '--seed', '1000', '--json'];
}

/** Runs `body` with console.log captured (its lines are returned) and stderr's progress bars silenced. */
async function cliOutput(body: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line) => void lines.push(String(line)));
  const error = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await body();
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  return lines;
}

function requestFor(current: Float32Array, goal: Float32Array, seed: number): ChunkRequest {
  return { goal, observation: current, proprio: new Float32Array([0.5, 0.5, 0, 0]), rng: createRng(seed) };
}

/**
 * Expects one sampling step of `policy` (package `dir`, an expert without the world model) towards
 * the goal `frames[1]` from `frames[0]` to be one Euler step of its exported expert from τ0: x = (1 − τ0)·ε with ε from the request's RNG, then
 * x + (1 − τ0)·v(x, τ0), in robot units.
 */
async function expectOneStepFrom(
  dir: string,
  policy: Act2GoalPolicy,
  frames: Uint8Array[],
  tau0: number,
): Promise<void> {
  const expert = await openPackageGraph(dir, policy.manifest, 'actionExpert', { intraOpThreads: 1 });
  try {
    const [current, goal] = splitLatents(await policy.encode(frames));
    const [sampled] = await policy.sample([requestFor(current, goal, 9)], {
      ...policy.manifest.sampler,
      steps: 1,
    });
    const arch = policy.manifest.act2goal!.architecture;
    const start = createRng(9)
      .fillNormal(new Float32Array((arch.msth.proximalSteps + arch.msth.distalCount) * 2))
      .map((x) => (1 - tau0) * x);
    const names = policy.manifest.graphs.actionExpert.tensors;
    const run = await expert.run({
      [names.currentLatent]: { dtype: 'float32', dims: [1, 8], data: current },
      [names.goalLatent]: { dtype: 'float32', dims: [1, 8], data: goal },
      [names.hiddenStates]: randomTensor([1, arch.layers, worldModelTokens(arch), arch.worldModel.width], 3),
      [names.proprio]: {
        dtype: 'float32',
        dims: [1, 4],
        data: zScoreProprio(new Float32Array([0.5, 0.5, 0, 0]), policy.manifest.proprio, 1),
      },
      [names.flowTime]: tensorOf([1], () => tau0),
      [names.noisyActions]: { dtype: 'float32', dims: [1, start.length / 2, 2], data: start },
    });
    const velocity = run[names.velocity].data as Float32Array;
    const expected = actionsToRobotUnits(
      start.map((x, i) => x + (1 - tau0) * velocity[i]),
      policy.manifest.action,
    ).subarray(0, sampled.length);
    sampled.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i], 5);
    });
  } finally {
    await expert.release();
  }
}

describe('goalserve train act2goal (tiny model)', () => {
  const progress: string[] = [];
  let policy: Act2GoalPolicy;
  let frames: Uint8Array[];
  beforeAll(async () => {
    writeDataset({ task: 'push1', episodes: 2, seed: 1, out: data[0], imageSize: 16 });
    await trainAct2Goal({
      ...tinyAct2GoalOptions(data, pkg),
      onProgress: (s, p) => progress.push(`${s} ${p.step}`),
    });
    policy = await Act2GoalPolicy.load(pkg);
    const env = createTabletopEnv('push1', { imageSize: 16 });
    const { observation, goal } = env.reset(1000);
    frames = [observation.frame, goal.frame];
  });
  afterAll(() => policy.release());

  it('trains the autoencoder, then the joint stage, then the action stage', () => {
    expect(progress).toEqual([
      ...[1, 2, 3, 4, 5, 6].map((s) => `autoencoder ${s}`),
      ...[1, 2, 3, 4, 5, 6].map((s) => `joint ${s}`),
      ...[1, 2, 3, 4].map((s) => `action ${s}`),
    ]);
  });

  it('writes an act2goal manifest that executes the P proximal actions of a one-frame window', () => {
    const manifest = JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      family: 'act2goal',
      window: 1,
      action: { chunk: 4, dim: 2 },
      actionsPerChunk: 1,
      sampler: { steps: 3, worldModelSteps: 10, guidance: 1, minGoalSteps: 1 },
      act2goal: { goalSteps: 'predicted', architecture: { latentDim: 8, msth: { distalCount: 2 } } },
    });
    expect(Object.keys(manifest.graphs).sort()).toEqual([
      'actionExpert',
      'decoder',
      'encoder',
      'goalSteps',
      'worldModel',
    ]);
  });

  it("exports stage 0's position head unchanged by the later stages", async () => {
    const stage0 = await loadSafetensors(`${pkg}.ckpt.stage0.safetensors`);
    const exported = packageWeights(pkg);
    for (const name of ['position_head.weight', 'position_head.bias']) {
      expect(exported.get(name)!.data).toEqual(stage0.tensors.get(`ema.${name}`)!.data);
    }
  });

  it('round-trips the autoencoder: encoder then decoder in ORT give the stage-0 training loss', async () => {
    const arch = policy.manifest.act2goal!.architecture;
    const pixels = randomTensor([2, 3, 16, 16], 3);
    const [encoder, decoder] = await Promise.all(
      ['encoder', 'decoder'].map((role) =>
        openPackageGraph(pkg, policy.manifest, role, { intraOpThreads: 1 }),
      ),
    );
    const latent = (await encoder.run({ frames: pixels })).latent;
    const decoded = (await decoder.run({ latent })).decoded_frames;
    await Promise.all([encoder.release(), decoder.release()]);
    // probe weight 0: the training loss is the reconstruction alone
    const expected = await trainingLoss(buildAutoencoderTrainingGraph(arch, 2, 0, 0), packageWeights(pkg), {
      frames: pixels,
      pixel_weights: tensorOf([2, 1, 16, 16], () => 1),
      frame_states: tensorOf([2, 6], () => 0),
      frame_state_mask: tensorOf([2, 6], () => 0),
    });
    expect(mse(decoded.data as Float32Array, pixels.data as Float32Array)).toBeCloseTo(expected, 5);
  });

  it('round-trips world model, action expert and goal-steps head: ORT steps give the stage-1 and stage-2 training losses', async () => {
    const arch = policy.manifest.act2goal!.architecture;
    const b = 3;
    const feeds = {
      current_latent: randomTensor([b, 8], 1),
      goal_latent: randomTensor([b, 8], 2),
      proprio: randomTensor([b, 4], 3),
      goal_steps: tensorOf([b], (i) => 2 + 20 * i),
      clean_latents: randomTensor([b, 4, 8], 4),
      action_flow_time: tensorOf([b], (i) => 0.1 + 0.3 * i),
      noisy_actions: randomTensor([b, 6, 2], 5),
      action_target: randomTensor([b, 6, 2], 6),
      flow_time: tensorOf([b], (i) => 0.8 - 0.3 * i),
      noisy_latents: randomTensor([b, 4, 8], 7),
      latent_target: randomTensor([b, 4, 8], 8),
      log_goal_steps_target: tensorOf([b], (i) => 1 + i),
      context_keep: tensorOf([b], () => 1),
    };
    const open = (role: string) => openPackageGraph(pkg, policy.manifest, role, { intraOpThreads: 1 });
    const [worldModel, expert, head] = await Promise.all(
      ['worldModel', 'actionExpert', 'goalSteps'].map(open),
    );
    const conditions = {
      current_latent: feeds.current_latent,
      goal_latent: feeds.goal_latent,
      proprio: feeds.proprio,
      goal_steps: feeds.goal_steps,
    };
    const noisy = await worldModel.run({
      ...conditions,
      flow_time: feeds.flow_time,
      noisy_latents: feeds.noisy_latents,
    });
    const clean = await worldModel.run({
      ...conditions,
      flow_time: tensorOf([b], () => 1),
      noisy_latents: feeds.clean_latents,
    });
    const expertFeeds = {
      current_latent: feeds.current_latent,
      goal_latent: feeds.goal_latent,
      hidden_states: clean.hidden_states,
      proprio: feeds.proprio,
      flow_time: feeds.action_flow_time,
      noisy_actions: feeds.noisy_actions,
    };
    const actions = await expert.run(expertFeeds);
    // stage 2: the τ = 1 pass is told the plan's K, and context dropout zeroes row 1's hidden states
    const planGoalSteps = tensorOf([b], (i) => 9 - 3 * i);
    const atPlanK = await worldModel.run({
      ...conditions,
      goal_steps: planGoalSteps,
      flow_time: tensorOf([b], () => 1),
      noisy_latents: feeds.clean_latents,
    });
    const hidden = atPlanK.hidden_states.data as Float32Array;
    const rowSize = hidden.length / b;
    const droppedRow1 = Float32Array.from(hidden, (v, i) => (Math.floor(i / rowSize) === 1 ? 0 : v));
    const dropped = await expert.run({
      ...expertFeeds,
      hidden_states: { ...atPlanK.hidden_states, data: droppedRow1 },
    });
    const k = await head.run({ current_latent: feeds.current_latent, goal_latent: feeds.goal_latent });
    await Promise.all([worldModel.release(), expert.release(), head.release()]);
    const lossV = mse(noisy.latent_velocity.data as Float32Array, feeds.latent_target.data as Float32Array);
    const lossA = mse(actions.action_velocity.data as Float32Array, feeds.action_target.data as Float32Array);
    const lossK = mse(
      k.log_goal_steps.data as Float32Array,
      feeds.log_goal_steps_target.data as Float32Array,
    );
    const expected = await trainingLoss(
      buildDynamicsTrainingGraph(arch, b, 0, 1),
      packageWeights(pkg),
      feeds,
    );
    expect(lossV + 0.1 * lossA + 0.1 * lossK).toBeCloseTo(expected, 4);
    const { log_goal_steps_target, ...stage2Feeds } = feeds;
    const stage2 = await trainingLoss(buildDynamicsTrainingGraph(arch, b, 0, 2), packageWeights(pkg), {
      ...stage2Feeds,
      context_keep: tensorOf([b], (i) => (i === 1 ? 0 : 1)),
      plan_goal_steps: planGoalSteps,
    });
    const lossDropped = mse(
      dropped.action_velocity.data as Float32Array,
      feeds.action_target.data as Float32Array,
    );
    expect(lossDropped).not.toBeCloseTo(lossA, 4);
    expect(lossV + lossDropped).toBeCloseTo(stage2, 4);
  });

  it('samples P proximal actions per request in robot units within the clip, the same for the same seed', async () => {
    const [current, goal] = splitLatents(await policy.encode(frames));
    const a = await policy.sample(
      [requestFor(current, goal, 1), requestFor(current, goal, 2)],
      policy.manifest.sampler,
    );
    const again = await policy.sample([requestFor(current, goal, 1)], policy.manifest.sampler);
    expect(a.map((c) => c.length)).toEqual([4 * 2, 4 * 2]);
    for (const chunk of a) for (const v of chunk) expect(Math.abs(v)).toBeLessThanOrEqual(1.1 + 1e-6);
    again[0].forEach((v, i) => {
      expect(v).toBeCloseTo(a[0][i], 4);
    });
    expect([...a[1]]).not.toEqual([...a[0]]);
  });

  it('guides the action expert by the world model: one Euler step is affine in λ, request by request', async () => {
    const [current, goal] = splitLatents(await policy.encode(frames));
    const actionsAt = async (guidance: number) => {
      const options = { ...policy.manifest.sampler, steps: 1, guidance };
      const plans = await policy.plan([requestFor(current, goal, 4), requestFor(goal, current, 5)], options);
      return plans.map((p) => p.actions);
    };
    const [free, followed, half, double] = await Promise.all([0, 1, 0.5, 2].map(actionsAt));
    // a_λ = clip(noise + v_free + λ(v_wm − v_free)), the same noise for every λ (the same seeds)
    const unclipped = (...v: number[]) => v.every((x) => Math.abs(x) < 1.1 - 1e-3);
    let checked = 0;
    for (const [r, actions] of free.entries()) {
      expect([...actions]).not.toEqual([...followed[r]]);
      actions.forEach((a0, i) => {
        const [a1, aHalf, aDouble] = [followed[r][i], half[r][i], double[r][i]];
        if (unclipped(a0, a1, aHalf)) expect(aHalf).toBeCloseTo((a0 + a1) / 2, 4);
        if (unclipped(a0, a1, aDouble)) expect(aDouble).toBeCloseTo(2 * a1 - a0, 4);
        if (unclipped(a0, a1, aHalf, aDouble)) checked++;
      });
    }
    expect(checked).toBeGreaterThan(6);
  });

  it('plans with a predicted K and imagines F latents that decode to frames', async () => {
    const [current, goal] = splitLatents(await policy.encode(frames));
    const [plan] = await policy.plan([requestFor(current, goal, 3)], policy.manifest.sampler);
    expect(Number.isInteger(plan.goalSteps)).toBe(true);
    expect(plan.goalSteps).toBeGreaterThanOrEqual(1);
    expect(plan.goalSteps).toBeLessThanOrEqual(300);
    expect(plan.latents).toHaveLength(4 * 8);
    expect(plan.actions).toHaveLength(6 * 2);
    const imagined = await policy.decode(plan.latents);
    expect(imagined.map((f) => f.length)).toEqual(Array(4).fill(16 * 16 * 3));
  });

  it('plans with K = max(minGoalSteps, predicted K), within K_max', async () => {
    const [current, goal] = splitLatents(await policy.encode(frames));
    const kWith = async (minGoalSteps: number) => {
      const options = { ...policy.manifest.sampler, minGoalSteps };
      return (await policy.plan([requestFor(current, goal, 3), requestFor(goal, goal, 4)], options)).map(
        (p) => p.goalSteps,
      );
    };
    const predicted = await kWith(1);
    const floor = Math.max(...predicted) + 5;
    expect(await kWith(floor)).toEqual([floor, floor]);
    expect(await kWith(Math.min(...predicted))).toEqual(predicted);
    expect(await kWith(1000)).toEqual([300, 300]);
  });

  it('uses a fixed K from the manifest when one is set, and refuses a request without a goal', async () => {
    const fixed = join(root, 'fixed-k');
    cpSync(pkg, fixed, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(fixed, 'manifest.json'), 'utf8'));
    writeFileSync(
      join(fixed, 'manifest.json'),
      JSON.stringify({ ...manifest, act2goal: { ...manifest.act2goal, goalSteps: 7 } }),
    );
    const loaded = await loadPolicy(fixed);
    try {
      expect(loaded).toBeInstanceOf(Act2GoalPolicy);
      const [current, goal] = splitLatents(await loaded.encode(frames));
      const [plan] = await (loaded as Act2GoalPolicy).plan(
        [requestFor(current, goal, 3)],
        loaded.manifest.sampler,
      );
      expect(plan.goalSteps).toBe(7);
      await expect(
        loaded.sample([{ ...requestFor(current, goal, 3), goal: undefined }], loaded.manifest.sampler),
      ).rejects.toThrow(/goal: Act2Goal plans toward a goal image/);
    } finally {
      await loaded.release();
    }
  });

  it('trains the same package from the same seed', async () => {
    const [first, second] = [join(root, 'seeded-a'), join(root, 'seeded-b')];
    await trainAct2Goal(tinyAct2GoalOptions(data, first));
    await trainAct2Goal(tinyAct2GoalOptions(data, second));
    for (const file of ['encoder.onnx', 'world-model.onnx', 'action-expert.onnx', 'goal-steps.onnx']) {
      expect(readFileSync(join(second, file)).equals(readFileSync(join(first, file)))).toBe(true);
    }
  });

  it('resumes every stage from its checkpoint: a finished run takes no further steps', async () => {
    const steps: string[] = [];
    await trainAct2Goal({
      ...tinyAct2GoalOptions(data, pkg),
      onProgress: (s, p) => steps.push(`${s} ${p.step}`),
    });
    expect(steps).toEqual([]);
    const longer = tinyAct2GoalOptions(data, pkg);
    await trainAct2Goal({
      ...longer,
      steps: { ...longer.steps, action: 6 },
      onProgress: (s, p) => steps.push(`${s} ${p.step}`),
    });
    expect(steps).toEqual(['action 5', 'action 6']);
  });

  it('draws an imagined plan: current frame, goal, then the F decoded frames, and prints K', async () => {
    const png = join(root, 'plan.png');
    const lines = await cliOutput(async () => {
      expect(await main(['imagine', '--model', pkg, '--task', 'push1', '--seed', '3', '--out', png])).toBe(0);
    });
    const printed = JSON.parse(lines[0]);
    expect(printed.frameOffsets).toHaveLength(4);
    expect(printed.frameOffsets.at(-1)).toBe(printed.goalSteps);
    // 6 panels of 16 px, 2 px apart with a 2 px margin, 4 px more between the goal and the imagined frames
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([2 + 6 * 18 + 4, 20]);
  });

  it('scores imagined frames against the scripted expert’s, planning from every E-th expert frame', async () => {
    const lines = await cliOutput(async () => {
      const argv = ['eval', '--model', pkg, '--task', 'reach', '--episodes', '2', '--seed', '1000'];
      expect(await main([...argv, '--imagination', '--json', '--actions-per-chunk', '3'])).toBe(0);
    });
    const result = JSON.parse(lines[0]);
    const env = createTabletopEnv('reach', { imageSize: 16 });
    const expert = [1000, 1001].map((seed) => recordEpisode(env, 'expert', seed).steps);
    const starts = expert.map((steps) =>
      Array.from({ length: Math.ceil(steps / 3) }, (_, k) => steps - 3 * k),
    );
    expect(result.plans).toBe(starts.flat().length);
    expect(result.expertStepsMean).toBeCloseTo(starts.flat().reduce((a, b) => a + b, 0) / result.plans, 3);
    for (const key of ['pixelError', 'proximalPixelError', 'distalPixelError', 'unchangedPixelError']) {
      expect(result[key]).toBeGreaterThan(0);
      expect(result[key]).toBeLessThan(255);
    }
  });

  it('trains the MSTH ablation from the CLI (an 8-action chunk, context and goal dropout, JPEG copies and their latents, coverage frames with discs against the walls, package defaults) and evaluates it closed-loop with the BESO result fields', async () => {
    const out = join(root, 'no-distal');
    const lines = await cliOutput(async () => {
      const train = [
        ...trainCommand(out),
        '--no-distal',
        '--proximal-steps',
        '8',
        '--jpeg-share',
        '0.5',
        '--jpeg-latent-share',
        '0.5',
        '--coverage-share',
        '0.5',
        '--coverage-wall-share',
        '0.3',
      ];
      const stages = ['--autoencoder-steps', '1', '--joint-steps', '1', '--action-steps', '1'];
      const defaults = [
        '--context-dropout',
        '0.5',
        '--guidance',
        '0.5',
        '--min-goal-steps',
        '9',
        '--imagine-at-plan-k',
        '--goal-dropout',
        '0.5',
      ];
      expect(
        await main([...train, ...stages, ...defaults, '--checkpoint', join(root, 'cli.safetensors')]),
      ).toBe(0);
      const evaluate = evalOneEpisode(pkg);
      expect(
        await main([...evaluate, '--steps', '2', '--world-model-steps', '3', '--min-goal-steps', '7']),
      ).toBe(0);
    });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.act2goal.architecture.msth).toEqual({ proximalSteps: 8, strideSteps: 4, distalCount: 0 });
    expect(manifest.action.chunk).toBe(8);
    expect(manifest.act2goal.architecture.expertNullGoal).toBe(true);
    expect(manifest.sampler).toMatchObject({ guidance: 0.5, minGoalSteps: 9 });
    const result = JSON.parse(lines[1]);
    expect(result).toMatchObject({
      task: 'push1',
      episodes: 1,
      sampler: 'euler',
      steps: 2,
      worldModelSteps: 3,
      minGoalSteps: 7,
      actionsPerChunk: 1,
    });
    expect(result.meanSteps).toBeGreaterThan(0);
  });

  it('trains an expert without the world model alone in stage 2: the world model keeps stage 1’s weights', async () => {
    const out = join(root, 'free-expert');
    const options = tinyAct2GoalOptions(data, out);
    await trainAct2Goal({
      ...options,
      arch: { ...options.arch, expertSeesWorldModel: false },
      steps: { autoencoder: 2, joint: 2, action: 3 },
    });
    const stage1 = (await loadSafetensors(`${out}.ckpt.stage1.safetensors`)).tensors;
    const exported = [...packageWeights(out)];
    const trained = exported.filter(([n]) => stage1.has(`ema.${n}`));
    const worldModel = trained.filter(([n]) => n.startsWith('world_model.'));
    const expertWeights = trained.filter(([n]) => n.startsWith('action_expert.'));
    expect(worldModel.length).toBeGreaterThan(0);
    for (const [name, weight] of worldModel) expect(weight.data).toEqual(stage1.get(`ema.${name}`)!.data);
    const moved = expertWeights.filter(([n, w]) => {
      const before = stage1.get(`ema.${n}`)!.data;
      return (w.data as Float32Array).some((v, i) => v !== before[i]);
    });
    expect(moved.length).toBeGreaterThan(0);

    // it acts from the expert alone: one Euler step from the request's noise, whatever the context
    const free = await Act2GoalPolicy.load(out);
    try {
      expect(free.integration(free.manifest.sampler)).toMatchObject({ sampler: 'euler', worldModelSteps: 0 });
      await expectOneStepFrom(out, free, frames, 0);
    } finally {
      await free.release();
    }
  });
  it("samples an EDM-preconditioned expert trained at BESO's noise levels on BESO's σ schedule (DDIM)", async () => {
    const out = join(root, 'edm-expert');
    const options = tinyAct2GoalOptions(data, out);
    await trainAct2Goal({
      ...options,
      arch: { ...options.arch, expertSeesWorldModel: false, expertEdmPreconditioning: true },
      actionFlowTime: 'edm',
      steps: { autoencoder: 2, joint: 2, action: 2 },
    });
    const edm = await Act2GoalPolicy.load(out);
    try {
      expect(edm.manifest.sampler).toMatchObject({ schedule: 'exponential', sigmaMax: 1, sigmaMin: 0.05 });
      expect(edm.integration(edm.manifest.sampler)).toMatchObject({ sampler: 'ddim', worldModelSteps: 0 });
      // one step from x_σ = σ_max·ε at σ_max = 1, i.e. from τ = 1/2, straight to τ = 1
      await expectOneStepFrom(out, edm, frames, 0.5);
    } finally {
      await edm.release();
    }
  });

  it('trains a causal, x-predicting expert that reads the previous frame through scene tokens only, and an extra block, with light distal actions and position noise from the CLI: a two-frame package that acts on the previous frame too, and imagines and evaluates', async () => {
    const out = join(root, 'motion');
    let motion: Act2GoalPolicy | undefined;
    const lines = await cliOutput(async () => {
      const stages = ['--autoencoder-steps', '1', '--joint-steps', '2', '--action-steps', '2'];
      const variant = [
        '--causal-expert',
        '--expert-motion',
        '--expert-predicts-actions',
        '--expert-scene-tokens',
        '--expert-scene-motion-only',
        '--expert-extra-blocks',
        '1',
        '--distal-action-weight',
        '0.1',
        '--position-noise',
        '0.02',
      ];
      const checkpoint = ['--checkpoint', join(root, 'motion.safetensors')];
      const free = '--expert-without-world-model';
      expect(await main([...trainCommand(out), ...stages, ...variant, free, ...checkpoint])).toBe(0);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      expect(manifest.window).toBe(2);
      expect(manifest.act2goal.architecture).toMatchObject({
        causalExpert: true,
        expertReadsMotion: true,
        expertPredictsActions: true,
        expertSceneTokens: true,
        expertSceneMotionOnly: true,
        expertExtraBlocks: 1,
      });
      motion = await Act2GoalPolicy.load(out);
      // the CLI trains the default architecture (Z = 32), not the tiny one
      const z = motion.embedDim;
      const latents = await motion.encode(frames);
      const [current, goal] = [latents.slice(0, z), latents.slice(z)];
      const twoFrames = (previous: Float32Array) => ({
        goal,
        observation: Float32Array.of(...previous, ...current),
        proprio: new Float32Array([0.5, 0.5, 0, 0, 0.5, 0.5, 0, 0]),
        rng: createRng(4),
      });
      const options = motion.manifest.sampler;
      const [still] = await motion.sample([twoFrames(current)], options);
      // the previous frame differs (here: the goal frame), so its scene token does
      const [moving] = await motion.sample([twoFrames(goal)], options);
      expect(mse(still, moving)).toBeGreaterThan(0);
      await expect(motion.sample([requestFor(current, goal, 4)], options)).rejects.toThrow(
        /requests\[0\]\.observation: expected 64/,
      );
      const png = join(root, 'motion-plan.png');
      expect(await main(['imagine', '--model', out, '--task', 'push1', '--seed', '3', '--out', png])).toBe(0);
      const evaluate = evalOneEpisode(out);
      expect(await main(evaluate)).toBe(0);
    }).finally(() => motion?.release());
    expect(JSON.parse(lines.at(-1)!).meanSteps).toBeGreaterThan(0);
  });
});

function splitLatents(latents: Float32Array): [Float32Array, Float32Array] {
  return [latents.slice(0, 8), latents.slice(8, 16)];
}
