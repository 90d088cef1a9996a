import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.ts';
import type { Model } from '../nn/builder.ts';
import { exportInference } from '../nn/export.ts';
import type { Graph, TensorData } from '../nn/graph.ts';
import { encodeOnnx } from '../nn/onnx-encode.ts';
import { saveOnnxFile } from '../nn/onnx-file.ts';
import { OrtSession } from '../nn/ort-session.ts';
import type { ModelManifest } from '../policies/model-manifest.ts';
import type { SamplerOptions } from '../policies/sampling/sampler-options.ts';
import type { EpisodeStore } from './episode-store.ts';

/** One ONNX file of a package: its manifest role, file name, model, tensor names and exported outputs. */
export interface PackageGraph {
  role: string;
  file: string;
  model: Model;
  tensors: Readonly<Record<string, string>>;
  outputs: string[];
}

/** What every package gets besides its weights, graphs and architecture. */
export interface PackageSpec {
  name: string;
  producedBy: string;
  store: Pick<EpisodeStore, 'pixels' | 'proprio' | 'actionBounds'>;
  sampler: SamplerOptions;
  actionsPerChunk: number;
}

/** The family-specific part of a manifest. */
export type PackageShape = Pick<ModelManifest, 'family' | 'window' | 'beso' | 'act2goal'> & {
  imageSize: number;
  proprioDim: number;
  actionDim: number;
  /** H: actions a chunk returns. */
  chunk: number;
};

/**
 * The inference graph of `model` with trained weights as initializers: each parameter takes the value
 * of the same name in `weights`, or keeps the model's initial value where `weights` has none.
 */
export function exportTrainedModel(model: Model, weights: Map<string, TensorData>, outputs: string[]): Graph {
  const own = new Map(
    [...model.params.keys()].map((name) => [name, weights.get(name) ?? model.params.get(name)!]),
  );
  return exportInference(model.graph, own, outputs);
}

/** An ONNX Runtime session of {@link exportTrainedModel}'s graph. */
export async function openTrainedSession(
  model: Model,
  weights: Map<string, TensorData>,
  outputs: string[],
): Promise<OrtSession> {
  const graph = exportTrainedModel(model, weights, outputs);
  return OrtSession.create(encodeOnnx(graph), graph);
}

/**
 * Writes a model package folder: each graph's ONNX file with the (EMA) weights as initializers and a
 * dynamic batch dimension, then manifest.json with the dataset's normalisation statistics. Each file
 * is written atomically, the manifest last.
 */
export async function writeModelPackage(
  dir: string,
  weights: Map<string, TensorData>,
  graphs: readonly PackageGraph[],
  spec: PackageSpec,
  shape: PackageShape,
): Promise<ModelManifest> {
  mkdirSync(dir, { recursive: true });
  for (const g of graphs)
    await saveOnnxFile(join(dir, g.file), exportTrainedModel(g.model, weights, g.outputs));
  const { imageSize, proprioDim, actionDim, chunk, family, window, ...section } = shape;
  const { pixels, proprio, actionBounds } = spec.store;
  const manifest: ModelManifest = {
    format: 'goalserve-model',
    version: 1,
    family,
    name: spec.name,
    producedBy: spec.producedBy,
    graphs: Object.fromEntries(graphs.map((g) => [g.role, { file: g.file, tensors: { ...g.tensors } }])),
    image: { size: imageSize, mean: pixels.mean, std: pixels.std },
    proprio: { dim: proprioDim, mean: proprio.mean, std: proprio.std },
    action: { dim: actionDim, chunk, low: actionBounds.low, high: actionBounds.high, clip: 1.1 },
    window,
    sampler: spec.sampler,
    actionsPerChunk: spec.actionsPerChunk,
    ...section,
  };
  writeFileAtomic(
    join(dir, 'manifest.json'),
    new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
  );
  return manifest;
}
