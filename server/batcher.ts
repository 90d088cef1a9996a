/** How a batcher gathers requests. */
export interface BatcherOptions {
  /** Most requests in one run; 1 runs every request alone. */
  maxBatchSize: number;
  /** How long an idle batcher waits for company before running, in microseconds (0 = until the current task's microtasks run). */
  maxWaitUs: number;
}

/** One request's result and where its time went. */
export interface BatchResult<O> {
  value: O;
  /** From submit until its batch started running. */
  queueMs: number;
  /** The batch's run time. */
  runMs: number;
  /** Requests in the run it shared. */
  batchSize: number;
}

/** Gathers single requests into batched runs, one run at a time. */
export interface Batcher<I, O> {
  submit(item: I): Promise<BatchResult<O>>;
}

interface Pending<I, O> {
  item: I;
  submittedAt: number;
  resolve: (result: BatchResult<O>) => void;
  reject: (error: unknown) => void;
}

/**
 * Creates a dynamic batcher around `run` (items in, one output per item, same order). Runs never
 * overlap: requests that arrive during a run form the next one, so batches grow with load and an
 * idle server answers a lone request after at most `maxWaitUs`. A failed run rejects its own items only.
 */
export function createBatcher<I, O>(
  run: (items: I[]) => Promise<O[]>,
  options: BatcherOptions,
): Batcher<I, O> {
  const queue: Pending<I, O>[] = [];
  let running = false;
  let timer: NodeJS.Timeout | NodeJS.Immediate | 'microtask' | undefined;

  const cancelTimer = () => {
    if (typeof timer === 'object' && options.maxWaitUs >= 1000) clearTimeout(timer as NodeJS.Timeout);
    else if (typeof timer === 'object') clearImmediate(timer as NodeJS.Immediate);
    timer = undefined;
  };

  const runNext = async () => {
    cancelTimer();
    if (running || queue.length === 0) return;
    running = true;
    const batch = queue.splice(0, options.maxBatchSize);
    const started = performance.now();
    try {
      const outputs = await run(batch.map((p) => p.item));
      const runMs = performance.now() - started;
      batch.forEach((p, i) => {
        p.resolve({ value: outputs[i], queueMs: started - p.submittedAt, runMs, batchSize: batch.length });
      });
    } catch (error) {
      for (const p of batch) p.reject(error);
    } finally {
      running = false;
      // Whatever queued during the run goes next, without waiting.
      if (queue.length > 0) void runNext();
    }
  };

  const schedule = () => {
    if (running) return;
    if (queue.length >= options.maxBatchSize) {
      void runNext();
    } else if (timer !== undefined) {
      return;
    } else if (options.maxWaitUs === 0) {
      // Requests submitted in the same synchronous stretch (e.g. one plan's frames) still share a run.
      timer = 'microtask';
      queueMicrotask(runNext);
    } else if (options.maxWaitUs >= 1000) {
      timer = setTimeout(runNext, options.maxWaitUs / 1000);
    } else {
      timer = setImmediate(runNext);
    }
  };

  return {
    submit(item) {
      return new Promise((resolve, reject) => {
        queue.push({ item, submittedAt: performance.now(), resolve, reject });
        schedule();
      });
    },
  };
}
