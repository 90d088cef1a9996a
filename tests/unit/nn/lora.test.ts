import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSafetensors } from '../../../nn/files.ts';
import type { Graph, TensorData } from '../../../nn/graph.ts';
import { addLora, matchesTarget } from '../../../nn/lora.ts';
import { mergeLora, unmergeLora } from '../../../nn/lora-merge.ts';
import { encodeOnnx } from '../../../nn/onnx-encode.ts';
import { loadOnnxFile } from '../../../nn/onnx-file.ts';
import { OrtSession } from '../../../nn/ort-session.ts';
import { loadPeftAdapter, savePeftAdapter } from '../../../nn/peft.ts';
import { cloneTensor } from '../../../nn/tensor-data.ts';
import { train } from '../../../nn/train-loop.ts';
import { Trainer } from '../../../nn/trainer.ts';
import { sineRegression } from './tasks.ts';

const fixtures = join(import.meta.dirname, '../../fixtures/torch-onnx');

async function runOnce(
  graph: Graph,
  feeds: Record<string, TensorData>,
  output: string,
): Promise<Float32Array> {
  const session = await OrtSession.create(encodeOnnx(graph), graph);
  const out = (await session.run(Object.fromEntries(graph.inputs.map((v) => [v.name, feeds[v.name]]))))[
    output
  ];
  await session.release();
  return out.data as Float32Array;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('LoRA', () => {
  it('selects modules like PEFT target_modules', () => {
    expect(matchesTarget('blocks.0.attn.q', ['q', 'v'])).toBe(true);
    expect(matchesTarget('blocks.0.attn.qq', ['q'])).toBe(false);
    expect(matchesTarget('blocks.1.mlp.fc', 'blocks\\.[01]\\.mlp\\..*')).toBe(true);
  });

  it('finds PyTorch-exported Gemm (transB) and Transpose→MatMul weights and leaves outputs unchanged at init', async () => {
    for (const [name, modules, layout] of [
      ['mlp', ['fc1', 'out'], 'out-in'],
      ['attention_block', ['q', 'v', 'fc_out'], 'out-in'],
    ] as const) {
      const graph = await loadOnnxFile(join(fixtures, `${name}.onnx`));
      const lora = addLora(graph, { r: 4, alpha: 8, targetModules: [...modules] });
      expect(lora.targets.map((t) => [t.module, t.layout])).toEqual(modules.map((m) => [m, layout]));
      const data = (await loadSafetensors(join(fixtures, `${name}.safetensors`))).tensors;
      const feeds = { x: data.get('input.x')!, ...Object.fromEntries(lora.adapter) };
      const out = await runOnce(lora.graph, feeds, 'output');
      expect(maxDiff(out, data.get('output')!.data as Float32Array)).toBeLessThan(1e-5);
    }
  });

  it('fits a shifted target by training only A/B, leaving the frozen base weights byte-identical', async () => {
    const task = sineRegression(32);
    const base = await Trainer.create(task.model, { loss: 'loss', lr: () => 1e-2 });
    await lastValueFrom(train(base, task.data, { batchSize: 32, steps: 150, seed: 1 }));
    await base.release();
    const frozen = new Map([...task.model.params].map(([k, v]) => [k, cloneTensor(v)]));
    const shifted = {
      ...task.data,
      batch: (idx: Int32Array) => {
        const b = task.data.batch(idx);
        return { ...b, y: { ...b.y, data: (b.y.data as Float32Array).map((v) => v + 0.5) } };
      },
    };
    const lora = addLora(task.model.graph, { r: 4, alpha: 4, targetModules: ['fc2', 'out'], seed: 2 });
    expect(lora.targets.map((t) => [t.module, t.layout])).toEqual([
      ['fc2', 'in-out'],
      ['out', 'in-out'],
    ]);
    const params = new Map([...task.model.params, ...lora.adapter]);
    const trainer = await Trainer.create(
      { graph: lora.graph, params },
      { loss: 'loss', trainable: [...lora.adapter.keys()], lr: () => 1e-2 },
    );
    const log = await lastValueFrom(
      train(trainer, shifted, { batchSize: 32, steps: 200, seed: 3 }).pipe(toArray()),
    );
    expect(log[0].loss).toBeGreaterThan(0.2);
    expect(log.slice(-10).reduce((s, p) => s + p.loss, 0) / 10).toBeLessThan(0.05 * log[0].loss);
    for (const [k, v] of frozen)
      expect(Buffer.from(params.get(k)!.data.buffer).equals(Buffer.from(v.data.buffer)), k).toBe(true);

    const lossNode = (g: Graph) => ({ ...g, outputs: g.outputs.filter((o) => o.name === 'pred') });
    const feeds = shifted.batch(Int32Array.from({ length: 32 }, (_, i) => i * 8));
    const withAdapter = await runOnce(
      lossNode(lora.graph),
      { ...feeds, ...Object.fromEntries(params) },
      'pred',
    );
    const scale = lora.config.alpha / lora.config.r;
    const merged = mergeLora(task.model.params, { targets: lora.targets, adapter: lora.adapter, scale });
    const plain = await runOnce(
      lossNode(task.model.graph),
      { ...feeds, ...Object.fromEntries(merged) },
      'pred',
    );
    expect(maxDiff(plain, withAdapter)).toBeLessThan(1e-5);
    const restored = unmergeLora(merged, { targets: lora.targets, adapter: lora.adapter, scale });
    for (const [k, v] of frozen)
      expect(maxDiff(restored.get(k)!.data as Float32Array, v.data as Float32Array), k).toBeLessThan(1e-6);
    await trainer.release();
  });
});

describe('PEFT adapter files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nn-peft-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips adapter_config.json and adapter_model.safetensors with PEFT key names and shapes', async () => {
    const graph = await loadOnnxFile(join(fixtures, 'mlp.onnx'));
    const lora = addLora(graph, { r: 2, alpha: 4, targetModules: ['fc1'] });
    const config = { r: 2, lora_alpha: 4, target_modules: ['fc1'], base_model_name_or_path: 'mlp.onnx' };
    await savePeftAdapter(join(dir, 'a'), { config, tensors: lora.adapter });
    const json = JSON.parse(await readFile(join(dir, 'a', 'adapter_config.json'), 'utf8'));
    expect(json).toMatchObject({ peft_type: 'LORA', ...config });
    const back = await loadPeftAdapter(join(dir, 'a'));
    expect(back.config).toEqual(config);
    expect([...back.tensors].map(([k, t]) => [k, t.dims])).toEqual([
      ['fc1.lora_A.weight', [2, 12]],
      ['fc1.lora_B.weight', [32, 2]],
    ]);
    expect(back.tensors).toEqual(lora.adapter);
  });

  it('rejects an adapter whose tensors do not have rank r', async () => {
    const tensors = new Map([
      ['fc1.lora_A.weight', { dtype: 'float32' as const, dims: [3, 12], data: new Float32Array(36) }],
    ]);
    await savePeftAdapter(join(dir, 'b'), {
      config: { r: 2, lora_alpha: 2, target_modules: ['fc1'], base_model_name_or_path: '' },
      tensors,
    });
    await expect(loadPeftAdapter(join(dir, 'b'))).rejects.toThrow(
      /'fc1.lora_A.weight' expected rank 2 on axis 0, got dims \[3,12\]/,
    );
  });
});
