import { sampleDdim } from './sample-ddim.ts';
import { sampleDpmSolver2m } from './sample-dpm-solver-2m.ts';
import { sampleEulerAncestral } from './sample-euler-ancestral.ts';
import { sampleHeun } from './sample-heun.ts';
import type { Sampler } from './sampler.ts';

/** The sampler names accepted in options and manifests. */
export const SAMPLER_NAMES = ['ddim', 'euler-ancestral', 'heun', 'dpm-solver-2m'] as const;

/** One of {@link SAMPLER_NAMES}. */
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** Every sampler by name. */
export const SAMPLERS: Record<SamplerName, Sampler> = {
  ddim: sampleDdim,
  'euler-ancestral': sampleEulerAncestral,
  heun: sampleHeun,
  'dpm-solver-2m': sampleDpmSolver2m,
};
