import { parseArgs } from 'node:util';
import { percentile } from '../common/percentile.ts';
import { createRng } from '../common/rng.ts';
import { BesoPolicy } from '../policies/beso/beso-policy.ts';
import { validateSamplerOptions } from '../policies/sampling/sampler-options.ts';
import { createTabletopEnv } from '../sim/tabletop-env.ts';

/**
 * `npm run bench -- beso [--model DIR]`: chunk latency of a BESO package at batch 1, 8 and 32, with
 * guidance off (λ = 1, one pass) and on (λ = 1.5, a doubled batch). A chunk here is what a server
 * does per robot per re-plan: embed the robot's newest frame, then run the sampler.
 */
export async function runBesoBench(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      model: { type: 'string', default: 'models/beso-tabletop' },
      iterations: { type: 'string', default: '40' },
    },
  });
  const policy = await BesoPolicy.load(values.model);
  const { window } = policy.manifest;
  const embedDim = policy.manifest.beso!.architecture.embedDim;
  const env = createTabletopEnv('push2', { imageSize: policy.manifest.image.size });
  const { observation, goal } = env.reset(1000);
  const goalEmbedding = await policy.encode([goal.frame]);
  const proprio = new Float32Array(window * policy.manifest.proprio.dim);
  for (let k = 0; k < window; k++) proprio.set(observation.proprio, k * observation.proprio.length);
  for (const guidance of [1, 1.5]) {
    const options = validateSamplerOptions({ ...policy.manifest.sampler, guidance });
    for (const batch of [1, 8, 32]) {
      const latencies: number[] = [];
      const rngs = Array.from({ length: batch }, (_, i) => createRng(i));
      for (let iteration = 0; iteration < Number(values.iterations) + 3; iteration++) {
        const started = performance.now();
        const newest = await policy.encode(Array.from({ length: batch }, () => observation.frame));
        const requests = rngs.map((rng, r) => {
          const embeddings = new Float32Array(window * embedDim);
          for (let k = 0; k < window; k++)
            embeddings.set(newest.subarray(r * embedDim, (r + 1) * embedDim), k * embedDim);
          return { goal: goalEmbedding, observation: embeddings, proprio, rng };
        });
        await policy.sample(requests, options);
        if (iteration >= 3) latencies.push(performance.now() - started);
      }
      const p50 = percentile(latencies, 50);
      console.log(
        JSON.stringify({
          bench: 'beso chunk latency',
          batch,
          guidance,
          steps: options.steps,
          p50Ms: Number(p50.toFixed(2)),
          p99Ms: Number(percentile(latencies, 99).toFixed(2)),
          chunksPerSecond: Math.round((1000 * batch) / p50),
        }),
      );
    }
  }
  await policy.release();
}
