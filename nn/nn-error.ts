/** What went wrong in the training engine, coarse enough for callers to branch on. */
export type NnErrorCode =
  | 'UNSUPPORTED_OP'
  | 'SHAPE_MISMATCH'
  | 'DTYPE_MISMATCH'
  | 'BAD_FILE'
  | 'BAD_GRAPH'
  | 'BAD_ARGUMENT'
  | 'NOT_DIFFERENTIABLE'
  | 'RUNTIME';

/** The one error type thrown by `nn/`; the message names the op, node or tensor and expected vs got. */
export class NnError extends Error {
  override readonly name = 'NnError';
  constructor(
    readonly code: NnErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
