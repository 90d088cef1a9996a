import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../nn/builder.ts';
import { encodeOnnx } from '../../../nn/onnx-encode.ts';
import { OrtSession } from '../../../nn/ort-session.ts';

async function doubler(): Promise<OrtSession> {
  const b = new GraphBuilder('double');
  b.output('y', b.input('x', ['batch', 3]).mul(2));
  return OrtSession.create(encodeOnnx(b.graph), b.graph);
}

describe('OrtSession', () => {
  it('runs with any size of a symbolic batch dimension and checks output dtype and dims', async () => {
    const session = await doubler();
    for (const n of [1, 4]) {
      const out = await session.run({
        x: { dtype: 'float32', dims: [n, 3], data: new Float32Array(n * 3).fill(1.5) },
      });
      expect(out.y.dims).toEqual([n, 3]);
      expect(Array.from(out.y.data as Float32Array)).toEqual(new Array(n * 3).fill(3));
    }
    await session.release();
  });

  it('names the feed and the expected vs received dtype, dims and element count', async () => {
    const session = await doubler();
    await expect(session.run({})).rejects.toThrow("missing feed 'x' (float32 [batch,3])");
    await expect(
      session.run({ x: { dtype: 'float32', dims: [2, 4], data: new Float32Array(8) } }),
    ).rejects.toThrow("feed 'x': expected dims [batch,3], got [2,4]");
    await expect(
      session.run({ x: { dtype: 'float64', dims: [2, 3], data: new Float64Array(6) } }),
    ).rejects.toThrow("feed 'x': expected float32, got float64");
    await expect(
      session.run({ x: { dtype: 'float32', dims: [2, 3], data: new Float32Array(5) } }),
    ).rejects.toThrow("feed 'x': dims [2,3] need 6 elements, got 5");
    const x = { dtype: 'float32' as const, dims: [1, 3], data: new Float32Array(3) };
    await expect(session.run({ x, z: x })).rejects.toThrow('unknown feeds z; graph inputs are x');
    await session.release();
  });

  it('reports bytes ONNX Runtime cannot load as a RUNTIME error', async () => {
    const b = new GraphBuilder('g');
    b.output('y', b.input('x', [2]).neg());
    await expect(OrtSession.create(new Uint8Array([1, 2, 3]), b.graph)).rejects.toMatchObject({
      code: 'RUNTIME',
    });
  });
});
