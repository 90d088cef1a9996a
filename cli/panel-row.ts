import { writeRgbPng } from './png.ts';

const GAP = 2;

/**
 * Writes square uint8 [S, S, 3] RGB panels as one PNG row on white, 2 px apart with a 2 px margin,
 * and 4 px more before each panel index listed in `breaks` (to set groups apart).
 */
export async function writePanelRow(
  path: string,
  panels: readonly Uint8Array[],
  size: number,
  breaks: readonly number[] = [],
): Promise<void> {
  const width = GAP + panels.length * (size + GAP) + 2 * GAP * breaks.length;
  const height = size + 2 * GAP;
  const image = new Uint8Array(width * height * 3).fill(255);
  panels.forEach((panel, p) => {
    const x0 = GAP + p * (size + GAP) + 2 * GAP * breaks.filter((b) => b <= p).length;
    for (let y = 0; y < size; y++) {
      image.set(panel.subarray(y * size * 3, (y + 1) * size * 3), ((y + GAP) * width + x0) * 3);
    }
  });
  await writeRgbPng(path, image, width, height);
}
