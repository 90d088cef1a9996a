import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { lastValueFrom, tap } from 'rxjs';
import type { Model } from '../nn/builder.ts';
import { loadCheckpoint } from '../nn/checkpoint.ts';
import type { TensorData } from '../nn/graph.ts';
import { warmupCosineLr } from '../nn/lr-schedule.ts';
import { NnError } from '../nn/nn-error.ts';
import { cloneTensor } from '../nn/tensor-data.ts';
import { type Dataset, type TrainProgress, train } from '../nn/train-loop.ts';
import { Trainer } from '../nn/trainer.ts';

/** How a run is optimised, whichever graph it trains. */
export interface RunSettings {
  batch: number;
  seed: number;
  /** Peak AdamW learning rate (linear warm-up, cosine decay to 10 %). */
  lr: number;
  /** Resumable checkpoint file (safetensors); training resumes from it when it exists. */
  checkpoint: string;
  checkpointEvery: number;
  signal?: AbortSignal;
}

/** One training run of one graph, resumable from its own checkpoint. */
export interface TrainingStage extends RunSettings {
  model: Model;
  /** Parameters to update (default every one); the others are fed unchanged. */
  trainable?: string[];
  /** The samples; `stepOf` reads the trainer's step, so a sample's noise can depend on it. */
  data: (stepOf: () => number) => Dataset;
  steps: number;
  onProgress?: (progress: TrainProgress, dataSize: number) => void;
}

/**
 * Trains a stage with the recipe both families share: AdamW (weight decay 0.05 on matrices), warm-up
 * over min(500, steps/10) steps then cosine decay, global-norm clipping at 1, EMA 0.999 with warm-up.
 * Resolves to the trainer, still open (the caller releases it).
 */
export async function runTrainingStage(stage: TrainingStage): Promise<Trainer> {
  const trainer = await Trainer.create(stage.model, {
    loss: 'loss',
    trainable: stage.trainable,
    optimizer: { weightDecay: 0.05 },
    lr: warmupCosineLr({
      peakLr: stage.lr,
      warmupSteps: Math.min(500, Math.ceil(stage.steps / 10)),
      totalSteps: stage.steps,
      minLr: stage.lr / 10,
    }),
    clipNorm: 1,
    emaDecay: 0.999,
  });
  if (existsSync(stage.checkpoint)) await loadCheckpoint(stage.checkpoint, trainer);
  mkdirSync(dirname(stage.checkpoint), { recursive: true });
  const data = stage.data(() => trainer.step);
  const progress = train(trainer, data, {
    batchSize: stage.batch,
    steps: stage.steps,
    seed: stage.seed,
    signal: stage.signal,
    checkpointPath: stage.checkpoint,
    checkpointEvery: stage.checkpointEvery,
  });
  try {
    await lastValueFrom(progress.pipe(tap((p) => stage.onProgress?.(p, data.size))), {
      defaultValue: undefined,
    });
  } catch (error) {
    await trainer.release();
    throw error;
  }
  return trainer;
}

/** The weights to export: the EMA of every trained parameter, the current value of every frozen one. */
export function exportedWeights(trainer: Trainer): Map<string, TensorData> {
  return new Map([...trainer.params, ...(trainer.ema?.shadow ?? [])]);
}

/** `dataset` with each batch cut to the tensors `model` takes (a recipe's samples may hold more than one graph reads). */
export function feedsOf(model: Model, dataset: Dataset): Dataset {
  const inputs = new Set(model.graph.inputs.map((v) => v.name));
  return {
    size: dataset.size,
    batch: (indices) =>
      Object.fromEntries(Object.entries(dataset.batch(indices)).filter(([n]) => inputs.has(n))),
  };
}

/** Starts a model from another stage's weights: every parameter of `model` takes a copy of the same-named weight. */
export function startFrom(model: Model, weights: Map<string, TensorData>): Model {
  for (const name of model.params.keys()) {
    const weight = weights.get(name);
    if (weight === undefined) throw new NnError('BAD_ARGUMENT', `no weight '${name}' to start from`);
    model.params.set(name, cloneTensor(weight));
  }
  return model;
}

/** Runs one stage and resolves to the weights it exports, releasing its trainer. */
export async function trainStageWeights(stage: TrainingStage): Promise<Map<string, TensorData>> {
  const trainer = await runTrainingStage(stage);
  const weights = exportedWeights(trainer);
  await trainer.release();
  return weights;
}

/** The checkpoint file of stage `index` of a multi-stage recipe: `<path without .safetensors>.stage<index>.safetensors`. */
export function stageCheckpoint(checkpoint: string, index: number): string {
  return `${checkpoint.replace(/\.safetensors$/, '')}.stage${index}.safetensors`;
}
