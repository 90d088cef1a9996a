import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Act2GoalArchitecture } from '../../policies/act2goal/act2goal-config.ts';
import { writeDataset } from '../../sim/dataset-writer.ts';
import { type Act2GoalTrainOptions, trainAct2Goal } from '../../training/train-act2goal.ts';

/** An Act2Goal small enough to train in a test: 16×16 frames, Z = 8, P = 4, r = 2, M = 2, one block each. */
export const TINY_ACT2GOAL_PACKAGE_ARCH: Partial<Act2GoalArchitecture> = {
  latentDim: 8,
  encoderChannels: [8, 16],
  msth: { proximalSteps: 4, strideSteps: 2, distalCount: 2 },
  layers: 1,
  worldModel: { width: 16, heads: 2 },
  actionExpert: { width: 16, heads: 2 },
};

/** Options training the tiny Act2Goal a few steps per stage on the `data` folders into `out`. */
export function tinyAct2GoalOptions(data: string[], out: string): Act2GoalTrainOptions {
  return {
    data,
    out,
    steps: { autoencoder: 6, joint: 6, action: 4 },
    batch: 8,
    seed: 0,
    lr: 1e-3,
    checkpoint: `${out}.ckpt.safetensors`,
    checkpointEvery: 1000,
    arch: TINY_ACT2GOAL_PACKAGE_ARCH,
    goalSteps: 'predicted',
    producedBy: 'tests/integration/tiny-act2goal-package.ts',
  };
}

/** A tiny Act2Goal package trained for a few steps per stage on two push1 episodes in a temp folder. */
export async function createTinyAct2GoalPackage(): Promise<{ dir: string; remove: () => void }> {
  const root = mkdtempSync(join(tmpdir(), 'goalserve-act2goal-'));
  writeDataset({ task: 'push1', episodes: 2, seed: 1, out: join(root, 'push1'), imageSize: 16 });
  const dir = join(root, 'tiny-act2goal');
  await trainAct2Goal(tinyAct2GoalOptions([join(root, 'push1')], dir));
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
