import { writePanelRow } from './panel-row.ts';

const MAX_PANELS = 12;

/**
 * Collects an episode's frames and writes one PNG row: the goal image, a gap, then up to 12 frames
 * evenly spaced over the episode (first and last included).
 */
export function createFilmStrip(size: number) {
  const frames: Uint8Array[] = [];
  let goal: Uint8Array | undefined;
  return {
    add(frame: Uint8Array, goalFrame: Uint8Array) {
      frames.push(frame.slice());
      goal ??= goalFrame.slice();
    },
    async write(path: string) {
      const count = Math.min(MAX_PANELS, frames.length);
      const picks = Array.from(
        { length: count },
        (_, i) => frames[Math.round((i * (frames.length - 1)) / Math.max(1, count - 1))],
      );
      await writePanelRow(
        path,
        goal === undefined ? picks : [goal, ...picks],
        size,
        goal === undefined ? [] : [1],
      );
    },
  };
}
