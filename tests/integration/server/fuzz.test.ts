import * as grpc from '@grpc/grpc-js';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RobotSession } from '../../../clients/robot-session.ts';
import { createRng, type Rng } from '../../../common/rng.ts';
import type { ControlRequest } from '../../../proto/goalserve-messages.ts';
import { createRobotMessages } from './robot-messages.ts';
import { checkHealth } from './standard-services.ts';
import { sendAndAwaitStatus } from './stream-status.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const STREAMS = 500;
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ frameMaxBytes: 2048 });
});
afterAll(() => t.stop());

const robot = createRobotMessages();
const weirdNumbers = [Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1e300, -1e-300, 2 ** 53, 3.5];
const pick = <T>(rng: Rng, list: readonly T[]): T => list[rng.int(list.length)];
const bytes = (rng: Rng, n: number) => Uint8Array.from({ length: n }, () => rng.int(256));

/** A structurally valid message with one field made wrong. */
function mutatedMessage(rng: Rng): ControlRequest {
  const observation = robot.observation();
  const variants: (() => ControlRequest)[] = [
    () => ({ start: { model: String.fromCharCode(...bytes(rng, 5)) } }),
    () => ({ start: { sampler: { steps: pick(rng, weirdNumbers), guidance: pick(rng, weirdNumbers) } } }),
    () => ({ start: { sampler: { sigmaMin: pick(rng, weirdNumbers), sigmaMax: pick(rng, weirdNumbers) } } }),
    () => ({ start: { actionsPerChunk: rng.int(1000), cameraNames: ['a', 'b', 'c'].slice(0, rng.int(4)) } }),
    () => ({
      goal: { ...robot.goal, frames: [{ encoding: 'IMAGE_ENCODING_JPEG', data: bytes(rng, rng.int(3000)) }] },
    }),
    () => ({
      goal: { ...robot.goal, proprio: Array.from({ length: rng.int(7) }, () => pick(rng, weirdNumbers)) },
    }),
    () => ({
      observation: {
        ...observation,
        proprio: observation.proprio?.map((v) => (rng.next() < 0.3 ? pick(rng, weirdNumbers) : v)),
      },
    }),
    () => ({
      observation: {
        ...observation,
        frames: [{ encoding: 'IMAGE_ENCODING_PNG', data: bytes(rng, rng.int(100)) }],
      },
    }),
    () => ({
      observation: {
        ...observation,
        frames: [
          {
            encoding: 'IMAGE_ENCODING_RAW_RGB',
            data: bytes(rng, rng.int(900)),
            widthPx: rng.int(40),
            heightPx: rng.int(40),
          },
        ],
      },
    }),
    () => ({ observation: { ...observation, step: rng.int(10), frames: [] } }),
    () => ({ endEpisode: {} }),
    () => ({}),
  ];
  return pick(rng, variants)();
}

/** Sends raw bytes as Control messages, bypassing protobuf encoding. */
function sendGarbage(rng: Rng, messages: number): Promise<number> {
  const Client = grpc.makeGenericClientConstructor(
    {
      control: {
        path: '/goalserve.v1.PolicyService/Control',
        requestStream: true,
        responseStream: true,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (b: Buffer) => b,
        responseDeserialize: (b: Buffer) => b,
      },
    },
    'PolicyService',
  );
  const client = new Client(t.address, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    control(): grpc.ClientDuplexStream<Buffer, Buffer>;
  };
  const call = client.control();
  const ended = new Promise<number>((resolve) => {
    call.on('data', () => undefined);
    call.on('error', (e: grpc.ServiceError) => resolve(e.code));
    call.on('end', () => resolve(grpc.status.OK));
  });
  for (let i = 0; i < messages; i++) call.write(Buffer.from(bytes(rng, 1 + rng.int(64))));
  call.end();
  return ended.finally(() => client.close());
}

describe('Control under fuzzing', () => {
  it('answers over a thousand malformed messages with statuses, never UNKNOWN, and keeps serving', async () => {
    const rng = createRng(7);
    const codes: number[] = [];
    let sent = 0;
    for (let batch = 0; batch < STREAMS / 20; batch++) {
      const streams = Array.from({ length: 20 }, () => {
        if (rng.next() < 0.25) {
          const n = 1 + rng.int(3);
          sent += n;
          return sendGarbage(rng, n);
        }
        const prefix: ControlRequest[] = [{ start: {} }, { goal: robot.goal }].slice(0, rng.int(3));
        const tail = Array.from({ length: 1 + rng.int(4) }, () => mutatedMessage(rng));
        sent += tail.length;
        return sendAndAwaitStatus(t.client, [...prefix, ...tail]).then((end) => end.code);
      });
      codes.push(...(await Promise.all(streams)));
    }
    expect(sent).toBeGreaterThanOrEqual(1000);
    expect(codes).not.toContain(grpc.status.UNKNOWN);
    expect(codes.filter((c) => c !== grpc.status.OK).length).toBeGreaterThan(STREAMS / 2);

    expect(await checkHealth(t.address, 'goalserve.v1.PolicyService')).toBe('SERVING');
    const session = await RobotSession.open(t.client, { imageEncoding: 'IMAGE_ENCODING_RAW_RGB' });
    session.setGoal(robot.goal);
    session.observe(robot.observation());
    await expect(firstValueFrom(session.chunks$)).resolves.toMatchObject({ episode: 1 });
    await session.end();
  });
});
