import sharp from 'sharp';
import { createRng, deriveSeed } from '../common/rng.ts';
import { type EpisodeStore, episodeFrame } from './episode-store.ts';

/** How training mixes JPEG-compressed frames in with the simulator's lossless renders. */
export interface JpegAugmentation {
  /** Probability that a frame slot of a batch gets the frame's JPEG copy instead of the original. */
  share: number;
  /** Bounds of the JPEG quality, drawn uniformly per frame. */
  qualityMin: number;
  qualityMax: number;
}

/**
 * Half the frames JPEG-compressed at quality 60–100: trained on lossless renders only, BESO's encoder
 * moved a block's position by 0.07 table units on quality-100 JPEG frames (pixel error 0.65 levels)
 * and pushing over gRPC with JPEG failed (BENCHMARKS.md, server section).
 */
export const DEFAULT_JPEG_AUGMENTATION: JpegAugmentation = { share: 0.5, qualityMin: 60, qualityMax: 100 };

/** JPEG round trips in flight at once (sharp runs them on libuv's thread pool). */
const IN_FLIGHT = 32;

/**
 * Round-trips every frame of every episode through JPEG with sharp — the library the server decodes
 * with — at a quality drawn uniformly from [qualityMin, qualityMax] and with 4:4:4 or 4:2:0 chroma,
 * both chosen from (seed, episode, frame). Robot cameras and our client send JPEG, whose artefacts the
 * simulator's renders lack → per episode uint8 [T + 1, S, S, 3], laid out like its frames.
 */
export async function compressEpisodeFrames(
  store: EpisodeStore,
  augmentation: JpegAugmentation,
  seed: number,
): Promise<Uint8Array[]> {
  const size = store.imageSize;
  const copies = store.episodes.map((episode) => new Uint8Array(episode.frames.length));
  const jobs = store.episodes.flatMap((episode, e) =>
    Array.from({ length: episode.steps + 1 }, (_, t) => ({ e, t })),
  );
  let next = 0;
  const worker = async () => {
    for (let job = jobs[next++]; job !== undefined; job = jobs[next++]) {
      const { e, t } = job;
      const rng = createRng(deriveSeed(seed, e, t));
      const { qualityMin, qualityMax } = augmentation;
      const quality = qualityMin + Math.floor(rng.next() * (qualityMax - qualityMin + 1));
      const chromaSubsampling = rng.next() < 0.5 ? '4:4:4' : '4:2:0';
      const jpeg = await sharp(episodeFrame(store.episodes[e], t), {
        raw: { width: size, height: size, channels: 3 },
      })
        .jpeg({ quality, chromaSubsampling })
        .toBuffer();
      const pixels = await sharp(jpeg).raw().toBuffer();
      copies[e].set(pixels, t * pixels.length);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return copies;
}

/** JPEG copies of a store's frames (see compressEpisodeFrames) and how often a batch slot takes one. */
export interface JpegCopies {
  frames: readonly Uint8Array[];
  share: number;
  seed: number;
}

/**
 * Frame `t` of episode `e` as a batch slot sees it: the frame's JPEG copy with probability
 * `jpeg.share`, drawn from (seed, step, ...slot) so a resumed run feeds the same pixels, else the
 * lossless render → uint8 [S, S, 3].
 */
export function frameAsSeen(
  store: EpisodeStore,
  e: number,
  t: number,
  jpeg: JpegCopies | undefined,
  step: number,
  ...slot: number[]
): Uint8Array {
  if (jpeg === undefined || createRng(deriveSeed(jpeg.seed, step, ...slot)).next() >= jpeg.share)
    return episodeFrame(store.episodes[e], t);
  const frameSize = 3 * store.imageSize * store.imageSize;
  return jpeg.frames[e].subarray(t * frameSize, (t + 1) * frameSize);
}
