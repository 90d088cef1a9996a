import { parseArgs } from 'node:util';
import { Act2GoalPolicy } from '../policies/act2goal/act2goal-policy.ts';
import { validateSamplerOptions } from '../policies/sampling/sampler-options.ts';
import { measureChunkLatency } from './chunk-latency.ts';

/**
 * `npm run bench -- act2goal [--model DIR --intra-op-threads T]`: chunk latency of an Act2Goal
 * package at batch 1 and 8 for the package's world-model and action-expert Euler steps and for half
 * of each (T: ONNX Runtime threads per op, default 1 like the server). A chunk is a whole
 * plan: embed the newest frame, K, the world model's flow, one hidden-state pass, the expert's flow;
 * for an expert that reads no plan, embedding and the expert's flow only (world-model steps 0).
 */
export async function runAct2GoalBench(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      model: { type: 'string', default: 'models/act2goal-tabletop' },
      iterations: { type: 'string', default: '40' },
      'intra-op-threads': { type: 'string', default: '1' },
    },
  });
  const threads = Number(values['intra-op-threads']);
  const policy = await Act2GoalPolicy.load(values.model, { intraOpThreads: threads });
  const defaults = policy.manifest.sampler;
  for (const scale of [1, 0.5]) {
    const options = validateSamplerOptions({
      ...defaults,
      steps: Math.max(1, Math.round(defaults.steps * scale)),
      worldModelSteps: Math.max(1, Math.round(defaults.worldModelSteps * scale)),
    });
    for (const batch of [1, 8]) {
      const latency = await measureChunkLatency(policy, options, batch, Number(values.iterations));
      console.log(
        JSON.stringify({
          bench: 'act2goal chunk latency',
          ...latency,
          worldModelSteps: policy.integration(options).worldModelSteps,
          actionExpertSteps: options.steps,
          threads,
        }),
      );
    }
  }
  await policy.release();
}
