import { cpus } from 'node:os';
import { createRng } from '../common/rng.ts';
import { recordEpisode } from '../sim/rollout.ts';
import { createTabletopEnv } from '../sim/tabletop-env.ts';

/** Frames per second of stepping + rendering with random actions, restarting episodes at the horizon. */
function measureStepAndRender(task: string, imageSize: number, seconds: number): number {
  const env = createTabletopEnv(task, { imageSize });
  const rng = createRng(1);
  let frames = 0;
  let episode = 0;
  env.reset(episode);
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    for (let i = 0; i < 500; i++) {
      if (env.step([rng.uniform(-1, 1), rng.uniform(-1, 1)]).done) env.reset(++episode);
      frames += 1;
    }
  }
  return frames / ((performance.now() - started) / 1000);
}

/** Scripted-expert episodes per second (planning, stepping, rendering and recording). */
function measureExpert(
  task: string,
  episodes: number,
): { episodesPerSecond: number; stepsPerSecond: number } {
  const env = createTabletopEnv(task);
  let steps = 0;
  const started = performance.now();
  for (let i = 0; i < episodes; i++) steps += recordEpisode(env, 'expert', i).steps;
  const elapsed = (performance.now() - started) / 1000;
  return { episodesPerSecond: episodes / elapsed, stepsPerSecond: steps / elapsed };
}

/** `npm run bench -- sim`: simulator throughput on one core (this process is single-threaded). */
export async function runSimBench(): Promise<void> {
  console.log(`# sim benchmark — node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}, one thread`);
  for (const task of ['reach', 'push1', 'push2']) {
    for (const size of [64, 96, 128]) {
      const fps = measureStepAndRender(task, size, 2);
      console.log(
        JSON.stringify({ bench: 'step+render', task, imageSize: size, framesPerSecond: Math.round(fps) }),
      );
    }
  }
  for (const task of ['reach', 'push1', 'push2']) {
    const { episodesPerSecond, stepsPerSecond } = measureExpert(task, 100);
    console.log(
      JSON.stringify({
        bench: 'expert episodes',
        task,
        episodesPerSecond: Number(episodesPerSecond.toFixed(1)),
        stepsPerSecond: Math.round(stepsPerSecond),
      }),
    );
  }
}
