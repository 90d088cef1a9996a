import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../../nn/checkpoint.ts';
import { exportInference } from '../../../nn/export.ts';
import { warmupCosineLr } from '../../../nn/lr-schedule.ts';
import { encodeOnnx } from '../../../nn/onnx-encode.ts';
import { OrtSession } from '../../../nn/ort-session.ts';
import { cloneTensor } from '../../../nn/tensor-data.ts';
import { batchIndices, batchSampler, type TrainProgress, train } from '../../../nn/train-loop.ts';
import { Trainer } from '../../../nn/trainer.ts';
import { previousTokenTask, quadrantTask, sineRegression, type Task } from './tasks.ts';

async function trainTask(
  task: Task,
  steps: number,
  peakLr: number,
): Promise<{ trainer: Trainer; log: TrainProgress[] }> {
  const lr = warmupCosineLr({ peakLr, warmupSteps: 20, totalSteps: steps });
  const trainer = await Trainer.create(task.model, { loss: 'loss', lr, clipNorm: 1, emaDecay: 0.99 });
  const log = await lastValueFrom(
    train(trainer, task.data, { batchSize: 32, steps, seed: 1 }).pipe(toArray()),
  );
  return { trainer, log };
}

async function accuracy(task: Task, trainer: Trainer): Promise<number> {
  const graph = exportInference(task.model.graph, trainer.params, ['logits']);
  const session = await OrtSession.create(encodeOnnx(graph), graph);
  const batch = task.data.batch(batchIndices(0, task.data.size, 32, 99));
  const feeds = Object.fromEntries(graph.inputs.map((v) => [v.name, batch[v.name]]));
  const logits = (await session.run(feeds)).logits;
  const target = batch.target.data as Float32Array;
  const classes = logits.dims[logits.dims.length - 1];
  let correct = 0;
  const rows = logits.data.length / classes;
  for (let r = 0; r < rows; r++) {
    const row = Array.from(logits.data.subarray(r * classes, (r + 1) * classes) as Float32Array);
    if (target[r * classes + row.indexOf(Math.max(...row))] === 1) correct++;
  }
  await session.release();
  return correct / rows;
}

describe('training converges', () => {
  it('fits y = sin(3x) with an MLP', async () => {
    const task = sineRegression(32);
    const { trainer, log } = await trainTask(task, 400, 1e-2);
    expect(log).toHaveLength(400);
    const tail = log.slice(-20).reduce((s, p) => s + p.loss, 0) / 20;
    expect(log[0].loss).toBeGreaterThan(0.1);
    expect(tail).toBeLessThan(0.01);
    await trainer.release();
  });

  it('teaches a causal transformer to output the previous token', async () => {
    const task = previousTokenTask(32);
    const { trainer } = await trainTask(task, 300, 1e-2);
    expect(await accuracy(task, trainer)).toBeGreaterThan(0.95);
    await trainer.release();
  });

  it('teaches a conv encoder which quadrant holds a bright square', async () => {
    const task = quadrantTask(32);
    const { trainer } = await trainTask(task, 150, 1e-2);
    expect(await accuracy(task, trainer)).toBeGreaterThan(0.95);
    await trainer.release();
  });
});

describe('train loop', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nn-train-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resumes from a checkpoint on the same loss curve', async () => {
    const task = sineRegression(32);
    const initial = new Map([...task.model.params].map(([k, v]) => [k, cloneTensor(v)]));
    const path = join(dir, 'ckpt.safetensors');
    const opts = {
      loss: 'loss',
      lr: warmupCosineLr({ peakLr: 1e-2, warmupSteps: 5, totalSteps: 30 }),
      emaDecay: 0.9,
    };
    const first = await Trainer.create(task.model, opts);
    const full = await lastValueFrom(
      train(first, task.data, {
        batchSize: 32,
        steps: 30,
        seed: 4,
        checkpointPath: path,
        checkpointEvery: 15,
      }).pipe(take(15), toArray()),
    );
    const rest = await lastValueFrom(
      train(first, task.data, { batchSize: 32, steps: 30, seed: 4 }).pipe(toArray()),
    );
    const second = await Trainer.create({ graph: task.model.graph, params: initial }, opts);
    await loadCheckpoint(path, second);
    expect(second.step).toBe(15);
    const resumed = await lastValueFrom(
      train(second, task.data, { batchSize: 32, steps: 30, seed: 4 }).pipe(toArray()),
    );
    expect(resumed.map((p) => p.step)).toEqual(rest.map((p) => p.step));
    for (const [i, p] of resumed.entries()) expect(p.loss).toBeCloseTo(rest[i].loss, 6);
    expect(full).toHaveLength(15);
    await first.release();
    await second.release();
  });

  it('emits nothing more after unsubscribe, errors on abort, and completes at the step budget', async () => {
    const task = sineRegression(32);
    const trainer = await Trainer.create(task.model, { loss: 'loss' });
    const three = await lastValueFrom(
      train(trainer, task.data, { batchSize: 32, steps: 100, seed: 1 }).pipe(take(3), toArray()),
    );
    expect(three.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(trainer.step).toBe(3);
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(
      lastValueFrom(
        train(trainer, task.data, { batchSize: 32, steps: 100, seed: 1, signal: controller.signal }),
      ),
    ).rejects.toThrow('stop now');
    const done = await lastValueFrom(
      train(trainer, task.data, { batchSize: 32, steps: 6, seed: 1 }).pipe(toArray()),
    );
    expect(done.map((p) => p.step)).toEqual([4, 5, 6]);
    expect(done[0]).toMatchObject({ epoch: 0, samplesPerSec: expect.any(Number), lr: 1e-3 });
    const empty = await lastValueFrom(
      train(trainer, task.data, { batchSize: 32, steps: 6, seed: 1 }).pipe(toArray()),
    );
    expect(empty).toEqual([]);
    await trainer.release();
  });

  it('orders data by (seed, epoch): every sample once per epoch, different across epochs', () => {
    const epoch0 = [0, 1, 2, 3].flatMap((s) => Array.from(batchIndices(s, 8, 2, 9)));
    const epoch1 = [4, 5, 6, 7].flatMap((s) => Array.from(batchIndices(s, 8, 2, 9)));
    expect([...epoch0].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(epoch1).not.toEqual(epoch0);
    expect(Array.from(batchIndices(2, 8, 2, 9))).toEqual(epoch0.slice(4, 6));
  });

  it('samples the same batches from a cached epoch order, in any step order', () => {
    const indicesOf = batchSampler(10, 3, 4);
    for (const step of [0, 1, 2, 3, 7, 8, 4, 0, 2]) {
      expect(Array.from(indicesOf(step))).toEqual(Array.from(batchIndices(step, 10, 3, 4)));
    }
    expect(() => batchSampler(2, 3, 4)).toThrow('smaller than batch size');
  });
});
