import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../../nn/builder.ts';
import type { TensorData } from '../../../../nn/graph.ts';
import {
  ACT2GOAL_TENSORS,
  type Act2GoalArchitecture,
} from '../../../../policies/act2goal/act2goal-config.ts';
import {
  buildAct2GoalDecoderGraph,
  buildAct2GoalEncoderGraph,
  buildActionExpertGraph,
  buildWorldModelGraph,
} from '../../../../policies/act2goal/act2goal-graphs.ts';
import { actionExpertNetwork } from '../../../../policies/act2goal/action-expert.ts';
import type { PolicyError } from '../../../../policies/policy-error.ts';
import { computeEdmCoefficients } from '../../../../policies/sampling/edm-preconditioning.ts';
import { TINY_ACT2GOAL as arch, randomTensor, runModel, tensorOf } from './tiny-act2goal.ts';

const batch = 3;
const frames = 4; // P/r + M = 4/2 + 2
const tokens = 9; // 5 condition tokens + 4 frames
const actions = 6; // P + M = 4 + 2

const wm = ACT2GOAL_TENSORS.worldModel;
const ae = ACT2GOAL_TENSORS.actionExpert;

function worldModelFeeds(rows: number, seed: number): Record<string, TensorData> {
  return {
    [wm.currentLatent]: randomTensor([rows, arch.latentDim], seed),
    [wm.goalLatent]: randomTensor([rows, arch.latentDim], seed + 1),
    [wm.proprio]: randomTensor([rows, arch.proprioDim], seed + 2),
    [wm.goalSteps]: tensorOf([rows], (b) => 10 + 20 * b),
    [wm.flowTime]: tensorOf([rows], (b) => 0.1 + 0.4 * b),
    [wm.noisyLatents]: randomTensor([rows, frames, arch.latentDim], seed + 3),
  };
}

function actionExpertFeeds(rows: number, seed: number): Record<string, TensorData> {
  return {
    [ae.hiddenStates]: randomTensor([rows, arch.layers, tokens, arch.worldModel.width], seed),
    [ae.proprio]: randomTensor([rows, arch.proprioDim], seed + 1),
    [ae.flowTime]: tensorOf([rows], (b) => 0.2 + 0.3 * b),
    [ae.noisyActions]: randomTensor([rows, actions, arch.actionDim], seed + 2),
    [ae.currentLatent]: randomTensor([rows, arch.latentDim], seed + 3),
    [ae.goalLatent]: randomTensor([rows, arch.latentDim], seed + 4),
  };
}

/** Row `b` of every feed, as a batch of one. */
function rowOf(feeds: Record<string, TensorData>, b: number): Record<string, TensorData> {
  return Object.fromEntries(
    Object.entries(feeds).map(([name, t]) => {
      const size = t.data.length / t.dims[0];
      return [name, { ...t, dims: [1, ...t.dims.slice(1)], data: t.data.slice(b * size, (b + 1) * size) }];
    }),
  );
}

function maxAbs(a: Float32Array, b: Float32Array): number {
  return Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
}

function maxAbsDifference(a: TensorData, b: TensorData): number {
  return Math.max(...Array.from(a.data as Float32Array, (v, i) => Math.abs(v - Number(b.data[i]))));
}

/**
 * Runs the action expert of `variant` with a head of zero weights, which outputs its bias (0.3, −0.6
 * per action dimension) whatever the tokens hold → per action value: the velocity, that head output,
 * x_τ and τ.
 */
async function constantHeadVelocities(
  variant: Partial<Act2GoalArchitecture>,
  feeds: Record<string, TensorData>,
): Promise<{ velocity: number; head: number; noisy: number; tau: number }[]> {
  const bias = [0.3, -0.6];
  const model = buildActionExpertGraph({ ...arch, ...variant });
  const weight = model.params.get('action_expert.head.weight')!;
  model.params.set(
    'action_expert.head.weight',
    tensorOf(weight.dims, () => 0),
  );
  model.params.set(
    'action_expert.head.bias',
    tensorOf([arch.actionDim], (k) => bias[k]),
  );
  const velocity = (await runModel(model, feeds))[ae.velocity].data as Float32Array;
  const noisy = feeds[ae.noisyActions].data as Float32Array;
  const taus = feeds[ae.flowTime].data as Float32Array;
  const rowSize = actions * arch.actionDim;
  return Array.from(velocity, (v, i) => ({
    velocity: v,
    head: bias[i % arch.actionDim],
    noisy: noisy[i],
    tau: taus[Math.floor(i / rowSize)],
  }));
}

describe('act2goal image autoencoder graphs', () => {
  it('encodes [N, 3, S, S] frames to LayerNorm-scaled [N, Z] latents', async () => {
    const out = await runModel(buildAct2GoalEncoderGraph(arch), {
      frames: randomTensor([batch, 3, arch.imageSize, arch.imageSize], 1),
    });
    const latent = out[ACT2GOAL_TENSORS.encoder.latent];
    expect(latent.dims).toEqual([batch, arch.latentDim]);
    // Freshly built, the LayerNorm's scale is 1 and shift 0: each row has mean 0 and variance
    // v/(v + ε) for its pre-norm variance v, ε = 1e-5 (just under 1).
    for (let b = 0; b < batch; b++) {
      const row = Array.from(latent.data.slice(b * arch.latentDim, (b + 1) * arch.latentDim) as Float32Array);
      const mean = row.reduce((s, v) => s + v, 0) / row.length;
      const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length;
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(variance).toBeGreaterThan(0.99);
      expect(variance).toBeLessThanOrEqual(1);
    }
  });

  it('decodes [N, Z] latents to [N, 3, S, S] frames', async () => {
    const out = await runModel(buildAct2GoalDecoderGraph(arch), {
      latent: randomTensor([batch, arch.latentDim], 2),
    });
    expect(out[ACT2GOAL_TENSORS.decoder.frames].dims).toEqual([batch, 3, arch.imageSize, arch.imageSize]);
  });
});

describe('act2goal world model graph', () => {
  it('outputs the future latents velocity [B, F, Z] and hidden states [B, L, T, d_w]', async () => {
    const out = await runModel(buildWorldModelGraph(arch), worldModelFeeds(batch, 10));
    expect(out[wm.velocity].dims).toEqual([batch, frames, arch.latentDim]);
    expect(out[wm.hiddenStates].dims).toEqual([batch, arch.layers, tokens, arch.worldModel.width]);
  });

  it("computes each row from that row's inputs only", async () => {
    const model = buildWorldModelGraph(arch);
    const feeds = worldModelFeeds(batch, 10);
    const together = await runModel(model, feeds);
    const alone = await runModel(model, rowOf(feeds, 1));
    for (const name of [wm.velocity, wm.hiddenStates]) {
      expect(maxAbsDifference(rowOf(together, 1)[name], alone[name])).toBeLessThan(1e-5);
    }
  });

  it('adds one token per object where the arch gives it object tokens, and the expert takes those hidden states', async () => {
    const withObjects = { ...arch, worldModelObjectTokens: true };
    const out = await runModel(buildWorldModelGraph(withObjects), worldModelFeeds(batch, 30));
    const objects = arch.positionDim / 2;
    expect(out[wm.hiddenStates].dims).toEqual([batch, arch.layers, tokens + objects, arch.worldModel.width]);
    const feeds = { ...actionExpertFeeds(batch, 31), [ae.hiddenStates]: out[wm.hiddenStates] };
    const actions = await runModel(buildActionExpertGraph(withObjects), feeds);
    expect(actions[ae.velocity].dims).toEqual([batch, 6, arch.actionDim]);
  });

  it('depends on the goal distance K', async () => {
    const model = buildWorldModelGraph(arch);
    const feeds = worldModelFeeds(1, 10);
    const near = await runModel(model, { ...feeds, [wm.goalSteps]: tensorOf([1], () => 5) });
    const far = await runModel(model, { ...feeds, [wm.goalSteps]: tensorOf([1], () => 45) });
    // Small at initialisation (N(0, 0.02) weights), but above float32 noise: ORT is deterministic here.
    expect(maxAbsDifference(near[wm.velocity], far[wm.velocity])).toBeGreaterThan(1e-6);
  });
});

describe('act2goal action expert graph', () => {
  it('outputs the actions velocity [B, P + M, A]', async () => {
    const out = await runModel(buildActionExpertGraph(arch), actionExpertFeeds(batch, 20));
    expect(out[ae.velocity].dims).toEqual([batch, actions, arch.actionDim]);
  });

  it("cross-attends to every world-model layer's hidden states", async () => {
    const model = buildActionExpertGraph(arch);
    const feeds = actionExpertFeeds(1, 20);
    const base = await runModel(model, feeds);
    const layerSize = tokens * arch.worldModel.width;
    for (let layer = 0; layer < arch.layers; layer++) {
      // Perturb only this layer's slice, unevenly across features (a per-token constant shift would be
      // undone by the context LayerNorm).
      const states = feeds[ae.hiddenStates].data.slice() as Float32Array;
      for (let i = layer * layerSize; i < (layer + 1) * layerSize; i++) states[i] += Math.sin(i);
      const moved = await runModel(model, {
        ...feeds,
        [ae.hiddenStates]: { ...feeds[ae.hiddenStates], data: states },
      });
      expect(maxAbsDifference(base[ae.velocity], moved[ae.velocity])).toBeGreaterThan(1e-4);
    }
  });

  it('ignores the hidden states in the expert-without-world-model ablation, and still reads the rest', async () => {
    const model = buildActionExpertGraph({ ...arch, expertSeesWorldModel: false });
    const feeds = actionExpertFeeds(1, 20);
    const base = await runModel(model, feeds);
    const other = await runModel(model, {
      ...feeds,
      [ae.hiddenStates]: randomTensor([1, arch.layers, tokens, arch.worldModel.width], 77),
    });
    expect(maxAbsDifference(base[ae.velocity], other[ae.velocity])).toBe(0);
    const moved = await runModel(model, { ...feeds, [ae.proprio]: randomTensor([1, arch.proprioDim], 78) });
    expect(maxAbsDifference(base[ae.velocity], moved[ae.velocity])).toBeGreaterThan(1e-6);
  });

  it('computes the executed actions without reading the distal ones when those are isolated', async () => {
    const proximal = actions - arch.msth.distalCount;
    const size = actions * arch.actionDim;
    const isolated = buildActionExpertGraph({ ...arch, isolateDistalActions: true });
    const plain = buildActionExpertGraph(arch);
    const feeds = actionExpertFeeds(1, 20);
    // new noise for the distal actions only
    const distalMoved = {
      ...feeds,
      [ae.noisyActions]: tensorOf([1, actions, arch.actionDim], (k) =>
        k < proximal * arch.actionDim ? Number(feeds[ae.noisyActions].data[k]) : Math.cos(5 * k),
      ),
    };
    const velocity = async (model: typeof plain, f: typeof feeds) =>
      (await runModel(model, f))[ae.velocity].data as Float32Array;
    const split = (v: Float32Array) => [
      v.slice(0, proximal * arch.actionDim),
      v.slice(proximal * arch.actionDim, size),
    ];
    const [isolatedBase, isolatedMoved] = [
      await velocity(isolated, feeds),
      await velocity(isolated, distalMoved),
    ];
    expect(split(isolatedMoved)[0]).toEqual(split(isolatedBase)[0]);
    expect(maxAbs(split(isolatedMoved)[1], split(isolatedBase)[1])).toBeGreaterThan(1e-4);
    // without the mask the executed actions read the distal ones
    const [plainBase, plainMoved] = [await velocity(plain, feeds), await velocity(plain, distalMoved)];
    expect(maxAbs(split(plainMoved)[0], split(plainBase)[0])).toBeGreaterThan(1e-6);
  });

  it('computes each action of a causal expert from the conditions and the actions up to it', async () => {
    const causal = buildActionExpertGraph({ ...arch, causalExpert: true });
    const feeds = actionExpertFeeds(1, 20);
    const velocity = async (f: typeof feeds) => (await runModel(causal, f))[ae.velocity].data as Float32Array;
    const base = await velocity(feeds);
    const width = arch.actionDim;
    for (const moved of [0, 3, actions - 1]) {
      // new noise for action `moved` only: the actions before it keep their velocity, it and later ones change
      const other = await velocity({
        ...feeds,
        [ae.noisyActions]: tensorOf([1, actions, width], (k) =>
          Math.floor(k / width) === moved ? 2 + Math.sin(k) : Number(feeds[ae.noisyActions].data[k]),
        ),
      });
      expect(other.slice(0, moved * width)).toEqual(base.slice(0, moved * width));
      expect(maxAbs(other.slice(moved * width), base.slice(moved * width))).toBeGreaterThan(1e-5);
    }
    // the first action still reads every condition
    const moved = await velocity({ ...feeds, [ae.proprio]: randomTensor([1, arch.proprioDim], 79) });
    expect(maxAbs(moved.slice(0, width), base.slice(0, width))).toBeGreaterThan(1e-6);
  });

  it('turns the clean actions an x-predicting head outputs into the velocity (â − x_τ)/(1 − τ)', async () => {
    const feeds = actionExpertFeeds(batch, 20);
    for (const { velocity, head, noisy, tau } of await constantHeadVelocities(
      { expertPredictsActions: true },
      feeds,
    )) {
      expect(velocity).toBeCloseTo((head - noisy) / (1 - tau), 5);
    }
    // the default head's output is the velocity itself
    for (const { velocity, head } of await constantHeadVelocities({}, feeds)) {
      expect(velocity).toBeCloseTo(head, 6);
    }
  });

  it("turns an EDM-preconditioned head's F into the velocity its D = c_skip·x_σ + c_out·F implies", async () => {
    const feeds = actionExpertFeeds(batch, 21);
    for (const { velocity, head, noisy, tau } of await constantHeadVelocities(
      { expertEdmPreconditioning: true },
      feeds,
    )) {
      // x_σ = x_τ/τ at σ = (1 − τ)/τ; D is the clean actions, so v = (D − x_τ)/(1 − τ)
      const { cSkip, cOut } = computeEdmCoefficients((1 - tau) / tau);
      const denoised = cSkip * (noisy / tau) + cOut * head;
      expect(velocity).toBeCloseTo((denoised - noisy) / (1 - tau), 5);
    }
    expect(() =>
      buildActionExpertGraph({ ...arch, expertEdmPreconditioning: true, expertPredictsActions: true }),
    ).toThrow(/expertPredictsActions and expertEdmPreconditioning/);
  });

  it('reads the imagined futures only through their position estimates when reading plan positions', async () => {
    const wide = { ...arch, latentDim: 8, expertReadsPlanPositions: true };
    await expectReadThroughPositionHead(wide, ae.futureLatents, [1, frames, wide.latentDim], 1);
  });

  it('reads the previous latent only through its position estimates when reading motion', async () => {
    const wide = { ...arch, latentDim: 8, expertReadsMotion: true };
    await expectReadThroughPositionHead(wide, ae.previousLatent, [1, wide.latentDim], 0);
  });

  it('reads every frame through its scene token where the object tokens are blind', async () => {
    // object_embed's weight zeroed: the object tokens (motion included) are constants, so the latents
    // reach the velocity only through the scene tokens, when there are any
    const motion = { ...arch, expertReadsMotion: true };
    const feeds = { ...actionExpertFeeds(1, 20), [ae.previousLatent]: randomTensor([1, arch.latentDim], 25) };
    for (const sceneTokens of [true, false]) {
      const model = buildActionExpertGraph({ ...motion, expertSceneTokens: sceneTokens });
      const weight = model.params.get('action_expert.object_embed.weight')!;
      model.params.set(
        'action_expert.object_embed.weight',
        tensorOf(weight.dims, () => 0),
      );
      const base = await runModel(model, feeds);
      for (const name of [ae.currentLatent, ae.goalLatent, ae.previousLatent]) {
        const moved = await runModel(model, { ...feeds, [name]: randomTensor([1, arch.latentDim], 99) });
        const change = maxAbsDifference(base[ae.velocity], moved[ae.velocity]);
        if (sceneTokens) expect(change).toBeGreaterThan(1e-6);
        else expect(change).toBe(0);
      }
    }
  });

  it('reads the previous latent only through its position estimates in scene tokens too', async () => {
    const wide = { ...arch, latentDim: 8, expertReadsMotion: true, expertSceneTokens: true };
    await expectReadThroughPositionHead(wide, ae.previousLatent, [1, wide.latentDim], 0);
  });

  it('reads the previous latent only through its scene token with scene motion only', async () => {
    const sceneOnly = {
      ...arch,
      expertReadsMotion: true,
      expertSceneTokens: true,
      expertSceneMotionOnly: true,
    };
    const model = buildActionExpertGraph(sceneOnly);
    // the object tokens carry no motion: their projection is as wide as a one-frame expert's
    const objectWeight = (m: typeof model) => m.params.get('action_expert.object_embed.weight')!.dims;
    expect(objectWeight(model)).toEqual(
      objectWeight(buildActionExpertGraph({ ...arch, expertSceneTokens: true })),
    );
    const feeds = { ...actionExpertFeeds(1, 21), [ae.previousLatent]: randomTensor([1, arch.latentDim], 26) };
    const moved = { ...feeds, [ae.previousLatent]: randomTensor([1, arch.latentDim], 98) };
    const change = async () =>
      maxAbsDifference(
        (await runModel(model, feeds))[ae.velocity],
        (await runModel(model, moved))[ae.velocity],
      );
    expect(await change()).toBeGreaterThan(1e-6);
    const weight = model.params.get('action_expert.scene_embed.weight')!;
    model.params.set(
      'action_expert.scene_embed.weight',
      tensorOf(weight.dims, () => 0),
    );
    expect(await change()).toBe(0);
    for (const without of [{ expertReadsMotion: false }, { expertSceneTokens: false }]) {
      expect(() => buildActionExpertGraph({ ...sceneOnly, ...without })).toThrow(
        /expertSceneMotionOnly needs expertReadsMotion and expertSceneTokens/,
      );
    }
  });

  it('adds extra blocks that self-attend only and are the identity with zero output projections', async () => {
    const plain = buildActionExpertGraph(arch);
    const deeper = buildActionExpertGraph({ ...arch, expertExtraBlocks: 1 });
    const extra = `action_expert.block${arch.layers}`;
    const extraNames = [...deeper.params.keys()].filter((name) => name.startsWith(`${extra}.`));
    expect(extraNames.some((name) => name.includes('cross'))).toBe(false);
    expect(extraNames).toContain(`${extra}.self_attn.q.weight`);
    for (const [name, value] of plain.params) deeper.params.set(name, value);
    const feeds = actionExpertFeeds(batch, 30);
    const base = await runModel(plain, feeds);
    expect(maxAbsDifference(base[ae.velocity], (await runModel(deeper, feeds))[ae.velocity])).toBeGreaterThan(
      1e-6,
    );
    // a pre-LN block adds its attention's and its MLP's output projections to the residual stream
    for (const name of ['self_attn.proj.weight', 'self_attn.proj.bias', 'proj.weight', 'proj.bias']) {
      const zeroed = deeper.params.get(`${extra}.${name}`)!;
      deeper.params.set(
        `${extra}.${name}`,
        tensorOf(zeroed.dims, () => 0),
      );
    }
    expect(maxAbsDifference(base[ae.velocity], (await runModel(deeper, feeds))[ae.velocity])).toBeLessThan(
      1e-6,
    );
  });

  it('reads the current and goal latents (their object tokens)', async () => {
    const model = buildActionExpertGraph(arch);
    const feeds = actionExpertFeeds(1, 20);
    const base = await runModel(model, feeds);
    for (const name of [ae.currentLatent, ae.goalLatent]) {
      const moved = await runModel(model, { ...feeds, [name]: randomTensor([1, arch.latentDim], 99) });
      expect(maxAbsDifference(base[ae.velocity], moved[ae.velocity])).toBeGreaterThan(1e-6);
    }
  });

  it('tells the null goal, an all-zero z_g, from a goal already reached where it knows null goals', async () => {
    const plain = buildActionExpertGraph(arch);
    const knowing = buildActionExpertGraph({ ...arch, expertNullGoal: true });
    for (const [name, value] of plain.params) knowing.params.set(name, value);
    const nullGoal = randomTensor([1, 1, arch.actionExpert.width], 41);
    knowing.params.set('action_expert.null_goal', nullGoal);
    const feeds = actionExpertFeeds(batch, 40);
    // a goal latent with Σz² ≥ 10 has presence tanh(Σz²) = 1 in float32: the expert is the plain one
    const goal = feeds[ae.goalLatent];
    const real = { ...feeds, [ae.goalLatent]: tensorOf(goal.dims, (i) => 3 * Number(goal.data[i]) + 2) };
    expect(
      maxAbsDifference(
        (await runModel(plain, real))[ae.velocity],
        (await runModel(knowing, real))[ae.velocity],
      ),
    ).toBe(0);
    // the null goal reads as a goal already reached (no object offsets to the goal), plus the learned
    // vector on the proprio token, which moves the proprio embedding's bias
    const reached = { ...feeds, [ae.goalLatent]: feeds[ae.currentLatent] };
    const withNull = await runModel(knowing, {
      ...feeds,
      [ae.goalLatent]: tensorOf(goal.dims, () => 0),
    });
    const bias = plain.params.get('action_expert.proprio_embed.bias')!;
    plain.params.set(
      'action_expert.proprio_embed.bias',
      tensorOf(bias.dims, (i) => Number(bias.data[i]) + Number(nullGoal.data[i])),
    );
    const marked = await runModel(plain, reached);
    expect(maxAbsDifference(withNull[ae.velocity], marked[ae.velocity])).toBeLessThan(1e-5);
    const unmarked = await runModel(knowing, reached);
    expect(maxAbsDifference(withNull[ae.velocity], unmarked[ae.velocity])).toBeGreaterThan(1e-4);
  });

  it('names the mismatch when it gets fewer hidden states than blocks', () => {
    const b = new GraphBuilder('bad_expert');
    const states = b.input('states', [1, tokens, arch.worldModel.width]);
    try {
      actionExpertNetwork(
        {
          currentLatent: b.input('current', [1, arch.latentDim]),
          goalLatent: b.input('goal', [1, arch.latentDim]),
          hiddenStates: [states],
          proprio: b.input('proprio', [1, arch.proprioDim]),
          flowTime: b.input('flow_time', [1]),
          noisyActions: b.input('noisy_actions', [1, actions, arch.actionDim]),
        },
        arch,
      );
      expect.fail('expected a PolicyError');
    } catch (error) {
      expect((error as PolicyError).code).toBe('MODEL_IO_MISMATCH');
      expect((error as Error).message).toBe(
        'action expert: expected 2 world-model hidden states (one per block), got 1',
      );
    }
  });
});

/**
 * Checks that the expert of `wide` (Z = 8 > positionDim = 6, so latents have directions the position
 * head does not see) reads input `name` (float32 `dims`, latents of Z on the last axis) only through its
 * position estimates: moving latent `row` along a direction the head does not see leaves the velocity
 * as it was, along one of the head's columns moves it.
 */
async function expectReadThroughPositionHead(
  wide: typeof arch,
  name: string,
  dims: number[],
  row: number,
): Promise<void> {
  const model = buildActionExpertGraph(wide);
  const head = model.params.get('position_head.weight')!; // [Z, positionDim]
  const z = wide.latentDim;
  const columns = Array.from({ length: wide.positionDim }, (_, j) =>
    Array.from({ length: z }, (_, i) => Number(head.data[i * wide.positionDim + j])),
  );
  const unseen = orthogonalTo(
    columns,
    Array.from({ length: z }, (_, i) => Math.cos(3 * i + 1)),
  );
  const feeds = {
    ...actionExpertFeeds(1, 20),
    [ae.currentLatent]: randomTensor([1, z], 23),
    [ae.goalLatent]: randomTensor([1, z], 24),
    [name]: randomTensor(dims, 25),
  };
  const shifted = (direction: number[]) => ({
    ...feeds,
    [name]: tensorOf(
      dims,
      (k) => Number(feeds[name].data[k]) + (Math.floor(k / z) === row ? direction[k % z] : 0),
    ),
  });
  const base = await runModel(model, feeds);
  const blind = await runModel(model, shifted(unseen));
  expect(maxAbsDifference(base[ae.velocity], blind[ae.velocity])).toBeLessThan(1e-5);
  const seen = await runModel(model, shifted(columns[0].map((v) => v * 50)));
  expect(maxAbsDifference(base[ae.velocity], seen[ae.velocity])).toBeGreaterThan(1e-4);
}

/** `v` minus its projection onto the span of `columns` (Gram–Schmidt), scaled to unit length. */
function orthogonalTo(columns: number[][], v: number[]): number[] {
  const basis: number[][] = [];
  const dot = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i], 0);
  const without = (x: number[]) => basis.reduce((r, e) => r.map((y, i) => y - dot(r, e) * e[i]), x);
  for (const column of columns) {
    const r = without(column);
    const norm = Math.sqrt(dot(r, r));
    basis.push(r.map((y) => y / norm));
  }
  const r = without(v);
  const norm = Math.sqrt(dot(r, r));
  return r.map((y) => y / norm);
}
