import type { ServiceError } from '@grpc/grpc-js';
import type { PolicyClient } from '../../../clients/policy-client.ts';
import type { ControlRequest } from '../../../proto/goalserve-messages.ts';

/** How a Control stream ended: its status code and details, and how many chunks came before. */
export interface StreamEnd {
  code: number;
  details: string;
  chunks: number;
}

/** Sends these messages on a fresh Control stream, half-closes it and resolves to how it ended. */
export function sendAndAwaitStatus(client: PolicyClient, messages: ControlRequest[]): Promise<StreamEnd> {
  const call = client.control();
  let chunks = 0;
  const ended = new Promise<StreamEnd>((resolve) => {
    call.on('data', (r) => {
      if (r.chunk !== undefined) chunks += 1;
    });
    call.on('error', (e: ServiceError) => resolve({ code: e.code, details: e.details, chunks }));
    call.on('end', () => resolve({ code: 0, details: 'OK', chunks }));
  });
  for (const message of messages) call.write(message);
  call.end();
  return ended;
}
