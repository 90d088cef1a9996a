import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../../sim/dataset-reader.ts';
import { writeDataset } from '../../../sim/dataset-writer.ts';
import type { EpisodeRecord } from '../../../sim/episode.ts';
import { recordEpisode } from '../../../sim/rollout.ts';
import { createTabletopEnv } from '../../../sim/tabletop-env.ts';

const root = mkdtempSync(join(tmpdir(), 'goalserve-dataset-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function readAll(dir: string): Promise<EpisodeRecord[]> {
  const episodes: EpisodeRecord[] = [];
  for await (const episode of openDataset(dir).episodes()) episodes.push(episode);
  return episodes;
}

describe('datasets', () => {
  const dir = join(root, 'push1');
  const manifest = writeDataset({ task: 'push1', episodes: 5, seed: 20, out: dir, episodesPerShard: 2 });

  it('read back exactly the arrays that were recorded, episode by episode across shards', async () => {
    expect(manifest.shards.map((s) => s.episodes)).toEqual([2, 2, 1]);
    const env = createTabletopEnv('push1');
    const episodes = await readAll(dir);
    expect(episodes).toHaveLength(5);
    episodes.forEach((read, i) => {
      const recorded = recordEpisode(env, 'expert', 20 + i);
      expect(read.seed).toBe(20 + i);
      expect(read.steps).toBe(recorded.steps);
      expect(Buffer.compare(read.frames, recorded.frames)).toBe(0);
      expect(read.proprio).toEqual(recorded.proprio);
      expect(read.actions).toEqual(recorded.actions);
      expect(read.states).toEqual(recorded.states);
      expect(Buffer.compare(read.goalFrame, recorded.goalFrame)).toBe(0);
      expect(read.goalState).toEqual(recorded.goalState);
    });
  });

  it('record counts, shapes and per-dimension statistics computed over every step', async () => {
    const episodes = await readAll(dir);
    const actions = episodes.flatMap((e) => Array.from(e.actions));
    const xs = actions.filter((_, i) => i % 2 === 0);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(manifest.steps).toBe(xs.length);
    expect(manifest.imageShape).toEqual([64, 64, 3]);
    expect(manifest.stats.actions.mean[0]).toBeCloseTo(mean, 9);
    expect(manifest.stats.actions.std[0]).toBeCloseTo(std, 9);
    expect(manifest.stats.actions.min[0]).toBe(Math.min(...xs));
    expect(manifest.actionBounds).toEqual({ low: [-1, -1], high: [1, 1] });
  });

  it('are byte-identical when written twice with the same seed', () => {
    const again = join(root, 'push1-again');
    writeDataset({ task: 'push1', episodes: 5, seed: 20, out: again, episodesPerShard: 2 });
    for (const file of readdirSync(dir))
      expect(readFileSync(join(again, file)).equals(readFileSync(join(dir, file)))).toBe(true);
  });

  it('report a truncated shard, a missing shard and a foreign manifest by file name', async () => {
    const broken = join(root, 'broken');
    writeDataset({ task: 'reach', episodes: 3, seed: 1, out: broken, episodesPerShard: 2 });
    truncateSync(join(broken, 'shard-00000.msgpack'), 5000);
    await expect(readAll(broken)).rejects.toThrow(/shard-00000\.msgpack/);
    rmSync(join(broken, 'shard-00000.msgpack'));
    await expect(readAll(broken)).rejects.toThrow(/shard-00000\.msgpack.*ENOENT/);
    writeFileSync(join(broken, 'manifest.json'), '{"format":"other"}');
    expect(() => openDataset(broken)).toThrow(/not a goalserve dataset/);
  });
});
