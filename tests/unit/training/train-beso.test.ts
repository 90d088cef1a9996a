import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';
import { createRng } from '../../../common/rng.ts';
import { BesoPolicy } from '../../../policies/beso/beso-policy.ts';
import { validateSamplerOptions } from '../../../policies/sampling/sampler-options.ts';
import { writeDataset } from '../../../sim/dataset-writer.ts';
import { type BesoTrainOptions, trainBeso } from '../../../training/train-beso.ts';

const root = mkdtempSync(join(tmpdir(), 'goalserve-train-beso-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const tiny = { width: 16, layers: 1, heads: 2, embedDim: 16, chunk: 4 };

function options(
  out: string,
  steps: number,
  losses: number[] = [],
  firstSteps: number[] = [],
  denoiserSteps = 0,
): BesoTrainOptions {
  return {
    data: [join(root, 'reach')],
    out,
    steps: { 'end-to-end': steps, denoiser: denoiserSteps },
    batch: 16,
    seed: 0,
    lr: 3e-3,
    checkpoint: `${out}.ckpt`,
    checkpointEvery: 5,
    arch: tiny,
    producedBy: 'test',
    onProgress: (stage, p) => {
      if (stage !== 'end-to-end') return;
      losses.push(p.loss);
      firstSteps.push(p.step);
    },
  };
}

describe('goalserve train beso (tiny model)', () => {
  const pkg = join(root, 'pkg');
  const losses: number[] = [];
  beforeAll(async () => {
    writeDataset({ task: 'reach', episodes: 6, seed: 1, out: join(root, 'reach'), imageSize: 16 });
    await trainBeso(options(pkg, 60, losses));
  });

  it('lowers the denoising loss', () => {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-10))).toBeLessThan(0.8 * mean(losses.slice(0, 10)));
  });

  it('writes a package that loads and produces clipped chunks in robot units', async () => {
    const manifest = JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ family: 'beso', window: 2, action: { chunk: 4, dim: 2 } });
    const policy = await BesoPolicy.load(pkg);
    try {
      const embedding = await policy.encode([new Uint8Array(16 * 16 * 3)]);
      expect(embedding.length).toBe(16);
      expect(manifest.beso.architecture.positionDim).toBe(6);
    } finally {
      await policy.release();
    }
  });

  it('trains the denoiser on after the end-to-end stage without changing the encoder', async () => {
    const oneStage = join(root, 'one-stage');
    const twoStages = join(root, 'two-stages');
    await trainBeso(options(oneStage, 10));
    await trainBeso(options(twoStages, 10, [], [], 20));
    const [a, b] = await Promise.all([BesoPolicy.load(oneStage), BesoPolicy.load(twoStages)]);
    try {
      const frame = Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 37) % 256);
      expect(await b.encode([frame])).toEqual(await a.encode([frame]));
      const rng = () => createRng(1);
      const request = {
        goal: await a.encode([frame]),
        observation: await a.encode([frame, frame]),
        proprio: new Float32Array(8),
      };
      const sampler = validateSamplerOptions({});
      const [chunkA] = await a.sample([{ ...request, rng: rng() }], sampler);
      const [chunkB] = await b.sample([{ ...request, rng: rng() }], sampler);
      expect(chunkB).not.toEqual(chunkA);
    } finally {
      await Promise.all([a.release(), b.release()]);
    }
  });

  it('resumes from its checkpoint where it stopped', async () => {
    const out = join(root, 'resumed');
    await trainBeso(options(out, 10));
    expect(existsSync(`${out}.ckpt.stage0.safetensors`)).toBe(true);
    const steps: number[] = [];
    await trainBeso(options(out, 15, [], steps));
    expect(steps).toEqual([11, 12, 13, 14, 15]);
  });

  it('trains the same package from the same seed, and an interrupted run resumes to the same package', async () => {
    const [first, again, straight, interrupted] = ['seeded-a', 'seeded-b', 'straight', 'interrupted'].map(
      (d) => join(root, d),
    );
    await trainBeso(options(first, 10));
    await trainBeso(options(again, 10));
    await trainBeso(options(straight, 15, [], [], 10));
    const stop = new AbortController();
    const stopping = trainBeso({
      ...options(interrupted, 15, [], [], 10),
      signal: stop.signal,
      onProgress: (stage, p) => {
        if (stage === 'denoiser' && p.step === 5) stop.abort(new Error('interrupted'));
      },
    });
    await expect(stopping).rejects.toThrow('interrupted');
    await trainBeso(options(interrupted, 15, [], [], 10));
    const bytes = (dir: string, file: string) => readFileSync(join(dir, file));
    for (const file of ['encoder.onnx', 'denoiser.onnx']) {
      expect(bytes(again, file).equals(bytes(first, file))).toBe(true);
      expect(bytes(interrupted, file).equals(bytes(straight, file))).toBe(true);
    }
  });

  it('evaluates closed-loop from the CLI and draws a film strip of the first episode', async () => {
    const strip = join(root, 'strip.png');
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line) => void lines.push(String(line)));
    try {
      const argv = [
        'eval',
        '--model',
        pkg,
        '--task',
        'reach',
        '--episodes',
        '2',
        '--seed',
        '1000',
        '--json',
        '--strip',
        strip,
      ];
      expect(await main(argv)).toBe(0);
    } finally {
      log.mockRestore();
    }
    const result = JSON.parse(lines[0]);
    expect(result).toMatchObject({ task: 'reach', episodes: 2, sampler: 'ddim', steps: 3, guidance: 1 });
    expect(result.meanSteps).toBeGreaterThan(0);
    expect(result.chunkLatencyMsP99).toBeGreaterThanOrEqual(result.chunkLatencyMsP50);
    const meta = await sharp(strip).metadata();
    expect(meta.height).toBe(16 + 4);
  });

  it('rejects bad eval and train arguments with exit status 2', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await main(['eval', '--task', 'reach'])).toBe(2);
      expect(await main(['eval', '--model', pkg, '--task', 'reach', '--sampler', 'magic'])).toBe(2);
      expect(await main(['eval', '--model', pkg, '--task', 'reach', '--actions-per-chunk', '9'])).toBe(2);
      expect(await main(['train', 'gpt', '--data', 'x'])).toBe(2);
      expect(await main(['train', 'beso', '--out', 'x'])).toBe(2);
    } finally {
      error.mockRestore();
    }
  });
});
