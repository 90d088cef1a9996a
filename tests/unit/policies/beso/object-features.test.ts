import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../../nn/builder.ts';
import { encodeOnnx } from '../../../../nn/onnx-encode.ts';
import { OrtSession } from '../../../../nn/ort-session.ts';
import { DEFAULT_BESO_ARCHITECTURE } from '../../../../policies/beso/beso-config.ts';
import { objectFeatures } from '../../../../policies/beso/beso-network.ts';

// Embeddings of width 8 whose last 6 entries are position estimates (pusher, block 0, block 1).
const arch = { ...DEFAULT_BESO_ARCHITECTURE, embedDim: 8, positionDim: 6, window: 2, objectCentric: true };
const embedding = (features: [number, number], positions: number[]) => [...features, ...positions];

describe('object-token features of the BESO denoiser', () => {
  it('give each object its newest position, its offset to the goal (0 for the null goal) and its offset from the pusher', async () => {
    const b = new GraphBuilder('objects');
    const goal = b.input('goal', ['batch', arch.embedDim]);
    const observation = b.input('observation', ['batch', arch.window, arch.embedDim]);
    b.output('features', objectFeatures({ goal, observation }, arch));
    const session = await OrtSession.create(encodeOnnx(b.graph), b.graph);

    const newest = [0.1, 0.2, 0.5, -0.4, -3, -3]; // pusher, block 0, block 1 absent (off the table)
    const older = [9, 9, 9, 9, 9, 9]; // an older frame must not be read
    const goalPositions = [1.1, 0.7, -0.5, 0.6, -3, -3];
    const observations = [...embedding([1, -1], older), ...embedding([0.3, 0.2], newest)];
    const { features } = await session.run({
      goal: {
        dtype: 'float32',
        dims: [2, 8],
        data: Float32Array.from([...embedding([1.5, -0.5], goalPositions), ...Array(8).fill(0)]),
      },
      observation: {
        dtype: 'float32',
        dims: [2, 2, 8],
        data: Float32Array.from([...observations, ...observations]),
      },
    });
    await session.release();

    const expected = (withGoal: boolean) =>
      [0, 1, 2].flatMap((o) => {
        const [x, y] = [newest[2 * o], newest[2 * o + 1]];
        const toGoal = withGoal ? [goalPositions[2 * o] - x, goalPositions[2 * o + 1] - y] : [0, 0];
        return [x, y, ...toGoal, x - newest[0], y - newest[1]];
      });
    expect(features.dims).toEqual([2, 3, 6]);
    const got = Array.from(features.data as Float32Array);
    for (const [i, want] of [...expected(true), ...expected(false)].entries())
      expect(got[i]).toBeCloseTo(want, 5);
  });
});
