import type { TrainProgress } from '../nn/train-loop.ts';
import {
  BESO_TENSORS,
  type BesoArchitecture,
  DEFAULT_BESO_ARCHITECTURE,
} from '../policies/beso/beso-config.ts';
import { buildBesoEncoderGraph } from '../policies/beso/beso-graphs.ts';
import type { ModelManifest } from '../policies/model-manifest.ts';
import { DEFAULT_SAMPLER_OPTIONS, TRAINED_SIGMA_MIN } from '../policies/sampling/sampler-options.ts';
import {
  cachedEmbeddingFeed,
  createBesoDataset,
  DEFAULT_BESO_SAMPLING,
  pixelFrameFeed,
} from './beso-dataset.ts';
import { buildBesoDenoiserTrainingGraph, buildBesoTrainingGraph } from './beso-training-graph.ts';
import { loadEpisodeStore } from './episode-store.ts';
import { encodeEpisodeFrames } from './frame-cache.ts';
import { compressEpisodeFrames } from './jpeg-copies.ts';
import { type RunSettings, stageCheckpoint, startFrom, trainStageWeights } from './run-training-stage.ts';
import { writeBesoPackage } from './write-beso-package.ts';

/** The two stages of the recipe, by the name progress reports use. */
export const BESO_STAGES = ['end-to-end', 'denoiser'] as const;

/** One of {@link BESO_STAGES}. */
export type BesoStage = (typeof BESO_STAGES)[number];

/** Options of the BESO training recipe. */
export interface BesoTrainOptions extends RunSettings {
  data: string[];
  out: string;
  /** Optimizer steps per stage; 'denoiser' 0 skips the second stage. */
  steps: Record<BesoStage, number>;
  arch: Partial<BesoArchitecture>;
  /** The command line, recorded in the package manifest. */
  producedBy: string;
  onProgress?: (stage: BesoStage, progress: TrainProgress, dataSize: number) => void;
}

/**
 * Trains a BESO policy and writes a model package with the EMA weights. Stage 0 ('end-to-end'):
 * encoder and GPT denoiser together on pixels, the encoder's position estimates trained against the
 * simulator's positions, half the frames JPEG-compressed. Stage 1 ('denoiser'): the encoder frozen,
 * every frame embedded once, the denoiser trained on to the cached embeddings, several times faster
 * per step than with pixels.
 * Both: AdamW (weight decay 0.05 on matrices), global-norm clipping at 1, EMA 0.999 with warm-up,
 * goal dropout 0.1; each stage resumes from its own checkpoint.
 */
export async function trainBeso(options: BesoTrainOptions): Promise<ModelManifest> {
  const store = await loadEpisodeStore(options.data);
  const arch: BesoArchitecture = {
    ...DEFAULT_BESO_ARCHITECTURE,
    ...options.arch,
    imageSize: store.imageSize,
  };
  const { batch, seed } = options;
  const sampling = DEFAULT_BESO_SAMPLING;
  const stage = (index: number, name: BesoStage) => ({
    ...options,
    steps: options.steps[name],
    checkpoint: stageCheckpoint(options.checkpoint, index),
    onProgress: (p: TrainProgress, size: number) => options.onProgress?.(name, p, size),
  });
  const jpeg = {
    frames: await compressEpisodeFrames(store, sampling.jpeg, seed),
    share: sampling.jpeg.share,
    seed,
  };
  let weights = await trainStageWeights({
    ...stage(0, 'end-to-end'),
    model: buildBesoTrainingGraph(arch, batch, seed, sampling.positionWeight),
    data: (stepOf) =>
      createBesoDataset(store, arch, sampling, seed, stepOf, pixelFrameFeed(store, arch, jpeg)),
  });
  if (options.steps.denoiser > 0) {
    const embeddings = await encodeEpisodeFrames(
      store,
      buildBesoEncoderGraph(arch),
      weights,
      BESO_TENSORS.encoder.embedding,
    );
    const denoiser = await trainStageWeights({
      ...stage(1, 'denoiser'),
      model: startFrom(buildBesoDenoiserTrainingGraph(arch, batch, seed), weights),
      data: (stepOf) =>
        createBesoDataset(store, arch, sampling, seed, stepOf, cachedEmbeddingFeed(embeddings, arch)),
    });
    weights = new Map([...weights, ...denoiser]);
  }
  return writeBesoPackage(options.out, weights, {
    name: options.out.split('/').filter(Boolean).pop() ?? 'beso',
    producedBy: options.producedBy,
    arch,
    store,
    sampler: { ...DEFAULT_SAMPLER_OPTIONS, sigmaMin: TRAINED_SIGMA_MIN },
    // Execute 1 action of each chunk, then re-plan: pushing needs feedback (the actions-per-chunk
    // sweep in BENCHMARKS.md: push1 0.43 / 0.27 / 0.25 at 1 / 2 / 4); predicting the whole chunk
    // still shapes the denoiser.
    actionsPerChunk: 1,
  });
}
