import type { Rng } from '../common/rng.ts';
import { SimError } from './sim-error.ts';
import { distance, type Vec2, WORLD, type WorldState } from './world.ts';

/** An RGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

/** What part of the world the camera sees: a square window centred at (centerX, centerY). */
export interface CameraSpec {
  centerX: number;
  centerY: number;
  /** Side of the visible square in arena units (1.1 shows the whole arena plus its walls). */
  viewSize: number;
}

/** A task: layout sampling, horizon, success test, and the variant's colours, camera and dynamics. */
export interface TaskSpec {
  name: string;
  family: 'reach' | 'push1' | 'push2';
  variant: 'in-distribution' | 'ood-color' | 'ood-dynamics' | 'ood-camera';
  blockCount: number;
  /** Control ticks before the episode ends unsolved. */
  horizon: number;
  /** Success radius: every block (or, for reach, the pusher) within this distance of its goal. */
  tolerance: number;
  blockColors: readonly Rgb[];
  camera: CameraSpec;
  /** Miscalibrated controller: commanded actions are rotated and scaled before they act. */
  actionRotationRad: number;
  actionScale: number;
}

/** Block colours seen in training data. */
export const TRAINING_BLOCK_COLORS: readonly Rgb[] = [
  [214, 58, 49],
  [45, 93, 214],
  [38, 160, 72],
];
/** Block colours that no training dataset contains. */
export const OOD_BLOCK_COLORS: readonly Rgb[] = [
  [236, 146, 28],
  [150, 64, 196],
  [226, 206, 40],
];
/** The default camera: the whole arena plus a band of wall. */
export const DEFAULT_CAMERA: CameraSpec = { centerX: 0.5, centerY: 0.5, viewSize: 1.1 };
const OOD_CAMERA: CameraSpec = { centerX: 0.53, centerY: 0.47, viewSize: 1.0 };

const FAMILIES = {
  reach: { blockCount: 0, horizon: 60, tolerance: 0.03 },
  push1: { blockCount: 1, horizon: 150, tolerance: 0.05 },
  push2: { blockCount: 2, horizon: 300, tolerance: 0.05 },
} as const;
const VARIANTS = ['in-distribution', 'ood-color', 'ood-dynamics', 'ood-camera'] as const;

/** Every task name: `reach`, `push1`, `push2` and their `-ood-color|-ood-dynamics|-ood-camera` variants. */
export const TASK_NAMES: readonly string[] = Object.keys(FAMILIES).flatMap((family) =>
  VARIANTS.map((variant) => (variant === 'in-distribution' ? family : `${family}-${variant}`)),
);

/** Looks a task up by name; unknown names fail with the list of known ones. */
export function getTask(name: string): TaskSpec {
  if (!TASK_NAMES.includes(name)) {
    throw new SimError('UNKNOWN_TASK', `task: unknown '${name}' (expected one of ${TASK_NAMES.join(', ')})`);
  }
  const [family, ...rest] = name.split('-') as [keyof typeof FAMILIES, ...string[]];
  const variant = (rest.length === 0 ? 'in-distribution' : rest.join('-')) as TaskSpec['variant'];
  return {
    name,
    family,
    variant,
    ...FAMILIES[family],
    blockColors: variant === 'ood-color' ? OOD_BLOCK_COLORS : TRAINING_BLOCK_COLORS,
    camera: variant === 'ood-camera' ? OOD_CAMERA : DEFAULT_CAMERA,
    actionRotationRad: variant === 'ood-dynamics' ? (35 * Math.PI) / 180 : 0,
    actionScale: variant === 'ood-dynamics' ? 0.7 : 1,
  };
}

/** A seeded episode layout: where everything starts and where it should end. */
export interface TaskInstance {
  initial: WorldState;
  goal: WorldState;
}

const LAYOUT_MIN = 0.18;
const LAYOUT_MAX = 0.82;
const MIN_PUSH_DISTANCE = 0.15;

/**
 * Samples start and goal states. Blocks and goals lie in [0.18, 0.82]² so the pusher can always get
 * behind a block; in the goal state the pusher rests where an expert's last push would leave it.
 */
export function sampleTaskInstance(task: TaskSpec, rng: Rng): TaskInstance {
  const pointIn = (min: number, max: number): Vec2 => ({
    x: rng.uniform(min, max),
    y: rng.uniform(min, max),
  });
  const clearOf = (p: Vec2, others: Vec2[], gap: number) => others.every((o) => distance(p, o) >= gap);
  const blockGap = 3 * WORLD.blockRadius;
  const starts: Vec2[] = [];
  const goals: Vec2[] = [];
  while (starts.length < task.blockCount) {
    const start = pointIn(LAYOUT_MIN, LAYOUT_MAX);
    const goal = pointIn(LAYOUT_MIN, LAYOUT_MAX);
    if (!clearOf(start, starts, blockGap) || !clearOf(goal, goals, blockGap)) continue;
    if (distance(start, goal) < MIN_PUSH_DISTANCE) continue;
    starts.push(start);
    goals.push(goal);
  }
  const pusherClearance = WORLD.blockRadius + WORLD.pusherRadius + 0.02;
  let pusher: Vec2;
  do pusher = pointIn(0.08, 0.92);
  while (!clearOf(pusher, starts, pusherClearance));

  if (task.blockCount === 0) {
    let target: Vec2;
    do target = pointIn(0.1, 0.9);
    while (distance(target, pusher) < MIN_PUSH_DISTANCE);
    return { initial: { pusher, blocks: [] }, goal: { pusher: target, blocks: [] } };
  }
  return {
    initial: { pusher, blocks: starts },
    goal: { pusher: restingPusher(starts, goals, rng), blocks: goals },
  };
}

/** Where the pusher rests after pushing a random block last: just behind it on its start→goal line. */
function restingPusher(starts: Vec2[], goals: Vec2[], rng: Rng): Vec2 {
  const back = WORLD.blockRadius + WORLD.pusherRadius + 0.005;
  const first = rng.int(goals.length);
  for (let k = 0; k < goals.length; k++) {
    const i = (first + k) % goals.length;
    const norm = distance(starts[i], goals[i]);
    const candidate = {
      x: goals[i].x - ((goals[i].x - starts[i].x) / norm) * back,
      y: goals[i].y - ((goals[i].y - starts[i].y) / norm) * back,
    };
    if (goals.every((g) => distance(candidate, g) >= back - 1e-9)) return candidate;
  }
  let free: Vec2;
  do free = { x: rng.uniform(0.08, 0.92), y: rng.uniform(0.08, 0.92) };
  while (!goals.every((g) => distance(free, g) >= back));
  return free;
}

/** The task's success test for a state against its goal. */
export function isSuccess(task: TaskSpec, state: WorldState, goal: WorldState): boolean {
  if (task.blockCount === 0) return distance(state.pusher, goal.pusher) <= task.tolerance;
  return state.blocks.every((block, i) => distance(block, goal.blocks[i]) <= task.tolerance);
}
