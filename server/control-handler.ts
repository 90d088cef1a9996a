import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { concatMap, defer, filter, from, map, merge, type Observable, share, takeUntil, tap } from 'rxjs';
import type { ControlRequest, ControlResponse } from '../proto/goalserve-messages.ts';
import { fromCallRequests } from './call-requests.ts';
import { type ChunkTicket, ControlSession, type ControlSessionDeps } from './control-session.ts';
import { toCallStatus } from './errors.ts';
import { exhaustMapLatest } from './exhaust-map-latest.ts';
import { ServerError } from './server-error.ts';
import { writeRespectingFlowControl } from './write-respecting-flow-control.ts';

/** What the Control handler needs besides a session's own dependencies. */
export interface ControlHandlerDeps extends Omit<ControlSessionDeps, 'sessionId'> {
  logger: Logger;
  /** Emits once when the server begins shutting down. */
  shutdown$: Observable<void>;
  newSessionId(): string;
}

/**
 * PolicyService.Control: each message is applied in order; chunk requests go through
 * `exhaustMapLatest`, so at most one plan runs per session and only the newest request waits behind
 * it. A bad message ends this stream with its status; other sessions never see it. On shutdown the
 * in-flight chunk is finished and the stream ends with UNAVAILABLE.
 */
export function createControlHandler(deps: ControlHandlerDeps) {
  return (call: ServerDuplexStream<ControlRequest, ControlResponse>): void => {
    const sessionId = deps.newSessionId();
    const logger = deps.logger.child({ sessionId });
    const session = new ControlSession({ ...deps, sessionId });
    let shuttingDown = false;
    const write = (message: ControlResponse) => writeRespectingFlowControl(call, message);

    const accepted$ = fromCallRequests(call).pipe(
      takeUntil(
        deps.shutdown$.pipe(
          tap(() => {
            shuttingDown = true;
          }),
        ),
      ),
      map((request) => session.accept(request)),
      share(),
    );
    const immediate$ = accepted$.pipe(concatMap((a) => from(a.responses)));
    const planned$ = accepted$.pipe(
      map((a) => a.ticket),
      filter((ticket): ticket is ChunkTicket => ticket !== undefined),
      exhaustMapLatest((ticket) =>
        defer(async () => {
          for (const response of await session.plan(ticket)) {
            if (response.warning !== undefined)
              logger.warn({ warning: response.warning }, 'chunk request dropped');
            await write(response);
          }
        }),
      ),
    );
    const subscription = merge(immediate$.pipe(concatMap((r) => defer(() => write(r)))), planned$).subscribe({
      error: (error) => {
        session.close();
        if (!call.cancelled) call.emit('error', toCallStatus(error, logger, { rpc: 'Control' }));
      },
      complete: () => {
        session.close();
        if (call.cancelled) return logger.debug('session cancelled by the client');
        if (shuttingDown) {
          const error = new ServerError(
            'SHUTTING_DOWN',
            'server is shutting down; reconnect to another replica or later',
          );
          call.emit('error', toCallStatus(error, logger, { rpc: 'Control' }));
        } else call.end();
      },
    });
    call.on('cancelled', () => {
      subscription.unsubscribe();
      session.close();
    });
  };
}
