import { type DType, fromBytes, toBytes } from './dtype.ts';
import { sizeOf, type TensorData } from './graph.ts';
import { NnError } from './nn-error.ts';

/** Tensors by name plus string metadata, the content of one safetensors file. */
export interface SafetensorsContent {
  tensors: Map<string, TensorData>;
  metadata: Record<string, string>;
}

const codes: Record<DType, string> = {
  float32: 'F32',
  float64: 'F64',
  float16: 'F16',
  int64: 'I64',
  int32: 'I32',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};

/** Serialises tensors in the safetensors layout: u64 header length, JSON header, raw little-endian data. */
export function encodeSafetensors(
  tensors: Map<string, TensorData>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    header[name] = {
      dtype: codes[t.dtype],
      shape: t.dims,
      data_offsets: [offset, offset + t.data.byteLength],
    };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((json.length + 8) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.byteLength;
  for (const t of tensors.values()) {
    out.set(toBytes(t.data), pos);
    pos += t.data.byteLength;
  }
  return out;
}

/** Parses a safetensors file, validating the header against the data it describes. */
export function decodeSafetensors(bytes: Uint8Array, where = 'safetensors'): SafetensorsContent {
  const bad = (why: string) => new NnError('BAD_FILE', `${where}: ${why}`);
  if (bytes.byteLength < 8) throw bad(`expected at least 8 bytes, got ${bytes.byteLength}`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + headerLength > bytes.byteLength)
    throw bad(`header length ${headerLength} exceeds file size ${bytes.byteLength}`);
  let header: Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>
  >;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (cause) {
    throw new NnError('BAD_FILE', `${where}: header is not JSON`, { cause });
  }
  const data = bytes.subarray(8 + headerLength);
  const tensors = new Map<string, TensorData>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const dtype = (Object.keys(codes) as DType[]).find((d) => codes[d] === e.dtype);
    if (dtype === undefined) throw bad(`tensor '${name}' has unsupported dtype ${e.dtype}`);
    const [begin, end] = e.data_offsets ?? [];
    if (!Array.isArray(e.shape) || !(begin >= 0 && end >= begin && end <= data.byteLength)) {
      throw bad(
        `tensor '${name}' has bad shape or offsets [${e.data_offsets}] (data is ${data.byteLength} bytes)`,
      );
    }
    const values = fromBytes(dtype, data.subarray(begin, end));
    if (values.length !== sizeOf(e.shape)) {
      throw bad(
        `tensor '${name}' shape [${e.shape}] needs ${sizeOf(e.shape)} elements, got ${values.length}`,
      );
    }
    tensors.set(name, { dtype, dims: e.shape, data: values });
  }
  return { tensors, metadata };
}
