import { LOG_LEVELS } from '../server/logger.ts';
import type { ServerConfig } from '../server/server-config.ts';
import { parseCommandOptions, readChoiceOption, readIntegerOption, spreadListOption } from './options.ts';

const INTEGER_FLAGS = {
  'max-sessions': ['maxSessions', 1, 10_000],
  'max-batch-size': ['maxBatchSize', 1, 1024],
  'max-batch-wait-us': ['maxBatchWaitUs', 0, 1_000_000],
  'intra-op-threads': ['intraOpThreads', 1, 256],
  'max-frame-age-ms': ['maxFrameAgeMs', 1, 3_600_000],
  'control-rate-hz': ['controlRateHz', 1, 10_000],
} as const;

/** The environment variable behind a flag: --max-batch-size → GOALSERVE_MAX_BATCH_SIZE. */
function envName(flag: string): string {
  return `GOALSERVE_${flag.toUpperCase().replaceAll('-', '_')}`;
}

/** Reads `goalserve serve` flags, each falling back to its GOALSERVE_* variable, then the server default. */
export function readServeConfig(
  args: string[],
  env: NodeJS.ProcessEnv,
): { config: Partial<ServerConfig>; modelsDir: string } {
  const o = parseCommandOptions('serve', spreadListOption(args, 'model'), {
    address: { type: 'string' },
    'models-dir': { type: 'string' },
    model: { type: 'string', multiple: true },
    'default-model': { type: 'string' },
    'log-level': { type: 'string' },
    ...Object.fromEntries(Object.keys(INTEGER_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
  });
  const read = (flag: string) => (o as Record<string, unknown>)[flag] ?? env[envName(flag)];
  const config: Partial<ServerConfig> = {
    address: read('address') as string | undefined,
    modelPaths: (o.model as string[] | undefined) ?? env[envName('model')]?.split(',').filter(Boolean),
    defaultModel: read('default-model') as string | undefined,
  };
  for (const [flag, [key, min, max]] of Object.entries(INTEGER_FLAGS)) {
    const raw = read(flag) as string | undefined;
    if (raw !== undefined) config[key] = readIntegerOption(flag, raw, { min, max });
  }
  config.logLevel = readChoiceOption('log-level', read('log-level') as string | undefined, LOG_LEVELS);
  return { config, modelsDir: (read('models-dir') as string | undefined) ?? 'models' };
}
