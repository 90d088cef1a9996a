import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '../../../nn/safetensors.ts';

describe('safetensors', () => {
  it('round-trips tensors of several dtypes with metadata, 8-byte aligned data', () => {
    const tensors = new Map([
      ['w', { dtype: 'float32' as const, dims: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }],
      ['step', { dtype: 'int64' as const, dims: [1], data: BigInt64Array.of(42n) }],
      ['d', { dtype: 'float64' as const, dims: [], data: Float64Array.of(Math.PI) }],
    ]);
    const bytes = encodeSafetensors(tensors, { format: 'pt' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt' });
    expect(back.tensors).toEqual(tensors);
  });

  it('reads the header layout other tools write: name → dtype, shape, data_offsets', () => {
    const bytes = encodeSafetensors(
      new Map([['a', { dtype: 'float32', dims: [2], data: Float32Array.of(1, 2) }]]),
    );
    const header = JSON.parse(
      new TextDecoder().decode(
        bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))),
      ),
    );
    expect(header.a).toEqual({ dtype: 'F32', shape: [2], data_offsets: [0, 8] });
  });

  it('rejects corrupt files with the reason', () => {
    expect(() => decodeSafetensors(new Uint8Array(4), 'a.safetensors')).toThrow(
      'a.safetensors: expected at least 8 bytes, got 4',
    );
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 1000n, true);
    expect(() => decodeSafetensors(huge, 'b')).toThrow('b: header length 1000 exceeds file size 16');
    const bytes = encodeSafetensors(
      new Map([['a', { dtype: 'float32', dims: [2], data: Float32Array.of(1, 2) }]]),
    );
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4), 'c')).toThrow(
      /c: tensor 'a' has bad shape or offsets/,
    );
  });
});
