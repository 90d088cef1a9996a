import { createTabletopEnv } from '../sim/tabletop-env.ts';
import { parseCommandOptions, readIntegerOption, readRequiredOption } from './options.ts';
import { writeRgbPng } from './png.ts';
import { readTaskOption } from './task-option.ts';

/** `goalserve sim render --task T --seed S --out F.png [--goal] [--image-size 64]`. */
export async function runSimRender(args: string[]): Promise<number> {
  const o = parseCommandOptions('sim render', args, {
    task: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    goal: { type: 'boolean', default: false },
    'image-size': { type: 'string' },
  });
  const task = readTaskOption(o.task);
  const seed = readIntegerOption('seed', o.seed, { min: 0, max: 2 ** 31, fallback: 0 });
  const out = readRequiredOption('out', o.out);
  const size = readIntegerOption('image-size', o['image-size'], { min: 16, max: 1024, fallback: 64 });
  const env = createTabletopEnv(task, { imageSize: size });
  const { observation, goal } = env.reset(seed);
  await writeRgbPng(out, o.goal ? goal.frame : observation.frame, size, size);
  console.log(JSON.stringify({ out, task, seed, goal: o.goal, imageSize: size }));
  return 0;
}
