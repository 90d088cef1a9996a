import { createRng } from '../../../../common/rng.ts';
import type { Model } from '../../../../nn/builder.ts';
import type { TensorData } from '../../../../nn/graph.ts';
import { encodeOnnx } from '../../../../nn/onnx-encode.ts';
import { OrtSession } from '../../../../nn/ort-session.ts';
import type { Act2GoalArchitecture } from '../../../../policies/act2goal/act2goal-config.ts';

/** An Act2Goal small enough for unit tests: 8×8 images, F = 4 frames, T = 9 world-model tokens, 6 actions. */
export const TINY_ACT2GOAL: Act2GoalArchitecture = {
  imageSize: 8,
  actionDim: 2,
  proprioDim: 3,
  latentDim: 6,
  positionDim: 6,
  encoderChannels: [4, 8],
  msth: { proximalSteps: 4, strideSteps: 2, distalCount: 2 },
  maxGoalSteps: 50,
  layers: 2,
  worldModel: { width: 16, heads: 2 },
  actionExpert: { width: 12, heads: 2 },
};

/** float32 N(0, 1) data of the given dims from a seed. */
export function randomTensor(dims: number[], seed: number): TensorData {
  const data = createRng(seed).fillNormal(new Float32Array(dims.reduce((a, d) => a * d, 1)));
  return { dtype: 'float32', dims, data };
}

/** float32 data of the given dims filled from a function of the flat index. */
export function tensorOf(dims: number[], value: (i: number) => number): TensorData {
  return {
    dtype: 'float32',
    dims,
    data: Float32Array.from({ length: dims.reduce((a, d) => a * d, 1) }, (_, i) => value(i)),
  };
}

/** Runs a built model once in ONNX Runtime (one thread) with its initial parameters plus `feeds`. */
export async function runModel(
  model: Model,
  feeds: Record<string, TensorData>,
): Promise<Record<string, TensorData>> {
  const session = await OrtSession.create(encodeOnnx(model.graph), model.graph, { intraOpThreads: 1 });
  try {
    return await session.run({ ...Object.fromEntries(model.params), ...feeds });
  } finally {
    await session.release();
  }
}
