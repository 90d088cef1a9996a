import { type Metadata, type StatusObject, status } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { PolicyError, type PolicyErrorCode } from '../policies/policy-error.ts';
import { ServerError, type ServerErrorCode } from './server-error.ts';

const SERVER_STATUS: Record<ServerErrorCode, status> = {
  BAD_REQUEST: status.INVALID_ARGUMENT,
  OUT_OF_ORDER: status.FAILED_PRECONDITION,
  MODEL_NOT_FOUND: status.NOT_FOUND,
  ADAPTER_NOT_FOUND: status.NOT_FOUND,
  TOO_MANY_SESSIONS: status.RESOURCE_EXHAUSTED,
  SHUTTING_DOWN: status.UNAVAILABLE,
};

// MODEL_IO_MISMATCH is the server's own model disagreeing with its manifest, not the client's fault.
const POLICY_STATUS: Record<PolicyErrorCode, status> = {
  BAD_SAMPLER_OPTIONS: status.INVALID_ARGUMENT,
  BAD_OBSERVATION: status.INVALID_ARGUMENT,
  POLICY_NOT_FOUND: status.NOT_FOUND,
  MODEL_IO_MISMATCH: status.INTERNAL,
};

/** The status a client sees for an error of ours; it carries `code` and `details` like a grpc ServiceError. */
export type CallStatus = Pick<StatusObject, 'code' | 'details'> & { metadata?: Metadata };

/**
 * The one place that turns errors into gRPC statuses: typed client mistakes keep their message;
 * anything else becomes a generic message for the client while the full error is logged.
 */
export function toCallStatus(error: unknown, logger: Logger, context: Record<string, unknown>): CallStatus {
  if (error instanceof ServerError) {
    logger.info({ ...context, code: error.code, err: error.message }, 'request refused');
    return { code: SERVER_STATUS[error.code], details: error.message };
  }
  if (error instanceof PolicyError && POLICY_STATUS[error.code] !== status.INTERNAL) {
    logger.info({ ...context, code: error.code, err: error.message }, 'request refused');
    return { code: POLICY_STATUS[error.code], details: error.message };
  }
  const id = Math.random().toString(36).slice(2, 10);
  logger.error({ ...context, err: error, errorId: id }, 'internal error');
  return {
    code: error instanceof PolicyError ? status.INTERNAL : status.UNKNOWN,
    details: `internal error (id ${id}); the server log has the details`,
  };
}
