import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimRobot } from '../../../clients/sim-robot.ts';
import { loadPolicy } from '../../../policies/load-policy.ts';
import { createRobotPlanner } from '../../../policies/robot-planner.ts';
import { createTabletopEnv } from '../../../sim/tabletop-env.ts';
import { createTinyAct2GoalPackage } from '../tiny-act2goal-package.ts';
import { rawFrame } from './robot-messages.ts';
import { ONE_PUSH1_EPISODE, startTestServer, type TestServer } from './test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({}, createTinyAct2GoalPackage);
});
afterAll(() => t.stop());

describe('PolicyService serving an Act2Goal package', () => {
  it('lists it with its family, one-frame window and P-action chunks', async () => {
    const { models } = await t.client.listModels();
    expect(models[0]).toMatchObject({
      name: 'tiny-act2goal',
      family: 'act2goal',
      window: 1,
      chunkLength: 4,
      actionsPerChunk: 1,
    });
    expect(models[0].samplerDefaults).toMatchObject({ steps: 3, worldModelSteps: 10, minGoalSteps: 1 });
  });

  it('runs a full simulated episode over one Control stream, unchanged from BESO', async () => {
    const result = await runSimRobot(t.client, ONE_PUSH1_EPISODE);
    expect(result).toMatchObject({ task: 'push1', episodes: 1 });
    expect(result.meanSteps).toBeGreaterThan(0);
  });

  it('Act returns the chunk the in-process planner samples, with world-model steps and K floor overridden', async () => {
    const env = createTabletopEnv('push1', { imageSize: 16 });
    const { observation, goal } = env.reset(1001);
    const sampler = { steps: 3, worldModelSteps: 4, minGoalSteps: 200 };
    const response = await t.client.act({
      sampler,
      goal: { frames: [rawFrame(goal.frame)], seed: 5 },
      observations: [{ step: 0, frames: [rawFrame(observation.frame)], proprio: [...observation.proprio] }],
    });
    const policy = await loadPolicy(t.packageDir);
    const planner = createRobotPlanner(policy, { ...policy.manifest.sampler, ...sampler }, 5);
    await planner.setGoal(goal.frame);
    planner.observe(observation.frame, observation.proprio);
    const expected = (await planner.plan()).actions;
    await policy.release();
    expect(response.chunk).toMatchObject({ length: 4, actionDim: 2 });
    response.chunk.actions.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i], 4);
    });
  });
});

describe('PolicyService serving the shipped models/act2goal-tabletop', () => {
  let shipped: TestServer;
  beforeAll(async () => {
    shipped = await startTestServer({}, async () => ({ dir: 'models/act2goal-tabletop', remove: () => {} }));
  });
  afterAll(() => shipped.stop());

  it('runs one push1 episode over a Control stream with JPEG frames', async () => {
    const { models } = await shipped.client.listModels();
    expect(models[0]).toMatchObject({ name: 'act2goal-tabletop', family: 'act2goal', imageSizePx: 64 });
    const result = await runSimRobot(shipped.client, ONE_PUSH1_EPISODE);
    expect(result).toMatchObject({ task: 'push1', episodes: 1 });
    expect(result.meanSteps).toBeGreaterThan(0);
  });
});
