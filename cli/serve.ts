import { once } from 'node:events';
import { findModelPackages } from '../server/model-registry.ts';
import { startPolicyServer } from '../server/policy-server.ts';
import { readServeConfig } from './serve-options.ts';
import { UsageError } from './usage-error.ts';

/**
 * `goalserve serve [--address --models-dir --model --max-sessions --max-batch-size --max-batch-wait-us
 * --intra-op-threads --max-frame-age-ms --log-level]` (each also as a GOALSERVE_* variable): serves the
 * model packages over gRPC until SIGINT/SIGTERM, then shuts down gracefully.
 */
export async function runServe(args: string[]): Promise<number> {
  const { config, modelsDir } = readServeConfig(args, process.env);
  const modelPaths = config.modelPaths?.length ? config.modelPaths : findModelPackages(modelsDir);
  if (modelPaths.length === 0) {
    throw new UsageError(
      `no model packages in ${modelsDir}/ (folders with manifest.json); train one (see README) or pass --model DIR`,
    );
  }
  const server = await startPolicyServer({ ...config, modelPaths });
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  await server.shutdown();
  return 0;
}
