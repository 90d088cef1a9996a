import { checkDenoiserOutput, type Denoise, type GoalDenoise } from './denoiser.ts';

/**
 * Wraps a goal-conditioned denoiser into D_cfg = D_u + λ(D_c − D_u), running both passes as ONE call
 * on a doubled batch (rows [0, B) with the goal, rows [B, 2B) the same requests with the null goal).
 * Being linear, it guides a flow-matching velocity field the same way (Act2Goal's action expert, whose
 * condition is the world model's context).
 */
export function guideDenoiser(denoise: GoalDenoise, guidance: number): Denoise {
  // λ = 1 is the conditional pass alone and λ = 0 the unconditional one: half the batch, same result.
  if (guidance === 1 || guidance === 0) {
    return (x, sigmas, batch) => denoise(x, sigmas, batch, new Uint8Array(batch).fill(guidance));
  }
  return async (x, sigmas, batch) => {
    const size = x.length;
    const doubledX = new Float32Array(2 * size);
    doubledX.set(x);
    doubledX.set(x, size);
    const doubledSigmas = new Float32Array(2 * batch);
    doubledSigmas.set(sigmas);
    doubledSigmas.set(sigmas, batch);
    const goalMask = new Uint8Array(2 * batch).fill(1, 0, batch);
    const both = await denoise(doubledX, doubledSigmas, 2 * batch, goalMask);
    checkDenoiserOutput(both, 2 * size, 2 * batch);
    // Classifier-free guidance (Ho & Salimans 2022) on the denoised output, as in BESO
    const guided = new Float32Array(size);
    for (let k = 0; k < size; k++) guided[k] = both[size + k] + guidance * (both[k] - both[size + k]);
    return guided;
  };
}
