import { NnError } from './nn-error.ts';

/** Element types the engine handles, named like onnxruntime-node's tensor types. */
export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool' | 'float16';

/** Typed array backing a tensor of each dtype (bool as Uint8Array, float16 as raw Uint16Array bits). */
export type TypedArray =
  | Float32Array
  | Float64Array
  | BigInt64Array
  | Int32Array
  | Int8Array
  | Uint8Array
  | Uint16Array;

const onnxCodes: Record<DType, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
};

const byteSizes: Record<DType, number> = {
  float32: 4,
  uint8: 1,
  int8: 1,
  int32: 4,
  int64: 8,
  bool: 1,
  float16: 2,
  float64: 8,
};

/** ONNX TensorProto.DataType code of a dtype. */
export function onnxTypeCode(dtype: DType): number {
  return onnxCodes[dtype];
}

/** The dtype of an ONNX TensorProto.DataType code; throws for types the engine does not handle. */
export function dtypeFromOnnx(code: number, where: string): DType {
  const found = (Object.keys(onnxCodes) as DType[]).find((d) => onnxCodes[d] === code);
  if (found === undefined)
    throw new NnError('UNSUPPORTED_OP', `${where}: unsupported ONNX data type ${code}`);
  return found;
}

/** True for floating-point dtypes (the ones gradients flow through). */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16';
}

/** Allocates a zeroed typed array of `length` elements of `dtype`. */
export function allocate(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'int64':
      return new BigInt64Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'uint8':
    case 'bool':
      return new Uint8Array(length);
    case 'float16':
      return new Uint16Array(length);
  }
}

/** Views little-endian bytes as a typed array of `dtype` (copies, so the result is aligned). */
export function fromBytes(dtype: DType, bytes: Uint8Array): TypedArray {
  const size = byteSizes[dtype];
  if (bytes.byteLength % size !== 0) {
    throw new NnError('BAD_FILE', `${bytes.byteLength} bytes is not a whole number of ${dtype} elements`);
  }
  const out = allocate(dtype, bytes.byteLength / size);
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes);
  return out;
}

/** The little-endian bytes of a typed array (a view, no copy). */
export function toBytes(data: TypedArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
