import { parseArgs } from 'node:util';
import { percentile } from '../common/percentile.ts';
import { createRng } from '../common/rng.ts';
import type { TensorData } from '../nn/graph.ts';
import { Trainer } from '../nn/trainer.ts';
import { DEFAULT_ACT2GOAL_ARCHITECTURE } from '../policies/act2goal/act2goal-config.ts';
import { buildAutoencoderTrainingGraph, POSITION_WEIGHT } from '../training/act2goal-training-graphs.ts';

/**
 * `npm run bench -- conv [--batch B --steps N --threads T]`: a training step of the convolutional
 * Act2Goal autoencoder (64×64 frames, stage 0 of `train act2goal`) on random frames: one ONNX Runtime
 * call for loss and gradients, clipping and AdamW, median of N steps after 2 warm-up steps.
 */
export async function runConvBench(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      batch: { type: 'string', default: '128' },
      steps: { type: 'string', default: '10' },
      threads: { type: 'string', default: '2' },
    },
  });
  const batch = Number(values.batch);
  const model = buildAutoencoderTrainingGraph(DEFAULT_ACT2GOAL_ARCHITECTURE, batch, 0, POSITION_WEIGHT);
  const trainer = await Trainer.create(model, {
    loss: 'loss',
    lr: () => 1e-4,
    clipNorm: 1,
    session: { intraOpThreads: Number(values.threads) },
  });
  const rng = createRng(1);
  const feeds: Record<string, TensorData> = {};
  for (const input of model.graph.inputs.filter((v) => !model.params.has(v.name))) {
    const dims = input.dims as number[];
    const data = Float32Array.from({ length: dims.reduce((a, d) => a * d, 1) }, () => rng.normal());
    feeds[input.name] = { dtype: 'float32', dims, data };
  }
  for (let i = 0; i < 2; i++) await trainer.trainStep(feeds);
  const times: number[] = [];
  for (let i = 0; i < Number(values.steps); i++) {
    const t0 = performance.now();
    await trainer.trainStep(feeds);
    times.push(performance.now() - t0);
  }
  await trainer.release();
  const stepMs = percentile(times, 50);
  console.log(
    JSON.stringify({
      bench: 'act2goal autoencoder training step',
      batch,
      threads: Number(values.threads),
      stepMsP50: Number(stepMs.toFixed(1)),
      samplesPerSecond: Math.round((1000 * batch) / stepMs),
    }),
  );
}
