import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Observable } from 'rxjs';
import { lastValueFrom, tap } from 'rxjs';
import { loadCheckpoint } from '../nn/checkpoint.ts';
import { warmupCosineLr } from '../nn/lr-schedule.ts';
import { type TrainProgress, train } from '../nn/train-loop.ts';
import { Trainer } from '../nn/trainer.ts';
import { type BesoArchitecture, DEFAULT_BESO_ARCHITECTURE } from '../policies/beso/beso-config.ts';
import type { ModelManifest } from '../policies/model-manifest.ts';
import { DEFAULT_SAMPLER_OPTIONS } from '../policies/sampling/sampler-options.ts';
import { createBesoDataset, DEFAULT_BESO_SAMPLING } from './beso-dataset.ts';
import { buildBesoTrainingGraph } from './beso-training-graph.ts';
import { loadEpisodeStore } from './episode-store.ts';
import { writeBesoPackage } from './write-beso-package.ts';

/** Options of the BESO training recipe. */
export interface BesoTrainOptions {
  data: string[];
  out: string;
  steps: number;
  batch: number;
  seed: number;
  /** Peak AdamW learning rate (linear warm-up, cosine decay to 10 %). */
  lr: number;
  /** Resumable checkpoint file (safetensors); training resumes from it when it exists. */
  checkpoint: string;
  checkpointEvery: number;
  arch: Partial<BesoArchitecture>;
  /** The command line, recorded in the package manifest. */
  producedBy: string;
  signal?: AbortSignal;
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
  const model = buildBesoTrainingGraph(arch, options.batch, options.seed, DEFAULT_BESO_SAMPLING.probeWeight);
  const trainer = await Trainer.create(model, {
    loss: 'loss',
    optimizer: { weightDecay: 0.05 },
    lr: warmupCosineLr({
      peakLr: options.lr,
      warmupSteps: Math.min(500, Math.ceil(options.steps / 10)),
      totalSteps: options.steps,
      minLr: options.lr / 10,
    }),
    clipNorm: 1,
    emaDecay: 0.999,
  });
  if (existsSync(options.checkpoint)) await loadCheckpoint(options.checkpoint, trainer);
  mkdirSync(dirname(options.checkpoint), { recursive: true });
  const data = createBesoDataset(store, arch, DEFAULT_BESO_SAMPLING, options.seed, () => trainer.step);
  const progress: Observable<TrainProgress> = train(trainer, data, {
    batchSize: options.batch,
    steps: options.steps,
    seed: options.seed,
    signal: options.signal,
    checkpointPath: options.checkpoint,
    checkpointEvery: options.checkpointEvery,
  });
  await lastValueFrom(progress.pipe(tap((p) => options.onProgress?.(p, data.size))), {
    defaultValue: undefined,
  });
  const weights = trainer.ema?.shadow ?? trainer.params;
  await trainer.release();
  return writeBesoPackage(options.out, weights, {
    name: options.out.split('/').filter(Boolean).pop() ?? 'beso',
    producedBy: options.producedBy,
    arch,
    store,
    sampler: { ...DEFAULT_SAMPLER_OPTIONS, sigmaMin: 0.05 },
    // Execute two thirds of each chunk, then re-plan from a fresh observation.
    actionsPerChunk: Math.max(1, Math.round((2 * arch.chunk) / 3)),
  });
}
