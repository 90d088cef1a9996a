import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
import { createRng } from '../common/rng.ts';
import type { ChunkPolicy, ChunkRequest } from '../policies/chunk-policy.ts';
import { loadPolicy } from '../policies/load-policy.ts';
import type { ModelManifest } from '../policies/model-manifest.ts';
import type { SamplerOptions } from '../policies/sampling/sampler-options.ts';
import { type Batcher, type BatcherOptions, createBatcher } from './batcher.ts';
import { ServerError } from './server-error.ts';

/** One robot's chunk request with the sampler options it was validated against. */
export interface SampleItem {
  request: ChunkRequest;
  options: SamplerOptions;
}

/** A loaded model package with the batchers every session shares. */
export interface ServedModel {
  name: string;
  manifest: ModelManifest;
  /** E: embedding width. */
  embedDim: number;
  /** uint8 [S, S, 3] frame in, float32 [E] embedding out; frames of all sessions share encoder runs. */
  encoder: Batcher<Uint8Array, Float32Array>;
  /** One chunk float32 [H, A] per request; requests of all sessions share denoiser runs per sampling step. */
  sampler: Batcher<SampleItem, Float32Array>;
  release(): Promise<void>;
}

/** The models a server serves, by name. */
export interface ModelRegistry {
  readonly models: readonly ServedModel[];
  readonly defaultModel: ServedModel;
  /** The model named `name` (empty = the default); throws MODEL_NOT_FOUND naming `field`. */
  get(name: string | undefined, field: string): ServedModel;
  release(): Promise<void>;
}

/** Lists the model package folders (those with a manifest.json) directly inside `dir`, sorted by name. */
export function findModelPackages(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'manifest.json')))
    .map((e) => join(dir, e.name))
    .sort();
}

/** Loads each package, wires its batchers and warms both graphs up with one run each. */
export async function loadModelRegistry(
  paths: readonly string[],
  options: BatcherOptions & { intraOpThreads: number; defaultModel?: string },
  logger: Logger,
): Promise<ModelRegistry> {
  const models: ServedModel[] = [];
  for (const path of paths) {
    const policy = await loadPolicy(path, { intraOpThreads: options.intraOpThreads });
    await warmUp(policy);
    const model = serveModel(basename(path), policy, options);
    logger.info({ model: model.name, path }, 'model loaded');
    models.push(model);
  }
  const byName = new Map(models.map((m) => [m.name, m]));
  const defaultModel = byName.get(options.defaultModel ?? models[0]?.name ?? '');
  if (defaultModel === undefined) {
    await Promise.all(models.map((m) => m.release()));
    throw new ServerError(
      'MODEL_NOT_FOUND',
      `defaultModel: no loaded model is named '${options.defaultModel ?? ''}'`,
    );
  }
  return {
    models,
    defaultModel,
    get(name, field) {
      if (name === undefined || name === '') return defaultModel;
      const model = byName.get(name);
      if (model === undefined) {
        throw new ServerError(
          'MODEL_NOT_FOUND',
          `${field}: unknown model '${name}' (serving ${[...byName.keys()].join(', ')})`,
        );
      }
      return model;
    },
    release: async () => void (await Promise.all(models.map((m) => m.release()))),
  };
}

function serveModel(name: string, policy: ChunkPolicy, options: BatcherOptions): ServedModel {
  const { embedDim } = policy;
  const encoder = createBatcher<Uint8Array, Float32Array>(async (frames) => {
    const embeddings = await policy.encode(frames);
    return frames.map((_, i) => embeddings.slice(i * embedDim, (i + 1) * embedDim));
  }, options);
  const sampler = createBatcher<SampleItem, Float32Array>(async (items) => {
    // Requests with different sampler options walk different schedules: one sample() per group.
    const groups = new Map<string, number[]>();
    items.forEach((item, i) => {
      const key = JSON.stringify(item.options);
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    const out: Float32Array[] = new Array(items.length);
    for (const indices of groups.values()) {
      const chunks = await policy.sample(
        indices.map((i) => items[i].request),
        items[indices[0]].options,
      );
      indices.forEach((i, k) => {
        out[i] = chunks[k];
      });
    }
    return out;
  }, options);
  return { name, manifest: policy.manifest, embedDim, encoder, sampler, release: () => policy.release() };
}

/** One encoder and one sampler run before the server reports SERVING, so the first robot does not pay for ORT's start-up. */
async function warmUp(policy: ChunkPolicy): Promise<void> {
  const { image, window, proprio, sampler } = policy.manifest;
  const embedding = await policy.encode([new Uint8Array(image.size * image.size * 3)]);
  const observation = new Float32Array(window * embedding.length);
  for (let k = 0; k < window; k++) observation.set(embedding, k * embedding.length);
  const raw = new Float32Array(window * proprio.dim);
  for (let k = 0; k < raw.length; k++) raw[k] = proprio.mean[k % proprio.dim];
  await policy.sample([{ goal: embedding, observation, proprio: raw, rng: createRng(0) }], sampler);
}
