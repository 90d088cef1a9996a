import { createRng, deriveSeed } from '../common/rng.ts';
import type { EpisodePolicy, EpisodeRecord } from './episode.ts';
import { EpisodeRecording } from './episode-recording.ts';
import { createScriptedExpert } from './expert.ts';
import { createPlayPolicy } from './play-policy.ts';
import type { ScriptedPolicy } from './scripted-policy.ts';
import type { TabletopEnv } from './tabletop-env.ts';
import { clamp } from './world.ts';

const POLICY_SALT: Record<EpisodePolicy, number> = { expert: 1, play: 2 };
const PERTURBATION_SALT = 3;

/** Creates the scripted policy of a kind for one episode, seeded from the layout seed. */
export function createEpisodePolicy(env: TabletopEnv, kind: EpisodePolicy, seed: number): ScriptedPolicy {
  const rng = createRng(deriveSeed(seed, POLICY_SALT[kind]));
  return kind === 'expert' ? createScriptedExpert(env.task, rng) : createPlayPolicy(rng);
}

/**
 * The action an episode executes for a policy's action: that plus Gaussian noise of a per-episode
 * std drawn uniformly from [0, perturbation] (seeded from the layout seed), clamped to [−1, 1].
 */
export function createActionNoise(
  seed: number,
  perturbation: number,
): (action: [number, number]) => [number, number] {
  const rng = createRng(deriveSeed(seed, PERTURBATION_SALT));
  const std = perturbation * rng.next();
  if (std === 0) return (action) => action;
  return ([x, y]) => [clamp(x + std * rng.normal(), -1, 1), clamp(y + std * rng.normal(), -1, 1)];
}

/**
 * Runs one episode of a scripted policy and records everything. Expert episodes stop at success;
 * play episodes run the whole horizon, since their goal is whatever they reach.
 *
 * With `perturbation` > 0 the robot executes the policy's action plus noise ({@link createActionNoise})
 * while the policy's own action is recorded (DART, Laskey et al. 2017): the data then shows how the
 * policy recovers from states it would not reach by itself, which a learner that imitates it will reach.
 */
export function recordEpisode(
  env: TabletopEnv,
  kind: EpisodePolicy,
  seed: number,
  perturbation = 0,
): EpisodeRecord {
  const { observation, goal } = env.reset(seed);
  const policy = createEpisodePolicy(env, kind, seed);
  const noise = createActionNoise(seed, perturbation);
  const recording = new EpisodeRecording(env, kind, seed, env.task.horizon, observation, goal);
  while (recording.steps < env.task.horizon) {
    const action = policy.act(env.state(), goal.state);
    const { success } = recording.step(action, noise(action));
    if (success && kind === 'expert') break;
  }
  return recording.record();
}
