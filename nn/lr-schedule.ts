/** Learning rate as a function of the 0-based step. */
export type LrSchedule = (step: number) => number;

/** The same rate at every step. */
export function constantLr(lr: number): LrSchedule {
  return () => lr;
}

/** Linear warm-up from 0 to `peakLr` over `warmupSteps`, then cosine decay to `minLr` at `totalSteps`. */
export function warmupCosineLr(options: {
  peakLr: number;
  warmupSteps: number;
  totalSteps: number;
  minLr?: number;
}): LrSchedule {
  const { peakLr, warmupSteps, totalSteps } = options;
  const minLr = options.minLr ?? 0;
  return (step) => {
    if (step < warmupSteps) return (peakLr * (step + 1)) / warmupSteps;
    const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    return minLr + 0.5 * (peakLr - minLr) * (1 + Math.cos(Math.PI * progress));
  };
}

/** Multiplies the rate by `gamma` every `stepSize` steps (torch.optim.lr_scheduler.StepLR). */
export function stepDecayLr(options: { lr: number; stepSize: number; gamma: number }): LrSchedule {
  return (step) => options.lr * options.gamma ** Math.floor(step / options.stepSize);
}
