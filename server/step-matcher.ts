import type { FrameSlot } from './chunk-planner.ts';
import type { ObservationPart } from './observation-reader.ts';

/** A step whose frames arrived from every camera. */
export interface MatchedStep extends Omit<ObservationPart, 'frames'> {
  frames: ReadonlyMap<string, FrameSlot>;
}

/** What adding a message did: the step it completed, and the step it gave up on, with the cameras that never sent a frame. */
export interface MatchResult {
  complete?: MatchedStep;
  incomplete?: { step: number; missingCameras: string[] };
}

/**
 * Matches frames by step across Observation messages: a robot may send all cameras of a step in one
 * message or each camera in its own. A step is complete once every camera has sent a frame for it; a
 * camera sent again for the same step replaces its frame, the newest proprio wins, the oldest capture
 * time counts and a chunk request by any of the messages holds. A message of a newer step gives up the
 * step still open (latest wins: at most one step is ever held). Steps must not go backwards; the caller
 * checks that against {@link openStep}.
 */
export class StepMatcher {
  private open: (MatchedStep & { frames: Map<string, FrameSlot> }) | undefined;

  /** `cameras`: the names every step needs a frame from. */
  constructor(private readonly cameras: readonly string[]) {}

  /** The step waiting for more cameras, if any. */
  get openStep(): number | undefined {
    return this.open?.step;
  }

  /** Adds one checked message. */
  add(part: ObservationPart): MatchResult {
    const result: MatchResult = {};
    if (this.open !== undefined && part.step !== this.open.step) {
      result.incomplete = {
        step: this.open.step,
        missingCameras: this.cameras.filter((c) => !this.open!.frames.has(c)),
      };
      this.open = undefined;
    }
    if (this.open === undefined) {
      this.open = { ...part, frames: new Map(part.frames) };
    } else {
      for (const [camera, slot] of part.frames) this.open.frames.set(camera, slot);
      this.open.proprio = part.proprio;
      this.open.capturedAtUnixMs = oldestKnown(this.open.capturedAtUnixMs, part.capturedAtUnixMs);
      this.open.requestChunk ||= part.requestChunk;
    }
    if (this.cameras.every((c) => this.open!.frames.has(c))) {
      result.complete = this.open;
      this.open = undefined;
    }
    return result;
  }
}

/** The older of two capture times, where 0 means unknown. */
function oldestKnown(a: number, b: number): number {
  if (a === 0) return b;
  if (b === 0) return a;
  return Math.min(a, b);
}
