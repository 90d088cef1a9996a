import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDataset } from '../../sim/dataset-writer.ts';
import { trainBeso } from '../../training/train-beso.ts';

/** A tiny BESO package (16×16 frames, chunk 4, one transformer block) trained for a few steps in a temp folder. */
export async function createTinyModelPackage(): Promise<{ dir: string; remove: () => void }> {
  const root = mkdtempSync(join(tmpdir(), 'goalserve-server-'));
  writeDataset({ task: 'push1', episodes: 2, seed: 1, out: join(root, 'push1'), imageSize: 16 });
  const dir = join(root, 'tiny-beso');
  await trainBeso({
    data: [join(root, 'push1')],
    out: dir,
    steps: { 'end-to-end': 4, denoiser: 2 },
    batch: 8,
    seed: 0,
    lr: 1e-3,
    checkpoint: join(root, 'tiny.ckpt'),
    checkpointEvery: 1000,
    arch: { width: 16, layers: 1, heads: 2, embedDim: 16, chunk: 4 },
    producedBy: 'tests/integration/tiny-model-package.ts',
  });
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
