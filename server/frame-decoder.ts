import sharp from 'sharp';
import type { Frame, ImageEncoding } from '../proto/goalserve-messages.ts';
import { ServerError } from './server-error.ts';

/** What frames of a session must look like. */
export interface FrameDecodeOptions {
  /** Side of the square RGB image the model takes. */
  imageSize: number;
  frameMaxBytes: number;
  /** The session's encoding for frames that say IMAGE_ENCODING_UNSPECIFIED. */
  defaultEncoding: Exclude<ImageEncoding, 'IMAGE_ENCODING_UNSPECIFIED'>;
}

const MAX_SIDE_PX = 4096;
const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const NAMES = { IMAGE_ENCODING_JPEG: 'JPEG', IMAGE_ENCODING_PNG: 'PNG', IMAGE_ENCODING_RAW_RGB: 'raw RGB' };

/**
 * Checks what can be checked without decoding (size limit, magic bytes, raw dimensions) and returns
 * the frame's effective encoding; throws BAD_REQUEST naming `field`.
 */
export function checkFrame(
  frame: Frame,
  field: string,
  options: FrameDecodeOptions,
): FrameDecodeOptions['defaultEncoding'] {
  const data = frame.data ?? new Uint8Array(0);
  const encoding =
    frame.encoding === undefined || frame.encoding === 'IMAGE_ENCODING_UNSPECIFIED'
      ? options.defaultEncoding
      : frame.encoding;
  if (!(encoding in NAMES))
    throw new ServerError('BAD_REQUEST', `${field}.encoding: unknown value ${String(encoding)}`);
  if (data.length > options.frameMaxBytes) {
    throw new ServerError(
      'BAD_REQUEST',
      `${field}.data: ${data.length} bytes is over the limit of ${options.frameMaxBytes} bytes (frameMaxBytes)`,
    );
  }
  if (encoding === 'IMAGE_ENCODING_RAW_RGB') {
    const width = frame.widthPx ?? 0;
    const height = frame.heightPx ?? 0;
    for (const [name, side] of [
      ['widthPx', width],
      ['heightPx', height],
    ] as const) {
      if (side < 1 || side > MAX_SIDE_PX)
        throw new ServerError(
          'BAD_REQUEST',
          `${field}.${name}: expected 1..${MAX_SIDE_PX} for raw RGB, got ${side}`,
        );
    }
    if (data.length !== width * height * 3) {
      throw new ServerError(
        'BAD_REQUEST',
        `${field}.data: expected ${width}×${height}×3 = ${width * height * 3} bytes of raw RGB, got ${data.length}`,
      );
    }
    return encoding;
  }
  const magic = encoding === 'IMAGE_ENCODING_JPEG' ? JPEG_MAGIC : PNG_MAGIC;
  if (data.length < magic.length || magic.some((b, i) => data[i] !== b)) {
    throw new ServerError(
      'BAD_REQUEST',
      `${field}.data: cannot decode (expected ${NAMES[encoding]}, got ${describeBytes(data)})`,
    );
  }
  return encoding;
}

/** Decodes a checked frame with sharp and resizes it to uint8 [S, S, 3] RGB; throws BAD_REQUEST naming `field`. */
export async function decodeFrame(
  frame: Frame,
  field: string,
  options: FrameDecodeOptions,
): Promise<Uint8Array> {
  const encoding = checkFrame(frame, field, options);
  const data = frame.data ?? new Uint8Array(0);
  const size = options.imageSize;
  if (encoding === 'IMAGE_ENCODING_RAW_RGB' && frame.widthPx === size && frame.heightPx === size) {
    return Uint8Array.from(data);
  }
  const input =
    encoding === 'IMAGE_ENCODING_RAW_RGB'
      ? sharp(data, { raw: { width: frame.widthPx ?? 0, height: frame.heightPx ?? 0, channels: 3 } })
      : sharp(data, { limitInputPixels: MAX_SIDE_PX * MAX_SIDE_PX, failOn: 'error' });
  try {
    const { data: pixels, info } = await input
      .removeAlpha()
      .toColourspace('srgb')
      .resize(size, size, { fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.length);
  } catch (cause) {
    throw new ServerError(
      'BAD_REQUEST',
      `${field}.data: cannot decode (expected ${NAMES[encoding]}, got ${describeBytes(data)}: ${(cause as Error).message})`,
      { cause },
    );
  }
}

function describeBytes(data: Uint8Array): string {
  const head = [...data.subarray(0, 4)].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
  return data.length === 0 ? '0 bytes' : `${data.length} bytes starting ${head}`;
}
