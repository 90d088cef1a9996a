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
 * Reads the frames of one message, each for a different declared camera, keyed by camera name. With
 * one camera (or none declared: one unnamed camera) a message holds exactly one frame, whose name may
 * be empty; with several, each frame names its camera. `everyCamera` requires a frame for each.
 * Throws BAD_REQUEST naming `field`.
 */
export function readCameraFrames(
  frames: readonly Frame[] | undefined,
  field: string,
  cameraNames: readonly string[],
  everyCamera: boolean,
): Map<string, { frame: Frame; field: string }> {
  const list = frames ?? [];
  const cameras = cameraNames.length === 0 ? [''] : cameraNames;
  const expected =
    cameras.length === 1
      ? '1 frame'
      : everyCamera
        ? `${cameras.length} frames, one per camera`
        : `1 to ${cameras.length} frames, one per camera`;
  if (list.length === 0 || list.length > cameras.length || (everyCamera && list.length < cameras.length))
    throw new ServerError('BAD_REQUEST', `${field}: expected ${expected}, got ${list.length}`);
  const read = new Map<string, { frame: Frame; field: string }>();
  list.forEach((frame, i) => {
    const name = frame.camera ?? '';
    const camera = cameras.length === 1 && (name === '' || cameraNames.length === 0) ? cameras[0] : name;
    if (!cameras.includes(camera)) {
      throw new ServerError(
        'BAD_REQUEST',
        `${field}[${i}].camera: expected one of ${cameras.map((c) => `'${c}'`).join(', ')} (declared at start), got '${name}'`,
      );
    }
    if (read.has(camera))
      throw new ServerError('BAD_REQUEST', `${field}[${i}].camera: '${camera}' sent twice in one message`);
    read.set(camera, { frame, field: `${field}[${i}]` });
  });
  return read;
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
    'minGoalSteps',
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
