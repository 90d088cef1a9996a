/** Which scripted policy produced an episode. */
export type EpisodePolicy = 'expert' | 'play';

/** One recorded episode of T control ticks. */
export interface EpisodeRecord {
  task: string;
  /** The layout seed: `sim render --task <task> --seed <seed>` shows its start. */
  seed: number;
  policy: EpisodePolicy;
  success: boolean;
  /** T, the number of actions taken. */
  steps: number;
  imageSize: number;
  /** uint8 [T+1, H, W, 3], RGB: the observation before each action, then the final one. */
  frames: Uint8Array;
  /** float32 [T+1, 4]: pusher x, y, vx, vy. */
  proprio: Float32Array;
  /** float32 [T, 2]: commanded actions in [−1, 1]. */
  actions: Float32Array;
  /** float32 [T+1, 2 + 2K]: pusher x, y then each block's x, y. */
  states: Float32Array;
  /** uint8 [H, W, 3]: the task's goal image. */
  goalFrame: Uint8Array;
  /** float32 [4]: proprioception in the goal state. */
  goalProprio: Float32Array;
  /** float32 [2 + 2K]: the goal state, laid out like `states`. */
  goalState: Float32Array;
}
