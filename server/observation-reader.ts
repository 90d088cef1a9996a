import type { Observation, SetGoal } from '../proto/goalserve-messages.ts';
import type { FrameSlot } from './chunk-planner.ts';
import { checkFrame, type FrameDecodeOptions } from './frame-decoder.ts';
import type { ServedModel } from './model-registry.ts';
import { readCameraFrames, readVector, readWholeNumber } from './request-validation.ts';

/** What a session's messages are checked against. */
export interface ReadContext {
  model: ServedModel;
  /** The cameras declared at start; the model sees the first (or the one unnamed camera when none are declared). */
  cameraNames: readonly string[];
  decode: FrameDecodeOptions;
}

/** A checked goal: the model camera's frame (decoded later) and the sampler seed it asks for. */
export interface GoalInput {
  image: FrameSlot;
  seed: number | undefined;
}

/** A checked Observation message: some or all cameras' frames of one step, keyed by camera. */
export interface ObservationPart {
  step: number;
  frames: Map<string, FrameSlot>;
  /** float32 [P] in robot units. */
  proprio: Float32Array;
  /** Capture time, Unix ms (0 = unknown). */
  capturedAtUnixMs: number;
  requestChunk: boolean;
}

/** The camera whose frames the model sees. */
export function modelCamera(context: Pick<ReadContext, 'cameraNames'>): string {
  return context.cameraNames[0] ?? '';
}

/** Checks a SetGoal (one frame per camera, proprio empty or the model's dimension); throws BAD_REQUEST naming the field. */
export function readGoal(goal: SetGoal, field: string, context: ReadContext): GoalInput {
  const frames = checkedFrames(
    readCameraFrames(goal.frames, `${field}.frames`, context.cameraNames, true),
    context,
    (f) => f,
  );
  if ((goal.proprio ?? []).length > 0)
    readVector(goal.proprio, `${field}.proprio`, context.model.manifest.proprio.dim);
  return { image: frames.get(modelCamera(context))!, seed: goal.seed };
}

/**
 * Checks an Observation (step, frames of some or all declared cameras, finite proprio of the model's
 * dimension); throws BAD_REQUEST naming the field.
 */
export function readObservation(
  observation: Observation,
  field: string,
  context: ReadContext,
): ObservationPart {
  const step = readWholeNumber(observation.step, `${field}.step`);
  const read = readCameraFrames(observation.frames, `${field}.frames`, context.cameraNames, false);
  return {
    step,
    // Frames are decoded at plan time; those errors name the step.
    frames: checkedFrames(read, context, (f) => f.replace(field, `${field}(step ${step})`)),
    proprio: readVector(observation.proprio, `${field}.proprio`, context.model.manifest.proprio.dim),
    capturedAtUnixMs: readWholeNumber(observation.capturedAtUnixMs, `${field}.capturedAtUnixMs`),
    requestChunk: observation.requestChunk === true,
  };
}

/**
 * Checks each frame's encoding and size (it is decoded later, only if planned from) → frame slots by
 * camera, each named by `slotField` of its message field.
 */
function checkedFrames(
  read: ReturnType<typeof readCameraFrames>,
  context: ReadContext,
  slotField: (field: string) => string,
): Map<string, FrameSlot> {
  const slots = new Map<string, FrameSlot>();
  for (const [camera, { frame, field }] of read) {
    checkFrame(frame, field, context.decode);
    slots.set(camera, { frame, field: slotField(field) });
  }
  return slots;
}
