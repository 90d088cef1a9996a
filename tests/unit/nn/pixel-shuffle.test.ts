import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../nn/builder.ts';
import { attr, type Graph } from '../../../nn/graph.ts';
import { pixelShuffle } from '../../../nn/layers.ts';
import { encodeOnnx } from '../../../nn/onnx-encode.ts';
import { OrtSession } from '../../../nn/ort-session.ts';
import { checkGradient } from './grad-check.ts';

const [batch, channels, factor, height, width] = [2, 3, 2, 2, 3];
const inputDims = [batch, channels * factor * factor, height, width];
const outputDims = [batch, channels, height * factor, width * factor];
const input = Float32Array.from({ length: inputDims.reduce((a, d) => a * d) }, (_, i) => i);

async function runGraph(graph: Graph): Promise<Float32Array> {
  const session = await OrtSession.create(encodeOnnx(graph), graph);
  const out = await session.run({ x: { dtype: 'float32', dims: inputDims, data: input } });
  await session.release();
  expect(out.y.dims).toEqual(outputDims);
  return out.y.data as Float32Array;
}

async function shuffled(): Promise<Float32Array> {
  const b = new GraphBuilder('pixel_shuffle');
  b.output('y', pixelShuffle(b.input('x', ['batch', ...inputDims.slice(1)]), factor));
  return runGraph(b.graph);
}

describe('pixelShuffle', () => {
  it('moves x[b, c·f² + i·f + j, h, w] to out[b, c, h·f + i, w·f + j]', async () => {
    const out = await shuffled();
    const [cIn, hOut, wOut] = [channels * factor * factor, height * factor, width * factor];
    for (let b = 0; b < batch; b++)
      for (let c = 0; c < channels; c++)
        for (let i = 0; i < factor; i++)
          for (let j = 0; j < factor; j++)
            for (let h = 0; h < height; h++)
              for (let w = 0; w < width; w++) {
                const from = ((b * cIn + c * factor * factor + i * factor + j) * height + h) * width + w;
                const to = ((b * channels + c) * hOut + h * factor + i) * wOut + w * factor + j;
                expect(out[to]).toBe(input[from]);
              }
  });

  it("equals ONNX Runtime's DepthToSpace in CRD mode", async () => {
    const graph: Graph = {
      name: 'depth_to_space',
      nodes: [
        {
          name: 'd2s',
          op: 'DepthToSpace',
          inputs: ['x'],
          outputs: ['y'],
          attrs: { blocksize: attr.int(factor), mode: attr.string('CRD') },
        },
      ],
      inputs: [{ name: 'x', dtype: 'float32', dims: inputDims }],
      outputs: [{ name: 'y', dtype: 'float32', dims: outputDims }],
      initializers: new Map(),
    };
    expect(await shuffled()).toEqual(await runGraph(graph));
  });

  it('differentiates (a permutation, so dx is dy moved back)', async () => {
    await checkGradient('float64', (_b, arg) => pixelShuffle(arg('x', [1, 8, 2, 3]), 2));
  });
});
