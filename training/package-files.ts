import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.ts';
import type { Model } from '../nn/builder.ts';
import { exportInference } from '../nn/export.ts';
import type { Graph, TensorData } from '../nn/graph.ts';
import { saveOnnxFile } from '../nn/onnx-file.ts';
import type { ModelManifest } from '../policies/model-manifest.ts';

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

/** Writes `<dir>/<role>.onnx` (atomically) from a model and its trained weights. */
export async function writePackageGraph(
  dir: string,
  role: string,
  model: Model,
  weights: Map<string, TensorData>,
  outputs: string[],
): Promise<void> {
  await saveOnnxFile(join(dir, `${role}.onnx`), exportTrainedModel(model, weights, outputs));
}

/** Writes `<dir>/manifest.json` atomically, pretty-printed. */
export function writePackageManifest(dir: string, manifest: ModelManifest): void {
  writeFileAtomic(
    join(dir, 'manifest.json'),
    new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
  );
}
