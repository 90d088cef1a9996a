import type { Observation, SetGoal } from '../proto/goalserve-messages.ts';
import type { FrameSlot, ObservationSlot } from './chunk-planner.ts';
import { checkFrame, type FrameDecodeOptions } from './frame-decoder.ts';
import type { ServedModel } from './model-registry.ts';
import { readCameraFrame, readVector, readWholeNumber } from './request-validation.ts';

/** What a session's messages are checked against. */
export interface ReadContext {
  model: ServedModel;
  cameraNames: readonly string[];
  decode: FrameDecodeOptions;
}

/** A checked goal: its frame (decoded later) and the sampler seed it asks for. */
export interface GoalInput {
  image: FrameSlot;
  seed: number | undefined;
}

/** A checked observation and its capture time (Unix ms, 0 = unknown). */
export interface ObservationInput extends ObservationSlot {
  capturedAtUnixMs: number;
  requestChunk: boolean;
}

/** Checks a SetGoal (one frame per camera, proprio empty or the model's dimension); throws BAD_REQUEST naming the field. */
export function readGoal(goal: SetGoal, field: string, context: ReadContext): GoalInput {
  const frame = readCameraFrame(goal.frames, `${field}.frames`, context.cameraNames);
  checkFrame(frame, `${field}.frames[0]`, context.decode);
  if ((goal.proprio ?? []).length > 0)
    readVector(goal.proprio, `${field}.proprio`, context.model.manifest.proprio.dim);
  return { image: { frame, field: `${field}.frames[0]` }, seed: goal.seed };
}

/** Checks an Observation (step, one frame per camera, finite proprio of the model's dimension); throws BAD_REQUEST naming the field. */
export function readObservation(
  observation: Observation,
  field: string,
  context: ReadContext,
): ObservationInput {
  const step = readWholeNumber(observation.step, `${field}.step`);
  const frame = readCameraFrame(observation.frames, `${field}.frames`, context.cameraNames);
  checkFrame(frame, `${field}.frames[0]`, context.decode);
  const proprio = readVector(observation.proprio, `${field}.proprio`, context.model.manifest.proprio.dim);
  const capturedAtUnixMs = readWholeNumber(observation.capturedAtUnixMs, `${field}.capturedAtUnixMs`);
  return {
    step,
    image: { frame, field: `${field}(step ${step}).frames[0]` },
    proprio,
    capturedAtUnixMs,
    requestChunk: observation.requestChunk === true,
  };
}
