import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACT2GOAL_ARCHITECTURE } from '../../../policies/act2goal/act2goal-config.ts';
import { readModelManifest } from '../../../policies/model-manifest.ts';

const root = mkdtempSync(join(tmpdir(), 'goalserve-manifest-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
// A valid hand-written manifest (see tests/fixtures/torch-beso/make_fixture.py).
const valid = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/torch-beso/manifest.json'), 'utf8'),
);

function writeManifest(name: string, manifest: unknown): string {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('readModelManifest', () => {
  it('reads a valid manifest and fills sampler defaults', () => {
    const { rho: _omitted, ...partial } = valid.sampler;
    const manifest = readModelManifest(writeManifest('ok', { ...valid, sampler: partial }));
    expect(manifest.sampler).toMatchObject({ sampler: 'ddim', steps: 3, sigmaMin: 0.05, rho: 5 });
  });

  it('names the missing file', () => {
    expect(() => readModelManifest(join(root, 'nowhere'))).toThrow(
      /nowhere\/manifest\.json: cannot read a model manifest/,
    );
  });

  it.each([
    ['format', { ...valid, format: 'pickle' }, /format: expected 'goalserve-model'/],
    ['family', { ...valid, family: 'gpt' }, /family: expected 'beso'/],
    ['image', { ...valid, image: { size: 16, mean: [1], std: [1, 1, 1] } }, /image: expected/],
    ['proprio', { ...valid, proprio: { ...valid.proprio, mean: [0] } }, /proprio\.mean: expected 4 values/],
    ['window', { ...valid, window: 0 }, /window: expected a whole number/],
    ['architecture', { ...valid, beso: {} }, /beso\.architecture\.embedDim/],
    ['sampler', { ...valid, sampler: { ...valid.sampler, steps: 0 } }, /samplerOptions\.steps/],
    [
      'object-centric architecture',
      { ...valid, beso: { architecture: { ...valid.beso.architecture, objectCentric: true } } },
      /beso\.architecture\.positionDim: expected x and y of at least one object/,
    ],
  ])('rejects a bad %s field, naming it', (name, manifest, message) => {
    expect(() => readModelManifest(writeManifest(name, manifest))).toThrow(message);
  });
});

describe('readModelManifest for Act2Goal packages', () => {
  const { beso: _beso, ...common } = valid;
  const act2goal = {
    ...common,
    family: 'act2goal',
    window: 1,
    action: { ...valid.action, chunk: DEFAULT_ACT2GOAL_ARCHITECTURE.msth.proximalSteps },
    act2goal: { architecture: DEFAULT_ACT2GOAL_ARCHITECTURE, goalSteps: 'predicted' },
  };
  const arch = DEFAULT_ACT2GOAL_ARCHITECTURE;

  it('reads a valid manifest with a predicted or a fixed K', () => {
    expect(readModelManifest(writeManifest('a2g', act2goal)).family).toBe('act2goal');
    const fixed = { ...act2goal, act2goal: { ...act2goal.act2goal, goalSteps: 40 } };
    expect(readModelManifest(writeManifest('a2g-fixed', fixed)).act2goal?.goalSteps).toBe(40);
  });

  it.each([
    ['window', { ...act2goal, window: 2 }, /window: expected 1/],
    [
      'window of an expert that reads motion',
      { ...act2goal, act2goal: { ...act2goal.act2goal, architecture: { ...arch, expertReadsMotion: true } } },
      /window: expected 2/,
    ],
    [
      'chunk',
      { ...act2goal, action: { ...act2goal.action, chunk: 12 } },
      /action\.chunk: expected msth\.proximalSteps = 16/,
    ],
    [
      'msth',
      {
        ...act2goal,
        act2goal: { ...act2goal.act2goal, architecture: { ...arch, msth: { ...arch.msth, strideSteps: 5 } } },
      },
      /act2goal\.architecture\.msth\.strideSteps: expected a divisor of proximalSteps 16, got 5/,
    ],
    ['latentDim', { ...act2goal, act2goal: { goalSteps: 'predicted' } }, /act2goal\.architecture\.latentDim/],
    [
      'positionDim',
      { ...act2goal, act2goal: { ...act2goal.act2goal, architecture: { ...arch, positionDim: 5 } } },
      /act2goal\.architecture\.positionDim: expected an even whole number/,
    ],
    [
      'goalSteps',
      { ...act2goal, act2goal: { ...act2goal.act2goal, goalSteps: 0 } },
      /act2goal\.goalSteps: expected 'predicted'/,
    ],
  ])('rejects a bad %s field, naming it', (name, manifest, message) => {
    expect(() => readModelManifest(writeManifest(`a2g-${name}`, manifest))).toThrow(message);
  });
});
