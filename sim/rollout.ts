import { createRng, deriveSeed } from '../common/rng.ts';
import type { EpisodePolicy, EpisodeRecord } from './episode.ts';
import { createScriptedExpert } from './expert.ts';
import { createPlayPolicy } from './play-policy.ts';
import type { ScriptedPolicy } from './scripted-policy.ts';
import { ACTION_DIM, PROPRIO_DIM, type TabletopEnv } from './tabletop-env.ts';
import { clamp, type WorldState } from './world.ts';

const POLICY_SALT: Record<EpisodePolicy, number> = { expert: 1, play: 2 };
const PERTURBATION_SALT = 3;

/** Creates the scripted policy of a kind for one episode, seeded from the layout seed. */
export function createEpisodePolicy(env: TabletopEnv, kind: EpisodePolicy, seed: number): ScriptedPolicy {
  const rng = createRng(deriveSeed(seed, POLICY_SALT[kind]));
  return kind === 'expert' ? createScriptedExpert(env.task, rng) : createPlayPolicy(rng);
}

/**
 * Runs one episode of a scripted policy and records everything. Expert episodes stop at success;
 * play episodes run the whole horizon, since their goal is whatever they reach.
 *
 * With `perturbation` > 0 the robot executes the policy's action plus Gaussian noise of a per-episode
 * std drawn uniformly from [0, perturbation], while the policy's own action is recorded (DART,
 * Laskey et al. 2017): the data then shows how the policy recovers from states it would not reach
 * by itself, which a learner that imitates it will reach.
 */
export function recordEpisode(
  env: TabletopEnv,
  kind: EpisodePolicy,
  seed: number,
  perturbation = 0,
): EpisodeRecord {
  const { observation, goal } = env.reset(seed);
  const policy = createEpisodePolicy(env, kind, seed);
  const noiseRng = createRng(deriveSeed(seed, PERTURBATION_SALT));
  const noiseStd = perturbation * noiseRng.next();
  const horizon = env.task.horizon;
  const frameSize = observation.frame.length;
  const stateSize = 2 + 2 * env.task.blockCount;
  const frames = new Uint8Array((horizon + 1) * frameSize);
  const proprio = new Float32Array((horizon + 1) * PROPRIO_DIM);
  const actions = new Float32Array(horizon * ACTION_DIM);
  const states = new Float32Array((horizon + 1) * stateSize);
  frames.set(observation.frame, 0);
  proprio.set(observation.proprio, 0);
  states.set(flattenState(env.state()), 0);

  let steps = 0;
  let success = false;
  while (steps < horizon) {
    const action = policy.act(env.state(), goal.state);
    const executed =
      noiseStd === 0 ? action : action.map((a) => clamp(a + noiseStd * noiseRng.normal(), -1, 1));
    const result = env.step(executed);
    actions.set(action, steps * ACTION_DIM);
    steps = result.step;
    frames.set(result.observation.frame, steps * frameSize);
    proprio.set(result.observation.proprio, steps * PROPRIO_DIM);
    states.set(flattenState(env.state()), steps * stateSize);
    success = result.success;
    if (success && kind === 'expert') break;
  }
  return {
    task: env.task.name,
    seed,
    policy: kind,
    success,
    steps,
    imageSize: env.renderer.width,
    frames: frames.slice(0, (steps + 1) * frameSize),
    proprio: proprio.slice(0, (steps + 1) * PROPRIO_DIM),
    actions: actions.slice(0, steps * ACTION_DIM),
    states: states.slice(0, (steps + 1) * stateSize),
    goalFrame: goal.frame,
    goalProprio: goal.proprio,
    goalState: flattenState(goal.state),
  };
}

/** float32 [2 + 2K]: pusher x, y then each block's x, y. */
export function flattenState(state: WorldState): Float32Array {
  return Float32Array.from([state.pusher, ...state.blocks].flatMap((p) => [p.x, p.y]));
}
