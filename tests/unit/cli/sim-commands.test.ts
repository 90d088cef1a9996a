import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';
import { createTabletopEnv } from '../../../sim/tabletop-env.ts';

const root = mkdtempSync(join(tmpdir(), 'goalserve-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the CLI in-process and returns its exit status and what it printed. */
async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line) => void out.push(String(line)));
  const error = vi.spyOn(console, 'error').mockImplementation((line) => void err.push(String(line)));
  const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { status: await main(argv), stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
}

describe('goalserve sim', () => {
  it('expert prints success and mean episode length as one JSON line', async () => {
    const { status, stdout } = await run(
      'sim',
      'expert',
      '--task',
      'push1',
      '--episodes',
      '4',
      '--seed',
      '7',
    );
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ task: 'push1', episodes: 4 });
    expect(result.success).toBeGreaterThanOrEqual(0.75);
    expect(result.meanSteps).toBeGreaterThan(0);
  });

  it('render writes a PNG of the start state, or of the goal with --goal', async () => {
    const start = join(root, 'start.png');
    const goal = join(root, 'goal.png');
    expect((await run('sim', 'render', '--task', 'push2', '--seed', '3', '--out', start)).status).toBe(0);
    expect(
      (await run('sim', 'render', '--task', 'push2', '--seed', '3', '--goal', '--out', goal)).status,
    ).toBe(0);
    const env = createTabletopEnv('push2');
    const { observation, goal: expected } = env.reset(3);
    const decode = async (file: string) =>
      (await sharp(readFileSync(file)).raw().toBuffer({ resolveWithObject: true })).data;
    expect(Buffer.compare(await decode(start), Buffer.from(observation.frame))).toBe(0);
    expect(Buffer.compare(await decode(goal), Buffer.from(expected.frame))).toBe(0);
  });

  it('dataset writes shards and a manifest and reports them', async () => {
    const out = join(root, 'data');
    const { status, stdout } = await run(
      'sim',
      'dataset',
      '--task',
      'reach',
      '--episodes',
      '3',
      '--seed',
      '1',
      '--out',
      out,
    );
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ task: 'reach', episodes: 3, shards: 1 });
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).episodes).toBe(3);
  });

  it('--help lists the subcommands', async () => {
    const { status, stdout } = await run('sim', '--help');
    expect(status).toBe(0);
    expect(stdout).toMatch(/dataset[\s\S]*render[\s\S]*expert/);
  });

  it.each([
    [['sim'], /missing subcommand/],
    [['sim', 'fly'], /unknown subcommand 'fly'/],
    [['sim', 'expert'], /--task is required/],
    [['sim', 'expert', '--task', 'push9'], /--task: unknown 'push9'/],
    [['sim', 'expert', '--task', 'push1', '--episodes', '0'], /--episodes: expected 1\.\.1000000, got 0/],
    [['sim', 'expert', '--task', 'push1', '--seed', 'x'], /--seed: expected a whole number, got 'x'/],
    [['sim', 'render', '--task', 'push1'], /--out is required/],
    [
      ['sim', 'render', '--task', 'push1', '--out', 'a.png', '--image-size', '4'],
      /--image-size: expected 16\.\.1024/,
    ],
    [['sim', 'dataset', '--task', 'push1', '--episodes', '2'], /--out is required/],
    [
      ['sim', 'dataset', '--task', 'push1', '--episodes', '2', '--out', 'x', '--policy', 'random'],
      /--policy/,
    ],
    [['sim', 'dataset', '--task', 'push1', '--out', 'x', '--frobnicate'], /Unknown option '--frobnicate'/],
    [
      ['sim', 'dataset', '--task', 'push1', '--episodes', '2', '--out', 'x', '--driver-ticks', '9'],
      /--driver-ticks: needs --driver/,
    ],
    [
      [
        'sim',
        'dataset',
        '--task',
        'push1',
        '--episodes',
        '2',
        '--out',
        'x',
        '--policy',
        'play',
        '--driver',
        'm',
      ],
      /--driver: drives expert episodes only/,
    ],
    [
      ['train', 'act2goal', '--data', 'x', '--out', 'y', '--proximal-steps', '10'],
      /--proximal-steps: expected a multiple of the stride 4, got 10/,
    ],
    [['launch'], /unknown command 'launch'/],
  ])('rejects %j with a clear message and exit status 2', async (argv, message) => {
    const { status, stderr } = await run(...argv);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('goalserve train act2goal', () => {
  it('rejects action-expert options that need each other before reading any data', async () => {
    const argv = ['train', 'act2goal', '--data', join(root, 'no-such-data'), '--out', join(root, 'never')];
    const { status, stderr } = await run(...argv, '--expert-motion', '--expert-scene-motion-only');
    expect(status).toBe(1);
    expect(stderr).toMatch(/expertSceneMotionOnly needs expertReadsMotion and expertSceneTokens/);
  });
});

describe('goalserve serve', () => {
  it('fails with a message naming the missing model package instead of serving nothing', async () => {
    const { status, stderr } = await run('serve', '--model', join(root, 'no-such-model'));
    expect(status).toBe(1);
    expect(stderr).toMatch(/no-such-model\/manifest\.json: cannot read a model manifest/);
  });
});

describe('the goalserve bin', () => {
  it('runs from a shell and exits non-zero on bad usage', () => {
    const bin = join(import.meta.dirname, '../../../bin/goalserve.js');
    const ok = execFileSync(process.execPath, [bin, 'sim', 'expert', '--task', 'reach', '--episodes', '2'], {
      encoding: 'utf8',
    });
    expect(JSON.parse(ok)).toMatchObject({ task: 'reach', episodes: 2 });
    expect(() => execFileSync(process.execPath, [bin, 'sim', 'expert'], { stdio: 'pipe' })).toThrow(
      /--task is required/,
    );
  });
});
