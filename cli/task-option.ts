import { TASK_NAMES } from '../sim/tasks.ts';
import { UsageError } from './usage-error.ts';

/** Reads the required `--task` option, checking it names a simulator task. */
export function readTaskOption(raw: string | undefined): string {
  if (raw === undefined) throw new UsageError(`--task is required (one of ${TASK_NAMES.join(', ')})`);
  if (!TASK_NAMES.includes(raw))
    throw new UsageError(`--task: unknown '${raw}' (expected one of ${TASK_NAMES.join(', ')})`);
  return raw;
}
