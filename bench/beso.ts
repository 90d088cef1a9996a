import { parseArgs } from 'node:util';
import { BesoPolicy } from '../policies/beso/beso-policy.ts';
import { validateSamplerOptions } from '../policies/sampling/sampler-options.ts';
import { measureChunkLatency } from './chunk-latency.ts';

/**
 * `npm run bench -- beso [--model DIR --intra-op-threads T]`: chunk latency of a BESO package at
 * batch 1, 8 and 32 (T threads per op, default 1 like the server), with guidance off (λ = 1, one pass) and on (λ = 1.5, a doubled batch). A chunk here is what a server
 * does per robot per re-plan: embed the robot's newest frame, then run the sampler.
 */
export async function runBesoBench(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      model: { type: 'string', default: 'models/beso-tabletop' },
      iterations: { type: 'string', default: '40' },
      'intra-op-threads': { type: 'string', default: '1' },
    },
  });
  const threads = Number(values['intra-op-threads']);
  const policy = await BesoPolicy.load(values.model, { intraOpThreads: threads });
  for (const guidance of [1, 1.5]) {
    const options = validateSamplerOptions({ ...policy.manifest.sampler, guidance });
    for (const batch of [1, 8, 32]) {
      const latency = await measureChunkLatency(policy, options, batch, Number(values.iterations));
      console.log(
        JSON.stringify({ bench: 'beso chunk latency', ...latency, guidance, steps: options.steps, threads }),
      );
    }
  }
  await policy.release();
}
