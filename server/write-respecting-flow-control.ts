import { once } from 'node:events';
import type { ServerDuplexStream } from '@grpc/grpc-js';

/** Writes one message and, when grpc-js' buffer is full, resolves only after it drains (or the call closes). */
export async function writeRespectingFlowControl<Req, Res>(
  call: ServerDuplexStream<Req, Res>,
  message: Res,
): Promise<void> {
  if (call.cancelled || call.writableEnded) return;
  if (call.write(message)) return;
  const closed = new AbortController();
  const onClose = () => closed.abort();
  call.once('cancelled', onClose);
  try {
    await once(call, 'drain', { signal: closed.signal });
  } catch {
    // cancelled while waiting: nothing more will be written
  } finally {
    call.off('cancelled', onClose);
  }
}
