import { join } from 'node:path';
import { readFileBytes } from '../nn/files.ts';
import { decodeOnnx } from '../nn/onnx-decode.ts';
import { OrtSession, type OrtSessionOptions } from '../nn/ort-session.ts';
import type { ModelManifest } from './model-manifest.ts';
import { PolicyError } from './policy-error.ts';

/** Opens the ONNX file a package's manifest names for `role` (e.g. 'encoder') as a checked session. */
export async function openPackageGraph(
  dir: string,
  manifest: ModelManifest,
  role: string,
  session: Partial<OrtSessionOptions>,
): Promise<OrtSession> {
  const entry = manifest.graphs[role];
  if (entry === undefined)
    throw new PolicyError('MODEL_IO_MISMATCH', `${dir}: manifest has no graphs.${role}`);
  const path = join(dir, entry.file);
  const bytes = await readFileBytes(path);
  // Only the graph's interface is read here; ONNX Runtime runs whatever ops the file uses.
  const { graph } = decodeOnnx(bytes, path);
  const inputs = graph.inputs.filter((v) => !graph.initializers.has(v.name));
  return OrtSession.create(bytes, { inputs, outputs: graph.outputs }, session);
}
