import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from '../common/percentile.ts';
import { createTabletopEnv } from '../sim/tabletop-env.ts';
import type { BlendMode } from './action-queue.ts';
import { ChunkScheduler } from './chunk-scheduler.ts';
import { encodeFrame, FRAME_ENCODINGS, type FrameEncodingName } from './frame-encoder.ts';
import type { PolicyClient } from './policy-client.ts';
import { RobotSession } from './robot-session.ts';

/** How the simulated robot runs its episodes. */
export interface SimRobotOptions {
  task: string;
  episodes: number;
  /** Episode i uses layout seed seed + i and sampler seed seed + i, as `goalserve eval` does. */
  seed: number;
  /** Model name ('' = the server's default). */
  model: string;
  /** Control ticks per second; 0 runs unpaced (the next action as soon as it is there); undefined = the server's hint. */
  controlHz?: number;
  threshold: number;
  blend: BlendMode;
  ensembleDecay: number;
  encoding: FrameEncodingName;
  /** JPEG quality, 1–100, when `encoding` is 'jpeg'. */
  jpegQuality?: number;
}

/** The result line of `goalserve client`. */
export interface SimRobotResult {
  task: string;
  episodes: number;
  success: number;
  meanSteps: number;
  chunkLatencyMsP50: number;
  chunkLatencyMsP99: number;
  stalls: number;
}

/**
 * A simulated robot over one Control session: renders frames, streams them as JPEG/PNG/raw,
 * executes chunks through the chunk scheduler at the control rate and reports success and latency.
 */
export async function runSimRobot(client: PolicyClient, options: SimRobotOptions): Promise<SimRobotResult> {
  const session = await RobotSession.open(client, {
    model: options.model,
    imageEncoding: FRAME_ENCODINGS[options.encoding],
  });
  const { imageSizePx } = session.started;
  const controlHz = options.controlHz ?? session.started.controlRateHz;
  const scheduler = new ChunkScheduler(session, options);
  const env = createTabletopEnv(options.task, { imageSize: imageSizePx });
  const frame = (rgb: Uint8Array) => encodeFrame(rgb, imageSizePx, options.encoding, options.jpegQuality);
  let successes = 0;
  let totalSteps = 0;
  try {
    for (let i = 0; i < options.episodes; i++) {
      const seed = options.seed + i;
      const { observation, goal } = env.reset(seed);
      scheduler.startEpisode({ frames: [await frame(goal.frame)], proprio: [...goal.proprio], seed });
      scheduler.observe({
        step: 0,
        capturedAtUnixMs: Date.now(),
        frames: [await frame(observation.frame)],
        proprio: [...observation.proprio],
      });
      let done = false;
      let success = false;
      let steps = 0;
      let tickAt = performance.now();
      while (!done) {
        const result = env.step(await scheduler.nextAction());
        ({ done, success, step: steps } = result);
        if (done) break;
        scheduler.observe({
          step: steps,
          capturedAtUnixMs: Date.now(),
          frames: [await frame(result.observation.frame)],
          proprio: [...result.observation.proprio],
        });
        if (controlHz > 0) {
          // A late tick (after a stall) restarts the clock rather than rushing to catch up.
          tickAt = Math.max(tickAt + 1000 / controlHz, performance.now());
          await sleep(tickAt - performance.now());
        }
      }
      scheduler.endEpisode();
      successes += success ? 1 : 0;
      totalSteps += steps;
    }
  } finally {
    scheduler.dispose();
  }
  await session.end();
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    task: options.task,
    episodes: options.episodes,
    success: successes / options.episodes,
    meanSteps: totalSteps / options.episodes,
    chunkLatencyMsP50: round(percentile(scheduler.latenciesMs, 50)),
    chunkLatencyMsP99: round(percentile(scheduler.latenciesMs, 99)),
    stalls: scheduler.stalls,
  };
}
