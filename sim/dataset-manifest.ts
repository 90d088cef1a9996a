import type { FeatureStats } from './array-stats.ts';
import type { EpisodePolicy } from './episode.ts';

/** The dataset format tag and version written into every manifest. */
export const DATASET_FORMAT = 'goalserve-episodes';
export const DATASET_VERSION = 1;

/** One shard file: a stream of msgpack-encoded episodes. */
export interface ShardEntry {
  file: string;
  episodes: number;
  steps: number;
}

/**
 * A learned policy that drove the first ticks of each episode (DAgger, Ross et al. 2011): episode i
 * hands over to the scripted expert after a tick drawn uniformly from 0..`ticks`.
 */
export interface EpisodeDriver {
  /** The model package folder, as given. */
  model: string;
  /** The latest hand-over tick. */
  ticks: number;
}

/** `manifest.json` of a dataset folder. */
export interface DatasetManifest {
  format: typeof DATASET_FORMAT;
  version: number;
  task: string;
  policy: EpisodePolicy;
  /** Max std of the noise added to executed actions while recording (absent in older datasets = 0). */
  perturbation?: number;
  /** Set where a learned policy drove each episode's first ticks while the expert's actions were recorded. */
  driver?: EpisodeDriver;
  /** Layout seeds are firstSeed, firstSeed + 1, …, firstSeed + episodes − 1. */
  firstSeed: number;
  episodes: number;
  /** Total actions over all episodes. */
  steps: number;
  successRate: number;
  /** [H, W, 3]. */
  imageShape: [number, number, number];
  proprioDim: number;
  actionDim: number;
  actionBounds: { low: number[]; high: number[] };
  stats: { proprio: FeatureStats; actions: FeatureStats; pixels: FeatureStats };
  shards: ShardEntry[];
  /** Little-endian raw arrays inside msgpack `bin` fields; see sim/episode.ts for shapes. */
  encoding: 'msgpack-bin-le';
}
