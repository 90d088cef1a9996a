import { deriveSeed } from '../common/rng.ts';
import type { SamplerOptions } from '../policies/sampling/sampler-options.ts';
import type { SessionStarted, StartSession } from '../proto/goalserve-messages.ts';
import type { ModelRegistry } from './model-registry.ts';
import type { ReadContext } from './observation-reader.ts';
import { readSamplerOverrides } from './request-validation.ts';
import type { ServerConfig } from './server-config.ts';
import { ServerError } from './server-error.ts';
import type { SessionLimiter } from './session-limiter.ts';

/** A started session's fixed settings. */
export interface StartedSession extends ReadContext {
  sampler: SamplerOptions;
  /** Seeds the sampler RNG of episodes whose goal brings no seed. */
  seed: number;
  /** Frees the session's slot. */
  release: () => void;
}

/** What starting a session needs from its server. */
export interface SessionStartDeps {
  sessionId: string;
  registry: ModelRegistry;
  limiter: SessionLimiter;
  config: ServerConfig;
}

const ENCODINGS = ['IMAGE_ENCODING_JPEG', 'IMAGE_ENCODING_PNG', 'IMAGE_ENCODING_RAW_RGB'] as const;

/**
 * Checks a StartSession against the served models and the server's limits, takes a session slot and
 * returns the session's settings with the SessionStarted answer; throws a ServerError naming the field.
 */
export function startSession(
  start: StartSession,
  deps: SessionStartDeps,
): { started: StartedSession; response: SessionStarted } {
  const { registry, config } = deps;
  const model = registry.get(start.model, 'start.model');
  const { manifest } = model;
  if ((start.adapterId ?? '') !== '') {
    throw new ServerError(
      'ADAPTER_NOT_FOUND',
      `start.adapterId: unknown adapter '${start.adapterId}' (model ${model.name} has none)`,
    );
  }
  const sampler = readSamplerOverrides(
    start.sampler,
    'start.sampler',
    manifest.sampler,
    config.maxSamplerSteps,
  );
  const { chunk } = manifest.action;
  const actionsPerChunk = start.actionsPerChunk || manifest.actionsPerChunk;
  if (actionsPerChunk > chunk) {
    throw new ServerError(
      'BAD_REQUEST',
      `start.actionsPerChunk: expected 0..${chunk} (the chunk length), got ${actionsPerChunk}`,
    );
  }
  const cameraNames = readCameraNames(start.cameraNames ?? []);
  const encoding = start.imageEncoding ?? 'IMAGE_ENCODING_UNSPECIFIED';
  const defaultEncoding = encoding === 'IMAGE_ENCODING_UNSPECIFIED' ? 'IMAGE_ENCODING_JPEG' : encoding;
  if (!ENCODINGS.includes(defaultEncoding)) {
    throw new ServerError('BAD_REQUEST', `start.imageEncoding: unknown value ${String(encoding)}`);
  }
  const release = deps.limiter.acquire('start');
  return {
    started: {
      model,
      cameraNames,
      sampler,
      seed: deriveSeed(Date.now() >>> 0),
      release,
      decode: { imageSize: manifest.image.size, frameMaxBytes: config.frameMaxBytes, defaultEncoding },
    },
    response: {
      sessionId: deps.sessionId,
      model: model.name,
      actionDim: manifest.action.dim,
      chunkLength: chunk,
      actionsPerChunk,
      imageSizePx: manifest.image.size,
      window: manifest.window,
      proprioDim: manifest.proprio.dim,
      controlRateHz: config.controlRateHz,
      maxFrameAgeMs: config.maxFrameAgeMs,
    },
  };
}

/** Most cameras a session may declare. */
export const MAX_CAMERAS = 8;

/** Checks the declared camera names: at most MAX_CAMERAS, distinct, and named when there are several. */
function readCameraNames(names: readonly string[]): readonly string[] {
  if (names.length > MAX_CAMERAS)
    throw new ServerError(
      'BAD_REQUEST',
      `start.cameraNames: expected at most ${MAX_CAMERAS} names, got ${names.length}`,
    );
  names.forEach((name, i) => {
    if (names.length > 1 && name === '')
      throw new ServerError(
        'BAD_REQUEST',
        `start.cameraNames[${i}]: expected a name (several cameras are declared)`,
      );
    if (names.indexOf(name) !== i)
      throw new ServerError('BAD_REQUEST', `start.cameraNames[${i}]: '${name}' is declared twice`);
  });
  return names;
}
