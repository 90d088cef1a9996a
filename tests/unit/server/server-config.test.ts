import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';
import { readServeConfig } from '../../../cli/serve-options.ts';
import { DEFAULT_SERVER_CONFIG, normalizeServerConfig } from '../../../server/server-config.ts';

describe('server config', () => {
  it('fills defaults around the given fields, binding to localhost', () => {
    const config = normalizeServerConfig({ modelPaths: ['m'], maxBatchSize: 4 });
    expect(config).toEqual({ ...DEFAULT_SERVER_CONFIG, modelPaths: ['m'], maxBatchSize: 4 });
    expect(config.address).toBe('127.0.0.1:50051');
  });

  it('names the field of a bad number', () => {
    expect(() => normalizeServerConfig({ modelPaths: ['m'], maxSessions: 0 })).toThrow(
      'config.maxSessions: expected a number > 0, got 0',
    );
  });

  it('reads flags first, then GOALSERVE_* variables', () => {
    const env = {
      GOALSERVE_MAX_BATCH_SIZE: '8',
      GOALSERVE_ADDRESS: '0.0.0.0:1',
      GOALSERVE_MODEL: 'a,b',
      GOALSERVE_DEFAULT_MODEL: 'b',
    };
    const { config, modelsDir } = readServeConfig(['--address', '127.0.0.1:2', '--log-level', 'warn'], env);
    expect(config).toMatchObject({
      address: '127.0.0.1:2',
      maxBatchSize: 8,
      modelPaths: ['a', 'b'],
      defaultModel: 'b',
      logLevel: 'warn',
    });
    expect(modelsDir).toBe('models');
  });

  it('refuses an unknown log level naming the flag', () => {
    expect(() => readServeConfig(['--log-level', 'loud'], {})).toThrow(/--log-level: expected one of/);
  });

  it('makes `goalserve serve` exit with status 2 when the models folder holds no package', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'goalserve-no-models-'));
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await main(['serve', '--models-dir', empty])).toBe(2);
      expect(error.mock.calls[0][0]).toContain(`no model packages in ${empty}/`);
    } finally {
      error.mockRestore();
      rmSync(empty, { recursive: true });
    }
  });
});
