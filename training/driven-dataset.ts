import { createRng, deriveSeed } from '../common/rng.ts';
import type { ChunkPolicy } from '../policies/chunk-policy.ts';
import { createRobotPlanner } from '../policies/robot-planner.ts';
import type { SamplerOptions } from '../policies/sampling/sampler-options.ts';
import type { DatasetManifest } from '../sim/dataset-manifest.ts';
import { createDatasetWriter } from '../sim/dataset-writer.ts';
import type { EpisodeRecord } from '../sim/episode.ts';
import { EpisodeRecording } from '../sim/episode-recording.ts';
import { createActionNoise, createEpisodePolicy } from '../sim/rollout.ts';
import { ACTION_DIM, createTabletopEnv, type TabletopEnv } from '../sim/tabletop-env.ts';

const HANDOVER_SALT = 4;

/** How a learned policy drives the start of each episode. */
export interface DriverOptions {
  policy: ChunkPolicy;
  /** The package folder, written into the manifest. */
  model: string;
  sampler: SamplerOptions;
  /** The latest tick at which the expert takes over; episode i draws its own from 0..ticks. */
  ticks: number;
}

/** What to record: as `sim dataset`'s expert episodes, each started by the driver. */
export interface DrivenDatasetOptions {
  task: string;
  episodes: number;
  seed: number;
  out: string;
  driver: DriverOptions;
  perturbation?: number;
  onEpisode?: (done: number) => void;
}

/**
 * One episode of layout `seed` whose first h ticks (h uniform in 0..driver.ticks) execute the
 * driver's actions, one per plan, and the rest the scripted expert's (plus the episode's DART noise),
 * up to success or twice the horizon. Every tick records the expert's action for the state it
 * was in, so a learner sees the states its own kind of policy drives into, labelled with the way
 * back to the goal (DAgger, Ross et al. 2011).
 */
export async function recordDrivenEpisode(
  env: TabletopEnv,
  seed: number,
  driver: DriverOptions,
  perturbation = 0,
): Promise<EpisodeRecord> {
  const { observation, goal } = env.reset(seed);
  const expert = createEpisodePolicy(env, 'expert', seed);
  const noise = createActionNoise(seed, perturbation);
  const handover = createRng(deriveSeed(seed, HANDOVER_SALT)).int(driver.ticks + 1);
  const planner = createRobotPlanner(driver.policy, driver.sampler, seed);
  await planner.setGoal(goal.frame);
  planner.observe(observation.frame, observation.proprio);
  const maxSteps = 2 * env.task.horizon;
  const recording = new EpisodeRecording(env, 'expert', seed, maxSteps, observation, goal);
  while (recording.steps < maxSteps) {
    const label = expert.act(env.state(), goal.state);
    const driving = recording.steps < handover;
    const executed = driving ? (await planner.plan()).actions.subarray(0, ACTION_DIM) : noise(label);
    const result = recording.step(label, executed);
    if (result.success) break;
    if (driving) planner.observe(result.observation.frame, result.observation.proprio);
  }
  return recording.record();
}

/** Records driven episodes into a dataset folder (layout seed `seed + i` for episode i). */
export async function writeDrivenDataset(options: DrivenDatasetOptions): Promise<DatasetManifest> {
  const perturbation = options.perturbation ?? 0;
  const env = createTabletopEnv(options.task, { imageSize: options.driver.policy.manifest.image.size });
  const writer = createDatasetWriter({
    task: options.task,
    seed: options.seed,
    out: options.out,
    policy: 'expert',
    perturbation,
    imageSize: env.renderer.width,
    driver: { model: options.driver.model, ticks: options.driver.ticks },
  });
  for (let i = 0; i < options.episodes; i++) {
    writer.add(await recordDrivenEpisode(env, options.seed + i, options.driver, perturbation));
    options.onEpisode?.(i + 1);
  }
  return writer.finish();
}
