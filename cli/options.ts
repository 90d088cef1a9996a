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

/**
 * Rewrites `--name a b c` (several values after one flag, as in `--data dir1 dir2`) into repeated
 * `--name a --name b --name c`, so parseArgs can read it as a `multiple` option.
 */
export function spreadListOption(args: string[], name: string): string[] {
  const flag = `--${name}`;
  const out: string[] = [];
  let inList = false;
  for (const arg of args) {
    if (arg.startsWith('--')) {
      inList = arg === flag;
      if (!inList) out.push(arg);
    } else {
      if (inList) out.push(flag);
      out.push(arg);
    }
  }
  return out;
}

/** Reads a number option in a range; `fallback` is used when the option is absent. */
export function readNumberOption(
  name: string,
  raw: string | undefined,
  range: { min: number; max: number; fallback: number },
): number {
  if (raw === undefined) return range.fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value))
    throw new UsageError(`--${name}: expected a number, got '${raw}'`);
  if (value < range.min || value > range.max) {
    throw new UsageError(`--${name}: expected ${range.min}..${range.max}, got ${value}`);
  }
  return value;
}

/** Reads an option that must be one of `choices`; undefined when absent. */
export function readChoiceOption<T extends string>(
  name: string,
  raw: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (raw === undefined) return undefined;
  if (!choices.includes(raw as T))
    throw new UsageError(`--${name}: expected one of ${choices.join(', ')}, got '${raw}'`);
  return raw as T;
}
