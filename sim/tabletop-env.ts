import { createRng } from '../common/rng.ts';
import { stepWorld } from './physics.ts';
import { createRenderer, type Renderer } from './renderer.ts';
import { SimError } from './sim-error.ts';
import { getTask, isSuccess, sampleTaskInstance, type TaskSpec } from './tasks.ts';
import { clamp, cloneWorld, WORLD, type WorldState } from './world.ts';

/** Proprioception length: pusher x, y and velocity vx, vy (in max steps per tick). */
export const PROPRIO_DIM = 4;
/** Action length: a 2-D delta command in [−1, 1]². */
export const ACTION_DIM = 2;

/** What the robot senses at one control tick. */
export interface Observation {
  /** uint8 [H, W, 3], RGB. */
  frame: Uint8Array;
  /** float32 [4]: x, y in arena units, vx, vy in max steps per tick. */
  proprio: Float32Array;
}

/** The goal of the current episode: its state, its image and the pusher's position in it. */
export interface Goal {
  state: WorldState;
  frame: Uint8Array;
  proprio: Float32Array;
}

/** The result of one control tick. */
export interface StepResult {
  observation: Observation;
  /** Ticks taken so far in this episode. */
  step: number;
  success: boolean;
  /** Success or horizon reached. */
  done: boolean;
}

/** Options for a tabletop environment. */
export interface TabletopEnvOptions {
  imageSize?: number;
  /** Light table texture (default true). */
  texture?: boolean;
}

/** A task of the tabletop: reset with a seed, step with actions, observe frames and proprioception. */
export interface TabletopEnv {
  readonly task: TaskSpec;
  readonly renderer: Renderer;
  reset(seed: number): { observation: Observation; goal: Goal };
  step(action: ArrayLike<number>): StepResult;
  /** A copy of the current world state. */
  state(): WorldState;
  goal(): Goal;
}

/** Creates an environment for a task name (see TASK_NAMES). */
export function createTabletopEnv(taskName: string, options: TabletopEnvOptions = {}): TabletopEnv {
  const task = getTask(taskName);
  const size = options.imageSize ?? 64;
  const renderer = createRenderer({
    width: size,
    height: size,
    camera: task.camera,
    blockColors: task.blockColors,
    texture: options.texture,
  });
  const cos = Math.cos(task.actionRotationRad) * task.actionScale;
  const sin = Math.sin(task.actionRotationRad) * task.actionScale;
  let world: WorldState | undefined;
  let goal: Goal | undefined;
  let velocity = { x: 0, y: 0 };
  let steps = 0;

  const observe = (state: WorldState, v = velocity): Observation => ({
    frame: renderer.render(state),
    proprio: Float32Array.of(state.pusher.x, state.pusher.y, v.x, v.y),
  });

  return {
    task,
    renderer,
    reset(seed) {
      const instance = sampleTaskInstance(task, createRng(seed));
      world = instance.initial;
      const goalObservation = observe(instance.goal, { x: 0, y: 0 });
      goal = { state: instance.goal, ...goalObservation };
      velocity = { x: 0, y: 0 };
      steps = 0;
      return { observation: observe(world), goal: { ...goal, state: cloneWorld(goal.state) } };
    },
    step(action) {
      if (world === undefined || goal === undefined)
        throw new SimError('BAD_ACTION', 'step: call reset first');
      if (action.length !== ACTION_DIM) {
        throw new SimError('BAD_ACTION', `action: expected ${ACTION_DIM} values, got ${action.length}`);
      }
      const ax = clampUnit(action[0], 0);
      const ay = clampUnit(action[1], 1);
      const before = { ...world.pusher };
      stepWorld(world, {
        x: (cos * ax - sin * ay) * WORLD.maxStepPerTick,
        y: (sin * ax + cos * ay) * WORLD.maxStepPerTick,
      });
      velocity = {
        x: (world.pusher.x - before.x) / WORLD.maxStepPerTick,
        y: (world.pusher.y - before.y) / WORLD.maxStepPerTick,
      };
      steps += 1;
      const success = isSuccess(task, world, goal.state);
      return { observation: observe(world), step: steps, success, done: success || steps >= task.horizon };
    },
    state() {
      if (world === undefined) throw new SimError('BAD_ACTION', 'state: call reset first');
      return cloneWorld(world);
    },
    goal() {
      if (goal === undefined) throw new SimError('BAD_ACTION', 'goal: call reset first');
      return goal;
    },
  };
}

function clampUnit(value: number, index: number): number {
  if (!Number.isFinite(value))
    throw new SimError('BAD_ACTION', `action[${index}]: expected a finite number, got ${value}`);
  return clamp(value, -1, 1);
}
