/** The noise schedules a sampler can walk. */
export const SCHEDULE_NAMES = ['exponential', 'linear', 'karras'] as const;

/** One of {@link SCHEDULE_NAMES}. */
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

/** What a schedule needs: n steps from sigmaMax down to sigmaMin, and Karras' ρ. */
export interface ScheduleOptions {
  schedule: ScheduleName;
  /** σ levels before the final 0; also the network evaluations of DDIM. */
  steps: number;
  sigmaMin: number;
  sigmaMax: number;
  /** Karras exponent ρ (BESO 5, k-diffusion 7); the other schedules ignore it. */
  rho: number;
}

// σ at ramp position t ∈ [0, 1] (t = 0 → σ_max, t = 1 → σ_min); formulas as in k-diffusion and BESO.
const SIGMA_AT: Record<ScheduleName, (t: number, o: ScheduleOptions) => number> = {
  exponential: (t, o) => Math.exp(Math.log(o.sigmaMax) + t * (Math.log(o.sigmaMin) - Math.log(o.sigmaMax))),
  linear: (t, o) => o.sigmaMax + t * (o.sigmaMin - o.sigmaMax),
  // Karras et al. 2022, eq. 5
  karras: (t, o) => {
    const maxRoot = o.sigmaMax ** (1 / o.rho);
    return (maxRoot + t * (o.sigmaMin ** (1 / o.rho) - maxRoot)) ** o.rho;
  },
};

/** Returns the n = steps noise levels from σ_max to σ_min followed by a final 0 (n + 1 values). */
export function createNoiseSchedule(options: ScheduleOptions): Float64Array {
  const { steps } = options;
  const sigmas = new Float64Array(steps + 1);
  // One step sits at σ_max, like torch.linspace(a, b, 1) = [a].
  for (let i = 0; i < steps; i++)
    sigmas[i] = SIGMA_AT[options.schedule](steps === 1 ? 0 : i / (steps - 1), options);
  return sigmas;
}
