import { from, Observable, type ObservableInput, type OperatorFunction } from 'rxjs';

/**
 * Like `exhaustMap`, but the newest value that arrived while an inner was active is kept (one slot,
 * latest wins) and projected when that inner completes; older ones are dropped. Completes when the
 * source has completed and no inner is active or waiting; errors from either side pass through.
 */
export function exhaustMapLatest<T, R>(project: (value: T) => ObservableInput<R>): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      let active = false;
      let waiting: { value: T } | undefined;
      let sourceDone = false;
      let innerUnsubscribe: (() => void) | undefined;

      const start = (value: T) => {
        active = true;
        const inner = from(project(value)).subscribe({
          next: (r) => subscriber.next(r),
          error: (e) => subscriber.error(e),
          complete: () => {
            active = false;
            innerUnsubscribe = undefined;
            const next = waiting;
            waiting = undefined;
            if (next !== undefined) start(next.value);
            else if (sourceDone) subscriber.complete();
          },
        });
        if (active) innerUnsubscribe = () => inner.unsubscribe();
      };

      const outer = source.subscribe({
        next: (value) => {
          if (active) waiting = { value };
          else start(value);
        },
        error: (e) => subscriber.error(e),
        complete: () => {
          sourceDone = true;
          if (!active) subscriber.complete();
        },
      });
      return () => {
        outer.unsubscribe();
        innerUnsubscribe?.();
      };
    });
}
