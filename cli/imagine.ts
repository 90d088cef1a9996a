import { createRng } from '../common/rng.ts';
import { Act2GoalPolicy } from '../policies/act2goal/act2goal-policy.ts';
import { msthFrameOffsets } from '../policies/act2goal/msth.ts';
import { repeatFrame } from '../policies/chunk-policy.ts';
import { readModelManifest } from '../policies/model-manifest.ts';
import { validateSamplerOptions } from '../policies/sampling/sampler-options.ts';
import { createTabletopEnv } from '../sim/tabletop-env.ts';
import { parseCommandOptions, readIntegerOption, readRequiredOption } from './options.ts';
import { writePanelRow } from './panel-row.ts';
import { PLAN_OPTION_SPECS, readPlanOptions } from './plan-options.ts';
import { readTaskOption } from './task-option.ts';
import { UsageError } from './usage-error.ts';

/**
 * `goalserve imagine --model PKG --task T --seed S --out plan.png [--steps --world-model-steps
 * --min-goal-steps]`: one
 * Act2Goal plan from the task's first frame, drawn as the current frame, the goal, then the decoded
 * imagined proximal and distal frames in order; prints K and the frames' step offsets as JSON.
 */
export async function runImagine(args: string[]): Promise<number> {
  const o = parseCommandOptions('imagine', args, {
    model: { type: 'string' },
    task: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    steps: { type: 'string' },
    ...PLAN_OPTION_SPECS,
  });
  const model = readRequiredOption('model', o.model);
  const task = readTaskOption(o.task);
  const out = readRequiredOption('out', o.out);
  const seed = readIntegerOption('seed', o.seed, { min: 0, max: 2 ** 31, fallback: 1000 });
  const { family } = readModelManifest(model);
  if (family !== 'act2goal')
    throw new UsageError(`--model: expected an Act2Goal package, got family '${family}'`);
  const policy = await Act2GoalPolicy.load(model);
  try {
    const defaults = policy.manifest.sampler;
    const sampler = validateSamplerOptions({
      ...defaults,
      steps: readIntegerOption('steps', o.steps, { min: 1, max: 1000, fallback: defaults.steps }),
      ...readPlanOptions(o, defaults),
    });
    const { size } = policy.manifest.image;
    const { observation, goal } = createTabletopEnv(task, { imageSize: size }).reset(seed);
    const latents = await policy.encode([observation.frame, goal.frame]);
    const z = policy.embedDim;
    const request = {
      observation: repeatFrame(latents.slice(0, z), policy.manifest.window),
      goal: latents.slice(z, 2 * z),
      proprio: repeatFrame(observation.proprio, policy.manifest.window),
      rng: createRng(seed),
    };
    const [plan] = await policy.plan([request], sampler);
    const imagined = await policy.decode(plan.latents);
    await writePanelRow(out, [observation.frame, goal.frame, ...imagined], size, [2]);
    const offsets = msthFrameOffsets(policy.manifest.act2goal!.architecture.msth, plan.goalSteps);
    console.log(JSON.stringify({ out, task, seed, goalSteps: plan.goalSteps, frameOffsets: offsets }));
    return 0;
  } finally {
    await policy.release();
  }
}
