import { PolicyError } from '../policies/policy-error.ts';
import { type SamplerOptions, validateSamplerOptions } from '../policies/sampling/sampler-options.ts';
import type { Frame, SamplerOverrides } from '../proto/goalserve-messages.ts';
import { ServerError } from './server-error.ts';

/** Reads a float vector of exactly `dim` finite values; throws BAD_REQUEST naming `field`. */
export function readVector(values: readonly number[] | undefined, field: string, dim: number): Float32Array {
  const list = values ?? [];
  if (list.length !== dim)
    throw new ServerError('BAD_REQUEST', `${field}: expected ${dim} values, got ${list.length}`);
  const out = Float32Array.from(list);
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new ServerError('BAD_REQUEST', `${field}[${bad}]: expected a finite number, got ${out[bad]}`);
  return out;
}

/**
 * Reads one frame per declared camera (the model takes one camera; an empty name list means one
 * unnamed camera); throws BAD_REQUEST naming `field`.
 */
export function readCameraFrame(
  frames: readonly Frame[] | undefined,
  field: string,
  cameraNames: readonly string[],
): Frame {
  const list = frames ?? [];
  if (list.length !== 1)
    throw new ServerError('BAD_REQUEST', `${field}: expected 1 frame (one per camera), got ${list.length}`);
  const [frame] = list;
  const camera = frame.camera ?? '';
  if (camera !== '' && cameraNames.length > 0 && !cameraNames.includes(camera)) {
    throw new ServerError(
      'BAD_REQUEST',
      `${field}[0].camera: expected one of ${cameraNames.join(', ')} (declared at start), got '${camera}'`,
    );
  }
  return frame;
}

/** Reads a whole number ≥ 0 (a step, a timestamp); throws BAD_REQUEST naming `field`. */
export function readWholeNumber(step: number | undefined, field: string): number {
  const value = step ?? 0;
  if (!Number.isSafeInteger(value) || value < 0)
    throw new ServerError('BAD_REQUEST', `${field}: expected a whole number ≥ 0, got ${value}`);
  return value;
}

/**
 * Applies a request's sampler overrides to the model's defaults and checks them (at most
 * `maxSteps` steps); throws BAD_REQUEST naming `field` and the bad option.
 */
export function readSamplerOverrides(
  overrides: SamplerOverrides | null | undefined,
  field: string,
  defaults: SamplerOptions,
  maxSteps: number,
): SamplerOptions {
  const known = [
    'sampler',
    'schedule',
    'steps',
    'sigmaMin',
    'sigmaMax',
    'rho',
    'guidance',
    'worldModelSteps',
  ] as const;
  const set = Object.fromEntries(
    known
      .filter((k) => overrides?.[k] !== undefined && overrides?.[k] !== null)
      .map((k) => [k, overrides?.[k]]),
  );
  let options: SamplerOptions;
  try {
    options = validateSamplerOptions({ ...defaults, ...set });
  } catch (error) {
    if (error instanceof PolicyError && error.code === 'BAD_SAMPLER_OPTIONS') {
      throw new ServerError('BAD_REQUEST', error.message.replace(/^samplerOptions\./, `${field}.`), {
        cause: error,
      });
    }
    throw error;
  }
  for (const key of ['steps', 'worldModelSteps'] as const) {
    if (options[key] > maxSteps)
      throw new ServerError(
        'BAD_REQUEST',
        `${field}.${key}: expected at most ${maxSteps} on this server, got ${options[key]}`,
      );
  }
  return options;
}
