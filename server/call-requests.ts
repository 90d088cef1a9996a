import type { ServerDuplexStream } from '@grpc/grpc-js';
import { Observable } from 'rxjs';

/**
 * The messages of a server-side stream as an Observable: completes when the client half-closes or
 * cancels. grpc-js reads only as fast as we consume, and consuming is synchronous here, so nothing
 * queues in between.
 */
export function fromCallRequests<Req, Res>(call: ServerDuplexStream<Req, Res>): Observable<Req> {
  return new Observable<Req>((subscriber) => {
    const onData = (message: Req) => subscriber.next(message);
    const onEnd = () => subscriber.complete();
    call.on('data', onData);
    call.on('end', onEnd);
    call.on('cancelled', onEnd);
    return () => {
      call.off('data', onData);
      call.off('end', onEnd);
      call.off('cancelled', onEnd);
    };
  });
}
