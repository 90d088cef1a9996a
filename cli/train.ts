import { basename, join } from 'node:path';
import { trainBeso } from '../training/train-beso.ts';
import {
  parseCommandOptions,
  readIntegerOption,
  readNumberOption,
  readRequiredOption,
  spreadListOption,
} from './options.ts';
import { createProgressLine } from './progress-line.ts';
import { UsageError } from './usage-error.ts';

/** `goalserve train beso --data DIR… --out PKG [--steps --batch --seed --lr --checkpoint]`. */
export async function runTrain(args: string[]): Promise<number> {
  const [family, ...rest] = args;
  if (family !== 'beso')
    throw new UsageError(`train: expected a policy family (beso), got '${family ?? ''}'`);
  const o = parseCommandOptions('train beso', spreadListOption(rest, 'data'), {
    data: { type: 'string', multiple: true },
    out: { type: 'string' },
    steps: { type: 'string' },
    batch: { type: 'string' },
    seed: { type: 'string' },
    lr: { type: 'string' },
    checkpoint: { type: 'string' },
  });
  if (o.data === undefined || o.data.length === 0)
    throw new UsageError('--data is required (one or more dataset folders)');
  const out = readRequiredOption('out', o.out);
  const steps = readIntegerOption('steps', o.steps, { min: 1, max: 10_000_000, fallback: 6000 });
  const progress = createProgressLine('train beso', steps);
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('interrupted; resume with the same command'));
  process.once('SIGINT', onSignal);
  try {
    const manifest = await trainBeso({
      data: o.data,
      out,
      steps,
      batch: readIntegerOption('batch', o.batch, { min: 1, max: 4096, fallback: 128 }),
      seed: readIntegerOption('seed', o.seed, { min: 0, max: 2 ** 31, fallback: 0 }),
      lr: readNumberOption('lr', o.lr, { min: 1e-7, max: 1, fallback: 1e-3 }),
      checkpoint: o.checkpoint ?? join('runs', `${basename(out)}.checkpoint.safetensors`),
      checkpointEvery: 250,
      arch: {},
      producedBy: `goalserve train beso ${args.slice(1).join(' ')}`,
      signal: abort.signal,
      onProgress: (p, size) =>
        progress.update(
          p.step,
          `loss ${p.loss.toFixed(4)} lr ${p.lr.toExponential(2)} ${Math.round(p.samplesPerSec)} samples/s (${size} samples)`,
        ),
    });
    progress.finish();
    console.log(JSON.stringify({ out, family: manifest.family, steps }));
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
  }
}
