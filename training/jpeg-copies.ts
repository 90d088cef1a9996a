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
