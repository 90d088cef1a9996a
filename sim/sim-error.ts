/** An error from the simulator, with a code the caller can branch on and a message naming the field. */
export class SimError extends Error {
  override readonly name = 'SimError';
  constructor(
    readonly code: 'UNKNOWN_TASK' | 'BAD_ACTION' | 'BAD_IMAGE_SIZE' | 'BAD_DATASET',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
