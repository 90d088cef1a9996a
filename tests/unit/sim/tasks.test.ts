import { describe, expect, it } from 'vitest';
import { createRng } from '../../../common/rng.ts';
import { createTabletopEnv } from '../../../sim/tabletop-env.ts';
import {
  getTask,
  isSuccess,
  OOD_BLOCK_COLORS,
  sampleTaskInstance,
  TASK_NAMES,
  TRAINING_BLOCK_COLORS,
} from '../../../sim/tasks.ts';
import { distance, WORLD } from '../../../sim/world.ts';

describe('tasks', () => {
  it('cover reach, push1 and push2 with three out-of-distribution variants each', () => {
    expect(TASK_NAMES).toHaveLength(12);
    expect(getTask('push2').blockCount).toBe(2);
    expect(getTask('push1-ood-color').blockColors).toBe(OOD_BLOCK_COLORS);
    for (const ood of OOD_BLOCK_COLORS) expect(TRAINING_BLOCK_COLORS).not.toContainEqual(ood);
  });

  it('reject unknown names with the list of known ones', () => {
    expect(() => getTask('push3')).toThrow(/unknown 'push3'.*reach, reach-ood-color/);
  });

  it('sample layouts with separated blocks and goals a push away from the start', () => {
    const task = getTask('push2');
    for (let seed = 0; seed < 200; seed++) {
      const { initial, goal } = sampleTaskInstance(task, createRng(seed));
      expect(distance(initial.blocks[0], initial.blocks[1])).toBeGreaterThanOrEqual(3 * WORLD.blockRadius);
      expect(distance(goal.blocks[0], goal.blocks[1])).toBeGreaterThanOrEqual(3 * WORLD.blockRadius);
      for (let i = 0; i < 2; i++) {
        expect(distance(initial.blocks[i], goal.blocks[i])).toBeGreaterThanOrEqual(0.15);
        expect(distance(initial.pusher, initial.blocks[i])).toBeGreaterThan(
          WORLD.blockRadius + WORLD.pusherRadius,
        );
        expect(distance(goal.pusher, goal.blocks[i])).toBeGreaterThan(WORLD.blockRadius + WORLD.pusherRadius);
      }
      expect(isSuccess(task, goal, goal)).toBe(true);
      expect(isSuccess(task, initial, goal)).toBe(false);
    }
  });

  it('count success only when every block is within the tolerance', () => {
    const task = getTask('push1');
    const goal = { pusher: { x: 0.1, y: 0.1 }, blocks: [{ x: 0.5, y: 0.5 }] };
    expect(isSuccess(task, { pusher: { x: 0.9, y: 0.9 }, blocks: [{ x: 0.5 + 0.049, y: 0.5 }] }, goal)).toBe(
      true,
    );
    expect(isSuccess(task, { pusher: { x: 0.9, y: 0.9 }, blocks: [{ x: 0.5 + 0.051, y: 0.5 }] }, goal)).toBe(
      false,
    );
  });
});

describe('createTabletopEnv', () => {
  it('moves the pusher by action × max step per tick and reports position and velocity', () => {
    const env = createTabletopEnv('reach');
    env.reset(5);
    const start = env.state().pusher;
    const action = start.x < 0.5 ? [1, 0] : [-1, 0];
    const { observation } = env.step(action);
    expect(observation.proprio[0]).toBeCloseTo(start.x + action[0] * WORLD.maxStepPerTick, 6);
    expect(observation.proprio[1]).toBeCloseTo(start.y, 6);
    expect(observation.proprio[2]).toBeCloseTo(action[0], 5);
  });

  it('miscalibrates ood-dynamics: actions turn by 35° and shrink to 0.7 before they act', () => {
    const env = createTabletopEnv('reach-ood-dynamics');
    env.reset(5);
    const start = env.state().pusher;
    const sign = start.x < 0.5 && start.y < 0.5 ? 1 : -1;
    env.step([sign, 0]);
    const end = env.state().pusher;
    const angle = (35 * Math.PI) / 180;
    expect(end.x - start.x).toBeCloseTo(sign * 0.7 * WORLD.maxStepPerTick * Math.cos(angle), 9);
    expect(end.y - start.y).toBeCloseTo(sign * 0.7 * WORLD.maxStepPerTick * Math.sin(angle), 9);
  });

  it('shows ood-camera scenes shifted and zoomed relative to the default camera', () => {
    const plain = createTabletopEnv('push1').reset(9).observation.frame;
    const shifted = createTabletopEnv('push1-ood-camera').reset(9).observation.frame;
    expect(shifted).not.toEqual(plain);
  });

  it('rejects non-finite and wrongly sized actions, naming the field', () => {
    const env = createTabletopEnv('push1');
    env.reset(1);
    expect(() => env.step([Number.NaN, 0])).toThrow(/action\[0\]/);
    expect(() => env.step([0, 0, 0])).toThrow(/expected 2 values, got 3/);
  });

  it('ends the episode at the horizon', () => {
    const env = createTabletopEnv('reach');
    env.reset(2);
    let result = env.step([0, 0]);
    while (!result.done) result = env.step([0, 0]);
    expect(result.step).toBe(env.task.horizon);
    expect(result.success).toBe(false);
  });
});
