import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.ts';
import { RunningStats } from './array-stats.ts';
import {
  DATASET_FORMAT,
  DATASET_VERSION,
  type DatasetManifest,
  type EpisodeDriver,
  type ShardEntry,
} from './dataset-manifest.ts';
import type { EpisodePolicy, EpisodeRecord } from './episode.ts';
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

/** Writes episodes into a dataset folder as they come, then its manifest. */
export interface DatasetWriter {
  add(episode: EpisodeRecord): void;
  /** Writes the last shard and, last, `manifest.json`. */
  finish(): DatasetManifest;
}

/** What a dataset's manifest says about how its episodes were made. */
export interface DatasetOrigin {
  task: string;
  seed: number;
  out: string;
  policy: EpisodePolicy;
  perturbation: number;
  imageSize: number;
  episodesPerShard?: number;
  driver?: EpisodeDriver;
}

/**
 * A writer into `origin.out/`: msgpack shard files (each written atomically) and, on finish,
 * `manifest.json` with counts, shapes, action bounds and per-dimension statistics.
 */
export function createDatasetWriter(origin: DatasetOrigin): DatasetWriter {
  const perShard = origin.episodesPerShard ?? 64;
  mkdirSync(origin.out, { recursive: true });
  const proprioStats = new RunningStats(PROPRIO_DIM);
  const actionStats = new RunningStats(ACTION_DIM);
  const pixelStats = new RunningStats(3);
  const shards: ShardEntry[] = [];
  let pending: Uint8Array[] = [];
  let pendingSteps = 0;
  let episodes = 0;
  let successes = 0;
  let steps = 0;

  const flush = () => {
    const file = `shard-${String(shards.length).padStart(5, '0')}.msgpack`;
    writeFileAtomic(join(origin.out, file), pending);
    shards.push({ file, episodes: pending.length, steps: pendingSteps });
    pending = [];
    pendingSteps = 0;
  };

  return {
    add(episode) {
      proprioStats.addRows(episode.proprio);
      actionStats.addRows(episode.actions);
      pixelStats.addRows(episode.frames);
      episodes += 1;
      successes += episode.success ? 1 : 0;
      steps += episode.steps;
      pending.push(encodeEpisode(episode));
      pendingSteps += episode.steps;
      if (pending.length === perShard) flush();
    },
    finish() {
      if (pending.length > 0) flush();
      const manifest: DatasetManifest = {
        format: DATASET_FORMAT,
        version: DATASET_VERSION,
        task: origin.task,
        policy: origin.policy,
        perturbation: origin.perturbation,
        ...(origin.driver === undefined ? {} : { driver: origin.driver }),
        firstSeed: origin.seed,
        episodes,
        steps,
        successRate: successes / Math.max(1, episodes),
        imageShape: [origin.imageSize, origin.imageSize, 3],
        proprioDim: PROPRIO_DIM,
        actionDim: ACTION_DIM,
        actionBounds: { low: Array(ACTION_DIM).fill(-1), high: Array(ACTION_DIM).fill(1) },
        stats: {
          proprio: proprioStats.summary(),
          actions: actionStats.summary(),
          pixels: pixelStats.summary(),
        },
        shards,
        encoding: 'msgpack-bin-le',
      };
      writeFileAtomic(
        join(origin.out, 'manifest.json'),
        new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
      );
      return manifest;
    },
  };
}

/** Records episodes of a scripted policy into a dataset folder (see {@link createDatasetWriter}). */
export function writeDataset(options: DatasetOptions): DatasetManifest {
  const policy = options.policy ?? 'expert';
  const perturbation = options.perturbation ?? 0;
  const env = createTabletopEnv(options.task, { imageSize: options.imageSize });
  const writer = createDatasetWriter({
    task: options.task,
    seed: options.seed,
    out: options.out,
    episodesPerShard: options.episodesPerShard,
    policy,
    perturbation,
    imageSize: env.renderer.width,
  });
  for (let i = 0; i < options.episodes; i++) {
    writer.add(recordEpisode(env, policy, options.seed + i, perturbation));
    options.onEpisode?.(i + 1);
  }
  return writer.finish();
}
