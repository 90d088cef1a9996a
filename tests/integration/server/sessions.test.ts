import { status } from '@grpc/grpc-js';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPolicyClient } from '../../../clients/policy-client.ts';
import { RobotSession } from '../../../clients/robot-session.ts';
import { runSimRobot } from '../../../clients/sim-robot.ts';
import type { ControlResponse, Warning } from '../../../proto/goalserve-messages.ts';
import { createRobotMessages } from './robot-messages.ts';
import { sendAndAwaitStatus } from './stream-status.ts';
import { startTestServer, type TestServer } from './test-server.ts';

describe('many sessions on one server', () => {
  let t: TestServer;
  beforeAll(async () => {
    // A wait far longer than any test makes a batch run exactly when it is full.
    t = await startTestServer({ maxBatchSize: 4, maxBatchWaitUs: 60_000_000 });
  });
  afterAll(() => t.stop());

  it('batches four concurrent Act calls into one denoiser run with the same chunks each gets alone', async () => {
    const requests = [1000, 1001, 1002, 1003].map((seed) => {
      const robot = createRobotMessages(seed);
      return { goal: robot.goal, observations: [robot.observation(false)] };
    });
    const together = await Promise.all(requests.map((r) => t.client.act(r)));
    expect(together.map((r) => r.chunk.timing.batchSize)).toEqual([4, 4, 4, 4]);
    for (const [i, request] of requests.entries()) {
      const alone = await Promise.all([request, request, request, request].map((r) => t.client.act(r)));
      alone[0].chunk.actions.forEach((v, k) => {
        expect(v).toBeCloseTo(together[i].chunk.actions[k], 4);
      });
    }
  });
});

describe('session lifecycle', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('serves sixteen robots at once, each to the end of its episode', async () => {
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        runSimRobot(t.client, {
          task: 'reach',
          episodes: 1,
          seed: 2000 + i,
          model: '',
          controlHz: 0,
          threshold: 0.5,
          blend: 'latest-only',
          ensembleDecay: 0,
          encoding: 'raw',
        }),
      ),
    );
    for (const result of results) expect(result.meanSteps).toBeGreaterThan(0);
    await vi.waitFor(() => expect(t.server.openSessions).toBe(0));
  });

  it('frees a session cancelled while its chunk is being planned and keeps serving others', async () => {
    const session = await RobotSession.open(t.client, { imageEncoding: 'IMAGE_ENCODING_RAW_RGB' });
    const robot = createRobotMessages();
    session.setGoal(robot.goal);
    session.observe(robot.observation());
    session.cancel();
    await expect(session.closed).rejects.toMatchObject({ code: status.CANCELLED });
    await vi.waitFor(() => expect(t.server.openSessions).toBe(0));
    const next = await RobotSession.open(t.client, { imageEncoding: 'IMAGE_ENCODING_RAW_RGB' });
    next.setGoal(robot.goal);
    next.observe(robot.observation());
    await expect(firstValueFrom(next.chunks$)).resolves.toMatchObject({ episode: 1 });
    await next.end();
  });

  it('drops a frame older than maxFrameAgeMs with a STALE_FRAME warning instead of a chunk', async () => {
    const session = await RobotSession.open(t.client, { imageEncoding: 'IMAGE_ENCODING_RAW_RGB' });
    const robot = createRobotMessages();
    session.setGoal(robot.goal);
    session.observe({ ...robot.observation(), capturedAtUnixMs: 1 });
    const warning = await firstValueFrom(session.warnings$);
    expect(warning).toMatchObject({ code: 'STALE_FRAME', observationStep: 0, episode: 1 });
    expect(warning.message).toContain('observation(step 0): frame is');
    await session.end();
  });

  it('matches frames of two cameras by step and drops a step one camera never completed', async () => {
    const session = await RobotSession.open(t.client, {
      imageEncoding: 'IMAGE_ENCODING_RAW_RGB',
      cameraNames: ['left', 'right'],
    });
    const robot = createRobotMessages();
    const [goalFrame] = robot.goal.frames ?? [];
    session.setGoal({
      ...robot.goal,
      frames: [
        { ...goalFrame, camera: 'left' },
        { ...goalFrame, camera: 'right' },
      ],
    });
    const atStep = (step: number, camera: string) => {
      const observation = robot.observation();
      const [frame] = observation.frames ?? [];
      return { ...observation, step, frames: [{ ...frame, camera }] };
    };
    const chunkSteps: number[] = [];
    const warnings: Warning[] = [];
    session.chunks$.subscribe((c) => chunkSteps.push(c.observationStep));
    session.warnings$.subscribe((w) => warnings.push(w));
    // Step 0 arrives camera by camera: the chunk comes once both are in.
    session.observe(atStep(0, 'left'));
    session.observe(atStep(0, 'right'));
    await vi.waitFor(() => expect(chunkSteps).toEqual([0]));
    // Step 1 only from the left camera, then step 2 from both in one message.
    session.observe(atStep(1, 'left'));
    const both = robot.observation();
    const [frame] = both.frames ?? [];
    session.observe({
      ...both,
      step: 2,
      frames: [
        { ...frame, camera: 'right' },
        { ...frame, camera: 'left' },
      ],
    });
    await vi.waitFor(() => expect(chunkSteps).toHaveLength(2));
    expect(chunkSteps).toEqual([0, 2]);
    expect(warnings).toEqual([
      {
        code: 'INCOMPLETE_STEP',
        message: 'observation(step 1): no frame from camera right before step 2; step dropped',
        observationStep: 1,
        episode: 1,
      },
    ]);
    await session.end();
  });

  it('stops planning for a client that stops reading, serves the others, and answers its newest step after', async () => {
    const robot = createRobotMessages();
    const call = t.client.control();
    const steps: number[] = [];
    let started!: () => void;
    const ready = new Promise<void>((resolve) => {
      started = resolve;
    });
    call.on('data', (r: ControlResponse) => {
      if (r.started !== undefined) started();
      if (r.chunk !== undefined) steps.push(r.chunk.observationStep);
    });
    call.write({ start: { imageEncoding: 'IMAGE_ENCODING_RAW_RGB' } });
    call.write({ goal: robot.goal });
    await ready;
    call.pause();
    // Far more chunk requests than the HTTP/2 window holds answers to, each spaced so the server
    // could plan it: without flow control every one would be planned and buffered.
    const requests = 2000;
    for (let step = 0; step < requests; step++) {
      call.write({ observation: { ...robot.observation(), step } });
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const other = await RobotSession.open(t.client, { imageEncoding: 'IMAGE_ENCODING_RAW_RGB' });
    other.setGoal(robot.goal);
    other.observe(robot.observation());
    await expect(firstValueFrom(other.chunks$)).resolves.toMatchObject({ observationStep: 0 });
    await other.end();
    call.resume();
    await vi.waitFor(() => expect(steps.at(-1)).toBe(requests - 1), { timeout: 10_000 });
    expect(steps.length).toBeLessThan(requests / 2);
    expect(steps.every((step, i) => i === 0 || step > steps[i - 1])).toBe(true);
    const ended = new Promise((resolve, reject) => call.on('end', resolve).on('error', reject));
    call.end();
    await ended;
  });

  it('ignores chunk requests of an episode that has ended', async () => {
    const robot = createRobotMessages();
    const end = await sendAndAwaitStatus(t.client, [
      { start: { imageEncoding: 'IMAGE_ENCODING_RAW_RGB' } },
      { goal: robot.goal },
      { observation: robot.observation() },
      { endEpisode: {} },
    ]);
    expect(end.code).toBe(status.OK);
  });
});

describe('shutdown', () => {
  it('ends open streams with UNAVAILABLE and then refuses connections', async () => {
    const t = await startTestServer();
    const session = await RobotSession.open(t.client, { imageEncoding: 'IMAGE_ENCODING_RAW_RGB' });
    const robot = createRobotMessages();
    session.setGoal(robot.goal);
    session.observe(robot.observation());
    const stopped = t.stop();
    await expect(session.closed).rejects.toMatchObject({
      code: status.UNAVAILABLE,
      details: expect.stringContaining('server is shutting down'),
    });
    await stopped;
    expect(t.server.openSessions).toBe(0);
    const late = createPolicyClient(t.address);
    await expect(late.listModels()).rejects.toMatchObject({ code: status.UNAVAILABLE });
    late.close();
  });
});
