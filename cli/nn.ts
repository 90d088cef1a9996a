import { basename } from 'node:path';
import { loadSafetensors, saveSafetensors } from '../nn/files.ts';
import type { TensorData } from '../nn/graph.ts';
import { loadOnnxFile } from '../nn/onnx-file.ts';
import { computeRegressionGradients } from '../nn/regression-grad.ts';
import { parseCommandOptions, readRequiredOption } from './options.ts';
import { UsageError } from './usage-error.ts';

const usage = `usage: goalserve nn grad --model M.onnx --data D.safetensors --out G.safetensors

  Loads an ONNX graph, feeds input.<name> tensors from D, adds the loss mean((output − target)²)
  with target from D, and writes loss and grad.<initializer> for every float initializer to G.`;

/** `goalserve nn <subcommand>`: tools for checking models built elsewhere against this engine. */
export async function runNn(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') {
    console.log(usage);
    return 0;
  }
  if (sub !== 'grad') throw new UsageError(`nn: unknown subcommand '${sub ?? ''}'\n\n${usage}`);
  const options = parseCommandOptions('nn grad', rest, {
    model: { type: 'string' },
    data: { type: 'string' },
    out: { type: 'string' },
  });
  const modelPath = readRequiredOption('model', options.model);
  const dataPath = readRequiredOption('data', options.data);
  const outPath = readRequiredOption('out', options.out);
  const graph = await loadOnnxFile(modelPath);
  const { tensors } = await loadSafetensors(dataPath);
  const result = await computeRegressionGradients(graph, tensors);
  const out = new Map<string, TensorData>([
    ['loss', { dtype: 'float32', dims: [1], data: Float32Array.of(result.loss) }],
  ]);
  for (const [name, g] of result.gradients) out.set(`grad.${name}`, g);
  await saveSafetensors(outPath, out);
  console.log(
    JSON.stringify({ model: basename(modelPath), loss: result.loss, gradients: result.gradients.size }),
  );
  return 0;
}
