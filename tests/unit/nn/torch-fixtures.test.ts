import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNn } from '../../../cli/nn.ts';
import { loadSafetensors } from '../../../nn/files.ts';
import type { TensorData } from '../../../nn/graph.ts';
import { loadOnnxFile } from '../../../nn/onnx-file.ts';
import { computeRegressionGradients } from '../../../nn/regression-grad.ts';

const fixtures = join(import.meta.dirname, '../../fixtures/torch-onnx');
const names = ['mlp', 'attention_block', 'conv_encoder'];

/** Every element within 1e-4 relative of PyTorch, or 1e-6 absolute for tiny values. */
function expectClose(label: string, got: TensorData, want: TensorData) {
  expect(got.dtype, label).toBe(want.dtype);
  expect(got.dims, label).toEqual(want.dims);
  for (let i = 0; i < want.data.length; i++) {
    const [g, w] = [Number(got.data[i]), Number(want.data[i])];
    if (Math.abs(g - w) > Math.max(1e-6, 1e-4 * Math.abs(w)))
      expect.fail(`${label}[${i}]: got ${g}, PyTorch ${w}`);
  }
}

describe('PyTorch-exported fixtures', () => {
  for (const name of names) {
    it(`reproduces PyTorch's loss and every gradient of ${name}`, async () => {
      const graph = await loadOnnxFile(join(fixtures, `${name}.onnx`));
      const { tensors } = await loadSafetensors(join(fixtures, `${name}.safetensors`));
      const result = await computeRegressionGradients(graph, tensors);
      const loss = tensors.get('loss')!;
      expect(Math.abs(result.loss - Number(loss.data[0]))).toBeLessThan(1e-4 * Number(loss.data[0]));
      const expected = [...tensors.keys()].filter((k) => k.startsWith('grad.'));
      expect([...result.gradients.keys()].map((k) => `grad.${k}`).sort()).toEqual(expected.sort());
      for (const key of expected) expectClose(key, result.gradients.get(key.slice(5))!, tensors.get(key)!);
    });
  }
});

describe('goalserve nn grad', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nn-grad-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes loss and grad.<initializer> in the fixture layout and prints one JSON line', async () => {
    const out = join(dir, 'g.safetensors');
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      const args = [
        'grad',
        '--model',
        join(fixtures, 'mlp.onnx'),
        '--data',
        join(fixtures, 'mlp.safetensors'),
        '--out',
        out,
      ];
      expect(await runNn(args)).toBe(0);
    } finally {
      console.log = log;
    }
    const summary = JSON.parse(lines[0]);
    expect(summary).toMatchObject({ model: 'mlp.onnx', gradients: 8 });
    const want = (await loadSafetensors(join(fixtures, 'mlp.safetensors'))).tensors;
    const got = (await loadSafetensors(out)).tensors;
    expectClose('loss', got.get('loss')!, want.get('loss')!);
    for (const [key, value] of want) if (key.startsWith('grad.')) expectClose(key, got.get(key)!, value);
  });

  it('rejects a missing option and an unknown subcommand as usage errors', async () => {
    await expect(runNn(['grad', '--model', 'm.onnx'])).rejects.toThrow('--data is required');
    await expect(runNn(['fit'])).rejects.toThrow("nn: unknown subcommand 'fit'");
  });
});
