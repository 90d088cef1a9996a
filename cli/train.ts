import { UsageError } from './usage-error.ts';

/** `goalserve train <family> …`: beso or act2goal, each with its own options. */
export async function runTrain(args: string[]): Promise<number> {
  const [family, ...rest] = args;
  if (family === 'beso') return (await import('./train-beso.ts')).runTrainBeso(rest);
  if (family === 'act2goal') return (await import('./train-act2goal.ts')).runTrainAct2Goal(rest);
  throw new UsageError(`train: expected a policy family (beso, act2goal), got '${family ?? ''}'`);
}
