import { writeDataset } from '../sim/dataset-writer.ts';
import { parseCommandOptions, readIntegerOption, readNumberOption, readRequiredOption } from './options.ts';
import { readTaskOption } from './task-option.ts';
import { UsageError } from './usage-error.ts';

/** `goalserve sim dataset --task T --episodes N --seed S --out DIR [--policy expert|play] [--perturb σ] [--image-size 64]`. */
export async function runSimDataset(args: string[]): Promise<number> {
  const o = parseCommandOptions('sim dataset', args, {
    task: { type: 'string' },
    episodes: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    policy: { type: 'string', default: 'expert' },
    perturb: { type: 'string' },
    'image-size': { type: 'string' },
  });
  const task = readTaskOption(o.task);
  if (o.policy !== 'expert' && o.policy !== 'play') {
    throw new UsageError(`--policy: expected 'expert' or 'play', got '${o.policy}'`);
  }
  const episodes = readIntegerOption('episodes', o.episodes, { min: 1, max: 1_000_000 });
  const started = performance.now();
  const manifest = writeDataset({
    task,
    episodes,
    seed: readIntegerOption('seed', o.seed, { min: 0, max: 2 ** 31, fallback: 0 }),
    out: readRequiredOption('out', o.out),
    policy: o.policy,
    perturbation: readNumberOption('perturb', o.perturb, { min: 0, max: 2, fallback: 0 }),
    imageSize: readIntegerOption('image-size', o['image-size'], { min: 16, max: 1024, fallback: 64 }),
    onEpisode: (done) => {
      if (done % 50 === 0 || done === episodes)
        process.stderr.write(`\rsim dataset: ${done}/${episodes} episodes`);
    },
  });
  process.stderr.write('\n');
  const seconds = (performance.now() - started) / 1000;
  const { successRate, steps, shards } = manifest;
  console.log(
    JSON.stringify({ out: o.out, task, episodes, steps, successRate, shards: shards.length, seconds }),
  );
  return 0;
}
