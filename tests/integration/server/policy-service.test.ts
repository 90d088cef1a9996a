import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RobotSession } from '../../../clients/robot-session.ts';
import { runSimRobot } from '../../../clients/sim-robot.ts';
import { BesoPolicy } from '../../../policies/beso/beso-policy.ts';
import { createRobotPlanner } from '../../../policies/robot-planner.ts';
import { createTabletopEnv } from '../../../sim/tabletop-env.ts';
import { createRobotMessages, rawFrame } from './robot-messages.ts';
import { checkHealth, queryReflection } from './standard-services.ts';
import { ONE_PUSH1_EPISODE, startTestServer, type TestServer } from './test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

describe('PolicyService', () => {
  it('runs a full simulated episode over one Control stream', async () => {
    const result = await runSimRobot(t.client, ONE_PUSH1_EPISODE);
    expect(result).toMatchObject({ task: 'push1', episodes: 1 });
    expect(result.meanSteps).toBeGreaterThan(0);
    expect(result.chunkLatencyMsP50).toBeGreaterThan(0);
  });

  it('answers started with the model’s shapes and chunks with step ids', async () => {
    const session = await RobotSession.open(t.client, { imageEncoding: 'IMAGE_ENCODING_RAW_RGB' });
    expect(session.started).toMatchObject({
      model: 'tiny-beso',
      actionDim: 2,
      chunkLength: 4,
      imageSizePx: 16,
      window: 2,
    });
    const robot = createRobotMessages();
    session.setGoal(robot.goal);
    session.observe(robot.observation(false));
    session.observe(robot.advance([0.5, 0]));
    const chunk = await firstValueFrom(session.chunks$);
    expect(chunk).toMatchObject({
      episode: 1,
      observationStep: 1,
      firstActionStep: 1,
      length: 4,
      actionDim: 2,
    });
    expect(chunk.actions).toHaveLength(8);
    expect(chunk.timing.batchSize).toBe(1);
    await session.end();
  });

  it('Act returns the chunk the in-process planner samples from the same goal, frames and seed', async () => {
    const env = createTabletopEnv('push1', { imageSize: 16 });
    const { observation, goal } = env.reset(1001);
    const next = env.step([0.3, -0.2]).observation;
    const response = await t.client.act({
      goal: { frames: [rawFrame(goal.frame)], seed: 77 },
      observations: [
        { step: 0, frames: [rawFrame(observation.frame)], proprio: [...observation.proprio] },
        { step: 1, frames: [rawFrame(next.frame)], proprio: [...next.proprio] },
      ],
    });
    const policy = await BesoPolicy.load(t.packageDir);
    const planner = createRobotPlanner(policy, policy.manifest.sampler, 77);
    await planner.setGoal(goal.frame);
    planner.observe(observation.frame, observation.proprio);
    planner.observe(next.frame, next.proprio);
    const expected = (await planner.plan()).actions;
    await policy.release();
    expect(response.chunk).toMatchObject({ observationStep: 1, firstActionStep: 1, length: 4, actionDim: 2 });
    response.chunk.actions.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i], 5);
    });
  });

  it('lists the served model with its shapes and sampler defaults', async () => {
    const { models } = await t.client.listModels();
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({
      name: 'tiny-beso',
      family: 'beso',
      imageSizePx: 16,
      chunkLength: 4,
      window: 2,
    });
    expect(models[0].samplerDefaults).toMatchObject({ sampler: 'ddim', steps: 3 });
  });

  it('reports SERVING on the standard health service', async () => {
    expect(await checkHealth(t.address, '')).toBe('SERVING');
    expect(await checkHealth(t.address, 'goalserve.v1.PolicyService')).toBe('SERVING');
  });

  it('lists its services and describes PolicyService through server reflection', async () => {
    const reflection = await queryReflection(t.address, [
      { listServices: '' },
      { fileContainingSymbol: 'goalserve.v1.PolicyService' },
    ]);
    const names = reflection[0].listServicesResponse?.service.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['goalserve.v1.PolicyService', 'grpc.health.v1.Health']));
    expect(reflection[1].fileDescriptorResponse?.fileDescriptorProto.length).toBeGreaterThan(0);
  });
});
