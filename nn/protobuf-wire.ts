import { NnError } from './nn-error.ts';

/** One decoded protobuf field: its number, wire type and raw payload. */
export interface WireField {
  field: number;
  wireType: number;
  /** Varint (as a BigInt), fixed32/64 bytes, or length-delimited bytes. */
  varint: bigint;
  bytes: Uint8Array;
}

const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

/** Splits one protobuf message into its fields, in order (the ONNX subset: wire types 0, 1, 2, 5). */
export function readFields(buf: Uint8Array, where: string): WireField[] {
  const fields: WireField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw truncated(where);
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new NnError('BAD_FILE', `${where}: varint longer than 10 bytes`);
    }
  };
  const take = (n: number): Uint8Array => {
    if (pos + n > buf.length) throw truncated(where);
    const out = buf.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wireType = key & 7;
    if (wireType === 0) fields.push({ field, wireType, varint: varint(), bytes: empty });
    else if (wireType === 1) fields.push({ field, wireType, varint: 0n, bytes: take(8) });
    else if (wireType === 2) fields.push({ field, wireType, varint: 0n, bytes: take(Number(varint())) });
    else if (wireType === 5) fields.push({ field, wireType, varint: 0n, bytes: take(4) });
    else
      throw new NnError('BAD_FILE', `${where}: unsupported protobuf wire type ${wireType} (field ${field})`);
  }
  return fields;
}

const empty = new Uint8Array(0);

function truncated(where: string): NnError {
  return new NnError('BAD_FILE', `${where}: truncated protobuf message`);
}

/** A varint field as a signed 64-bit number (precision beyond 2^53 is not needed by ONNX dims/attrs). */
export function asInt(f: WireField): number {
  return Number(BigInt.asIntN(64, f.varint));
}

/** A length-delimited field as UTF-8 text. */
export function asString(f: WireField): string {
  return textDecoder.decode(f.bytes);
}

/** A repeated int64 field, packed or not. */
export function asInts(f: WireField, where: string): number[] {
  if (f.wireType === 0) return [asInt(f)];
  return readPackedVarints(f.bytes, where).map((v) => Number(BigInt.asIntN(64, v)));
}

/** A repeated float field, packed or not. */
export function asFloats(f: WireField): number[] {
  const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= f.bytes.byteLength; i += 4) out.push(view.getFloat32(i, true));
  return out;
}

/** A repeated double field, packed or not. */
export function asDoubles(f: WireField): number[] {
  const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 8 <= f.bytes.byteLength; i += 8) out.push(view.getFloat64(i, true));
  return out;
}

/** Reads packed varints as BigInts. */
export function readPackedVarints(buf: Uint8Array, where: string): bigint[] {
  const out: bigint[] = [];
  let value = 0n;
  let shift = 0n;
  for (const b of buf) {
    value |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if ((b & 0x80) === 0) {
      out.push(value);
      value = 0n;
      shift = 0n;
    }
  }
  if (shift !== 0n) throw truncated(where);
  return out;
}

/** Builds one protobuf message field by field. */
export class WireWriter {
  private readonly chunks: Uint8Array[] = [];

  /** Writes an int64/int32/enum field (negative values as 10-byte two's complement). */
  int(field: number, value: number | bigint): this {
    this.key(field, 0);
    this.varint(toUint64(value));
    return this;
  }

  /** Writes a float32 field. */
  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.chunks.push(b);
    return this;
  }

  /** Writes a length-delimited field. */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(BigInt(value.byteLength));
    this.chunks.push(value);
    return this;
  }

  /** Writes a UTF-8 string field. */
  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  /** Writes a packed repeated int64 field. */
  packedInts(field: number, values: readonly (number | bigint)[]): this {
    const inner = new WireWriter();
    for (const v of values) inner.varint(toUint64(v));
    return this.bytes(field, inner.finish());
  }

  /** Writes a packed repeated float field. */
  packedFloats(field: number, values: readonly number[]): this {
    const b = new Uint8Array(values.length * 4);
    const view = new DataView(b.buffer);
    values.forEach((v, i) => {
      view.setFloat32(i * 4, v, true);
    });
    return this.bytes(field, b);
  }

  /** Concatenates everything written so far. */
  finish(): Uint8Array {
    const total = this.chunks.reduce((n, c) => n + c.byteLength, 0);
    const out = new Uint8Array(total);
    let pos = 0;
    for (const c of this.chunks) {
      out.set(c, pos);
      pos += c.byteLength;
    }
    return out;
  }

  private key(field: number, wireType: number): void {
    this.varint(BigInt((field << 3) | wireType));
  }

  private varint(value: bigint): void {
    const bytes: number[] = [];
    let v = value;
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) b |= 0x80;
      bytes.push(b);
    } while (v !== 0n);
    this.chunks.push(Uint8Array.from(bytes));
  }
}

const int64Max = 2n ** 63n - 1n;

function toUint64(value: number | bigint): bigint {
  let v = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
  if (v > int64Max) v = int64Max;
  if (v < -int64Max - 1n) v = -int64Max - 1n;
  return BigInt.asUintN(64, v);
}
