import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import type { Logger } from 'pino';
import { Subject } from 'rxjs';
import { loadGoalserveDefinition, loadPolicyService } from '../proto/load-goalserve-proto.ts';
import { createActHandler } from './act-handler.ts';
import { createControlHandler } from './control-handler.ts';
import { createListModelsHandler } from './list-models-handler.ts';
import { createLogger } from './logger.ts';
import { loadModelRegistry, type ModelRegistry } from './model-registry.ts';
import { normalizeServerConfig, type ServerConfig } from './server-config.ts';
import { createSessionLimiter } from './session-limiter.ts';

/** The fully qualified name health checks use for the policy service. */
export const POLICY_SERVICE_NAME = 'goalserve.v1.PolicyService';

/** A running server. */
export interface PolicyServer {
  /** The bound port (useful with port 0). */
  readonly port: number;
  readonly config: ServerConfig;
  readonly registry: ModelRegistry;
  /** Open Control sessions. */
  readonly openSessions: number;
  /** Stops accepting calls, finishes in-flight chunks, ends open streams with UNAVAILABLE and releases the models. */
  shutdown(): Promise<void>;
}

/**
 * Loads and warms up the models, then serves PolicyService, grpc.health.v1.Health (SERVING from
 * then on, NOT_SERVING once shutdown begins) and server reflection on `config.address`.
 */
export async function startPolicyServer(
  partial: Partial<ServerConfig>,
  logger?: Logger,
): Promise<PolicyServer> {
  const config = normalizeServerConfig(partial);
  const log = logger ?? createLogger(config.logLevel);
  const registry = await loadModelRegistry(
    config.modelPaths,
    {
      maxBatchSize: config.maxBatchSize,
      maxWaitUs: config.maxBatchWaitUs,
      intraOpThreads: config.intraOpThreads,
      defaultModel: config.defaultModel,
    },
    log,
  );
  const health = new HealthImplementation({ '': 'NOT_SERVING', [POLICY_SERVICE_NAME]: 'NOT_SERVING' });
  const server = new grpc.Server({
    'grpc.max_receive_message_length': config.maxMessageBytes,
    'grpc.max_send_message_length': config.maxMessageBytes,
  });
  const limiter = createSessionLimiter(config.maxSessions);
  const shutdown$ = new Subject<void>();
  server.addService(loadPolicyService().service, {
    control: createControlHandler({
      registry,
      limiter,
      config,
      logger: log,
      shutdown$,
      newSessionId: randomUUID,
    }),
    act: createActHandler({ registry, config, logger: log }),
    listModels: createListModelsHandler(registry),
  });
  health.addToServer(server);
  new ReflectionService(loadGoalserveDefinition([healthProtoPath])).addToServer(server);

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(config.address, grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
  } catch (error) {
    await registry.release();
    throw error;
  }
  for (const service of ['', POLICY_SERVICE_NAME]) health.setStatus(service, 'SERVING');
  log.info({ address: config.address, port, models: registry.models.map((m) => m.name) }, 'serving');

  let stopping: Promise<void> | undefined;
  const shutdown = async () => {
    for (const service of ['', POLICY_SERVICE_NAME]) health.setStatus(service, 'NOT_SERVING');
    log.info({ openSessions: limiter.open }, 'shutting down');
    shutdown$.next();
    shutdown$.complete();
    const graceful = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    const timer = setTimeout(() => server.forceShutdown(), config.shutdownGraceMs);
    await graceful;
    clearTimeout(timer);
    await registry.release();
    log.info('stopped');
  };
  return {
    port,
    config,
    registry,
    get openSessions() {
      return limiter.open;
    },
    shutdown: () => {
      stopping ??= shutdown();
      return stopping;
    },
  };
}
