import { createRng, deriveSeed } from '../common/rng.ts';
import type { Act2GoalPolicy } from '../policies/act2goal/act2goal-policy.ts';
import { msthFrameOffsets } from '../policies/act2goal/msth.ts';
import { repeatFrame } from '../policies/chunk-policy.ts';
import type { SamplerOptions } from '../policies/sampling/sampler-options.ts';
import { recordEpisode } from '../sim/rollout.ts';
import { createTabletopEnv } from '../sim/tabletop-env.ts';
import { episodeFrame } from './episode-store.ts';

/** Which held-out expert episodes to imagine along: episode i uses layout seed `seed + i`. */
export interface ImaginationOptions {
  task: string;
  episodes: number;
  seed: number;
  sampler: SamplerOptions;
  /** Plan from every this many steps of the expert's episode (its frame and the episode's goal image). */
  everySteps: number;
}

/** The result line of `goalserve eval --imagination`: mean absolute pixel errors in 0–255 units. */
export interface ImaginationResult {
  task: string;
  episodes: number;
  plans: number;
  /** Decoded imagined frames against the frames the expert reached at their offsets (past its end: its last frame). */
  pixelError: number;
  proximalPixelError: number;
  distalPixelError: number;
  /** The same frames against the current frame, encoded and decoded: what imagining no change would score. */
  unchangedPixelError: number;
  /** The reached frames encoded and decoded: the autoencoder's floor under `pixelError`. */
  reconstructionPixelError: number;
  /** Mean K the plans used and mean steps the expert actually took from there. */
  goalStepsMean: number;
  expertStepsMean: number;
  steps: number;
  worldModelSteps: number;
  minGoalSteps: number;
}

/**
 * Scores an Act2Goal world model on held-out seeds: the scripted expert solves each episode; from every
 * `everySteps`-th of its frames the policy plans toward the episode's goal image, and each decoded
 * imagined frame is compared with the frame the expert reached at that frame's MSTH offset for the
 * plan's K. One batch of plans per episode; each plan's RNG is seeded by (episode seed, start step).
 */
export async function evaluateImagination(
  policy: Act2GoalPolicy,
  options: ImaginationOptions,
): Promise<ImaginationResult> {
  const { msth } = policy.manifest.act2goal!.architecture;
  const proximal = msth.proximalSteps / msth.strideSteps;
  const env = createTabletopEnv(options.task, { imageSize: policy.manifest.image.size });
  const z = policy.embedDim;
  const { window } = policy.manifest;
  const proprioDim = policy.manifest.proprio.dim;
  const sums = { all: 0, proximal: 0, distal: 0, unchanged: 0, reconstruction: 0, k: 0, expert: 0 };
  const counts = { frames: 0, proximal: 0, distal: 0, plans: 0 };
  for (let i = 0; i < options.episodes; i++) {
    const seed = options.seed + i;
    const episode = recordEpisode(env, 'expert', seed);
    const starts = Array.from(
      { length: Math.ceil(episode.steps / options.everySteps) },
      (_, k) => k * options.everySteps,
    );
    const latents = await policy.encode([...starts.map((t) => episodeFrame(episode, t)), episode.goalFrame]);
    const goal = latents.slice(starts.length * z);
    const plans = await policy.plan(
      starts.map((t, k) => ({
        observation: repeatFrame(latents.slice(k * z, (k + 1) * z), window),
        goal,
        proprio: repeatFrame(episode.proprio.slice(t * proprioDim, (t + 1) * proprioDim), window),
        rng: createRng(deriveSeed(seed, t)),
      })),
      options.sampler,
    );
    for (const [k, plan] of plans.entries()) {
      const t = starts[k];
      const reached = msthFrameOffsets(msth, plan.goalSteps).map((o) =>
        episodeFrame(episode, Math.min(t + o, episode.steps)),
      );
      const imagined = await policy.decode(plan.latents);
      const reconstructed = await policy.decode(await policy.encode(reached));
      const [current] = await policy.decode(latents.slice(k * z, (k + 1) * z));
      reached.forEach((frame, f) => {
        const error = meanAbsoluteError(imagined[f], frame);
        sums.all += error;
        if (f < proximal) sums.proximal += error;
        else sums.distal += error;
        sums.unchanged += meanAbsoluteError(current, frame);
        sums.reconstruction += meanAbsoluteError(reconstructed[f], frame);
      });
      counts.frames += reached.length;
      counts.proximal += proximal;
      counts.distal += reached.length - proximal;
      counts.plans += 1;
      sums.k += plan.goalSteps;
      sums.expert += episode.steps - t;
    }
  }
  const mean = (sum: number, count: number) => (count === 0 ? 0 : Math.round((1000 * sum) / count) / 1000);
  return {
    task: options.task,
    episodes: options.episodes,
    plans: counts.plans,
    pixelError: mean(sums.all, counts.frames),
    proximalPixelError: mean(sums.proximal, counts.proximal),
    distalPixelError: mean(sums.distal, counts.distal),
    unchangedPixelError: mean(sums.unchanged, counts.frames),
    reconstructionPixelError: mean(sums.reconstruction, counts.frames),
    goalStepsMean: mean(sums.k, counts.plans),
    expertStepsMean: mean(sums.expert, counts.plans),
    steps: options.sampler.steps,
    worldModelSteps: options.sampler.worldModelSteps,
    minGoalSteps: options.sampler.minGoalSteps,
  };
}

function meanAbsoluteError(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += Math.abs(a[k] - b[k]);
  return sum / a.length;
}
