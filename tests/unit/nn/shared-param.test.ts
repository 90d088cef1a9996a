import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../nn/builder.ts';
import { linear } from '../../../nn/layers.ts';
import { encodeOnnx } from '../../../nn/onnx-encode.ts';
import { OrtSession } from '../../../nn/ort-session.ts';

describe('shared parameters', () => {
  it('let two linear read-outs use one weight and bias: both give x·W + b with the same W, b', async () => {
    const b = new GraphBuilder('shared', { seed: 3 });
    const x = b.input('x', [2, 3]);
    const y = b.input('y', [1, 3]);
    b.output('fx', linear(x, 'head', 2, { shared: true }));
    b.output('fy', linear(y, 'head', 2, { shared: true }));
    const model = b.build();
    expect([...model.params.keys()]).toEqual(['head.weight', 'head.bias']);
    const w = model.params.get('head.weight')!.data as Float32Array; // [3, 2]
    const bias = model.params.get('head.bias')!.data as Float32Array;
    const xs = Float32Array.of(1, 2, 3, -1, 0.5, 0);
    const ys = Float32Array.of(0.25, -2, 1);
    const session = await OrtSession.create(encodeOnnx(model.graph), model.graph, { intraOpThreads: 1 });
    try {
      const out = await session.run({
        ...Object.fromEntries(model.params),
        x: { dtype: 'float32', dims: [2, 3], data: xs },
        y: { dtype: 'float32', dims: [1, 3], data: ys },
      });
      const affine = (v: Float32Array, row: number, j: number) =>
        bias[j] + [0, 1, 2].reduce((s, i) => s + v[row * 3 + i] * w[i * 2 + j], 0);
      for (const j of [0, 1]) {
        for (const row of [0, 1]) expect(out.fx.data[row * 2 + j]).toBeCloseTo(affine(xs, row, j), 5);
        expect(out.fy.data[j]).toBeCloseTo(affine(ys, 0, j), 5);
      }
    } finally {
      await session.release();
    }
  });

  it('refuse a second use with other dims, naming the parameter', () => {
    const b = new GraphBuilder('shared', { seed: 3 });
    linear(b.input('x', [1, 3]), 'head', 2, { shared: true });
    expect(() => linear(b.input('y', [1, 4]), 'head', 2, { shared: true })).toThrow(
      "shared parameter 'head.weight': dims [4,2] differ from [3,2]",
    );
  });
});
