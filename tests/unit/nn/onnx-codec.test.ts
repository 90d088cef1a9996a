import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../nn/builder.ts';
import { decodeOnnx } from '../../../nn/onnx-decode.ts';
import { encodeOnnx } from '../../../nn/onnx-encode.ts';
import { OrtSession } from '../../../nn/ort-session.ts';
import { WireWriter } from '../../../nn/protobuf-wire.ts';
import { decodeSafetensors } from '../../../nn/safetensors.ts';
import { inferShapes } from '../../../nn/shape-inference.ts';

const fixtures = join(import.meta.dirname, '../../fixtures/torch-onnx');

describe('ONNX serialisation', () => {
  it('round-trips a PyTorch export to an equal graph that ONNX Runtime runs to PyTorch’s output', async () => {
    const bytes = readFileSync(join(fixtures, 'attention_block.onnx'));
    const { graph, opset } = decodeOnnx(bytes);
    expect(opset).toBe(17);
    const again = decodeOnnx(encodeOnnx(graph)).graph;
    expect(again.nodes).toEqual(graph.nodes);
    expect(again.inputs).toEqual(graph.inputs);
    expect([...again.initializers.keys()]).toEqual([...graph.initializers.keys()]);
    const data = decodeSafetensors(readFileSync(join(fixtures, 'attention_block.safetensors'))).tensors;
    const session = await OrtSession.create(encodeOnnx(again), again);
    const out = (await session.run({ x: data.get('input.x')! })).output;
    const want = data.get('output')!.data;
    for (let i = 0; i < want.length; i++)
      expect(Math.abs(Number(out.data[i]) - Number(want[i]))).toBeLessThan(1e-5);
    await session.release();
  });

  it('keeps a symbolic batch dimension and negative int attributes', () => {
    const b = new GraphBuilder('sym');
    const x = b.input('x', ['batch', 4]);
    b.output('y', x.softmax(-1).reshape([0, 2, 2]));
    const { graph } = decodeOnnx(encodeOnnx(b.graph));
    expect(graph.inputs[0].dims).toEqual(['batch', 4]);
    expect(graph.nodes[0].attrs.axis).toEqual({ kind: 'int', value: -1 });
    expect(inferShapes(graph).get('y')?.dims).toEqual(['batch', 2, 2]);
  });

  it('names the op and node of an unsupported op', () => {
    const { graph } = decodeOnnx(readFileSync(join(fixtures, 'mlp.onnx')));
    graph.nodes[3] = { ...graph.nodes[3], op: 'Hardmax' };
    expect(() => inferShapes(graph)).toThrow("unsupported op Hardmax in node '/Erf'");
  });

  it('rejects a truncated file, a non-ONNX file and an unsupported opset', () => {
    const bytes = readFileSync(join(fixtures, 'mlp.onnx'));
    expect(() => decodeOnnx(bytes.subarray(0, 100), 'mlp.onnx')).toThrow(
      /mlp.onnx.*truncated protobuf message/,
    );
    expect(() => decodeOnnx(new WireWriter().int(1, 8).finish(), 'x.onnx')).toThrow(
      'x.onnx: not an ONNX model (no graph field)',
    );
    const opset11 = new WireWriter()
      .bytes(7, new Uint8Array(0))
      .bytes(8, new WireWriter().string(1, '').int(2, 11).finish())
      .finish();
    expect(() => decodeOnnx(opset11, 'old.onnx')).toThrow('old.onnx: expected ONNX opset 13..17, got 11');
  });
});
