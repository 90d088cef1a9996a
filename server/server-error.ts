/** Why the server refused a request; server/errors.ts maps each code to a gRPC status. */
export type ServerErrorCode =
  | 'BAD_REQUEST'
  | 'OUT_OF_ORDER'
  | 'MODEL_NOT_FOUND'
  | 'ADAPTER_NOT_FOUND'
  | 'TOO_MANY_SESSIONS'
  | 'SHUTTING_DOWN';

/** The one error type thrown by server/ code for a client's mistake; the message names the field. */
export class ServerError extends Error {
  override readonly name = 'ServerError';

  constructor(
    readonly code: ServerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
