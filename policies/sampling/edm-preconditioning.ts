/** σ_d, the data standard deviation every BESO config uses. */
export const DEFAULT_SIGMA_DATA = 0.5;

/** The four EDM preconditioning coefficients at one noise level. */
export interface EdmCoefficients {
  cSkip: number;
  cOut: number;
  cIn: number;
  cNoise: number;
}

/** Computes c_skip, c_out, c_in and c_noise at noise level σ > 0. */
export function computeEdmCoefficients(sigma: number, sigmaData = DEFAULT_SIGMA_DATA): EdmCoefficients {
  // EDM preconditioning (Karras et al. 2022, Table 1), c_noise = ln(σ)/4 as in BESO
  const total = sigma * sigma + sigmaData * sigmaData;
  return {
    cSkip: (sigmaData * sigmaData) / total,
    cOut: (sigma * sigmaData) / Math.sqrt(total),
    cIn: 1 / Math.sqrt(total),
    cNoise: Math.log(sigma) / 4,
  };
}

/** The network's inputs for a batch: xIn float32 [B, H, A] = c_in·x and cNoise float32 [B]. */
export interface EdmNetworkInput {
  xIn: Float32Array;
  cNoise: Float32Array;
}

/** Scales a noisy batch x (float32 [B, H, A], one σ per row) into the network's inputs c_in·x and c_noise. */
export function scaleEdmInput(
  x: Float32Array,
  sigmas: Float32Array,
  batch: number,
  sigmaData = DEFAULT_SIGMA_DATA,
): EdmNetworkInput {
  const rowSize = x.length / batch;
  const xIn = new Float32Array(x.length);
  const cNoise = new Float32Array(batch);
  for (let b = 0; b < batch; b++) {
    const { cIn, cNoise: rowNoise } = computeEdmCoefficients(sigmas[b], sigmaData);
    cNoise[b] = rowNoise;
    for (let k = b * rowSize; k < (b + 1) * rowSize; k++) xIn[k] = cIn * x[k];
  }
  return { xIn, cNoise };
}

/** Turns a raw network output F (float32 [B, H, A]) into the denoised D = c_skip·x + c_out·F. */
export function combineEdmOutput(
  x: Float32Array,
  networkOutput: Float32Array,
  sigmas: Float32Array,
  batch: number,
  sigmaData = DEFAULT_SIGMA_DATA,
): Float32Array {
  const rowSize = x.length / batch;
  const denoised = new Float32Array(x.length);
  for (let b = 0; b < batch; b++) {
    const { cSkip, cOut } = computeEdmCoefficients(sigmas[b], sigmaData);
    for (let k = b * rowSize; k < (b + 1) * rowSize; k++)
      denoised[k] = cSkip * x[k] + cOut * networkOutput[k];
  }
  return denoised;
}
