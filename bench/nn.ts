import { parseArgs } from 'node:util';
import { percentile } from '../common/percentile.ts';
import { createRng } from '../common/rng.ts';
import { exportInference } from '../nn/export.ts';
import type { TensorData } from '../nn/graph.ts';
import { encodeOnnx } from '../nn/onnx-encode.ts';
import { OrtSession } from '../nn/ort-session.ts';
import { Trainer } from '../nn/trainer.ts';
import { besoSize, buildDenoiser } from './denoiser-model.ts';

function randomTensor(dims: number[], seed: number): TensorData {
  const rng = createRng(seed);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { dtype: 'float32', dims, data };
}

/** Training throughput and forward latency of the BESO-size transformer on ONNX Runtime's CPU provider. */
export async function runNnBench(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      batch: { type: 'string', default: '256' },
      steps: { type: 'string', default: '10' },
      threads: { type: 'string', default: '2' },
    },
  });
  const batch = Number(values.batch);
  const steps = Number(values.steps);
  const session = { intraOpThreads: Number(values.threads) };
  const size = besoSize;
  const model = buildDenoiser(size, batch);
  const paramCount = [...model.params.values()].reduce((n, p) => n + p.data.length, 0);
  const trainer = await Trainer.create(model, { loss: 'loss', lr: () => 1e-4, clipNorm: 1, session });
  const feeds = {
    tokens: randomTensor([batch, size.tokens, size.inFeatures], 1),
    target: randomTensor([batch, size.tokens, size.outFeatures], 2),
  };
  for (let i = 0; i < 2; i++) await trainer.trainStep(feeds);
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await trainer.trainStep(feeds);
    times.push(performance.now() - t0);
  }
  // The optimizer's share of a step: AdamW over every parameter with fresh gradients.
  const grads = new Map([...model.params].map(([k, p]) => [k, randomTensor(p.dims, 4)]));
  const adamTimes: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    trainer.optimizer.step(grads, 1e-4);
    adamTimes.push(performance.now() - t0);
  }
  await trainer.release();
  const stepMs = percentile(times, 50);
  console.log(
    `model: d=${size.d} layers=${size.layers} heads=${size.heads} tokens=${size.tokens}, ${paramCount} params`,
  );
  console.log(
    `AdamW update of all parameters (typed-array loop): ${percentile(adamTimes, 50).toFixed(2)} ms (median of ${steps})`,
  );
  console.log(
    `train  batch ${batch}: ${stepMs.toFixed(1)} ms/step (median of ${steps}), ${(1000 / stepMs).toFixed(2)} steps/s, ${((1000 * batch) / stepMs).toFixed(0)} samples/s`,
  );

  const inference = buildDenoiser(size, 'batch', 0, false);
  const graph = exportInference(inference.graph, inference.params, ['pred']);
  const forward = await OrtSession.create(encodeOnnx(graph), graph, session);
  for (const b of [1, 8, 32]) {
    const input = { tokens: randomTensor([b, size.tokens, size.inFeatures], 3) };
    for (let i = 0; i < 5; i++) await forward.run(input);
    const lat: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      await forward.run(input);
      lat.push(performance.now() - t0);
    }
    console.log(`forward batch ${b}: ${percentile(lat, 50).toFixed(2)} ms (median of 50)`);
  }
  await forward.release();
}
