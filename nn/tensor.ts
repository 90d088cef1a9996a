import type { GraphBuilder } from './builder.ts';
import { type DType, onnxTypeCode } from './dtype.ts';
import { attr, type Dim } from './graph.ts';
import { NnError } from './nn-error.ts';
import { scalar } from './tensor-data.ts';

/** A right-hand operand: another tensor or a number (a scalar constant of the left operand's dtype). */
export type Operand = Tensor | number;

/** A symbolic tensor in a graph being built; methods append ops and return new tensors. */
export class Tensor {
  constructor(
    readonly b: GraphBuilder,
    readonly name: string,
    readonly dtype: DType,
    readonly dims: Dim[],
  ) {}

  /** Rank (number of dims). */
  get rank(): number {
    return this.dims.length;
  }

  /** Size of one dim, negative indices from the end; throws when it is symbolic. */
  dim(i: number): number {
    const d = this.dims[i < 0 ? i + this.dims.length : i];
    if (typeof d !== 'number')
      throw new NnError('SHAPE_MISMATCH', `tensor '${this.name}': dim ${i} must be static, got ${d}`);
    return d;
  }

  add(y: Operand): Tensor {
    return this.binary('Add', y);
  }

  sub(y: Operand): Tensor {
    return this.binary('Sub', y);
  }

  mul(y: Operand): Tensor {
    return this.binary('Mul', y);
  }

  div(y: Operand): Tensor {
    return this.binary('Div', y);
  }

  pow(y: Operand): Tensor {
    return this.binary('Pow', y);
  }

  /** Matrix product with numpy batch broadcasting. */
  matmul(y: Tensor): Tensor {
    return this.b.op1('MatMul', [this, y]);
  }

  neg(): Tensor {
    return this.b.op1('Neg', [this]);
  }

  sqrt(): Tensor {
    return this.b.op1('Sqrt', [this]);
  }

  exp(): Tensor {
    return this.b.op1('Exp', [this]);
  }

  log(): Tensor {
    return this.b.op1('Log', [this]);
  }

  tanh(): Tensor {
    return this.b.op1('Tanh', [this]);
  }

  sigmoid(): Tensor {
    return this.b.op1('Sigmoid', [this]);
  }

  relu(): Tensor {
    return this.b.op1('Relu', [this]);
  }

  erf(): Tensor {
    return this.b.op1('Erf', [this]);
  }

  /** Softmax along one axis (default last). */
  softmax(axis = -1): Tensor {
    return this.b.op1('Softmax', [this], { axis: attr.int(axis) });
  }

  /** Log-softmax along one axis (default last). */
  logSoftmax(axis = -1): Tensor {
    return this.b.op1('LogSoftmax', [this], { axis: attr.int(axis) });
  }

  /** Reshape; 0 copies the input dim (keeps a symbolic batch), −1 is inferred. */
  reshape(dims: number[]): Tensor {
    return this.b.op1('Reshape', [this, this.b.ints(dims)]);
  }

  transpose(perm: number[]): Tensor {
    return this.b.op1('Transpose', [this], { perm: attr.ints(perm) });
  }

  unsqueeze(axes: number[]): Tensor {
    return this.b.op1('Unsqueeze', [this, this.b.ints(axes)]);
  }

  squeeze(axes: number[]): Tensor {
    return this.b.op1('Squeeze', [this, this.b.ints(axes)]);
  }

  /** Slice [start, end) along each axis with an optional step. */
  slice(starts: number[], ends: number[], axes: number[], steps?: number[]): Tensor {
    const b = this.b;
    return b.op1('Slice', [this, b.ints(starts), b.ints(ends), b.ints(axes), steps && b.ints(steps)]);
  }

  /** Sum over axes (all when omitted). */
  sum(axes?: number[], keepdims = false): Tensor {
    const keep = { keepdims: attr.int(keepdims ? 1 : 0) };
    return this.b.op1('ReduceSum', [this, axes && this.b.ints(axes)], keep);
  }

  /** Mean over axes (all when omitted). */
  mean(axes?: number[], keepdims = false): Tensor {
    const attrs = { keepdims: attr.int(keepdims ? 1 : 0), ...(axes ? { axes: attr.ints(axes) } : {}) };
    return this.b.op1('ReduceMean', [this], attrs);
  }

  /** Element type conversion. */
  cast(dtype: DType): Tensor {
    return this.b.op1('Cast', [this], { to: attr.int(onnxTypeCode(dtype)) });
  }

  private binary(op: string, y: Operand): Tensor {
    const other = typeof y === 'number' ? this.b.constant(scalar(this.dtype, y)) : y;
    return this.b.op1(op, [this, other]);
  }
}
