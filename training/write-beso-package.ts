import type { TensorData } from '../nn/graph.ts';
import { BESO_TENSORS, type BesoArchitecture } from '../policies/beso/beso-config.ts';
import { buildBesoDenoiserGraph, buildBesoEncoderGraph } from '../policies/beso/beso-graphs.ts';
import type { ModelManifest } from '../policies/model-manifest.ts';
import { type PackageSpec, writeModelPackage } from './package-files.ts';

/** What goes into a BESO package besides the weights. */
export interface BesoPackageSpec extends PackageSpec {
  arch: BesoArchitecture;
}

/** Writes a BESO model package folder: encoder.onnx, denoiser.onnx and manifest.json. */
export async function writeBesoPackage(
  dir: string,
  weights: Map<string, TensorData>,
  spec: BesoPackageSpec,
): Promise<ModelManifest> {
  const { arch } = spec;
  const t = BESO_TENSORS;
  const graphs = [
    {
      role: 'encoder',
      file: 'encoder.onnx',
      model: buildBesoEncoderGraph(arch),
      tensors: t.encoder,
      outputs: [t.encoder.embedding],
    },
    {
      role: 'denoiser',
      file: 'denoiser.onnx',
      model: buildBesoDenoiserGraph(arch),
      tensors: t.denoiser,
      outputs: [t.denoiser.output],
    },
  ];
  return writeModelPackage(dir, weights, graphs, spec, {
    family: 'beso',
    window: arch.window,
    beso: { architecture: arch },
    imageSize: arch.imageSize,
    proprioDim: arch.proprioDim,
    actionDim: arch.actionDim,
    chunk: arch.chunk,
  });
}
