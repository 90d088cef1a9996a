/** Architecture of a BESO model package (stored in its manifest). */
export interface BesoArchitecture {
  /** Side of the square RGB input image. */
  imageSize: number;
  /** W: camera frames per observation (the latest W). */
  window: number;
  /** H: actions per predicted chunk. */
  chunk: number;
  actionDim: number;
  proprioDim: number;
  /** E: image embedding width of the encoder (the denoiser's input width per image). */
  embedDim: number;
  /**
   * The embedding's last `positionDim` entries are position estimates (pusher, block 0, block 1 as
   * (p − 0.5)·4, trained against the simulator's positions), so the denoiser reads where things are
   * directly; 0 means none (manifests without the field are read as 0).
   */
  positionDim: number;
  /**
   * Object-centric denoiser: it reads only the embeddings' position estimates (needs positionDim > 0),
   * in the goal and state tokens and in one token per object (see beso-network.ts); the encoder's
   * other features only serve to estimate them. Manifests without the field are read as false.
   */
  objectCentric: boolean;
  /** d: transformer width. */
  width: number;
  layers: number;
  heads: number;
  /** σ_d of EDM preconditioning. */
  sigmaData: number;
}

/** The defaults used for the shipped tabletop model. */
export const DEFAULT_BESO_ARCHITECTURE: BesoArchitecture = {
  imageSize: 64,
  window: 2,
  chunk: 12,
  actionDim: 2,
  proprioDim: 4,
  embedDim: 128,
  positionDim: 6,
  objectCentric: true,
  width: 128,
  layers: 4,
  heads: 4,
  sigmaData: 0.5,
};

/** Graph tensor names, equal to the ONNX names of the exported encoder and denoiser. */
export const BESO_TENSORS = {
  encoder: {
    /** float32 [N, 3, S, S], RGB, (x − mean)/std per channel. */
    frames: 'frames',
    /** float32 [N, E]; the last positionDim entries are position estimates. */
    embedding: 'embedding',
  },
  denoiser: {
    /** float32 [B, E]; all zeros is the null goal (goal-free policy). */
    goal: 'goal_embedding',
    /** float32 [B, W, E], oldest frame first. */
    observation: 'observation_embedding',
    /** float32 [B, W, P], z-scored. */
    proprio: 'proprio',
    /** float32 [B, H, A]: c_in·x, the noisy normalised actions scaled by EDM's c_in. */
    scaledActions: 'scaled_actions',
    /** float32 [B]: c_noise = ln(σ)/4 of each row. */
    noiseLevel: 'noise_level',
    /** float32 [B, H, A]: the network output F; D = c_skip·x + c_out·F. */
    output: 'network_output',
  },
} as const;
