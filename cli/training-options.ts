import { basename, join } from 'node:path';
import type { RunSettings } from '../training/run-training-stage.ts';
import {
  parseCommandOptions,
  readIntegerOption,
  readNumberOption,
  readRequiredOption,
  spreadListOption,
} from './options.ts';
import { UsageError } from './usage-error.ts';

/** The options every `goalserve train <family>` command takes. */
const TRAIN_OPTIONS = {
  data: { type: 'string', multiple: true },
  out: { type: 'string' },
  batch: { type: 'string' },
  seed: { type: 'string' },
  lr: { type: 'string' },
  checkpoint: { type: 'string' },
} as const;

type FamilyOptions = Parameters<typeof parseCommandOptions>[2];

/**
 * Parses `goalserve train <family>` arguments: the shared `--data DIR… --out PKG --batch --seed --lr
 * --checkpoint` plus the family's own options, whose raw values come back in `values`.
 */
export function parseTrainOptions<T extends FamilyOptions>(
  family: string,
  args: string[],
  own: T,
  defaults: { batch: number },
) {
  const values = parseCommandOptions(`train ${family}`, spreadListOption(args, 'data'), {
    ...TRAIN_OPTIONS,
    ...own,
  });
  const shared = values as { [K in keyof typeof TRAIN_OPTIONS]?: K extends 'data' ? string[] : string };
  const data = shared.data;
  if (data === undefined || data.length === 0)
    throw new UsageError('--data is required (one or more dataset folders)');
  const out = readRequiredOption('out', shared.out);
  const run: RunSettings & { data: string[]; out: string; producedBy: string } = {
    data,
    out,
    batch: readIntegerOption('batch', shared.batch, {
      min: 1,
      max: 4096,
      fallback: defaults.batch,
    }),
    seed: readIntegerOption('seed', shared.seed, { min: 0, max: 2 ** 31, fallback: 0 }),
    lr: readNumberOption('lr', shared.lr, { min: 1e-7, max: 1, fallback: 1e-3 }),
    checkpoint: shared.checkpoint ?? join('runs', `${basename(out)}.checkpoint.safetensors`),
    checkpointEvery: 250,
    producedBy: `goalserve train ${family} ${args.join(' ')}`,
  };
  return { run, values };
}
