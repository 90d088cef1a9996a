/** What went wrong inside a policy, so the server can map it to a transport status once. */
export type PolicyErrorCode =
  | 'BAD_SAMPLER_OPTIONS'
  | 'MODEL_IO_MISMATCH'
  | 'POLICY_NOT_FOUND'
  | 'BAD_OBSERVATION';

/** The one error type thrown by policies/: a code plus a message that names the bad field. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';

  constructor(
    readonly code: PolicyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
