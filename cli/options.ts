import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './usage-error.ts';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parses `--name value` options strictly; unknown options and stray positionals become UsageErrors. */
export function parseCommandOptions<T extends OptionSpec>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

/** Reads a whole-number option, checking its range; `fallback` is used when the option is absent. */
export function readIntegerOption(
  name: string,
  raw: string | undefined,
  range: { min: number; max: number; fallback?: number },
): number {
  if (raw === undefined) {
    if (range.fallback === undefined) throw new UsageError(`--${name} is required`);
    return range.fallback;
  }
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
    throw new UsageError(`--${name}: expected a whole number, got '${raw}'`);
  }
  if (value < range.min || value > range.max) {
    throw new UsageError(`--${name}: expected ${range.min}..${range.max}, got ${value}`);
  }
  return value;
}

/** Reads a required string option. */
export function readRequiredOption(name: string, raw: string | undefined): string {
  if (raw === undefined || raw === '') throw new UsageError(`--${name} is required`);
  return raw;
}
