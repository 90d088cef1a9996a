import { describe, expect, it } from 'vitest';
import { createRng } from '../../../common/rng.ts';
import { constantLr } from '../../../nn/lr-schedule.ts';
import { Trainer } from '../../../nn/trainer.ts';
import type { Act2GoalArchitecture } from '../../../policies/act2goal/act2goal-config.ts';
import { buildActionExpertGraph } from '../../../policies/act2goal/act2goal-graphs.ts';
import { worldModelTokens } from '../../../policies/act2goal/world-model.ts';
import { computeEdmCoefficients } from '../../../policies/sampling/edm-preconditioning.ts';
import {
  buildActionExpertTrainingGraph,
  buildAutoencoderTrainingGraph,
  buildDynamicsTrainingGraph,
} from '../../../training/act2goal-training-graphs.ts';
import { startFrom } from '../../../training/run-training-stage.ts';
import {
  TINY_ACT2GOAL as arch,
  randomTensor,
  runModel,
  tensorOf,
} from '../policies/act2goal/tiny-act2goal.ts';

const batch = 4;
const frames = 4;
const actions = 6;

/** Feeds of a stage-1 graph: random latents, proprio and targets, K of 3..30, τ spread over [0, 1). */
function stageFeeds() {
  const rng = createRng(5);
  return {
    current_latent: randomTensor([batch, arch.latentDim], 1),
    goal_latent: randomTensor([batch, arch.latentDim], 2),
    proprio: randomTensor([batch, arch.proprioDim], 3),
    goal_steps: tensorOf([batch], (i) => 3 + 9 * i),
    clean_latents: randomTensor([batch, frames, arch.latentDim], 4),
    action_flow_time: tensorOf([batch], () => rng.next()),
    noisy_actions: randomTensor([batch, actions, arch.actionDim], 6),
    action_target: randomTensor([batch, actions, arch.actionDim], 7),
    flow_time: tensorOf([batch], () => rng.next()),
    noisy_latents: randomTensor([batch, frames, arch.latentDim], 8),
    latent_target: randomTensor([batch, frames, arch.latentDim], 9),
    log_goal_steps_target: tensorOf([batch], (i) => Math.log1p(3 + 9 * i)),
    context_keep: tensorOf([batch], () => 1),
  };
}

/**
 * The action velocity of the exported expert of `free` with the weights of training graph `model`, on
 * the expert's inputs among `feeds` and random hidden states (an expert without the world model ignores them).
 */
async function exportedExpertVelocity(
  free: typeof arch,
  model: ReturnType<typeof buildActionExpertTrainingGraph>,
  feeds: ReturnType<typeof stageFeeds>,
) {
  const expert = startFrom(buildActionExpertGraph(free, 1), model.params);
  const tokens = worldModelTokens(free);
  const run = await runModel(expert, {
    current_latent: feeds.current_latent,
    goal_latent: feeds.goal_latent,
    proprio: feeds.proprio,
    flow_time: feeds.action_flow_time,
    noisy_actions: feeds.noisy_actions,
    hidden_states: randomTensor([batch, arch.layers, tokens, arch.worldModel.width], 11),
  });
  return run.action_velocity.data;
}

async function lossesOver(
  trainer: Trainer,
  feeds: Record<string, ReturnType<typeof randomTensor>>,
  steps: number,
) {
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push((await trainer.trainStep(feeds)).loss);
  await trainer.release();
  return losses;
}

/**
 * Expects stage 2's L_a for an expert without the world model and with `variant` to be the mean of
 * (q(v̂) − q(v))² over every action value, v̂ the exported expert's velocity, v the target and
 * q = `quantity`(velocity, x_τ, τ) what the variant's loss measures.
 */
async function expectStage2LossOf(
  variant: Partial<Act2GoalArchitecture>,
  quantity: (velocity: number, noisy: number, tau: number) => number,
  digits: number,
): Promise<void> {
  const free = { ...arch, expertSeesWorldModel: false, ...variant };
  const feeds = stageFeeds();
  const model = buildActionExpertTrainingGraph(free, batch, 0);
  const inputs = model.graph.inputs.filter((v) => !model.params.has(v.name)).map((v) => v.name);
  const run = await runModel(
    model,
    Object.fromEntries(inputs.map((n) => [n, feeds[n as keyof typeof feeds]])),
  );
  const velocity = await exportedExpertVelocity(free, model, feeds);
  const noisy = feeds.noisy_actions.data;
  const target = feeds.action_target.data;
  const taus = feeds.action_flow_time.data;
  let sum = 0;
  for (let i = 0; i < target.length; i++) {
    const tau = Number(taus[Math.floor(i / (actions * arch.actionDim))]);
    const x = Number(noisy[i]);
    sum += (quantity(Number(velocity[i]), x, tau) - quantity(Number(target[i]), x, tau)) ** 2;
  }
  expect(Number(run.loss.data[0])).toBeCloseTo(sum / target.length, digits);
}

describe('Act2Goal training graphs', () => {
  it('stage 0 is the autoencoder with a reconstruction loss over frames plus weighted position estimates', async () => {
    const model = buildAutoencoderTrainingGraph(arch, batch, 0, 1);
    expect(model.graph.inputs.filter((v) => !model.params.has(v.name)).map((v) => v.name)).toEqual([
      'frames',
      'pixel_weights',
      'frame_states',
      'frame_state_mask',
    ]);
    expect([...model.params.keys()].every((n) => /^(encoder|decoder|position_head)\./.test(n))).toBe(true);
    const frames = randomTensor([batch, 3, arch.imageSize, arch.imageSize], 1);
    const states = randomTensor([batch, 6], 2);
    // a missing position has mask 0 and target 0 (writeProbeTargets leaves both zero)
    const lossWith = async (weight: number, mask: number) => {
      const targets = mask === 1 ? states : tensorOf([batch, 6], () => 0);
      const feeds = {
        frames,
        pixel_weights: tensorOf([batch, 1, arch.imageSize, arch.imageSize], () => 1),
        frame_states: targets,
        frame_state_mask: tensorOf([batch, 6], () => mask),
      };
      return (await runModel(buildAutoencoderTrainingGraph(arch, batch, 0, weight), feeds)).loss
        .data[0] as number;
    };
    const [none, once, twice] = [await lossWith(0, 1), await lossWith(1, 1), await lossWith(2, 1)];
    expect(once).toBeGreaterThan(none);
    expect(twice - none).toBeCloseTo(2 * (once - none), 5);
    expect(await lossWith(2, 0)).toBeCloseTo(none, 6);
  });

  it('stage 0 weighs each pixel’s squared reconstruction error by its weight', async () => {
    const side = arch.imageSize;
    const frames = randomTensor([batch, 3, side, side], 1);
    const noProbe = {
      frame_states: tensorOf([batch, 6], () => 0),
      frame_state_mask: tensorOf([batch, 6], () => 0),
    };
    const lossWith = async (weight: (i: number) => number) => {
      const feeds = { frames, pixel_weights: tensorOf([batch, 1, side, side], weight), ...noProbe };
      return (await runModel(buildAutoencoderTrainingGraph(arch, batch, 0, 0), feeds)).loss.data[0] as number;
    };
    const ones = await lossWith(() => 1);
    // the loss is linear in the weights: all 3 triples it, all 0 zeroes it
    expect(await lossWith(() => 3)).toBeCloseTo(3 * ones, 5);
    expect(await lossWith(() => 0)).toBe(0);
  });

  it('stage 1 trains world model, action expert and goal-steps head together', async () => {
    const model = buildDynamicsTrainingGraph(arch, batch, 0, 1);
    const prefixes = new Set([...model.params.keys()].map((n) => n.split('.')[0]));
    // the position head is stage 0's, read by the expert (train-act2goal keeps it frozen)
    expect([...prefixes].sort()).toEqual([
      'action_expert',
      'goal_steps_head',
      'position_head',
      'world_model',
    ]);
    const trainer = await Trainer.create(model, {
      loss: 'loss',
      lr: constantLr(3e-3),
      session: { intraOpThreads: 1 },
    });
    const losses = await lossesOver(trainer, stageFeeds(), 40);
    expect(losses.at(-1)).toBeLessThan(0.5 * losses[0]);
  });

  it('stage 1 of an expert without the world model is the reading expert’s stage 1 with every context zeroed', async () => {
    const reading = buildDynamicsTrainingGraph(arch, batch, 0, 1);
    const free = buildDynamicsTrainingGraph({ ...arch, expertSeesWorldModel: false }, batch, 0, 1);
    // the same random weights in both (biases and LayerNorm shifts included)
    let seed = 200;
    for (const [name, p] of reading.params) {
      const weights = randomTensor(p.dims, seed++);
      reading.params.set(name, weights);
      free.params.set(name, weights);
    }
    const lossOf = async (model: typeof free, contextKeep: number) => {
      const feeds: Record<string, ReturnType<typeof randomTensor>> = {
        ...stageFeeds(),
        context_keep: tensorOf([batch], () => contextKeep),
      };
      const inputs = model.graph.inputs.filter((v) => !model.params.has(v.name)).map((v) => v.name);
      return Number(
        (await runModel(model, Object.fromEntries(inputs.map((n) => [n, feeds[n]])))).loss.data[0],
      );
    };
    const zeroed = await lossOf(reading, 0);
    expect(zeroed).not.toBeCloseTo(await lossOf(reading, 1), 3);
    expect(await lossOf(free, 1)).toBeCloseTo(zeroed, 5);
  });

  it('stage 2 keeps the latent loss, drops the goal-steps head and its target, and takes a context mask and the plan’s K', async () => {
    const model = buildDynamicsTrainingGraph(arch, batch, 0, 2);
    const inputs = model.graph.inputs.filter((v) => !model.params.has(v.name)).map((v) => v.name);
    expect(inputs).toContain('latent_target');
    expect(inputs).toContain('context_keep');
    expect(inputs).toContain('plan_goal_steps');
    expect(inputs).not.toContain('log_goal_steps_target');
    expect([...model.params.keys()].some((n) => n.startsWith('goal_steps_head'))).toBe(false);
    const { log_goal_steps_target, ...rest } = stageFeeds();
    const feeds = {
      ...rest,
      context_keep: tensorOf([batch], (i) => i % 2),
      plan_goal_steps: tensorOf([batch], (i) => 1 + 2 * i),
    };
    const trainer = await Trainer.create(model, {
      loss: 'loss',
      lr: constantLr(3e-3),
      session: { intraOpThreads: 1 },
    });
    const losses = await lossesOver(trainer, feeds, 60);
    expect(losses.at(-1)).toBeLessThan(0.5 * losses[0]);
  });

  it('the expert without the world model trains alone: its loss is the MSE of the exported expert’s velocity, whatever the hidden states', async () => {
    const free = { ...arch, expertSeesWorldModel: false };
    const model = buildActionExpertTrainingGraph(free, batch, 0);
    // random weights everywhere (biases and LayerNorm shifts included), so the cross-attention's
    // output over the zero context, one row the training graph computes once, is not zero
    let seed = 100;
    for (const [name, p] of model.params) model.params.set(name, randomTensor(p.dims, seed++));
    expect(new Set([...model.params.keys()].map((n) => n.split('.')[0]))).toEqual(
      new Set(['action_expert', 'position_head']),
    );
    const feeds = stageFeeds();
    const inputs = model.graph.inputs.filter((v) => !model.params.has(v.name)).map((v) => v.name);
    expect(inputs.sort()).toEqual(
      [
        'action_flow_time',
        'action_target',
        'current_latent',
        'goal_latent',
        'noisy_actions',
        'proprio',
      ].sort(),
    );
    const loss = Number(
      (await runModel(model, Object.fromEntries(inputs.map((n) => [n, feeds[n as keyof typeof feeds]])))).loss
        .data[0],
    );
    const velocity = await exportedExpertVelocity(free, model, feeds);
    const target = feeds.action_target.data;
    let sum = 0;
    for (let i = 0; i < target.length; i++) sum += (Number(velocity[i]) - Number(target[i])) ** 2;
    expect(loss).toBeCloseTo(sum / target.length, 5);
  });

  it('trains an x-predicting expert on the error of its clean actions x_τ + (1 − τ)·v against the data', async () => {
    // x_τ + (1 − τ)·v is â for the output and the data for the target
    await expectStage2LossOf({ expertPredictsActions: true }, (v, x, tau) => x + (1 - tau) * v, 5);
  });

  it("trains an EDM-preconditioned expert on the error of its network output F, as BESO's loss", async () => {
    // F = (D − c_skip·x_σ)/c_out with x_σ = x_τ/τ at σ = (1 − τ)/τ and D = x_τ + (1 − τ)·v
    await expectStage2LossOf(
      { expertEdmPreconditioning: true },
      (v, x, tau) => {
        const { cSkip, cOut } = computeEdmCoefficients((1 - tau) / tau);
        return (x + (1 - tau) * v - cSkip * (x / tau)) / cOut;
      },
      4,
    );
  });

  it('weighs each distal action’s squared error by the distal weight against a proximal action’s 1', async () => {
    const free = { ...arch, expertSeesWorldModel: false };
    const feeds = stageFeeds();
    const { proximalSteps } = arch.msth;
    const lossAt = async (weight: number) => {
      const model = buildActionExpertTrainingGraph(free, batch, 0, weight);
      const inputs = model.graph.inputs.filter((v) => !model.params.has(v.name)).map((v) => v.name);
      const run = await runModel(
        model,
        Object.fromEntries(inputs.map((n) => [n, feeds[n as keyof typeof feeds]])),
      );
      return Number(run.loss.data[0]);
    };
    // the velocity does not depend on the weight: read it off the exported expert
    const velocity = await exportedExpertVelocity(
      free,
      buildActionExpertTrainingGraph(free, batch, 0),
      feeds,
    );
    const target = feeds.action_target.data;
    const squared = { proximal: 0, distal: 0 };
    for (let i = 0; i < target.length; i++) {
      const token = Math.floor(i / arch.actionDim) % actions;
      squared[token < proximalSteps ? 'proximal' : 'distal'] +=
        (Number(velocity[i]) - Number(target[i])) ** 2;
    }
    const distalTokens = actions - proximalSteps;
    for (const weight of [0, 0.1, 3]) {
      const expected =
        (squared.proximal + weight * squared.distal) /
        (batch * arch.actionDim * (proximalSteps + weight * distalTokens));
      expect(await lossAt(weight)).toBeCloseTo(expected, 5);
    }
  });
});
