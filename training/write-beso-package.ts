import { mkdirSync } from 'node:fs';
import type { TensorData } from '../nn/graph.ts';
import { BESO_TENSORS, type BesoArchitecture } from '../policies/beso/beso-config.ts';
import { buildBesoDenoiserGraph, buildBesoEncoderGraph } from '../policies/beso/beso-graphs.ts';
import type { ModelManifest } from '../policies/model-manifest.ts';
import type { SamplerOptions } from '../policies/sampling/sampler-options.ts';
import type { EpisodeStore } from './episode-store.ts';
import { writePackageGraph, writePackageManifest } from './package-files.ts';

/** What goes into a BESO package besides the weights. */
export interface BesoPackageSpec {
  name: string;
  producedBy: string;
  arch: BesoArchitecture;
  store: Pick<EpisodeStore, 'pixels' | 'proprio' | 'actionBounds'>;
  sampler: SamplerOptions;
  actionsPerChunk: number;
}

/**
 * Writes a model package folder: encoder.onnx and denoiser.onnx with the given (EMA) weights as
 * initializers and a dynamic batch dimension, and manifest.json. Each file is written atomically.
 */
export async function writeBesoPackage(
  dir: string,
  weights: Map<string, TensorData>,
  spec: BesoPackageSpec,
): Promise<ModelManifest> {
  mkdirSync(dir, { recursive: true });
  const graphs = [
    ['encoder', buildBesoEncoderGraph(spec.arch), BESO_TENSORS.encoder, BESO_TENSORS.encoder.embedding],
    ['denoiser', buildBesoDenoiserGraph(spec.arch), BESO_TENSORS.denoiser, BESO_TENSORS.denoiser.output],
  ] as const;
  for (const [role, model, , output] of graphs) await writePackageGraph(dir, role, model, weights, [output]);
  const { low, high } = spec.store.actionBounds;
  const manifest: ModelManifest = {
    format: 'goalserve-model',
    version: 1,
    family: 'beso',
    name: spec.name,
    producedBy: spec.producedBy,
    graphs: Object.fromEntries(
      graphs.map(([role, , tensors]) => [role, { file: `${role}.onnx`, tensors: { ...tensors } }]),
    ),
    image: { size: spec.arch.imageSize, mean: spec.store.pixels.mean, std: spec.store.pixels.std },
    proprio: { dim: spec.arch.proprioDim, mean: spec.store.proprio.mean, std: spec.store.proprio.std },
    action: { dim: spec.arch.actionDim, chunk: spec.arch.chunk, low, high, clip: 1.1 },
    window: spec.arch.window,
    sampler: spec.sampler,
    actionsPerChunk: spec.actionsPerChunk,
    beso: { architecture: spec.arch },
  };
  writePackageManifest(dir, manifest);
  return manifest;
}
