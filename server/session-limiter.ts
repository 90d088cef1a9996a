import { ServerError } from './server-error.ts';

/** Counts open Control sessions against a maximum. */
export interface SessionLimiter {
  /** Takes a slot and returns its release function; throws TOO_MANY_SESSIONS naming `field` when full. */
  acquire(field: string): () => void;
  readonly open: number;
}

/** Creates a limiter allowing `maxSessions` sessions at once. */
export function createSessionLimiter(maxSessions: number): SessionLimiter {
  let open = 0;
  return {
    acquire(field) {
      if (open >= maxSessions) {
        throw new ServerError(
          'TOO_MANY_SESSIONS',
          `${field}: too many sessions (this server allows ${maxSessions})`,
        );
      }
      open += 1;
      let released = false;
      return () => {
        if (!released) open -= 1;
        released = true;
      };
    },
    get open() {
      return open;
    },
  };
}
