import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { createRng, deriveSeed } from '../common/rng.ts';
import type { ActRequest, ActResponse } from '../proto/goalserve-messages.ts';
import { planChunk } from './chunk-planner.ts';
import { toCallStatus } from './errors.ts';
import type { ModelRegistry } from './model-registry.ts';
import { modelCamera, type ReadContext, readGoal, readObservation } from './observation-reader.ts';
import { readSamplerOverrides } from './request-validation.ts';
import type { ServerConfig } from './server-config.ts';
import { ServerError } from './server-error.ts';

/** What Act needs from its server. */
export interface ActHandlerDeps {
  registry: ModelRegistry;
  config: ServerConfig;
  logger: Logger;
}

/** Plans one chunk from a goal and the latest observations; no session state is kept. */
export async function act(request: ActRequest, deps: ActHandlerDeps): Promise<ActResponse> {
  const started = performance.now();
  const model = deps.registry.get(request.model, 'model');
  const { manifest } = model;
  const sampler = readSamplerOverrides(
    request.sampler,
    'sampler',
    manifest.sampler,
    deps.config.maxSamplerSteps,
  );
  const context: ReadContext = {
    model,
    cameraNames: [],
    decode: {
      imageSize: manifest.image.size,
      frameMaxBytes: deps.config.frameMaxBytes,
      defaultEncoding: 'IMAGE_ENCODING_JPEG',
    },
  };
  if (request.goal === undefined || request.goal === null)
    throw new ServerError('BAD_REQUEST', 'goal: required');
  const goal = readGoal(request.goal, 'goal', context);
  const list = request.observations ?? [];
  if (list.length < 1 || list.length > manifest.window) {
    throw new ServerError(
      'BAD_REQUEST',
      `observations: expected 1..${manifest.window} (the model's window), got ${list.length}`,
    );
  }
  // One unnamed camera: each observation's single frame is the model's.
  const window = list.map((o, i) => {
    const part = readObservation(o, `observations[${i}]`, context);
    return { ...part, image: part.frames.get(modelCamera(context))! };
  });
  const newest = window[window.length - 1];
  const planned = await planChunk({
    model,
    goal: goal.image,
    window,
    rng: createRng(goal.seed ?? deriveSeed(newest.step, Date.now() >>> 0)),
    sampler,
    decode: context.decode,
  });
  return {
    chunk: {
      episode: 0,
      observationStep: newest.step,
      firstActionStep: newest.step,
      length: manifest.action.chunk,
      actionDim: manifest.action.dim,
      actions: Array.from(planned.actions),
      timing: { ...planned.timing, totalMs: performance.now() - started },
    },
  };
}

/** PolicyService.Act as a grpc-js handler. */
export function createActHandler(deps: ActHandlerDeps) {
  return (call: ServerUnaryCall<ActRequest, ActResponse>, callback: sendUnaryData<ActResponse>): void => {
    act(call.request, deps).then(
      (response) => callback(null, response),
      (error) => callback(toCallStatus(error, deps.logger, { rpc: 'Act' })),
    );
  };
}
