import { BLEND_MODES, type BlendMode } from '../clients/action-queue.ts';
import { DEFAULT_JPEG_QUALITY, FRAME_ENCODINGS, type FrameEncodingName } from '../clients/frame-encoder.ts';
import { createPolicyClient } from '../clients/policy-client.ts';
import { runSimRobot, type SimRobotResult } from '../clients/sim-robot.ts';
import { parseCommandOptions, readChoiceOption, readIntegerOption, readNumberOption } from './options.ts';
import { readTaskOption } from './task-option.ts';

/**
 * `goalserve client --server HOST:PORT --task T --episodes N --seed S [--json] [--model NAME
 * --control-hz HZ --threshold F --blend MODE --encoding jpeg|png|raw --jpeg-quality Q]`: a simulated robot over gRPC.
 */
export async function runClient(args: string[]): Promise<number> {
  const o = parseCommandOptions('client', args, {
    server: { type: 'string', default: '127.0.0.1:50051' },
    task: { type: 'string' },
    episodes: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean', default: false },
    model: { type: 'string', default: '' },
    'control-hz': { type: 'string' },
    threshold: { type: 'string' },
    blend: { type: 'string', default: 'latest-only' },
    'ensemble-decay': { type: 'string' },
    encoding: { type: 'string', default: 'jpeg' },
    'jpeg-quality': { type: 'string' },
  });
  const task = readTaskOption(o.task);
  const blend = readChoiceOption('blend', o.blend, BLEND_MODES) as BlendMode;
  const encoding = readChoiceOption(
    'encoding',
    o.encoding,
    Object.keys(FRAME_ENCODINGS) as FrameEncodingName[],
  ) as FrameEncodingName;
  const client = createPolicyClient(o.server);
  try {
    const result = await runSimRobot(client, {
      task,
      model: o.model,
      episodes: readIntegerOption('episodes', o.episodes, { min: 1, max: 100_000, fallback: 50 }),
      seed: readIntegerOption('seed', o.seed, { min: 0, max: 2 ** 31, fallback: 1000 }),
      controlHz:
        o['control-hz'] === undefined
          ? undefined
          : readNumberOption('control-hz', o['control-hz'], { min: 0, max: 10_000, fallback: 0 }),
      threshold: readNumberOption('threshold', o.threshold, { min: 0, max: 1, fallback: 0.5 }),
      blend,
      ensembleDecay: readNumberOption('ensemble-decay', o['ensemble-decay'], {
        min: 0,
        max: 100,
        fallback: 0.01,
      }),
      encoding,
      jpegQuality: readIntegerOption('jpeg-quality', o['jpeg-quality'], {
        min: 1,
        max: 100,
        fallback: DEFAULT_JPEG_QUALITY,
      }),
    });
    console.log(o.json ? JSON.stringify(result) : formatResult(result));
    return 0;
  } finally {
    client.close();
  }
}

function formatResult(r: SimRobotResult): string {
  return [
    `${r.task}: success ${(100 * r.success).toFixed(1)}% over ${r.episodes} episodes, mean ${r.meanSteps.toFixed(1)} steps`,
    `chunk latency p50 ${r.chunkLatencyMsP50} ms, p99 ${r.chunkLatencyMsP99} ms, ${r.stalls} stalls`,
  ].join('\n');
}
