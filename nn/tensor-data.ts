import { allocate, type DType } from './dtype.ts';
import { sizeOf, type TensorData } from './graph.ts';

/** A rank-0 tensor holding one number. */
export function scalar(dtype: DType, value: number): TensorData {
  const data = allocate(dtype, 1);
  data[0] = (dtype === 'int64' ? BigInt(value) : value) as never;
  return { dtype, dims: [], data };
}

/** A tensor with every element equal to `value`. */
export function filled(dtype: DType, dims: number[], value: number): TensorData {
  const t = zeros(dtype, dims);
  (t.data as Float32Array).fill(value);
  return t;
}

/** A zero-filled tensor. */
export function zeros(dtype: DType, dims: number[]): TensorData {
  return { dtype, dims, data: allocate(dtype, sizeOf(dims)) };
}

/** A deep copy of a tensor. */
export function cloneTensor(t: TensorData): TensorData {
  return { dtype: t.dtype, dims: [...t.dims], data: t.data.slice() };
}
