import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';
import { createRng } from '../../../common/rng.ts';
import { loadOnnxFile } from '../../../nn/onnx-file.ts';
import { loadPolicy } from '../../../policies/load-policy.ts';
import { readModelManifest } from '../../../policies/model-manifest.ts';
import { createTabletopEnv } from '../../../sim/tabletop-env.ts';
import { ABSENT_POSITION } from '../../../training/state-probe.ts';
import { loadPositionOverride, withTruePositions } from '../../../training/true-positions.ts';

const MODELS = join(import.meta.dirname, '../../../models');
const ACT2GOAL = join(MODELS, 'act2goal-tabletop');
const BESO = join(MODELS, 'beso-tabletop');

/** Positions in the estimates' units: pusher and one block on the table, the second block absent. */
const TARGETS = Float32Array.of(-1.2, 0.4, 0.9, -0.3, ABSENT_POSITION, ABSENT_POSITION);

describe('true positions (eval --true-positions)', () => {
  it("moves an Act2Goal latent so that the package's linear position head reads the chosen positions", async () => {
    const override = await loadPositionOverride(ACT2GOAL, readModelManifest(ACT2GOAL));
    const graph = await loadOnnxFile(join(ACT2GOAL, 'action-expert.onnx'));
    const weight = graph.initializers.get('position_head.weight');
    const bias = graph.initializers.get('position_head.bias');
    if (!weight || !bias) throw new Error('the shipped action expert has a position head');
    const [z, p] = weight.dims;
    const rng = createRng(3);
    const latent = Float32Array.from({ length: z }, () => rng.normal());
    override(latent, TARGETS);
    for (let k = 0; k < p; k++) {
      let estimate = Number(bias.data[k]);
      for (let i = 0; i < z; i++) estimate += latent[i] * Number(weight.data[i * p + k]);
      expect(estimate).toBeCloseTo(TARGETS[k], 3);
    }
  });

  it("replaces a BESO embedding's position estimates, its last six values, and nothing else", async () => {
    const override = await loadPositionOverride(BESO, readModelManifest(BESO));
    const embedding = Float32Array.from({ length: 128 }, (_, i) => Math.sin(i));
    const before = embedding.slice();
    override(embedding, TARGETS);
    expect(embedding.slice(0, 122)).toEqual(before.slice(0, 122));
    expect(embedding.slice(122)).toEqual(TARGETS);
  });

  it("encodes each frame with the simulator's positions of the state it shows", async () => {
    const policy = await loadPolicy(BESO, { intraOpThreads: 1 });
    try {
      const env = createTabletopEnv('push1', { imageSize: policy.manifest.image.size });
      const { observation } = env.reset(1000);
      const { pusher, blocks } = env.state();
      const reading = withTruePositions(policy, await loadPositionOverride(BESO, policy.manifest), (frame) =>
        frame === observation.frame ? env.state() : undefined,
      );
      const [embedding, own] = [
        await reading.encode([observation.frame]),
        await policy.encode([observation.frame]),
      ];
      const table = (v: number) => (v - 0.5) * 4;
      const expected = [table(pusher.x), table(pusher.y), table(blocks[0].x), table(blocks[0].y)];
      embedding.slice(122).forEach((v, k) => {
        expect(v).toBeCloseTo(k < 4 ? expected[k] : ABSENT_POSITION, 5);
      });
      // the rest of the embedding is the encoder's own
      expect(embedding.slice(0, 122)).toEqual(own.slice(0, 122));
      await expect(reading.encode([new Uint8Array(observation.frame)])).rejects.toThrow(
        /frames\[0\]: no simulator state/,
      );
    } finally {
      await policy.release();
    }
  });

  it('runs goalserve eval with --true-positions', async () => {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line) => void lines.push(String(line)));
    try {
      const args = ['eval', '--model', ACT2GOAL, '--task', 'reach', '--episodes', '1', '--seed', '1000'];
      expect(await main([...args, '--json', '--true-positions'])).toBe(0);
    } finally {
      log.mockRestore();
    }
    expect(JSON.parse(lines.at(-1) ?? '{}').episodes).toBe(1);
  });
});
