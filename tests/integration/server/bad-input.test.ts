import { status } from '@grpc/grpc-js';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RobotSession } from '../../../clients/robot-session.ts';
import type { ControlRequest, Frame } from '../../../proto/goalserve-messages.ts';
import { createRobotMessages } from './robot-messages.ts';
import { sendAndAwaitStatus } from './stream-status.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const FRAME_MAX_BYTES = 4096;
let t: TestServer;
let neighbour: RobotSession;
let robot: ReturnType<typeof createRobotMessages>;
beforeAll(async () => {
  t = await startTestServer({ frameMaxBytes: FRAME_MAX_BYTES, maxMessageBytes: 64 * 1024, maxSessions: 3 });
  neighbour = await RobotSession.open(t.client, { imageEncoding: 'IMAGE_ENCODING_RAW_RGB' });
  robot = createRobotMessages();
  neighbour.setGoal(robot.goal);
});
afterAll(async () => {
  await neighbour.end();
  await t.stop();
});

const valid = createRobotMessages(1001);
const start: ControlRequest = { start: {} };
const goal: ControlRequest = { goal: valid.goal };
const observe = (patch: object): ControlRequest => ({ observation: { ...valid.observation(), ...patch } });
const jpeg = (data: Uint8Array): Frame => ({ encoding: 'IMAGE_ENCODING_JPEG', data });
const named = (camera: string): Frame => ({ ...(valid.goal.frames ?? [])[0], camera });

const cases: [string, ControlRequest[], status, string][] = [
  [
    'an undecodable JPEG frame',
    [start, goal, observe({ frames: [jpeg(Uint8Array.of(0xff, 0xd8, 0xff, 1, 2, 3))] })],
    status.INVALID_ARGUMENT,
    'observation(step 0).frames[0].data: cannot decode',
  ],
  [
    'a frame that is not the declared encoding',
    [start, goal, observe({ frames: [jpeg(Uint8Array.of(0, 1, 2, 3))] })],
    status.INVALID_ARGUMENT,
    'observation.frames[0].data: cannot decode (expected JPEG, got 4 bytes starting 0x00 0x01 0x02 0x03)',
  ],
  [
    'an oversized frame',
    [start, goal, observe({ frames: [jpeg(new Uint8Array(FRAME_MAX_BYTES + 1).fill(0xff))] })],
    status.INVALID_ARGUMENT,
    'observation.frames[0].data: 4097 bytes is over the limit of 4096 bytes',
  ],
  [
    'a message over the size limit',
    [start, goal, observe({ frames: [jpeg(new Uint8Array(70 * 1024))] })],
    status.RESOURCE_EXHAUSTED,
    '',
  ],
  [
    'a raw frame whose size disagrees with its dimensions',
    [
      start,
      goal,
      observe({
        frames: [{ encoding: 'IMAGE_ENCODING_RAW_RGB', data: new Uint8Array(10), widthPx: 16, heightPx: 16 }],
      }),
    ],
    status.INVALID_ARGUMENT,
    'observation.frames[0].data: expected 16×16×3 = 768 bytes of raw RGB, got 10',
  ],
  [
    'proprio of the wrong length',
    [start, goal, observe({ proprio: [0.1, 0.2, 0.3] })],
    status.INVALID_ARGUMENT,
    'observation.proprio: expected 4 values, got 3',
  ],
  [
    'a NaN in proprio',
    [start, goal, observe({ proprio: [0.1, Number.NaN, 0, 0] })],
    status.INVALID_ARGUMENT,
    'observation.proprio[1]: expected a finite number, got NaN',
  ],
  [
    'an infinite goal proprio',
    [start, { goal: { ...valid.goal, proprio: [0, 0, Number.POSITIVE_INFINITY, 0] } }],
    status.INVALID_ARGUMENT,
    'goal.proprio[2]: expected a finite number, got Infinity',
  ],
  [
    'two frames for one camera',
    [
      start,
      goal,
      observe({ frames: [...(valid.observation().frames ?? []), ...(valid.observation().frames ?? [])] }),
    ],
    status.INVALID_ARGUMENT,
    'observation.frames: expected 1 frame, got 2',
  ],
  [
    'a step going backwards',
    [start, goal, observe({ step: 5 }), observe({ step: 4 })],
    status.INVALID_ARGUMENT,
    'observation.step: expected at least the previous step 5, got 4',
  ],
  [
    'an observation before the goal',
    [start, observe({})],
    status.FAILED_PRECONDITION,
    'observation: received before a goal',
  ],
  ['a goal before start', [goal], status.FAILED_PRECONDITION, 'goal: received before start'],
  ['a second start', [start, start], status.FAILED_PRECONDITION, 'start: the session has already started'],
  [
    'a message with no kind',
    [{}],
    status.INVALID_ARGUMENT,
    'request.kind: expected one of start, goal, observation, endEpisode, got none',
  ],
  [
    'an unknown model',
    [{ start: { model: 'nope' } }],
    status.NOT_FOUND,
    "start.model: unknown model 'nope' (serving tiny-beso)",
  ],
  [
    'an unknown adapter',
    [{ start: { adapterId: 'lora-7' } }],
    status.NOT_FOUND,
    "start.adapterId: unknown adapter 'lora-7'",
  ],
  [
    'a bad sampler override',
    [{ start: { sampler: { steps: 0 } } }],
    status.INVALID_ARGUMENT,
    'start.sampler.steps: expected an integer in [1, 1000], got 0',
  ],
  [
    'too many sampler steps for this server',
    [{ start: { sampler: { steps: 500 } } }],
    status.INVALID_ARGUMENT,
    'start.sampler.steps: expected at most 32 on this server, got 500',
  ],
  [
    'an unknown sampler',
    [{ start: { sampler: { sampler: 'magic' } } }],
    status.INVALID_ARGUMENT,
    'start.sampler.sampler: expected one of',
  ],
  [
    'a camera declared twice',
    [{ start: { cameraNames: ['left', 'left'] } }],
    status.INVALID_ARGUMENT,
    "start.cameraNames[1]: 'left' is declared twice",
  ],
  [
    'a frame from an undeclared camera',
    [
      { start: { cameraNames: ['left', 'right'] } },
      { goal: { ...valid.goal, frames: [named('left'), named('top')] } },
    ],
    status.INVALID_ARGUMENT,
    "goal.frames[1].camera: expected one of 'left', 'right' (declared at start), got 'top'",
  ],
  [
    'a goal without a frame for every camera',
    [{ start: { cameraNames: ['left', 'right'] } }, { goal: { ...valid.goal, frames: [named('left')] } }],
    status.INVALID_ARGUMENT,
    'goal.frames: expected 2 frames, one per camera, got 1',
  ],
  [
    'one camera twice in a message',
    [
      { start: { cameraNames: ['left', 'right'] } },
      { goal: { ...valid.goal, frames: [named('left'), named('right')] } },
      observe({ frames: [named('left'), named('left')] }),
    ],
    status.INVALID_ARGUMENT,
    "observation.frames[1].camera: 'left' sent twice in one message",
  ],
];

describe('Control with bad input', () => {
  it.each(cases)(
    'ends a stream that sends %s with the right status, while another session keeps receiving chunks',
    async (_, messages, code, details) => {
      const end = await sendAndAwaitStatus(t.client, messages);
      expect(end.code).toBe(code);
      expect(end.details).toContain(details);
      neighbour.observe(robot.observation());
      const chunk = firstValueFrom(neighbour.chunks$);
      await expect(chunk).resolves.toMatchObject({ episode: 1, length: 4 });
      robot.advance((await chunk).actions.slice(0, 2), false);
    },
  );

  it('refuses a session beyond maxSessions with RESOURCE_EXHAUSTED', async () => {
    const second = await RobotSession.open(t.client, {});
    const third = await RobotSession.open(t.client, {});
    const end = await sendAndAwaitStatus(t.client, [start]);
    expect(end).toMatchObject({
      code: status.RESOURCE_EXHAUSTED,
      details: 'start: too many sessions (this server allows 3)',
    });
    await Promise.all([second.end(), third.end()]);
  });

  it('ends an Act call with no goal with INVALID_ARGUMENT naming the field', async () => {
    await expect(t.client.act({ observations: [valid.observation()] })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: 'goal: required',
    });
  });

  it('ends an Act call with too many observations with INVALID_ARGUMENT naming the field', async () => {
    const observations = [0, 1, 2].map((step) => ({ ...valid.observation(), step }));
    await expect(t.client.act({ goal: valid.goal, observations })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: "observations: expected 1..2 (the model's window), got 3",
    });
  });
});
