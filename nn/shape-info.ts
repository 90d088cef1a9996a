import type { DType } from './dtype.ts';
import type { Dim, GraphNode } from './graph.ts';
import { describeNode } from './graph.ts';
import { NnError } from './nn-error.ts';

/** What static inference knows about a value: dtype, dims, and the elements of small integer tensors. */
export interface ShapeInfo {
  dtype: DType;
  dims: Dim[];
  /** Known elements of a small int64/int32 tensor (shape arithmetic), row-major. */
  value?: number[];
  /** The elements of a Shape output whose input had symbolic dims, e.g. ['batch', 16]. */
  symbolic?: Dim[];
}

/** Computes output infos of one node from its input infos (undefined for omitted optional inputs). */
export type ShapeRule = (node: GraphNode, inputs: (ShapeInfo | undefined)[]) => ShapeInfo[];

/** Broadcasts two shapes by numpy rules; a symbolic dim wins over 1 and is assumed to equal a number > 1. */
export function broadcastDims(a: readonly Dim[], b: readonly Dim[], node: GraphNode): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else if (typeof x === 'string') out.push(y);
    else if (typeof y === 'string') out.push(x);
    else {
      throw new NnError(
        'SHAPE_MISMATCH',
        `${describeNode(node)}: cannot broadcast [${a}] with [${b}] (dim ${i}: ${x} vs ${y})`,
      );
    }
  }
  return out;
}

/** Normalises a possibly negative axis against a rank, checking its range. */
export function normAxis(axis: number, rank: number, node: GraphNode): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) {
    throw new NnError('SHAPE_MISMATCH', `${describeNode(node)}: axis ${axis} out of range for rank ${rank}`);
  }
  return a;
}

/** Returns the input info or throws a clear error when a required input is missing. */
export function need(node: GraphNode, inputs: (ShapeInfo | undefined)[], index: number): ShapeInfo {
  const info = inputs[index];
  if (info === undefined) {
    throw new NnError(
      'BAD_GRAPH',
      `${describeNode(node)}: input ${index} ('${node.inputs[index] ?? ''}') is unknown`,
    );
  }
  return info;
}

/** Returns the known integer elements of an input that must be constant for static shapes. */
export function needValue(node: GraphNode, inputs: (ShapeInfo | undefined)[], index: number): number[] {
  const value = need(node, inputs, index).value;
  if (value === undefined) {
    throw new NnError(
      'SHAPE_MISMATCH',
      `${describeNode(node)}: input ${index} ('${node.inputs[index]}') must be a constant for static shape inference`,
    );
  }
  return value;
}

/** The dims a shape-valued input (Reshape/Expand/ConstantOfShape target) describes, symbols included. */
export function needDims(node: GraphNode, inputs: (ShapeInfo | undefined)[], index: number): Dim[] {
  return need(node, inputs, index).symbolic ?? needValue(node, inputs, index);
}

/** Product of dims, or undefined when any is symbolic. */
export function staticSize(dims: readonly Dim[]): number | undefined {
  let n = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return undefined;
    n *= d;
  }
  return n;
}
