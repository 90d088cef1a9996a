import { once } from 'node:events';
import { basename } from 'node:path';
import { findModelPackages } from '../server/model-registry.ts';
import { startPolicyServer } from '../server/policy-server.ts';
import { readServeConfig } from './serve-options.ts';
import { UsageError } from './usage-error.ts';

/** The package a session gets by default when the models folder holds it and no --default-model is given. */
const SHIPPED_DEFAULT_MODEL = 'beso-tabletop';

/**
 * `goalserve serve [--address --models-dir --model --default-model --max-sessions --max-batch-size --max-batch-wait-us
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
  const shipped = modelPaths.some((path) => basename(path) === SHIPPED_DEFAULT_MODEL);
  const defaultModel = config.defaultModel ?? (shipped ? SHIPPED_DEFAULT_MODEL : undefined);
  const server = await startPolicyServer({ ...config, modelPaths, defaultModel });
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  await server.shutdown();
  return 0;
}
