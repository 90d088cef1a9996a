import type { TrainProgress } from '../nn/train-loop.ts';
import { type BesoArchitecture, DEFAULT_BESO_ARCHITECTURE } from '../policies/beso/beso-config.ts';
import type { ModelManifest } from '../policies/model-manifest.ts';
import { DEFAULT_SAMPLER_OPTIONS } from '../policies/sampling/sampler-options.ts';
import { createBesoDataset, DEFAULT_BESO_SAMPLING } from './beso-dataset.ts';
import { buildBesoTrainingGraph } from './beso-training-graph.ts';
import { loadEpisodeStore } from './episode-store.ts';
import { exportedWeights, type RunSettings, runTrainingStage } from './run-training-stage.ts';
import { writeBesoPackage } from './write-beso-package.ts';

/** Options of the BESO training recipe. */
export interface BesoTrainOptions extends RunSettings {
  data: string[];
  out: string;
  steps: number;
  arch: Partial<BesoArchitecture>;
  /** The command line, recorded in the package manifest. */
  producedBy: string;
  onProgress?: (progress: TrainProgress, dataSize: number) => void;
}

/**
 * Trains a BESO policy end to end (encoder + GPT denoiser) on scripted datasets and writes a model
 * package with the EMA weights: AdamW (weight decay 0.05 on matrices), global-norm clipping at 1,
 * EMA 0.999 with warm-up, goal dropout 0.1.
 */
export async function trainBeso(options: BesoTrainOptions): Promise<ModelManifest> {
  const store = await loadEpisodeStore(options.data);
  const arch: BesoArchitecture = {
    ...DEFAULT_BESO_ARCHITECTURE,
    ...options.arch,
    imageSize: store.imageSize,
  };
  const trainer = await runTrainingStage({
    ...options,
    model: buildBesoTrainingGraph(arch, options.batch, options.seed, DEFAULT_BESO_SAMPLING.probeWeight),
    data: (stepOf) => createBesoDataset(store, arch, DEFAULT_BESO_SAMPLING, options.seed, stepOf),
  });
  const weights = exportedWeights(trainer);
  await trainer.release();
  return writeBesoPackage(options.out, weights, {
    name: options.out.split('/').filter(Boolean).pop() ?? 'beso',
    producedBy: options.producedBy,
    arch,
    store,
    sampler: { ...DEFAULT_SAMPLER_OPTIONS, sigmaMin: 0.05 },
    // Execute 2 actions of each chunk, then re-plan: pushing needs feedback (the actions-per-chunk
    // sweep in BENCHMARKS.md: push1 0.20 at 1–2, 0.08–0.12 at 4–8); the rest of the chunk still
    // keeps consecutive chunks consistent.
    actionsPerChunk: 2,
  });
}
