import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { firstValueFrom } from 'rxjs';
import { ChunkScheduler } from '../clients/chunk-scheduler.ts';
import { encodeFrame } from '../clients/frame-encoder.ts';
import { createPolicyClient, type PolicyClient } from '../clients/policy-client.ts';
import { RobotSession } from '../clients/robot-session.ts';
import { percentile } from '../common/percentile.ts';
import { loadPolicy } from '../policies/load-policy.ts';
import { createRobotPlanner } from '../policies/robot-planner.ts';
import type { Frame } from '../proto/goalserve-messages.ts';
import { startPolicyServer } from '../server/policy-server.ts';
import { createTabletopEnv } from '../sim/tabletop-env.ts';

/** Pre-rendered robot traffic: a goal and a loop of observations, frames already JPEG-encoded. */
interface Traffic {
  goal: Frame;
  frames: Frame[];
  /** The same frames as raw RGB messages. */
  rawFrames: Frame[];
  raw: Uint8Array[];
  proprio: number[][];
}

const round = (v: number, digits = 2) => Number(v.toFixed(digits));

/**
 * `npm run bench -- server [--model DIR --seconds S --robots 1,4,16,32]`: the server in a child
 * process, robots over loopback gRPC in this one. Per robot count and batching on/off: saturated
 * lock-step robots (chunks/s, p50/p99 latency, CPU of server and clients) and robots paced at the
 * control rate with early re-requests (stalls). Plus the bare in-process planner at batch 1.
 */
export async function runServerBench(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      model: { type: 'string', default: 'models/beso-tabletop' },
      seconds: { type: 'string', default: '5' },
      robots: { type: 'string', default: '1,4,16,32' },
      'intra-op-threads': { type: 'string', default: '1' },
      child: { type: 'string' },
    },
  });
  const threads = Number(values['intra-op-threads']);
  if (values.child !== undefined) return serveAsChild(values.model, Number(values.child), threads);
  const seconds = Number(values.seconds);
  const traffic = await renderTraffic(values.model);
  const bare = await benchBarePlanner(values.model, traffic, threads);
  console.log(
    JSON.stringify({ bench: 'server', mode: 'bare in-process planner', batch: 1, threads, ...bare }),
  );
  const saturated = new Map<string, number>();
  let serverP50 = Number.NaN;
  let serverRawP50 = Number.NaN;
  for (const maxBatchSize of [32, 1]) {
    const batching = maxBatchSize > 1 ? 'on' : 'off';
    const child = await startChild(values.model, maxBatchSize, threads);
    const client = createPolicyClient(`127.0.0.1:${child.port}`);
    for (const robots of values.robots.split(',').map(Number)) {
      const run = await measure(child, () => saturate(client, traffic, robots, seconds));
      saturated.set(`${batching}:${robots}`, run.chunksPerSecond);
      console.log(JSON.stringify({ bench: 'server', mode: 'saturated', batching, robots, ...run }));
      if (robots === 1 && batching === 'on') {
        serverP50 = run.p50Ms;
        const raw = await measure(child, () => saturate(client, traffic, robots, seconds, true));
        serverRawP50 = raw.p50Ms;
        console.log(
          JSON.stringify({ bench: 'server', mode: 'saturated, raw RGB frames', batching, robots, ...raw }),
        );
      }
      const paced = await measure(child, () => pace(client, traffic, robots, seconds));
      console.log(JSON.stringify({ bench: 'server', mode: 'paced 100 Hz', batching, robots, ...paced }));
    }
    client.close();
    child.process.send('stop');
    await once(child.process, 'exit');
  }
  console.log(
    JSON.stringify({
      bench: 'server',
      serverPathOverheadPct: round((100 * (serverP50 - bare.p50Ms)) / bare.p50Ms, 1),
      serverPathOverheadRawFramesPct: round((100 * (serverRawP50 - bare.p50Ms)) / bare.p50Ms, 1),
      batchingGainAt16: round((saturated.get('on:16') ?? 0) / (saturated.get('off:16') ?? 1), 2),
    }),
  );
}

async function renderTraffic(model: string): Promise<Traffic> {
  const policy = await loadPolicy(model);
  const size = policy.manifest.image.size;
  await policy.release();
  const env = createTabletopEnv('push1', { imageSize: size });
  const { observation, goal } = env.reset(1000);
  const raw = [observation.frame];
  const proprio = [[...observation.proprio]];
  for (let i = 0; i < 31; i++) {
    const next = env.step([Math.cos(i / 5), Math.sin(i / 7)]).observation;
    raw.push(next.frame);
    proprio.push([...next.proprio]);
  }
  return {
    goal: await encodeFrame(goal.frame, size, 'jpeg'),
    frames: await Promise.all(raw.map((f) => encodeFrame(f, size, 'jpeg'))),
    rawFrames: await Promise.all(raw.map((f) => encodeFrame(f, size, 'raw'))),
    raw,
    proprio,
  };
}

async function benchBarePlanner(model: string, traffic: Traffic, intraOpThreads: number) {
  const policy = await loadPolicy(model, { intraOpThreads });
  const planner = createRobotPlanner(policy, policy.manifest.sampler, 1);
  const env = createTabletopEnv('push1', { imageSize: policy.manifest.image.size });
  await planner.setGoal(env.reset(1000).goal.frame);
  const latencies: number[] = [];
  for (let i = 0; i < 300; i++) {
    planner.observe(
      traffic.raw[i % traffic.raw.length],
      Float32Array.from(traffic.proprio[i % traffic.raw.length]),
    );
    const started = performance.now();
    await planner.plan();
    if (i >= 20) latencies.push(performance.now() - started);
  }
  await policy.release();
  return { p50Ms: round(percentile(latencies, 50), 3), p99Ms: round(percentile(latencies, 99), 3) };
}

interface Child {
  process: ChildProcess;
  port: number;
}

async function startChild(model: string, maxBatchSize: number, threads: number): Promise<Child> {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const args = [
    'server',
    '--model',
    model,
    '--child',
    String(maxBatchSize),
    '--intra-op-threads',
    String(threads),
  ];
  const child = fork(main, args, {
    execArgv: ['--import', 'tsx'],
  });
  const [message] = (await once(child, 'message')) as [{ port: number }];
  return { process: child, port: message.port };
}

async function serveAsChild(model: string, maxBatchSize: number, intraOpThreads: number): Promise<void> {
  const server = await startPolicyServer({
    address: '127.0.0.1:0',
    modelPaths: [model],
    maxBatchSize,
    intraOpThreads,
    maxSessions: 1024,
    logLevel: 'warn',
  });
  process.on('message', async (message) => {
    if (message === 'cpu') process.send?.(process.cpuUsage());
    if (message === 'stop') {
      await server.shutdown();
      process.exit(0);
    }
  });
  process.send?.({ port: server.port });
}

async function childCpuMicros(child: Child): Promise<number> {
  child.process.send('cpu');
  const [usage] = (await once(child.process, 'message')) as [NodeJS.CpuUsage];
  return usage.user + usage.system;
}

/** Runs a load and adds CPU use (in cores) of the server child and of this client process. */
async function measure<T extends object>(child: Child, load: () => Promise<T>) {
  const serverBefore = await childCpuMicros(child);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const result = await load();
  const wallMicros = (performance.now() - started) * 1000;
  const client = process.cpuUsage(clientBefore);
  return {
    ...result,
    serverCpuCores: round(((await childCpuMicros(child)) - serverBefore) / wallMicros),
    clientCpuCores: round((client.user + client.system) / wallMicros),
  };
}

/** Lock-step robots: each asks for the next chunk the moment it receives one. */
async function saturate(
  client: PolicyClient,
  traffic: Traffic,
  robots: number,
  seconds: number,
  raw = false,
) {
  const frames = raw ? traffic.rawFrames : traffic.frames;
  const latencies: number[] = [];
  const timing = { queueMs: 0, decodeMs: 0, encodeMs: 0, denoiseMs: 0, totalMs: 0, batchSize: 0 };
  let chunks = 0;
  const warmUpEnds = performance.now() + 1000;
  const ends = warmUpEnds + seconds * 1000;
  await Promise.all(
    Array.from({ length: robots }, async () => {
      const session = await RobotSession.open(client, {});
      session.setGoal({ frames: [traffic.goal], seed: 1 });
      for (let step = 0; performance.now() < ends; step++) {
        const k = step % frames.length;
        const chunk = firstValueFrom(session.chunks$);
        const sent = performance.now();
        session.observe({
          step,
          frames: [frames[k]],
          proprio: traffic.proprio[k],
          requestChunk: true,
        });
        const received = await chunk;
        if (sent >= warmUpEnds) {
          latencies.push(performance.now() - sent);
          chunks += 1;
          for (const key of Object.keys(timing) as (keyof typeof timing)[])
            timing[key] += received.timing[key];
        }
      }
      await session.end();
    }),
  );
  return {
    chunksPerSecond: round(chunks / seconds, 1),
    p50Ms: round(percentile(latencies, 50), 3),
    p99Ms: round(percentile(latencies, 99), 3),
    serverMeans: Object.fromEntries(Object.entries(timing).map(([k, v]) => [k, round(v / chunks, 3)])),
  };
}

/** Robots executing at 100 Hz that ask for the next chunk when half of the current one is left. */
async function pace(client: PolicyClient, traffic: Traffic, robots: number, seconds: number) {
  const controlHz = 100;
  const schedulers: ChunkScheduler[] = [];
  const ends = performance.now() + seconds * 1000;
  let ticks = 0;
  await Promise.all(
    Array.from({ length: robots }, async () => {
      const session = await RobotSession.open(client, {});
      const scheduler = new ChunkScheduler(session, {
        threshold: 0.5,
        blend: 'latest-only',
        ensembleDecay: 0,
      });
      schedulers.push(scheduler);
      scheduler.startEpisode({ frames: [traffic.goal], seed: 1 });
      const observe = (step: number) => {
        const k = step % traffic.frames.length;
        scheduler.observe({
          step,
          capturedAtUnixMs: Date.now(),
          frames: [traffic.frames[k]],
          proprio: traffic.proprio[k],
        });
      };
      observe(0);
      let tickAt = performance.now();
      for (let step = 1; performance.now() < ends; step++) {
        await scheduler.nextAction();
        ticks += 1;
        observe(step);
        tickAt = Math.max(tickAt + 1000 / controlHz, performance.now());
        await new Promise((resolve) => setTimeout(resolve, tickAt - performance.now()));
      }
      scheduler.dispose();
      await session.end();
    }),
  );
  const latencies = schedulers.flatMap((s) => s.latenciesMs);
  const stalls = schedulers.reduce((n, s) => n + s.stalls, 0);
  return {
    controlHz,
    achievedHzPerRobot: round(ticks / robots / seconds, 1),
    stalls,
    stallsPerRobotMinute: round((60 * stalls) / robots / seconds, 1),
    p50Ms: round(percentile(latencies, 50), 3),
    p99Ms: round(percentile(latencies, 99), 3),
  };
}
