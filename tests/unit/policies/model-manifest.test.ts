import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
  ])('rejects a bad %s field, naming it', (name, manifest, message) => {
    expect(() => readModelManifest(writeManifest(name, manifest))).toThrow(message);
  });
});
