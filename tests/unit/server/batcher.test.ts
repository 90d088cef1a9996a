import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../../server/batcher.ts';

/** A run that records its batches and doubles each item. */
function recordingRun(batches: number[][], fail?: (items: number[]) => boolean) {
  return async (items: number[]) => {
    batches.push(items);
    if (fail?.(items)) throw new Error(`run of ${items.join(',')} failed`);
    return items.map((x) => 2 * x);
  };
}

describe('batcher', () => {
  it('runs requests submitted in the same turn as one batch and answers each in order', async () => {
    const batches: number[][] = [];
    const batcher = createBatcher(recordingRun(batches), { maxBatchSize: 8, maxWaitUs: 0 });
    const results = await Promise.all([1, 2, 3].map((x) => batcher.submit(x)));
    expect(batches).toEqual([[1, 2, 3]]);
    expect(results.map((r) => [r.value, r.batchSize])).toEqual([
      [2, 3],
      [4, 3],
      [6, 3],
    ]);
  });

  it('splits a queue longer than maxBatchSize into full batches and a rest', async () => {
    const batches: number[][] = [];
    const batcher = createBatcher(recordingRun(batches), { maxBatchSize: 2, maxWaitUs: 0 });
    await Promise.all([1, 2, 3, 4, 5].map((x) => batcher.submit(x)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('gathers requests that arrive during a run into the next run', async () => {
    const batches: number[][] = [];
    const batcher = createBatcher(recordingRun(batches), { maxBatchSize: 8, maxWaitUs: 0 });
    const first = batcher.submit(1);
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3].map((x) => batcher.submit(x));
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('runs every request alone when maxBatchSize is 1', async () => {
    const batches: number[][] = [];
    const batcher = createBatcher(recordingRun(batches), { maxBatchSize: 1, maxWaitUs: 0 });
    await Promise.all([1, 2, 3].map((x) => batcher.submit(x)));
    expect(batches).toEqual([[1], [2], [3]]);
  });

  it('runs a full batch at once even with a long maximum wait', async () => {
    const batches: number[][] = [];
    const batcher = createBatcher(recordingRun(batches), { maxBatchSize: 2, maxWaitUs: 60_000_000 });
    await Promise.all([1, 2].map((x) => batcher.submit(x)));
    expect(batches).toEqual([[1, 2]]);
  });

  it('rejects only the requests of a failed run', async () => {
    const batches: number[][] = [];
    const batcher = createBatcher(
      recordingRun(batches, (items) => items.includes(1)),
      { maxBatchSize: 2, maxWaitUs: 0 },
    );
    const results = await Promise.allSettled([1, 2, 3].map((x) => batcher.submit(x)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe('run of 1,2 failed');
  });
});
