import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeFrame, type FrameDecodeOptions } from '../../../server/frame-decoder.ts';

const options: FrameDecodeOptions = {
  imageSize: 4,
  frameMaxBytes: 10_000,
  defaultEncoding: 'IMAGE_ENCODING_JPEG',
};

/** An 8×8 RGB image: left half pure red, right half pure blue. */
function halves(): Uint8Array {
  const rgb = new Uint8Array(8 * 8 * 3);
  for (let y = 0; y < 8; y++)
    for (let x = 0; x < 8; x++) rgb.set(x < 4 ? [255, 0, 0] : [0, 0, 255], (y * 8 + x) * 3);
  return rgb;
}

describe('decodeFrame', () => {
  it('decodes a PNG and resizes it to the model size, keeping left red and right blue', async () => {
    const png = await sharp(halves(), { raw: { width: 8, height: 8, channels: 3 } })
      .png()
      .toBuffer();
    const pixels = await decodeFrame({ encoding: 'IMAGE_ENCODING_PNG', data: png }, 'f', options);
    expect(pixels).toHaveLength(4 * 4 * 3);
    expect([...pixels.subarray(0, 3)]).toEqual([255, 0, 0]);
    expect([...pixels.subarray(3 * 3, 4 * 3)]).toEqual([0, 0, 255]);
  });

  it('decodes a JPEG (the session default) to RGB within JPEG error', async () => {
    const jpeg = await sharp(halves(), { raw: { width: 8, height: 8, channels: 3 } })
      .jpeg({ quality: 95 })
      .toBuffer();
    const pixels = await decodeFrame({ data: jpeg }, 'f', options);
    expect(pixels).toHaveLength(48);
    expect(pixels[0]).toBeGreaterThan(200);
    expect(pixels[2]).toBeLessThan(60);
  });

  it('turns a grey PNG with alpha into three equal RGB channels', async () => {
    const grey = await sharp(new Uint8Array(4 * 4 * 2).fill(128), {
      raw: { width: 4, height: 4, channels: 2 },
    })
      .png()
      .toBuffer();
    const pixels = await decodeFrame({ encoding: 'IMAGE_ENCODING_PNG', data: grey }, 'f', options);
    expect(pixels).toHaveLength(48);
    expect([...pixels.subarray(0, 3)]).toEqual([128, 128, 128]);
  });

  it('passes raw RGB of the model size through unchanged', async () => {
    const rgb = Uint8Array.from({ length: 48 }, (_, i) => i);
    const pixels = await decodeFrame(
      { encoding: 'IMAGE_ENCODING_RAW_RGB', data: rgb, widthPx: 4, heightPx: 4 },
      'f',
      options,
    );
    expect([...pixels]).toEqual([...rgb]);
  });

  it('names the field, the expected format and the first bytes of an undecodable frame', async () => {
    const data = Uint8Array.of(0xff, 0xd8, 0xff, 0x00, 0x01);
    await expect(decodeFrame({ data }, 'goal.frames[0]', options)).rejects.toThrow(
      /^goal\.frames\[0\]\.data: cannot decode \(expected JPEG, got 5 bytes starting 0xff 0xd8 0xff 0x00/,
    );
  });

  it('refuses a frame over frameMaxBytes before decoding it', async () => {
    const data = new Uint8Array(10_001).fill(0xff);
    await expect(decodeFrame({ data }, 'f', options)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'f.data: 10001 bytes is over the limit of 10000 bytes (frameMaxBytes)',
    });
  });
});
