import type { Rng } from '../../common/rng.ts';
import { PolicyError } from '../policy-error.ts';
import { DEFAULT_SIGMA_DATA } from './edm-preconditioning.ts';

/** Bounds and shape of the truncated log-logistic σ distribution used for training. */
export interface TrainingSigmaOptions {
  sigmaMin: number;
  sigmaMax: number;
  /** Location of ln σ; BESO uses ln σ_d. */
  loc: number;
  /** Scale of ln σ; BESO uses 0.5. */
  scale: number;
}

/** The bounds `goalserve train beso` trains σ within (BESO's). */
export const BESO_TRAINING_SIGMA_BOUNDS = { sigmaMin: 0.001, sigmaMax: 80 } as const;

/** Returns a sampler of training noise levels σ ~ log-logistic(loc = ln σ_d, scale 0.5) truncated to [σ_min, σ_max]. */
export function createTrainingSigmaSampler(
  options: Pick<TrainingSigmaOptions, 'sigmaMin' | 'sigmaMax'> & Partial<TrainingSigmaOptions>,
): (rng: Rng) => number {
  const sigmaAt = createTrainingSigmaQuantile(options);
  return (rng) => sigmaAt(rng.next());
}

/**
 * Returns the inverse CDF of the training σ distribution of {@link createTrainingSigmaSampler}: u ∈ [0, 1)
 * → σ, so σ(u) for u ~ U(0, 1) is a draw.
 */
export function createTrainingSigmaQuantile(
  options: Pick<TrainingSigmaOptions, 'sigmaMin' | 'sigmaMax'> & Partial<TrainingSigmaOptions>,
): (u: number) => number {
  const { sigmaMin, sigmaMax, loc = Math.log(DEFAULT_SIGMA_DATA), scale = 0.5 } = options;
  if (!(sigmaMin > 0 && sigmaMax > sigmaMin && Number.isFinite(sigmaMax))) {
    throw new PolicyError(
      'BAD_SAMPLER_OPTIONS',
      `trainingSigma.sigmaMin/sigmaMax: expected 0 < sigmaMin < sigmaMax < ∞, got ${sigmaMin} and ${sigmaMax}`,
    );
  }
  if (!(scale > 0 && Number.isFinite(scale)) || !Number.isFinite(loc)) {
    throw new PolicyError(
      'BAD_SAMPLER_OPTIONS',
      `trainingSigma.loc/scale: expected a finite loc and scale > 0, got ${loc} and ${scale}`,
    );
  }
  // Inverse CDF: F(σ) = sigmoid((ln σ − loc)/scale), F(σ) ~ U(F(σ_min), F(σ_max)), σ = exp(loc + scale·logit(F))
  const cdf = (sigma: number) => 1 / (1 + Math.exp(-(Math.log(sigma) - loc) / scale));
  const low = cdf(sigmaMin);
  const high = cdf(sigmaMax);
  return (u) => {
    const f = low + (high - low) * u;
    const sigma = Math.exp(loc + scale * Math.log(f / (1 - f)));
    // Rounding in exp/log can land a hair outside the bounds.
    return Math.min(sigmaMax, Math.max(sigmaMin, sigma));
  };
}
