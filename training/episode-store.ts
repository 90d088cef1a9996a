import { RunningStats } from '../sim/array-stats.ts';
import { openDataset } from '../sim/dataset-reader.ts';
import type { EpisodeRecord } from '../sim/episode.ts';
import { SimError } from '../sim/sim-error.ts';

/** Training episodes held in memory with the statistics used to normalise them. */
export interface EpisodeStore {
  episodes: EpisodeRecord[];
  imageSize: number;
  /** Per-channel pixel mean/std (0–255) over every frame. */
  pixels: { mean: [number, number, number]; std: [number, number, number] };
  /** Per-dimension proprioception mean/std over every step. */
  proprio: { mean: number[]; std: number[] };
  /** Action bounds from the dataset manifests (min-max scaling maps them to [−1, 1]). */
  actionBounds: { low: number[]; high: number[] };
}

/** Loads every episode of the given dataset folders; all must share image size and action bounds. */
export async function loadEpisodeStore(dirs: string[]): Promise<EpisodeStore> {
  const episodes: EpisodeRecord[] = [];
  const pixelStats = new RunningStats(3);
  const proprioStats = new RunningStats(4);
  let imageSize: number | undefined;
  let actionBounds: EpisodeStore['actionBounds'] | undefined;
  for (const dir of dirs) {
    const dataset = openDataset(dir);
    const size = dataset.manifest.imageShape[0];
    if (imageSize !== undefined && size !== imageSize) {
      throw new SimError(
        'BAD_DATASET',
        `${dir}: image size ${size} differs from ${imageSize} of the other datasets`,
      );
    }
    imageSize = size;
    actionBounds ??= dataset.manifest.actionBounds;
    for await (const episode of dataset.episodes()) {
      episodes.push(episode);
      pixelStats.addRows(episode.frames);
      proprioStats.addRows(episode.proprio);
    }
  }
  if (imageSize === undefined || actionBounds === undefined || episodes.length === 0) {
    throw new SimError('BAD_DATASET', 'no episodes: pass at least one non-empty dataset folder');
  }
  const pixels = pixelStats.summary();
  const proprio = proprioStats.summary();
  return {
    episodes,
    imageSize,
    pixels: { mean: pixels.mean as [number, number, number], std: pixels.std as [number, number, number] },
    proprio: { mean: proprio.mean, std: proprio.std.map((s) => Math.max(s, 1e-6)) },
    actionBounds,
  };
}

/** Frame `index` of an episode (0..T): uint8 [S, S, 3] RGB, a view into its frames. */
export function episodeFrame(episode: EpisodeRecord, index: number): Uint8Array {
  const frameSize = 3 * episode.imageSize * episode.imageSize;
  return episode.frames.subarray(index * frameSize, (index + 1) * frameSize);
}

/** Writes step t's proprio of episode e, z-scored with the store's statistics, at `offset`. */
export function writeZScoredProprio(
  store: EpisodeStore,
  e: number,
  t: number,
  out: Float32Array,
  offset: number,
): void {
  const pd = store.proprio.mean.length;
  const raw = store.episodes[e].proprio;
  for (let p = 0; p < pd; p++) {
    out[offset + p] = (raw[t * pd + p] - store.proprio.mean[p]) / store.proprio.std[p];
  }
}
