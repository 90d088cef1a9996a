import { dtypeFromOnnx, fromBytes, type TypedArray } from './dtype.ts';
import type { Attr, Dim, Graph, GraphNode, TensorData, ValueInfo } from './graph.ts';
import { sizeOf } from './graph.ts';
import { NnError } from './nn-error.ts';
import {
  asDoubles,
  asFloats,
  asInt,
  asInts,
  asString,
  readFields,
  readPackedVarints,
  type WireField,
} from './protobuf-wire.ts';

/** A decoded ONNX model: its main graph and the default-domain opset it was written for. */
export interface OnnxModel {
  graph: Graph;
  opset: number;
}

/** Decodes ONNX ModelProto bytes (opset 13–17, no external data, no subgraphs) into the IR. */
export function decodeOnnx(bytes: Uint8Array, where = 'model'): OnnxModel {
  let graphField: WireField | undefined;
  let opset = 0;
  for (const f of readFields(bytes, where)) {
    if (f.field === 7) graphField = f;
    if (f.field === 8) {
      let domain = '';
      let version = 0;
      for (const g of readFields(f.bytes, `${where}.opset_import`)) {
        if (g.field === 1) domain = asString(g);
        if (g.field === 2) version = asInt(g);
      }
      if (domain === '' || domain === 'ai.onnx') opset = version;
    }
  }
  if (graphField === undefined) throw new NnError('BAD_FILE', `${where}: not an ONNX model (no graph field)`);
  if (opset < 13 || opset > 17) {
    throw new NnError('BAD_FILE', `${where}: expected ONNX opset 13..17, got ${opset}`);
  }
  return { graph: decodeGraph(graphField.bytes, `${where}.graph`), opset };
}

function decodeGraph(bytes: Uint8Array, where: string): Graph {
  const graph: Graph = { name: '', nodes: [], inputs: [], outputs: [], initializers: new Map() };
  for (const f of readFields(bytes, where)) {
    if (f.field === 1) graph.nodes.push(decodeNode(f.bytes, `${where}.node[${graph.nodes.length}]`));
    else if (f.field === 2) graph.name = asString(f);
    else if (f.field === 5) {
      const { name, tensor } = decodeTensor(f.bytes, `${where}.initializer`);
      graph.initializers.set(name, tensor);
    } else if (f.field === 11) graph.inputs.push(decodeValueInfo(f.bytes, `${where}.input`));
    else if (f.field === 12) graph.outputs.push(decodeValueInfo(f.bytes, `${where}.output`));
    else if (f.field === 15) throw new NnError('BAD_FILE', `${where}: sparse initializers are not supported`);
  }
  // Older exporters list initializers as graph inputs too; the IR keeps them apart.
  graph.inputs = graph.inputs.filter((v) => !graph.initializers.has(v.name));
  return graph;
}

function decodeNode(bytes: Uint8Array, where: string): GraphNode {
  const node: GraphNode = { name: '', op: '', inputs: [], outputs: [], attrs: {} };
  for (const f of readFields(bytes, where)) {
    if (f.field === 1) node.inputs.push(asString(f));
    else if (f.field === 2) node.outputs.push(asString(f));
    else if (f.field === 3) node.name = asString(f);
    else if (f.field === 4) node.op = asString(f);
    else if (f.field === 7) node.domain = asString(f);
  }
  const label = `${node.op} node '${node.name}'`;
  for (const f of readFields(bytes, where)) {
    if (f.field === 5) {
      const [name, attr] = decodeAttr(f.bytes, label);
      node.attrs[name] = attr;
    }
  }
  if (node.domain === '' || node.domain === 'ai.onnx') delete node.domain;
  return node;
}

function decodeAttr(bytes: Uint8Array, where: string): [string, Attr] {
  let name = '';
  let type = 0;
  let f32 = 0;
  let i64 = 0;
  let str = '';
  let tensor: TensorData | undefined;
  const floats: number[] = [];
  const ints: number[] = [];
  const strings: string[] = [];
  for (const f of readFields(bytes, where)) {
    if (f.field === 1) name = asString(f);
    else if (f.field === 20) type = asInt(f);
    else if (f.field === 2) f32 = asFloats(f)[0];
    else if (f.field === 3) i64 = asInt(f);
    else if (f.field === 4) str = asString(f);
    else if (f.field === 5) tensor = decodeTensor(f.bytes, `${where} attribute ${name}`).tensor;
    else if (f.field === 7) floats.push(...asFloats(f));
    else if (f.field === 8) ints.push(...asInts(f, where));
    else if (f.field === 9) strings.push(asString(f));
  }
  const kinds: Record<number, () => Attr> = {
    1: () => ({ kind: 'float', value: f32 }),
    2: () => ({ kind: 'int', value: i64 }),
    3: () => ({ kind: 'string', value: str }),
    4: () => ({ kind: 'tensor', value: tensor! }),
    6: () => ({ kind: 'floats', value: floats }),
    7: () => ({ kind: 'ints', value: ints }),
    8: () => ({ kind: 'strings', value: strings }),
  };
  const make = kinds[type];
  if (make === undefined)
    throw new NnError('UNSUPPORTED_OP', `${where}: attribute ${name} has unsupported type ${type}`);
  return [name, make()];
}

/** Decodes one TensorProto (raw_data or typed repeated fields). */
export function decodeTensor(bytes: Uint8Array, where: string): { name: string; tensor: TensorData } {
  const dims: number[] = [];
  let code = 0;
  let name = '';
  let raw: Uint8Array | undefined;
  const typed: WireField[] = [];
  for (const f of readFields(bytes, where)) {
    if (f.field === 1) dims.push(...asInts(f, where));
    else if (f.field === 2) code = asInt(f);
    else if (f.field === 8) name = asString(f);
    else if (f.field === 9) raw = f.bytes;
    else if (f.field === 4 || f.field === 5 || f.field === 7 || f.field === 10) typed.push(f);
    else if (f.field === 13 || f.field === 14) {
      throw new NnError('BAD_FILE', `${where}: tensor '${name}' uses external data, which is not supported`);
    }
  }
  const label = `${where} '${name}'`;
  const dtype = dtypeFromOnnx(code, label);
  const data = raw !== undefined ? fromBytes(dtype, raw) : fromTypedFields(dtype, typed, label);
  if (data.length !== sizeOf(dims)) {
    throw new NnError(
      'BAD_FILE',
      `${label}: dims [${dims}] need ${sizeOf(dims)} elements, got ${data.length}`,
    );
  }
  return { name, tensor: { dtype, dims, data } };
}

function fromTypedFields(dtype: TensorData['dtype'], fields: WireField[], where: string): TypedArray {
  const values: (number | bigint)[] = [];
  for (const f of fields) {
    if (f.field === 4) values.push(...asFloats(f));
    else if (f.field === 10) values.push(...asDoubles(f));
    else if (f.wireType === 0) values.push(f.varint);
    else values.push(...readPackedVarints(f.bytes, where));
  }
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values, Number);
    case 'float64':
      return Float64Array.from(values, Number);
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt.asIntN(64, BigInt(v)));
    case 'int32':
      return Int32Array.from(values, (v) => Number(BigInt.asIntN(32, BigInt(v))));
    case 'int8':
      return Int8Array.from(values, Number);
    case 'float16':
      return Uint16Array.from(values, Number);
    default:
      return Uint8Array.from(values, Number);
  }
}

function decodeValueInfo(bytes: Uint8Array, where: string): ValueInfo {
  let name = '';
  let code = 0;
  const dims: Dim[] = [];
  for (const f of readFields(bytes, where)) {
    if (f.field === 1) name = asString(f);
    if (f.field !== 2) continue;
    for (const t of readFields(f.bytes, where)) {
      if (t.field !== 1) throw new NnError('BAD_FILE', `${where} '${name}': only tensor types are supported`);
      for (const tt of readFields(t.bytes, where)) {
        if (tt.field === 1) code = asInt(tt);
        if (tt.field !== 2) continue;
        for (const d of readFields(tt.bytes, where)) {
          if (d.field !== 1) continue;
          let dim: Dim = '?';
          for (const dd of readFields(d.bytes, where)) {
            if (dd.field === 1) dim = asInt(dd);
            if (dd.field === 2) dim = asString(dd);
          }
          dims.push(dim);
        }
      }
    }
  }
  return { name, dtype: dtypeFromOnnx(code, `${where} '${name}'`), dims };
}
