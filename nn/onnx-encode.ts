import { onnxTypeCode, toBytes } from './dtype.ts';
import type { Attr, Graph, GraphNode, TensorData, ValueInfo } from './graph.ts';
import { WireWriter } from './protobuf-wire.ts';

/** ONNX IR version matching opset 17. */
const irVersion = 8;

/** Serialises a graph as an ONNX ModelProto at opset 17. */
export function encodeOnnx(graph: Graph, producer = 'goalserve'): Uint8Array {
  const opset = new WireWriter().string(1, '').int(2, 17).finish();
  return new WireWriter()
    .int(1, irVersion)
    .string(2, producer)
    .bytes(7, encodeGraph(graph))
    .bytes(8, opset)
    .finish();
}

function encodeGraph(graph: Graph): Uint8Array {
  const w = new WireWriter();
  for (const node of graph.nodes) w.bytes(1, encodeNode(node));
  w.string(2, graph.name);
  for (const [name, tensor] of graph.initializers) w.bytes(5, encodeTensor(name, tensor));
  for (const v of graph.inputs) w.bytes(11, encodeValueInfo(v));
  for (const v of graph.outputs) w.bytes(12, encodeValueInfo(v));
  return w.finish();
}

function encodeNode(node: GraphNode): Uint8Array {
  const w = new WireWriter();
  for (const i of node.inputs) w.string(1, i);
  for (const o of node.outputs) w.string(2, o);
  w.string(3, node.name).string(4, node.op);
  for (const [name, attr] of Object.entries(node.attrs)) w.bytes(5, encodeAttr(name, attr));
  if (node.domain !== undefined) w.string(7, node.domain);
  return w.finish();
}

function encodeAttr(name: string, attr: Attr): Uint8Array {
  const w = new WireWriter().string(1, name);
  switch (attr.kind) {
    case 'float':
      return w.float(2, attr.value).int(20, 1).finish();
    case 'int':
      return w.int(3, attr.value).int(20, 2).finish();
    case 'string':
      return w.string(4, attr.value).int(20, 3).finish();
    case 'tensor':
      return w.bytes(5, encodeTensor('', attr.value)).int(20, 4).finish();
    case 'floats':
      return w.packedFloats(7, attr.value).int(20, 6).finish();
    case 'ints':
      return w.packedInts(8, attr.value).int(20, 7).finish();
    case 'strings':
      for (const s of attr.value) w.string(9, s);
      return w.int(20, 8).finish();
  }
}

/** Serialises one TensorProto with raw little-endian data. */
export function encodeTensor(name: string, tensor: TensorData): Uint8Array {
  return new WireWriter()
    .packedInts(1, tensor.dims)
    .int(2, onnxTypeCode(tensor.dtype))
    .string(8, name)
    .bytes(9, toBytes(tensor.data))
    .finish();
}

function encodeValueInfo(v: ValueInfo): Uint8Array {
  const shape = new WireWriter();
  for (const d of v.dims) {
    const dim = new WireWriter();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.bytes(1, dim.finish());
  }
  const tensorType = new WireWriter().int(1, onnxTypeCode(v.dtype)).bytes(2, shape.finish()).finish();
  const type = new WireWriter().bytes(1, tensorType).finish();
  return new WireWriter().string(1, v.name).bytes(2, type).finish();
}
