import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import type { ListModelsResponse, ModelInfo } from '../proto/goalserve-messages.ts';
import type { ModelRegistry, ServedModel } from './model-registry.ts';

/** Describes a served model as ListModels reports it. */
export function describeModel(model: ServedModel): ModelInfo {
  const m = model.manifest;
  return {
    name: model.name,
    family: m.family,
    imageSizePx: m.image.size,
    actionDim: m.action.dim,
    chunkLength: m.action.chunk,
    actionsPerChunk: m.actionsPerChunk,
    window: m.window,
    proprioDim: m.proprio.dim,
    actionLow: m.action.low,
    actionHigh: m.action.high,
    samplerDefaults: { ...m.sampler },
  };
}

/** PolicyService.ListModels as a grpc-js handler. */
export function createListModelsHandler(registry: ModelRegistry) {
  return (
    _call: ServerUnaryCall<unknown, ListModelsResponse>,
    callback: sendUnaryData<ListModelsResponse>,
  ): void => {
    callback(null, { models: registry.models.map(describeModel) });
  };
}
