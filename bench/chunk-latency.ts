import { percentile } from '../common/percentile.ts';
import { createRng } from '../common/rng.ts';
import { type ChunkPolicy, repeatFrame } from '../policies/chunk-policy.ts';
import type { SamplerOptions } from '../policies/sampling/sampler-options.ts';
import { createTabletopEnv } from '../sim/tabletop-env.ts';

/** Latency of one chunk at one batch size, in ms. */
export interface ChunkLatency {
  batch: number;
  p50Ms: number;
  p99Ms: number;
  chunksPerSecond: number;
}

/**
 * Times what a server does per robot per re-plan, for `batch` robots at once: embed each robot's
 * newest frame (push2, seed 1000), then sample every chunk in one batch; 3 warm-up rounds, then
 * `iterations` timed ones.
 */
export async function measureChunkLatency(
  policy: ChunkPolicy,
  options: SamplerOptions,
  batch: number,
  iterations: number,
): Promise<ChunkLatency> {
  const { window } = policy.manifest;
  const { embedDim } = policy;
  const env = createTabletopEnv('push2', { imageSize: policy.manifest.image.size });
  const { observation, goal } = env.reset(1000);
  const goalEmbedding = await policy.encode([goal.frame]);
  const proprio = repeatFrame(observation.proprio, window);
  const latencies: number[] = [];
  const rngs = Array.from({ length: batch }, (_, i) => createRng(i));
  for (let iteration = 0; iteration < iterations + 3; iteration++) {
    const started = performance.now();
    const newest = await policy.encode(Array.from({ length: batch }, () => observation.frame));
    const requests = rngs.map((rng, r) => ({
      goal: goalEmbedding,
      observation: repeatFrame(newest.subarray(r * embedDim, (r + 1) * embedDim), window),
      proprio,
      rng,
    }));
    await policy.sample(requests, options);
    if (iteration >= 3) latencies.push(performance.now() - started);
  }
  const p50 = percentile(latencies, 50);
  return {
    batch,
    p50Ms: Number(p50.toFixed(2)),
    p99Ms: Number(percentile(latencies, 99).toFixed(2)),
    chunksPerSecond: Math.round((1000 * batch) / p50),
  };
}
