import { trainBeso } from '../training/train-beso.ts';
import { runInterruptible } from './interruptible.ts';
import { readIntegerOption } from './options.ts';
import { createProgressLine, formatTrainProgress } from './progress-line.ts';
import { parseTrainOptions } from './training-options.ts';

/** `goalserve train beso --data DIR… --out PKG [--steps --batch --seed --lr --checkpoint]`. */
export async function runTrainBeso(args: string[]): Promise<number> {
  const { run, values } = parseTrainOptions('beso', args, { steps: { type: 'string' } }, { batch: 128 });
  const steps = readIntegerOption('steps', values.steps, { min: 1, max: 10_000_000, fallback: 6000 });
  const progress = createProgressLine('train beso', steps);
  const manifest = await runInterruptible((signal) =>
    trainBeso({
      ...run,
      steps,
      arch: {},
      signal,
      onProgress: (p, size) => progress.update(p.step, formatTrainProgress(p, size)),
    }),
  );
  progress.finish();
  console.log(JSON.stringify({ out: run.out, family: manifest.family, steps }));
  return 0;
}
