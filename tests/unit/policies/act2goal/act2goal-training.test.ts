import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Model } from '../../../../nn/builder.ts';
import { grad } from '../../../../nn/grad.ts';
import type { TensorData } from '../../../../nn/graph.ts';
import { mseLoss } from '../../../../nn/layers.ts';
import { constantLr } from '../../../../nn/lr-schedule.ts';
import { encodeOnnx } from '../../../../nn/onnx-encode.ts';
import { OrtSession } from '../../../../nn/ort-session.ts';
import { Trainer } from '../../../../nn/trainer.ts';
import { ACT2GOAL_TENSORS } from '../../../../policies/act2goal/act2goal-config.ts';
import { actionExpertNetwork } from '../../../../policies/act2goal/action-expert.ts';
import { decodeLatent, encodeImage } from '../../../../policies/act2goal/image-autoencoder.ts';
import { worldModelNetwork } from '../../../../policies/act2goal/world-model.ts';
import { TINY_ACT2GOAL as arch, randomTensor, tensorOf } from './tiny-act2goal.ts';

const batch = 4;
const frames = 4;
const actions = 6;
const wm = ACT2GOAL_TENSORS.worldModel;

/** Trains `steps` AdamW steps on one fixed batch and returns the first and last losses. */
async function trainOnBatch(model: Model, feeds: Record<string, TensorData>, steps: number) {
  const trainer = await Trainer.create(model, {
    loss: 'loss',
    lr: constantLr(3e-3),
    session: { intraOpThreads: 1 },
  });
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push((await trainer.trainStep(feeds)).loss);
  await trainer.release();
  return { first: losses[0], last: losses.at(-1)! };
}

/** Stage-1 graph: world model and action expert in one pass, loss L_v + 0.1·L_a (or L_a alone). */
function buildJointGraph(actionLossOnly: boolean): Model {
  const b = new GraphBuilder('act2goal_joint', { seed: 4 });
  const proprio = b.input(wm.proprio, [batch, arch.proprioDim]);
  const currentLatent = b.input(wm.currentLatent, [batch, arch.latentDim]);
  const goalLatent = b.input(wm.goalLatent, [batch, arch.latentDim]);
  const { velocity, hiddenStates } = worldModelNetwork(
    {
      currentLatent,
      goalLatent,
      proprio,
      goalSteps: b.input(wm.goalSteps, [batch]),
      flowTime: b.input(wm.flowTime, [batch]),
      noisyLatents: b.input(wm.noisyLatents, [batch, frames, arch.latentDim]),
    },
    arch,
  );
  const actionVelocity = actionExpertNetwork(
    {
      currentLatent,
      goalLatent,
      hiddenStates,
      proprio,
      flowTime: b.input('action_flow_time', [batch]),
      noisyActions: b.input('noisy_actions', [batch, actions, arch.actionDim]),
    },
    arch,
  );
  const actionLoss = mseLoss(actionVelocity, b.input('action_target', [batch, actions, arch.actionDim]));
  const latentLoss = mseLoss(velocity, b.input('latent_target', [batch, frames, arch.latentDim]));
  b.output('loss', actionLossOnly ? actionLoss : latentLoss.add(actionLoss.mul(0.1)));
  return b.build();
}

function jointFeeds(): Record<string, TensorData> {
  return {
    [wm.currentLatent]: randomTensor([batch, arch.latentDim], 1),
    [wm.goalLatent]: randomTensor([batch, arch.latentDim], 2),
    [wm.proprio]: randomTensor([batch, arch.proprioDim], 3),
    [wm.goalSteps]: tensorOf([batch], (i) => 8 + 10 * i),
    [wm.flowTime]: tensorOf([batch], (i) => 0.2 * i),
    [wm.noisyLatents]: randomTensor([batch, frames, arch.latentDim], 4),
    action_flow_time: tensorOf([batch], (i) => 0.9 - 0.2 * i),
    noisy_actions: randomTensor([batch, actions, arch.actionDim], 5),
    action_target: randomTensor([batch, actions, arch.actionDim], 6),
    latent_target: randomTensor([batch, frames, arch.latentDim], 7),
  };
}

describe('act2goal training on a fixed tiny batch', () => {
  it('teaches the autoencoder to reconstruct four frames', async () => {
    const b = new GraphBuilder('act2goal_autoencoder', { seed: 3 });
    const input = b.input('frames', [batch, 3, arch.imageSize, arch.imageSize]);
    b.output('loss', mseLoss(decodeLatent(encodeImage(input, arch), arch), input));
    // Frame n: a +1 2×2 square at (2n, 2n) on a −1 background, square brighter in channel n mod 3.
    const side = arch.imageSize;
    const pixels = tensorOf([batch, 3, side, side], (i) => {
      const [n, c, y, x] = [
        Math.floor(i / (3 * side * side)),
        Math.floor(i / (side * side)) % 3,
        Math.floor(i / side) % side,
        i % side,
      ];
      const inside = Math.floor(y / 2) === n && Math.floor(x / 2) === n;
      return inside ? (c === n % 3 ? 2 : 1) : -1;
    });
    const { first, last } = await trainOnBatch(b.build(), { frames: pixels }, 150);
    expect(last).toBeLessThan(0.1 * first);
  });

  it('lowers L_v + 0.1·L_a of the world model and action expert trained jointly (stage 1)', async () => {
    const { first, last } = await trainOnBatch(buildJointGraph(false), jointFeeds(), 60);
    expect(last).toBeLessThan(0.3 * first);
  });

  it('sends the action loss back into the world model through the cross-attention (stage 2)', async () => {
    const model = buildJointGraph(true);
    const wrt = ['world_model.block0.fc.weight', 'world_model.head.weight'];
    const g = grad(model.graph, 'loss', wrt);
    const session = await OrtSession.create(encodeOnnx(g.graph), g.graph, { intraOpThreads: 1 });
    const out = await session.run({ ...Object.fromEntries(model.params), ...jointFeeds() });
    await session.release();
    const norm = (name: string) => Math.hypot(...(out[g.gradients.get(name)!].data as Float32Array));
    // block 0 feeds the expert's first cross-attention; the velocity head feeds only L_v
    expect(norm('world_model.block0.fc.weight')).toBeGreaterThan(1e-6);
    expect(norm('world_model.head.weight')).toBe(0);
  });
});
