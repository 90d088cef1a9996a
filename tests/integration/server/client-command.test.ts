import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';
import { startTestServer, type TestServer } from './test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

async function runJson(argv: string[]): Promise<Record<string, number | string>> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line) => void lines.push(String(line)));
  try {
    expect(await main(argv)).toBe(0);
  } finally {
    log.mockRestore();
  }
  return JSON.parse(lines[0]);
}

describe('goalserve client', () => {
  it('prints the result line with success, steps, latency and stalls', async () => {
    const result = await runJson([
      'client',
      '--server',
      t.address,
      '--task',
      'reach',
      '--episodes',
      '1',
      '--seed',
      '1000',
      '--control-hz',
      '0',
      '--json',
    ]);
    expect(Object.keys(result)).toEqual([
      'task',
      'episodes',
      'success',
      'meanSteps',
      'chunkLatencyMsP50',
      'chunkLatencyMsP99',
      'stalls',
    ]);
  });

  it('in lock-step with raw frames runs the same episodes as goalserve eval on the same seeds', async () => {
    const args = ['--task', 'reach', '--episodes', '2', '--seed', '1000', '--json'];
    const client = await runJson([
      'client',
      '--server',
      t.address,
      ...args,
      '--control-hz',
      '0',
      '--threshold',
      '0',
      '--encoding',
      'raw',
    ]);
    const evaluated = await runJson(['eval', '--model', t.packageDir, ...args]);
    expect(client).toMatchObject({ success: evaluated.success, meanSteps: evaluated.meanSteps });
  });

  it('exits with status 2 naming a bad option', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await main(['client', '--task', 'reach', '--blend', 'mix'])).toBe(2);
      expect(error.mock.calls[0][0]).toContain(
        "--blend: expected one of latest-only, temporal-ensembling, got 'mix'",
      );
    } finally {
      error.mockRestore();
    }
  });
});
