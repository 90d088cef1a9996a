import { writeRgbPng } from './png.ts';

const MAX_PANELS = 12;
const GAP = 2;

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
      const panels = goal === undefined ? picks : [goal, ...picks];
      const width = panels.length * (size + GAP) + GAP * 2;
      const height = size + 2 * GAP;
      const image = new Uint8Array(width * height * 3).fill(255);
      panels.forEach((panel, p) => {
        const x0 = GAP + p * (size + GAP) + (p > 0 && goal !== undefined ? GAP * 2 : 0);
        for (let y = 0; y < size; y++) {
          image.set(panel.subarray(y * size * 3, (y + 1) * size * 3), ((y + GAP) * width + x0) * 3);
        }
      });
      await writeRgbPng(path, image, width, height);
    },
  };
}
