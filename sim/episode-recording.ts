import type { EpisodePolicy, EpisodeRecord } from './episode.ts';
import {
  ACTION_DIM,
  type Goal,
  type Observation,
  PROPRIO_DIM,
  type StepResult,
  type TabletopEnv,
} from './tabletop-env.ts';
import type { WorldState } from './world.ts';

/**
 * Records one episode as it is stepped: before each tick the observation, after it the action the
 * dataset keeps (the scripted policy's), which need not be the one executed (noise, a driver).
 * Holds up to `maxSteps` ticks.
 */
export class EpisodeRecording {
  private readonly frames: Uint8Array;
  private readonly proprio: Float32Array;
  private readonly actions: Float32Array;
  private readonly states: Float32Array;
  private readonly frameSize: number;
  private readonly stateSize: number;
  private ticks = 0;
  private succeeded = false;

  constructor(
    private readonly env: TabletopEnv,
    private readonly kind: EpisodePolicy,
    private readonly seed: number,
    private readonly maxSteps: number,
    first: Observation,
    private readonly goal: Goal,
  ) {
    this.frameSize = first.frame.length;
    this.stateSize = 2 + 2 * env.task.blockCount;
    this.frames = new Uint8Array((maxSteps + 1) * this.frameSize);
    this.proprio = new Float32Array((maxSteps + 1) * PROPRIO_DIM);
    this.actions = new Float32Array(maxSteps * ACTION_DIM);
    this.states = new Float32Array((maxSteps + 1) * this.stateSize);
    this.keep(0, first);
  }

  /** Ticks taken so far. */
  get steps(): number {
    return this.ticks;
  }

  /** Steps the environment with `executed` and records `recorded` as this tick's action. */
  step(recorded: ArrayLike<number>, executed: ArrayLike<number>): StepResult {
    if (this.ticks >= this.maxSteps) {
      throw new RangeError(`episode recording: already holds its ${this.maxSteps} ticks`);
    }
    const result = this.env.step(executed);
    this.actions.set(recorded, this.ticks * ACTION_DIM);
    this.ticks += 1;
    this.keep(this.ticks, result.observation);
    this.succeeded = result.success;
    return result;
  }

  /** The episode so far; it succeeded if its last tick reached the goal. */
  record(): EpisodeRecord {
    const steps = this.ticks;
    return {
      task: this.env.task.name,
      seed: this.seed,
      policy: this.kind,
      success: this.succeeded,
      steps,
      imageSize: this.env.renderer.width,
      frames: this.frames.slice(0, (steps + 1) * this.frameSize),
      proprio: this.proprio.slice(0, (steps + 1) * PROPRIO_DIM),
      actions: this.actions.slice(0, steps * ACTION_DIM),
      states: this.states.slice(0, (steps + 1) * this.stateSize),
      goalFrame: this.goal.frame,
      goalProprio: this.goal.proprio,
      goalState: flattenState(this.goal.state),
    };
  }

  private keep(tick: number, observation: Observation): void {
    this.frames.set(observation.frame, tick * this.frameSize);
    this.proprio.set(observation.proprio, tick * PROPRIO_DIM);
    this.states.set(flattenState(this.env.state()), tick * this.stateSize);
  }
}

/** float32 [2 + 2K]: pusher x, y then each block's x, y. */
export function flattenState(state: WorldState): Float32Array {
  return Float32Array.from([state.pusher, ...state.blocks].flatMap((p) => [p.x, p.y]));
}
