import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.ts';
import { RunningStats } from './array-stats.ts';
import {
  DATASET_FORMAT,
  DATASET_VERSION,
  type DatasetManifest,
  type ShardEntry,
} from './dataset-manifest.ts';
import type { EpisodePolicy } from './episode.ts';
import { encodeEpisode } from './episode-codec.ts';
import { recordEpisode } from './rollout.ts';
import { ACTION_DIM, createTabletopEnv, PROPRIO_DIM } from './tabletop-env.ts';

/** What to record. Episode i uses layout seed `seed + i`. */
export interface DatasetOptions {
  task: string;
  episodes: number;
  seed: number;
  out: string;
  policy?: EpisodePolicy;
  /** Max std of the noise added to executed actions (see recordEpisode); 0 records clean episodes. */
  perturbation?: number;
  imageSize?: number;
  episodesPerShard?: number;
  /** Called after each episode with the number done so far. */
  onEpisode?: (done: number) => void;
}

/**
 * Records episodes of a scripted policy into `out/`: msgpack shard files (each written atomically)
 * and, last, `manifest.json` with counts, shapes, action bounds and per-dimension statistics.
 */
export function writeDataset(options: DatasetOptions): DatasetManifest {
  const policy = options.policy ?? 'expert';
  const perShard = options.episodesPerShard ?? 64;
  const env = createTabletopEnv(options.task, { imageSize: options.imageSize });
  const size = env.renderer.width;
  mkdirSync(options.out, { recursive: true });
  const proprioStats = new RunningStats(PROPRIO_DIM);
  const actionStats = new RunningStats(ACTION_DIM);
  const pixelStats = new RunningStats(3);
  const shards: ShardEntry[] = [];
  let pending: Uint8Array[] = [];
  let pendingSteps = 0;
  let successes = 0;
  let steps = 0;

  const flush = () => {
    const file = `shard-${String(shards.length).padStart(5, '0')}.msgpack`;
    writeFileAtomic(join(options.out, file), pending);
    shards.push({ file, episodes: pending.length, steps: pendingSteps });
    pending = [];
    pendingSteps = 0;
  };

  for (let i = 0; i < options.episodes; i++) {
    const episode = recordEpisode(env, policy, options.seed + i, options.perturbation ?? 0);
    proprioStats.addRows(episode.proprio);
    actionStats.addRows(episode.actions);
    pixelStats.addRows(episode.frames);
    successes += episode.success ? 1 : 0;
    steps += episode.steps;
    pending.push(encodeEpisode(episode));
    pendingSteps += episode.steps;
    if (pending.length === perShard) flush();
    options.onEpisode?.(i + 1);
  }
  if (pending.length > 0) flush();

  const manifest: DatasetManifest = {
    format: DATASET_FORMAT,
    version: DATASET_VERSION,
    task: options.task,
    policy,
    perturbation: options.perturbation ?? 0,
    firstSeed: options.seed,
    episodes: options.episodes,
    steps,
    successRate: successes / Math.max(1, options.episodes),
    imageShape: [size, size, 3],
    proprioDim: PROPRIO_DIM,
    actionDim: ACTION_DIM,
    actionBounds: { low: Array(ACTION_DIM).fill(-1), high: Array(ACTION_DIM).fill(1) },
    stats: { proprio: proprioStats.summary(), actions: actionStats.summary(), pixels: pixelStats.summary() },
    shards,
    encoding: 'msgpack-bin-le',
  };
  writeFileAtomic(
    join(options.out, 'manifest.json'),
    new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
  );
  return manifest;
}
