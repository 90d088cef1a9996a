import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream';
import { UnpackrStream } from 'msgpackr';
import { DATASET_FORMAT, type DatasetManifest } from './dataset-manifest.ts';
import type { EpisodeRecord } from './episode.ts';
import { decodeEpisode } from './episode-codec.ts';
import { SimError } from './sim-error.ts';

/** An opened dataset: its manifest, and its episodes streamed one shard at a time. */
export interface Dataset {
  readonly dir: string;
  readonly manifest: DatasetManifest;
  /** Streams every episode in order without loading the whole dataset into memory. */
  episodes(): AsyncGenerator<EpisodeRecord>;
}

/** Opens a dataset folder written by `writeDataset`, checking its manifest. */
export function openDataset(dir: string): Dataset {
  const manifestPath = join(dir, 'manifest.json');
  let manifest: DatasetManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (cause) {
    throw new SimError('BAD_DATASET', `${manifestPath}: cannot read (${(cause as Error).message})`, {
      cause,
    });
  }
  if (manifest.format !== DATASET_FORMAT || !Array.isArray(manifest.shards)) {
    throw new SimError(
      'BAD_DATASET',
      `${manifestPath}: not a goalserve dataset (format '${manifest.format}')`,
    );
  }
  return { dir, manifest, episodes: () => streamEpisodes(dir, manifest) };
}

async function* streamEpisodes(dir: string, manifest: DatasetManifest): AsyncGenerator<EpisodeRecord> {
  for (const shard of manifest.shards) {
    const stream = new UnpackrStream({ mapsAsObjects: true, useRecords: false });
    // pipeline forwards a read error (e.g. a missing shard) into `stream`, which the loop below rethrows.
    pipeline(createReadStream(join(dir, shard.file)), stream, () => {});
    let index = 0;
    try {
      for await (const raw of stream) {
        yield decodeEpisode(raw, `${shard.file} episode ${index}`);
        index += 1;
      }
    } catch (cause) {
      if (cause instanceof SimError) throw cause;
      throw new SimError('BAD_DATASET', `${shard.file}: cannot decode (${(cause as Error).message})`, {
        cause,
      });
    } finally {
      stream.destroy();
    }
    if (index !== shard.episodes) {
      throw new SimError('BAD_DATASET', `${shard.file}: expected ${shard.episodes} episodes, found ${index}`);
    }
  }
}
