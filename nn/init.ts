import type { Rng } from '../common/rng.ts';
import { allocate, type DType } from './dtype.ts';
import { type Dim, sizeOf, type TensorData } from './graph.ts';
import { NnError } from './nn-error.ts';

/** How a parameter starts: constant, N(0, std²), or Kaiming-uniform over its fan-in (PyTorch's Linear default). */
export type Init =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'normal'; std: number }
  | { kind: 'kaiming-uniform'; fanIn: number };

/** Materialises a parameter's initial value; dims must be concrete. */
export function initTensor(
  name: string,
  dtype: DType,
  dims: readonly Dim[],
  init: Init,
  rng: Rng,
): TensorData {
  if (!dims.every((d): d is number => typeof d === 'number')) {
    throw new NnError('SHAPE_MISMATCH', `parameter '${name}': dims must be concrete, got [${dims}]`);
  }
  const data = allocate(dtype, sizeOf(dims)) as Float32Array | Float64Array;
  if (init.kind === 'ones') data.fill(1);
  else if (init.kind === 'normal') for (let i = 0; i < data.length; i++) data[i] = init.std * rng.normal();
  else if (init.kind === 'kaiming-uniform') {
    // kaiming_uniform_(a=√5) bound = 1/√fan_in, as torch.nn.Linear and torch.nn.Conv2d
    const bound = 1 / Math.sqrt(init.fanIn);
    for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-bound, bound);
  }
  return { dtype, dims: [...dims], data };
}
