import { Writable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../../policies/policy-error.ts';
import { toCallStatus } from '../../../server/errors.ts';
import { ServerError } from '../../../server/server-error.ts';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('toCallStatus', () => {
  it.each([
    ['BAD_REQUEST', status.INVALID_ARGUMENT],
    ['OUT_OF_ORDER', status.FAILED_PRECONDITION],
    ['MODEL_NOT_FOUND', status.NOT_FOUND],
    ['ADAPTER_NOT_FOUND', status.NOT_FOUND],
    ['TOO_MANY_SESSIONS', status.RESOURCE_EXHAUSTED],
    ['SHUTTING_DOWN', status.UNAVAILABLE],
  ] as const)('maps a ServerError %s to status %i with its message', (code, expected) => {
    const { logger } = capturingLogger();
    expect(toCallStatus(new ServerError(code, 'field: why'), logger, {})).toEqual({
      code: expected,
      details: 'field: why',
    });
  });

  it('maps client-caused PolicyErrors to INVALID_ARGUMENT and NOT_FOUND with their messages', () => {
    const { logger } = capturingLogger();
    const bad = new PolicyError('BAD_OBSERVATION', 'proprio: expected 8 values, got 3');
    expect(toCallStatus(bad, logger, {})).toEqual({ code: status.INVALID_ARGUMENT, details: bad.message });
    const missing = new PolicyError('POLICY_NOT_FOUND', 'model: none');
    expect(toCallStatus(missing, logger, {}).code).toBe(status.NOT_FOUND);
  });

  it('hides an unexpected error behind a generic message and logs its detail with the same id', async () => {
    const { logger, lines } = capturingLogger();
    const result = toCallStatus(new TypeError('secret stack detail'), logger, { rpc: 'Act' });
    expect(result.code).toBe(status.UNKNOWN);
    expect(result.details).not.toContain('secret');
    const id = /id (\w+)/.exec(result.details)?.[1];
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ rpc: 'Act', errorId: id, err: { message: 'secret stack detail' } });
  });

  it('reports a model that disagrees with its own manifest as INTERNAL without the detail', () => {
    const { logger } = capturingLogger();
    const result = toCallStatus(
      new PolicyError('MODEL_IO_MISMATCH', 'denoiser output: 3 values'),
      logger,
      {},
    );
    expect(result.code).toBe(status.INTERNAL);
    expect(result.details).not.toContain('denoiser');
  });
});
