import { type LevelWithSilent, type Logger, pino } from 'pino';

/** Log levels accepted by --log-level. */
export const LOG_LEVELS: readonly LevelWithSilent[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

/** Creates the server's structured JSON logger (pino) writing to stderr. */
export function createLogger(level: LevelWithSilent): Logger {
  return pino({ level, base: { service: 'goalserve' } }, pino.destination(2));
}
