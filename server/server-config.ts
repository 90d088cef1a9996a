import type { LevelWithSilent } from 'pino';

/** Everything `goalserve serve` can be told; normalised once by `normalizeServerConfig`. */
export interface ServerConfig {
  /** host:port to bind; port 0 picks a free one. */
  address: string;
  /** Model package folders to serve; the model's name is its folder's name. */
  modelPaths: string[];
  /** The model a session gets when StartSession.model is empty (default: the first of modelPaths). */
  defaultModel?: string;
  /** Concurrent Control sessions; one more is refused with RESOURCE_EXHAUSTED. */
  maxSessions: number;
  /** Requests gathered into one encoder or denoiser run; 1 turns cross-session batching off. */
  maxBatchSize: number;
  /** How long an idle batcher waits for more requests before running, in microseconds. */
  maxBatchWaitUs: number;
  /** ONNX Runtime threads inside one op. */
  intraOpThreads: number;
  /** Largest encoded frame accepted, in bytes. */
  frameMaxBytes: number;
  /** Largest gRPC message accepted, in bytes. */
  maxMessageBytes: number;
  /** Observations older than this when planning starts are dropped with a warning. */
  maxFrameAgeMs: number;
  /** Most sampler steps a client may ask for (each step is a denoiser run shared by a whole batch). */
  maxSamplerSteps: number;
  /** Control rate hint sent to clients. */
  controlRateHz: number;
  /** On shutdown, how long in-flight chunks may take before streams are cut. */
  shutdownGraceMs: number;
  logLevel: LevelWithSilent;
}

/** Defaults: localhost, up to 64 robots, batches of up to 32, one ORT thread per op, 16 MiB messages, 4 MiB frames. */
export const DEFAULT_SERVER_CONFIG: Readonly<ServerConfig> = Object.freeze({
  address: '127.0.0.1:50051',
  modelPaths: [],
  maxSessions: 64,
  maxBatchSize: 32,
  maxBatchWaitUs: 0,
  intraOpThreads: 1,
  frameMaxBytes: 4 * 1024 * 1024,
  maxMessageBytes: 16 * 1024 * 1024,
  maxFrameAgeMs: 1000,
  maxSamplerSteps: 32,
  controlRateHz: 100,
  shutdownGraceMs: 5000,
  logLevel: 'info',
});

/** Fills defaults into a partial config and checks the numbers, naming the field on error. */
export function normalizeServerConfig(partial: Partial<ServerConfig>): ServerConfig {
  const config: ServerConfig = { ...DEFAULT_SERVER_CONFIG, ...stripUndefined(partial) };
  const positive: (keyof ServerConfig)[] = [
    'maxSessions',
    'maxBatchSize',
    'intraOpThreads',
    'frameMaxBytes',
    'maxMessageBytes',
    'maxFrameAgeMs',
    'maxSamplerSteps',
    'controlRateHz',
  ];
  for (const key of positive) {
    const value = config[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      throw new RangeError(`config.${key}: expected a number > 0, got ${String(value)}`);
  }
  if (!Number.isFinite(config.maxBatchWaitUs) || config.maxBatchWaitUs < 0)
    throw new RangeError(`config.maxBatchWaitUs: expected a number ≥ 0, got ${config.maxBatchWaitUs}`);
  if (config.modelPaths.length === 0)
    throw new RangeError('config.modelPaths: expected at least one model package');
  return config;
}

function stripUndefined<T extends object>(partial: T): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<T>;
}
