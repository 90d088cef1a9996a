import type { DType, TypedArray } from './dtype.ts';
import { NnError } from './nn-error.ts';

/** A dimension: a fixed size, or a symbol such as 'batch' for the one dynamic batch dimension. */
export type Dim = number | string;

/** Name, element type and shape of a graph value. */
export interface ValueInfo {
  name: string;
  dtype: DType;
  dims: Dim[];
}

/** A tensor with concrete data, row-major, little-endian. */
export interface TensorData {
  dtype: DType;
  dims: number[];
  data: TypedArray;
}

/** An ONNX node attribute, tagged because JavaScript numbers do not tell INT from FLOAT. */
export type Attr =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: number[] }
  | { kind: 'floats'; value: number[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'tensor'; value: TensorData };

/** One operator application; an empty input name marks an omitted optional input. */
export interface GraphNode {
  name: string;
  op: string;
  domain?: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
}

/** A computation graph in topological order, the in-memory form of one ONNX GraphProto. */
export interface Graph {
  name: string;
  nodes: GraphNode[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: Map<string, TensorData>;
}

/** Element count of concrete dims. */
export function sizeOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Reads an integer attribute, or `fallback` when absent. */
export function attrInt(node: GraphNode, name: string, fallback: number): number {
  const a = node.attrs[name];
  if (a === undefined) return fallback;
  if (a.kind !== 'int') throw badAttr(node, name, 'int', a.kind);
  return a.value;
}

/** Reads a float attribute, or `fallback` when absent. */
export function attrFloat(node: GraphNode, name: string, fallback: number): number {
  const a = node.attrs[name];
  if (a === undefined) return fallback;
  if (a.kind !== 'float' && a.kind !== 'int') throw badAttr(node, name, 'float', a.kind);
  return a.value;
}

/** Reads an integer-list attribute, or `fallback` when absent. */
export function attrInts(node: GraphNode, name: string, fallback?: number[]): number[] | undefined {
  const a = node.attrs[name];
  if (a === undefined) return fallback;
  if (a.kind !== 'ints') throw badAttr(node, name, 'ints', a.kind);
  return a.value;
}

function badAttr(node: GraphNode, name: string, expected: string, got: string): NnError {
  return new NnError(
    'BAD_GRAPH',
    `${node.op} node '${node.name}': attribute ${name} expected ${expected}, got ${got}`,
  );
}

/** Describes a node for error messages: `Gemm node 'fc1' (inputs x, w)`. */
export function describeNode(node: GraphNode): string {
  return `${node.op} node '${node.name}'`;
}

/** Attribute constructors: `attr.int(1)`, `attr.floats([0.5])`, `attr.tensor(t)`. */
export const attr = {
  int: (value: number): Attr => ({ kind: 'int', value }),
  float: (value: number): Attr => ({ kind: 'float', value }),
  string: (value: string): Attr => ({ kind: 'string', value }),
  ints: (value: number[]): Attr => ({ kind: 'ints', value }),
  floats: (value: number[]): Attr => ({ kind: 'floats', value }),
  tensor: (value: TensorData): Attr => ({ kind: 'tensor', value }),
};
