import { describe, expect, it } from 'vitest';
import type { FrameSlot } from '../../../server/chunk-planner.ts';
import type { ObservationPart } from '../../../server/observation-reader.ts';
import { StepMatcher } from '../../../server/step-matcher.ts';

const slot = (field: string): FrameSlot => ({ frame: { data: new Uint8Array(1) }, field });
const part = (step: number, cameras: string[], patch: Partial<ObservationPart> = {}): ObservationPart => ({
  step,
  frames: new Map(cameras.map((c) => [c, slot(`${c}@${step}`)])),
  proprio: Float32Array.of(step),
  capturedAtUnixMs: 0,
  requestChunk: false,
  ...patch,
});

describe('StepMatcher', () => {
  it('completes every message at once with one camera', () => {
    const matcher = new StepMatcher(['']);
    expect(matcher.add(part(0, [''])).complete?.step).toBe(0);
    expect(matcher.add(part(1, [''])).complete?.step).toBe(1);
    expect(matcher.openStep).toBeUndefined();
  });

  it('holds a step until every camera has sent a frame, merging what the messages carry', () => {
    const matcher = new StepMatcher(['left', 'right']);
    expect(matcher.add(part(3, ['left'], { capturedAtUnixMs: 50, requestChunk: true }))).toEqual({});
    expect(matcher.openStep).toBe(3);
    const { complete } = matcher.add(
      part(3, ['right'], { capturedAtUnixMs: 40, proprio: Float32Array.of(9) }),
    );
    expect(complete?.step).toBe(3);
    expect([...(complete?.frames.keys() ?? [])].sort()).toEqual(['left', 'right']);
    expect(complete?.proprio).toEqual(Float32Array.of(9));
    expect(complete?.capturedAtUnixMs).toBe(40);
    expect(complete?.requestChunk).toBe(true);
  });

  it('replaces a camera sent twice for the same step and keeps a known capture time over an unknown one', () => {
    const matcher = new StepMatcher(['left', 'right']);
    matcher.add(part(0, ['left'], { capturedAtUnixMs: 70 }));
    matcher.add({ ...part(0, []), frames: new Map([['left', slot('again')]]) });
    const { complete } = matcher.add(part(0, ['right']));
    expect(complete?.frames.get('left')?.field).toBe('again');
    expect(complete?.capturedAtUnixMs).toBe(70);
  });

  it('gives up an open step when a newer one arrives, naming the cameras that never sent', () => {
    const matcher = new StepMatcher(['left', 'right', 'wrist']);
    matcher.add(part(1, ['left']));
    const result = matcher.add(part(2, ['left', 'right', 'wrist']));
    expect(result.incomplete).toEqual({ step: 1, missingCameras: ['right', 'wrist'] });
    expect(result.complete?.step).toBe(2);
  });
});
