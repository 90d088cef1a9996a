import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';

/** Writes uint8 [H, W, 3] RGB pixels as a PNG file, creating the folder if needed. */
export async function writeRgbPng(
  path: string,
  pixels: Uint8Array,
  width: number,
  height: number,
): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(path);
}
