import { trainBeso } from '../training/train-beso.ts';
import { runInterruptible } from './interruptible.ts';
import { readIntegerOption } from './options.ts';
import { createStageProgress } from './progress-line.ts';
import { parseTrainOptions } from './training-options.ts';

/**
 * `goalserve train beso --data DIR… --out PKG [--steps --denoiser-steps --batch --seed --lr
 * --checkpoint]`: `--steps` end-to-end steps on pixels, then `--denoiser-steps` on cached embeddings
 * of the frozen encoder (0 skips that stage).
 */
export async function runTrainBeso(args: string[]): Promise<number> {
  const { run, values } = parseTrainOptions(
    'beso',
    args,
    { steps: { type: 'string' }, 'denoiser-steps': { type: 'string' } },
    { batch: 128 },
  );
  const steps = {
    'end-to-end': readIntegerOption('steps', values.steps, { min: 1, max: 10_000_000, fallback: 3000 }),
    denoiser: readIntegerOption('denoiser-steps', values['denoiser-steps'], {
      min: 0,
      max: 10_000_000,
      fallback: 10_000,
    }),
  };
  const progress = createStageProgress('train beso', steps);
  const manifest = await runInterruptible((signal) =>
    trainBeso({ ...run, steps, arch: {}, signal, onProgress: progress.update }),
  );
  progress.finish();
  console.log(JSON.stringify({ out: run.out, family: manifest.family, steps }));
  return 0;
}
