/**
 * Runs `work` with a signal that aborts on the first Ctrl-C (SIGINT), so a training run stops after its
 * current step and leaves its checkpoint for the same command to resume from.
 */
export async function runInterruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('interrupted; resume with the same command'));
  process.once('SIGINT', onSignal);
  try {
    return await work(abort.signal);
  } finally {
    process.off('SIGINT', onSignal);
  }
}
