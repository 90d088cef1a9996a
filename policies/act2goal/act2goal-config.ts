import type { MsthConfig } from './msth.ts';

/** Size of one of Act2Goal's two transformers. */
export interface TransformerSize {
  /** d: token width. */
  width: number;
  heads: number;
}

/** Architecture of an Act2Goal model package (stored in its manifest). */
export interface Act2GoalArchitecture {
  /** Side S of the square RGB input image; a multiple of 2^(encoderChannels.length). */
  imageSize: number;
  actionDim: number;
  proprioDim: number;
  /** Z: width of an image latent (LayerNorm'd, so about unit scale like the flow's N(0, I) noise). */
  latentDim: number;
  /**
   * Position estimates read linearly off a latent (x, y of the pusher, then of each block; a block the
   * scene lacks reads as off the table): positionDim/2 object tokens for the action expert.
   */
  positionDim: number;
  /** Channels of the encoder's stride-2 3×3 convolutions; the decoder mirrors them. */
  encoderChannels: readonly number[];
  /** Which future frames are imagined and which actions predicted. */
  msth: MsthConfig;
  /** Largest goal distance K expected; the world model sees ln(1 + K)/ln(1 + maxGoalSteps). */
  maxGoalSteps: number;
  /** L: blocks of the world model and of the action expert; expert block l cross-attends to world-model block l. */
  layers: number;
  worldModel: TransformerSize;
  actionExpert: TransformerSize;
  /**
   * false: an ablation whose expert cross-attends to a zeroed context (keys and values reduce to
   * learned constants), so it acts from z_t, z_g's object tokens and proprio alone while the graphs
   * keep their inputs. Absent (older packages) means true.
   */
  expertSeesWorldModel?: boolean;
  /**
   * true: the expert also reads the plan through one token per imagined frame made of its position
   * estimates (where each object is then, and how far it moved from now). Absent means false.
   */
  expertReadsPlanPositions?: boolean;
  /**
   * true: no token of the action expert attends to the M distal action tokens, which attend to every
   * token; the P executed actions are then computed as without distal actions, from the same weights,
   * and the distal ones stay a predicted, never-executed output (an auxiliary target). Absent means false.
   */
  isolateDistalActions?: boolean;
  /**
   * true: the action expert's self-attention is causal over its tokens [τ, proprio, objects, actions],
   * as in BESO's GPT denoiser: each token reads itself and those before it, so no condition token
   * reads a noisy action and action j reads the actions up to j (the distal ones, last, none of the
   * executed ones). Absent means false (bidirectional).
   */
  causalExpert?: boolean;
  /**
   * true: the action expert also reads the previous frame's latent z_{t−1} (a two-frame window, as
   * BESO's W = 2): each object token gains the object's motion since then (its position estimate now
   * minus then), so the expert sees which block is moving. Absent means false (one frame).
   */
  expertReadsMotion?: boolean;
  /**
   * true: the action expert's head predicts the clean actions â (x-prediction, as EDM's denoiser at high
   * noise) and the velocity is v = (â − x_τ)/(1 − τ), so the network need not carry the noise through
   * to its output; L_a is then the error of â, (1 − τ)² × the velocity's. Absent means false (the head
   * predicts v).
   */
  expertPredictsActions?: boolean;
  /**
   * true: the action expert is BESO's denoiser in flow time: its head is EDM's network F (Karras et al.
   * 2022) at σ = (1 − τ)/τ with σ_d = 0.5, reading c_in·x_σ = x_τ/√R and giving D = c_skip·x_σ + c_out·F,
   * R = (1 − τ)² + σ_d²τ²; the velocity it implies is v = (σ_d√R·F + (σ_d²τ − 1 + τ)·x_τ)/R, finite at
   * every τ, and L_a is F's error, as BESO's loss. Excludes `expertPredictsActions`. Absent means false.
   */
  expertEdmPreconditioning?: boolean;
  /**
   * true: the action expert also reads one scene token per frame, every object's position estimates
   * together (the goal's, z_{t−1}'s where it reads motion, and z_t's), as BESO's goal and state tokens
   * beside its object tokens. Absent means false.
   */
  expertSceneTokens?: boolean;
  /**
   * true: the previous frame reaches the action expert only through its scene token, as BESO's
   * state tokens: the object tokens carry no motion. Needs `expertReadsMotion` and `expertSceneTokens`.
   * Absent means false.
   */
  expertSceneMotionOnly?: boolean;
  /**
   * Blocks the action expert has after its L cross-attending ones, each self-attention and MLP only
   * (BESO's GPT has four blocks to the expert's three). Absent means 0.
   */
  expertExtraBlocks?: number;
  /**
   * true: the action expert reads an all-zero z_g as the null goal, as BESO's denoiser does: the goal's
   * presence g = tanh(Σ z_g²) (0 for the null goal, 1 for any LayerNorm'd latent) scales each object's
   * offset to its goal position, and (1 − g) times a learned vector marks the proprio token. Training
   * with goal dropout shows the expert null goals. Absent means false.
   */
  expertNullGoal?: boolean;
  /**
   * true: the world model also gets the expert's object tokens (from the position estimates of z_t
   * and z_g) after proprio. Absent means false.
   */
  worldModelObjectTokens?: boolean;
}

/**
 * Defaults for the tabletop tasks (horizons 60 / 150 / 300 steps). P = 16 executed actions with a
 * frame every r = 4 steps covers the next 16 steps densely; M = 4 distal frames reach a goal 300 steps
 * away at 138, 209, 260, 300 and one 60 steps away at 34, 46, 53, 60.
 */
export const DEFAULT_ACT2GOAL_ARCHITECTURE: Act2GoalArchitecture = {
  imageSize: 64,
  actionDim: 2,
  proprioDim: 4,
  latentDim: 32,
  positionDim: 6,
  encoderChannels: [16, 32, 64, 64],
  msth: { proximalSteps: 16, strideSteps: 4, distalCount: 4 },
  maxGoalSteps: 300,
  layers: 3,
  worldModel: { width: 128, heads: 4 },
  actionExpert: { width: 128, heads: 4 },
};

/** W: frames per observation, the current one last: 2 when the expert reads motion, else 1. */
export function act2goalWindow(arch: Act2GoalArchitecture): number {
  return arch.expertReadsMotion ? 2 : 1;
}

/** Graph tensor names, equal to the ONNX names of the exported graphs. */
export const ACT2GOAL_TENSORS = {
  encoder: {
    /** float32 [N, 3, S, S], RGB, (x − mean)/std per channel. */
    frames: 'frames',
    /** float32 [N, Z]. */
    latent: 'latent',
  },
  decoder: {
    /** float32 [N, Z]. */
    latent: 'latent',
    /** float32 [N, 3, S, S] in the encoder's normalised pixel units. */
    frames: 'decoded_frames',
  },
  worldModel: {
    /** float32 [B, Z]: latent of the current frame z_t. */
    currentLatent: 'current_latent',
    /** float32 [B, Z]: latent of the goal frame z_g. */
    goalLatent: 'goal_latent',
    /** float32 [B, Pp], z-scored. */
    proprio: 'proprio',
    /** float32 [B]: K, steps from the current frame to the goal (sets the distal offsets). */
    goalSteps: 'goal_steps',
    /** float32 [B]: flow time τ ∈ [0, 1] (0 noise, 1 data). */
    flowTime: 'flow_time',
    /** float32 [B, F, Z]: the MSTH future latents at τ, F = P/r + M, proximal first. */
    noisyLatents: 'noisy_latents',
    /** float32 [B, F, Z]: velocity v = data − noise of the future latents. */
    velocity: 'latent_velocity',
    /** float32 [B, L, T, d_w]: every block's output tokens, T = 5 + F (τ, K, z_t, z_g, proprio, futures). */
    hiddenStates: 'hidden_states',
  },
  actionExpert: {
    /** float32 [B, Z]: z_t, whose position estimates make the object tokens. */
    currentLatent: 'current_latent',
    /** float32 [B, Z]: z_g, likewise. */
    goalLatent: 'goal_latent',
    /** float32 [B, Z]: z_{t−1}, the previous frame's latent (an input only where `expertReadsMotion`). */
    previousLatent: 'previous_latent',
    /** float32 [B, L, T, d_w]: the world model's hidden states, computed once per plan. */
    hiddenStates: 'hidden_states',
    /** float32 [B, F, Z]: the imagined future latents (an input only where `expertReadsPlanPositions`). */
    futureLatents: 'future_latents',
    /** float32 [B, Pp], z-scored. */
    proprio: 'proprio',
    /** float32 [B]: flow time τ ∈ [0, 1] (0 noise, 1 data). */
    flowTime: 'flow_time',
    /** float32 [B, P + M, A]: the MSTH actions at τ, normalised to [−1, 1], proximal first. */
    noisyActions: 'noisy_actions',
    /** float32 [B, P + M, A]: velocity v = data − noise of the actions. */
    velocity: 'action_velocity',
  },
  goalStepsHead: {
    /** float32 [B, Z]: z_t. */
    currentLatent: 'current_latent',
    /** float32 [B, Z]: z_g. */
    goalLatent: 'goal_latent',
    /** float32 [B]: predicted ln(1 + K), K the steps from the current frame to the goal. */
    logGoalSteps: 'log_goal_steps',
  },
} as const;
