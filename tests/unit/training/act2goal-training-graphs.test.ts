import { describe, expect, it } from 'vitest';
import { createRng } from '../../../common/rng.ts';
import { constantLr } from '../../../nn/lr-schedule.ts';
import { Trainer } from '../../../nn/trainer.ts';
import {
  buildAutoencoderTrainingGraph,
  buildDynamicsTrainingGraph,
} from '../../../training/act2goal-training-graphs.ts';
import { TINY_ACT2GOAL as arch, randomTensor, tensorOf } from '../policies/act2goal/tiny-act2goal.ts';

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
  };
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

describe('Act2Goal training graphs', () => {
  it('stage 0 is the autoencoder with a reconstruction loss over frames', () => {
    const model = buildAutoencoderTrainingGraph(arch, batch, 0);
    expect(model.graph.inputs.filter((v) => !model.params.has(v.name)).map((v) => v.name)).toEqual([
      'frames',
    ]);
    expect([...model.params.keys()].every((n) => /^(encoder|decoder)\./.test(n))).toBe(true);
  });

  it('stage 1 trains world model, action expert and goal-steps head together', async () => {
    const model = buildDynamicsTrainingGraph(arch, batch, 0, 1);
    const prefixes = new Set([...model.params.keys()].map((n) => n.split('.')[0]));
    expect([...prefixes].sort()).toEqual(['action_expert', 'goal_steps_head', 'world_model']);
    const trainer = await Trainer.create(model, {
      loss: 'loss',
      lr: constantLr(3e-3),
      session: { intraOpThreads: 1 },
    });
    const losses = await lossesOver(trainer, stageFeeds(), 40);
    expect(losses.at(-1)).toBeLessThan(0.5 * losses[0]);
  });

  it('stage 2 has only the action loss and takes no latent or goal-steps targets', async () => {
    const model = buildDynamicsTrainingGraph(arch, batch, 0, 2);
    const inputs = model.graph.inputs.filter((v) => !model.params.has(v.name)).map((v) => v.name);
    expect(inputs).not.toContain('latent_target');
    expect(inputs).not.toContain('log_goal_steps_target');
    expect([...model.params.keys()].some((n) => n.startsWith('goal_steps_head'))).toBe(false);
    const { flow_time, noisy_latents, latent_target, log_goal_steps_target, ...feeds } = stageFeeds();
    const trainer = await Trainer.create(model, {
      loss: 'loss',
      lr: constantLr(3e-3),
      session: { intraOpThreads: 1 },
    });
    const losses = await lossesOver(trainer, feeds, 60);
    expect(losses.at(-1)).toBeLessThan(0.5 * losses[0]);
  });
});
