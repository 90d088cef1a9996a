import type { SamplerOptions } from '../policies/sampling/sampler-options.ts';
import { readIntegerOption } from './options.ts';

/** The command-line options of an Act2Goal plan that `eval` and `imagine` share. */
export const PLAN_OPTION_SPECS = {
  'world-model-steps': { type: 'string' },
  'min-goal-steps': { type: 'string' },
} as const;

/** Reads `--world-model-steps` and `--min-goal-steps`, falling back to the package's defaults. */
export function readPlanOptions(
  values: { 'world-model-steps'?: string; 'min-goal-steps'?: string },
  defaults: SamplerOptions,
): Pick<SamplerOptions, 'worldModelSteps' | 'minGoalSteps'> {
  const steps = (name: keyof typeof PLAN_OPTION_SPECS, fallback: number) =>
    readIntegerOption(name, values[name], { min: 1, max: 1000, fallback });
  return {
    worldModelSteps: steps('world-model-steps', defaults.worldModelSteps),
    minGoalSteps: steps('min-goal-steps', defaults.minGoalSteps),
  };
}
