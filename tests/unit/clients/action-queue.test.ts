import { describe, expect, it } from 'vitest';
import { ActionQueue, type ActionQueueOptions } from '../../../clients/action-queue.ts';
import type { ActionChunk } from '../../../proto/goalserve-messages.ts';

const options: ActionQueueOptions = {
  actionDim: 1,
  actionsPerChunk: 3,
  blend: 'latest-only',
  ensembleDecay: 0,
};

/** A 1-D chunk whose actions are `values`, for steps from `first`. */
function chunk(first: number, values: number[], episode = 1): ActionChunk {
  return {
    episode,
    observationStep: first,
    firstActionStep: first,
    length: values.length,
    actionDim: 1,
    actions: values,
    timing: { queueMs: 0, decodeMs: 0, encodeMs: 0, denoiseMs: 0, totalMs: 0, batchSize: 1 },
  };
}

function takeAll(queue: ActionQueue): number[] {
  const out: number[] = [];
  for (let a = queue.take(); a !== undefined; a = queue.take()) out.push(a[0]);
  return out;
}

describe('action queue', () => {
  it('queues the first actionsPerChunk actions of a chunk and counts what it hands out', () => {
    const queue = new ActionQueue(options);
    queue.reset(1);
    expect(queue.accept(chunk(0, [10, 11, 12, 13]))).toBe(true);
    expect(queue.remaining()).toBe(3);
    expect(takeAll(queue)).toEqual([10, 11, 12]);
    expect(queue.consumed).toBe(3);
    expect(queue.step).toBe(3);
  });

  it('drops a chunk of another episode as stale', () => {
    const queue = new ActionQueue(options);
    queue.reset(2);
    expect(queue.accept(chunk(0, [1, 2, 3], 1))).toBe(false);
    expect(queue.remaining()).toBe(0);
  });

  it('drops a chunk whose steps have all been executed, and skips the executed prefix of a late one', () => {
    const queue = new ActionQueue(options);
    queue.reset(1);
    queue.accept(chunk(0, [1, 2, 3]));
    queue.take();
    queue.take();
    queue.take();
    expect(queue.accept(chunk(0, [7, 8, 9]))).toBe(false);
    expect(queue.accept(chunk(2, [20, 21, 22]))).toBe(true);
    expect(takeAll(queue)).toEqual([21, 22]);
  });

  it('lets the newest chunk win at overlapping steps with latest-only blending', () => {
    const queue = new ActionQueue(options);
    queue.reset(1);
    queue.accept(chunk(0, [1, 2, 3]));
    queue.accept(chunk(1, [20, 30, 40]));
    expect(takeAll(queue)).toEqual([1, 20, 30, 40]);
  });

  it('averages overlapping predictions with weights exp(−m·i), oldest first, under temporal ensembling', () => {
    const queue = new ActionQueue({ ...options, blend: 'temporal-ensembling', ensembleDecay: Math.log(2) });
    queue.reset(1);
    queue.accept(chunk(0, [0, 3, 6]));
    queue.accept(chunk(1, [0, 0, 0]));
    // step 0: only the first chunk; steps 1–2: weights 1 and ½ → (1·old + ½·0) / 1.5
    const [first, second, third] = takeAll(queue);
    expect(first).toBe(0);
    expect(second).toBeCloseTo(3 / 1.5, 6);
    expect(third).toBeCloseTo(6 / 1.5, 6);
  });

  it('counts only gap-free actions as remaining', () => {
    const queue = new ActionQueue(options);
    queue.reset(1);
    queue.accept(chunk(2, [1, 2, 3]));
    expect(queue.remaining()).toBe(0);
    expect(queue.take()).toBeUndefined();
  });
});
