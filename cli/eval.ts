import { Act2GoalPolicy } from '../policies/act2goal/act2goal-policy.ts';
import { loadPolicy } from '../policies/load-policy.ts';
import { validateSamplerOptions } from '../policies/sampling/sampler-options.ts';
import { SAMPLER_NAMES } from '../policies/sampling/samplers.ts';
import { evaluateImagination, type ImaginationResult } from '../training/evaluate-imagination.ts';
import { evaluatePolicy } from '../training/evaluate-policy.ts';
import { loadPositionOverride } from '../training/true-positions.ts';
import { createFilmStrip } from './film-strip.ts';
import {
  parseCommandOptions,
  readChoiceOption,
  readIntegerOption,
  readNumberOption,
  readRequiredOption,
} from './options.ts';
import { PLAN_OPTION_SPECS, readPlanOptions } from './plan-options.ts';
import { readTaskOption } from './task-option.ts';
import { UsageError } from './usage-error.ts';

/**
 * `goalserve eval --model PKG --task T --episodes N --seed S [--json] [--sampler --steps --guidance
 * --world-model-steps --min-goal-steps --actions-per-chunk --intra-op-threads --strip F.png --true-positions]`:
 * closed-loop success and chunk latency in the simulator, for a package of any family (Act2Goal: --steps are the action
 * expert's Euler steps). `--imagination` (Act2Goal) scores imagined frames against the scripted
 * expert's instead, planning from every actions-per-chunk-th expert frame. `--true-positions` (a
 * diagnostic) makes the policy read the simulator's positions instead of its encoder's estimates.
 */
export async function runEval(args: string[]): Promise<number> {
  const o = parseCommandOptions('eval', args, {
    model: { type: 'string' },
    task: { type: 'string' },
    episodes: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean', default: false },
    sampler: { type: 'string' },
    steps: { type: 'string' },
    ...PLAN_OPTION_SPECS,
    guidance: { type: 'string' },
    'actions-per-chunk': { type: 'string' },
    'intra-op-threads': { type: 'string' },
    strip: { type: 'string' },
    imagination: { type: 'boolean', default: false },
    'true-positions': { type: 'boolean', default: false },
  });
  const model = readRequiredOption('model', o.model);
  const task = readTaskOption(o.task);
  const samplerName = readChoiceOption('sampler', o.sampler, SAMPLER_NAMES);
  const episodes = readIntegerOption('episodes', o.episodes, { min: 1, max: 100_000, fallback: 100 });
  const seed = readIntegerOption('seed', o.seed, { min: 0, max: 2 ** 31, fallback: 1000 });
  const intraOpThreads = readIntegerOption('intra-op-threads', o['intra-op-threads'], {
    min: 1,
    max: 256,
    fallback: 1,
  });
  const policy = await loadPolicy(model, { intraOpThreads });
  const defaults = policy.manifest.sampler;
  const sampler = validateSamplerOptions({
    ...defaults,
    ...(samplerName === undefined ? {} : { sampler: samplerName }),
    steps: readIntegerOption('steps', o.steps, { min: 1, max: 1000, fallback: defaults.steps }),
    guidance: readNumberOption('guidance', o.guidance, { min: 0, max: 100, fallback: defaults.guidance }),
    ...readPlanOptions(o, defaults),
  });
  const actionsPerChunk = readIntegerOption('actions-per-chunk', o['actions-per-chunk'], {
    min: 1,
    max: policy.manifest.action.chunk,
    fallback: policy.manifest.actionsPerChunk,
  });
  const strip = o.strip === undefined ? undefined : createFilmStrip(policy.manifest.image.size);
  try {
    if (o.imagination) {
      if (!(policy instanceof Act2GoalPolicy))
        throw new UsageError(
          `--imagination: expected an Act2Goal package, got family '${policy.manifest.family}'`,
        );
      const scores = await evaluateImagination(policy, {
        task,
        episodes,
        seed,
        sampler,
        everySteps: actionsPerChunk,
      });
      console.log(o.json ? JSON.stringify(scores) : formatImagination(scores));
      return 0;
    }
    const result = await evaluatePolicy(policy, {
      task,
      episodes,
      seed,
      sampler,
      actionsPerChunk,
      truePositions: o['true-positions'] ? await loadPositionOverride(model, policy.manifest) : undefined,
      onFirstEpisodeFrame: strip?.add,
    });
    if (strip !== undefined && o.strip !== undefined) await strip.write(o.strip);
    console.log(o.json ? JSON.stringify(result) : formatResult(result));
    return 0;
  } finally {
    await policy.release();
  }
}

function formatImagination(r: ImaginationResult): string {
  return [
    `${r.task}: imagined frames ${r.pixelError} mean |Δpixel| (proximal ${r.proximalPixelError}, distal ${r.distalPixelError}) over ${r.plans} plans`,
    `no change ${r.unchangedPixelError}, autoencoder floor ${r.reconstructionPixelError}; K ${r.goalStepsMean} vs expert ${r.expertStepsMean} steps`,
  ].join('\n');
}

function formatResult(r: Awaited<ReturnType<typeof evaluatePolicy>>): string {
  return [
    `${r.task}: success ${(100 * r.success).toFixed(1)}% over ${r.episodes} episodes, mean ${r.meanSteps.toFixed(1)} steps`,
    `chunk latency p50 ${r.chunkLatencyMsP50} ms, p99 ${r.chunkLatencyMsP99} ms (${r.sampler}, ${r.steps} steps${r.worldModelSteps === undefined ? '' : `, ${r.worldModelSteps} world-model steps`}, λ=${r.guidance}, ${r.actionsPerChunk} actions/chunk)`,
  ].join('\n');
}
