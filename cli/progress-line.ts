/** A one-line progress bar on stderr: `label  [#####.....] step/total  detail  eta`. */
export function createProgressLine(label: string, total: number) {
  const started = Date.now();
  let first: { step: number; at: number } | undefined;
  let lastDraw = 0;
  // Redraw twice a second on a terminal; in a log file, one line every 10 s.
  const intervalMs = process.stderr.isTTY ? 500 : 10_000;
  return {
    update(step: number, detail: string) {
      const now = Date.now();
      first ??= { step, at: now };
      if (now - lastDraw < intervalMs && step < total) return;
      lastDraw = now;
      const done = Math.round((20 * step) / total);
      const rate = (step - first.step) / Math.max(1e-3, (now - first.at) / 1000);
      const eta = rate > 0 ? `eta ${Math.round((total - step) / rate)}s` : '';
      const line = `${label} [${'#'.repeat(done)}${'.'.repeat(20 - done)}] ${step}/${total} ${detail} ${eta}`;
      process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
    },
    finish() {
      process.stderr.write(
        `${process.stderr.isTTY ? '\n' : ''}${label}: done in ${Math.round((Date.now() - started) / 1000)}s\n`,
      );
    },
  };
}

/** The detail of a training progress line: loss, learning rate, throughput and dataset size. */
export function formatTrainProgress(
  p: { loss: number; lr: number; samplesPerSec: number },
  dataSize: number,
): string {
  return `loss ${p.loss.toFixed(4)} lr ${p.lr.toExponential(2)} ${Math.round(p.samplesPerSec)} samples/s (${dataSize} samples)`;
}

/** Progress of a multi-stage recipe: one progress line per stage, started when the stage reports its first step. */
export function createStageProgress<S extends string>(label: string, totals: Record<S, number>) {
  let current: { stage: S; line: ReturnType<typeof createProgressLine> } | undefined;
  return {
    update(stage: S, p: { step: number; loss: number; lr: number; samplesPerSec: number }, dataSize: number) {
      if (current?.stage !== stage) {
        current?.line.finish();
        current = { stage, line: createProgressLine(`${label} ${stage}`, totals[stage]) };
      }
      current.line.update(p.step, formatTrainProgress(p, dataSize));
    },
    finish() {
      current?.line.finish();
    },
  };
}
