import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChunkPolicy } from '../../../policies/chunk-policy.ts';
import { loadPolicy } from '../../../policies/load-policy.ts';
import { openDataset } from '../../../sim/dataset-reader.ts';
import type { EpisodeRecord } from '../../../sim/episode.ts';
import { createEpisodePolicy, recordEpisode } from '../../../sim/rollout.ts';
import { createTabletopEnv } from '../../../sim/tabletop-env.ts';
import type { WorldState } from '../../../sim/world.ts';
import {
  type DriverOptions,
  recordDrivenEpisode,
  writeDrivenDataset,
} from '../../../training/driven-dataset.ts';

// the shipped BESO package drives: a real ONNX Runtime policy, small and fast at batch 1
const MODEL = join(import.meta.dirname, '../../../models/beso-tabletop');
const root = mkdtempSync(join(tmpdir(), 'goalserve-driven-'));
let policy: ChunkPolicy;
beforeAll(async () => {
  policy = await loadPolicy(MODEL, { intraOpThreads: 1 });
});
afterAll(async () => {
  await policy?.release();
  rmSync(root, { recursive: true, force: true });
});

const driver = (ticks: number): DriverOptions => ({
  policy,
  model: MODEL,
  sampler: policy.manifest.sampler,
  ticks,
});

/** The world state of tick t of an episode, from its flat `states` rows. */
function stateAt(episode: EpisodeRecord, t: number): WorldState {
  const size = episode.states.length / (episode.steps + 1);
  const row = Array.from(episode.states.subarray(t * size, (t + 1) * size));
  const points = Array.from({ length: size / 2 }, (_, k) => ({ x: row[2 * k], y: row[2 * k + 1] }));
  return { pusher: points[0], blocks: points.slice(1) };
}

describe('driven datasets (DAgger)', () => {
  const env = createTabletopEnv('push2');

  it('without driving ticks record exactly the perturbed expert episode of the same seed', async () => {
    for (const seed of [3, 4]) {
      const driven = await recordDrivenEpisode(env, seed, driver(0), 0.5);
      const expert = recordEpisode(env, 'expert', seed, 0.5);
      expect(expert.success).toBe(true);
      expect(driven.steps).toBe(expert.steps);
      expect(driven.actions).toEqual(expert.actions);
      expect(driven.states).toEqual(expert.states);
      expect(Buffer.compare(driven.frames, expert.frames)).toBe(0);
    }
  });

  it("record at every tick the expert's action for the state the driven robot was in", async () => {
    const seed = 5;
    const driven = await recordDrivenEpisode(env, seed, driver(80));
    const expertOnly = recordEpisode(env, 'expert', seed);
    // the driver moved the robot elsewhere than the expert would have
    const firstTicks = Math.min(driven.steps, expertOnly.steps, 20) * 6;
    expect(driven.states.subarray(0, firstTicks)).not.toEqual(expertOnly.states.subarray(0, firstTicks));
    // yet each recorded action is what a fresh expert of this seed says in that state (the states
    // are stored as float32, hence the tolerance)
    env.reset(seed);
    const goal = env.goal().state;
    const expert = createEpisodePolicy(env, 'expert', seed);
    for (let t = 0; t < driven.steps; t++) {
      const [x, y] = expert.act(stateAt(driven, t), goal);
      expect(driven.actions[2 * t]).toBeCloseTo(x, 4);
      expect(driven.actions[2 * t + 1]).toBeCloseTo(y, 4);
    }
    expect(driven.success).toBe(true);
  });

  it('write a dataset whose manifest names the driver, readable like any other', async () => {
    const out = join(root, 'push2-driven');
    const manifest = await writeDrivenDataset({
      task: 'push2',
      episodes: 2,
      seed: 7,
      out,
      driver: driver(30),
    });
    expect(manifest).toMatchObject({ policy: 'expert', episodes: 2, driver: { model: MODEL, ticks: 30 } });
    const episodes: EpisodeRecord[] = [];
    for await (const episode of openDataset(out).episodes()) episodes.push(episode);
    expect(episodes.map((e) => e.seed)).toEqual([7, 8]);
    expect(manifest.steps).toBe(episodes[0].steps + episodes[1].steps);
  });
});
