import { recordEpisode } from '../sim/rollout.ts';
import { createTabletopEnv } from '../sim/tabletop-env.ts';
import { parseCommandOptions, readIntegerOption } from './options.ts';
import { readTaskOption } from './task-option.ts';

/** `goalserve sim expert --task T --episodes N --seed S`: prints {task, episodes, success, meanSteps}. */
export async function runSimExpert(args: string[]): Promise<number> {
  const o = parseCommandOptions('sim expert', args, {
    task: { type: 'string' },
    episodes: { type: 'string' },
    seed: { type: 'string' },
  });
  const task = readTaskOption(o.task);
  const episodes = readIntegerOption('episodes', o.episodes, { min: 1, max: 1_000_000, fallback: 100 });
  const seed = readIntegerOption('seed', o.seed, { min: 0, max: 2 ** 31, fallback: 0 });
  const env = createTabletopEnv(task);
  let successes = 0;
  let steps = 0;
  for (let i = 0; i < episodes; i++) {
    const episode = recordEpisode(env, 'expert', seed + i);
    successes += episode.success ? 1 : 0;
    steps += episode.steps;
  }
  console.log(JSON.stringify({ task, episodes, success: successes / episodes, meanSteps: steps / episodes }));
  return 0;
}
