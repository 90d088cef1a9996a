import { loadPolicy } from '../policies/load-policy.ts';
import type { DatasetManifest } from '../sim/dataset-manifest.ts';
import { writeDataset } from '../sim/dataset-writer.ts';
import { writeDrivenDataset } from '../training/driven-dataset.ts';
import { parseCommandOptions, readIntegerOption, readNumberOption, readRequiredOption } from './options.ts';
import { readTaskOption } from './task-option.ts';
import { UsageError } from './usage-error.ts';

/**
 * `goalserve sim dataset --task T --episodes N --seed S --out DIR [--policy expert|play] [--perturb σ]
 * [--image-size 64] [--driver PKG --driver-ticks H]`. With `--driver`, a model package drives each
 * expert episode's first 0..H ticks (DAgger); the expert's actions are recorded throughout.
 */
export async function runSimDataset(args: string[]): Promise<number> {
  const o = parseCommandOptions('sim dataset', args, {
    task: { type: 'string' },
    episodes: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    policy: { type: 'string', default: 'expert' },
    perturb: { type: 'string' },
    'image-size': { type: 'string' },
    driver: { type: 'string' },
    'driver-ticks': { type: 'string' },
  });
  const task = readTaskOption(o.task);
  if (o.policy !== 'expert' && o.policy !== 'play') {
    throw new UsageError(`--policy: expected 'expert' or 'play', got '${o.policy}'`);
  }
  if (o.driver !== undefined && o.policy !== 'expert') {
    throw new UsageError(`--driver: drives expert episodes only, got --policy '${o.policy}'`);
  }
  if (o.driver === undefined && o['driver-ticks'] !== undefined) {
    throw new UsageError('--driver-ticks: needs --driver');
  }
  if (o.driver !== undefined && o['image-size'] !== undefined) {
    throw new UsageError("--image-size: a driven dataset uses the driver's image size");
  }
  const episodes = readIntegerOption('episodes', o.episodes, { min: 1, max: 1_000_000 });
  const seed = readIntegerOption('seed', o.seed, { min: 0, max: 2 ** 31, fallback: 0 });
  const out = readRequiredOption('out', o.out);
  const perturbation = readNumberOption('perturb', o.perturb, { min: 0, max: 2, fallback: 0 });
  const onEpisode = (done: number) => {
    if (done % 50 === 0 || done === episodes)
      process.stderr.write(`\rsim dataset: ${done}/${episodes} episodes`);
  };
  const started = performance.now();
  let manifest: DatasetManifest;
  if (o.driver === undefined) {
    manifest = writeDataset({
      task,
      episodes,
      seed,
      out,
      policy: o.policy,
      perturbation,
      imageSize: readIntegerOption('image-size', o['image-size'], { min: 16, max: 1024, fallback: 64 }),
      onEpisode,
    });
  } else {
    const ticks = readIntegerOption('driver-ticks', o['driver-ticks'], { min: 0, max: 100_000 });
    const policy = await loadPolicy(o.driver, { intraOpThreads: 1 });
    try {
      manifest = await writeDrivenDataset({
        task,
        episodes,
        seed,
        out,
        perturbation,
        driver: { policy, model: o.driver, sampler: policy.manifest.sampler, ticks },
        onEpisode,
      });
    } finally {
      await policy.release();
    }
  }
  process.stderr.write('\n');
  const seconds = (performance.now() - started) / 1000;
  const { successRate, steps, shards } = manifest;
  console.log(JSON.stringify({ out, task, episodes, steps, successRate, shards: shards.length, seconds }));
  return 0;
}
