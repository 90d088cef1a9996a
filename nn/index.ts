// The training engine's public API: build graphs, differentiate, train, adapt, and read/write files.
export { AdamW, type AdamWOptions } from './adamw.ts';
export { GraphBuilder, type Model } from './builder.ts';
export { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
export { clipGradNorm } from './clip-grad.ts';
export type { DType } from './dtype.ts';
export { Ema } from './ema.ts';
export { exportInference } from './export.ts';
export { loadSafetensors, saveSafetensors } from './files.ts';
export { type GradGraph, type GradOptions, grad } from './grad.ts';
export { attr, type Dim, type Graph, type GraphNode, type TensorData, type ValueInfo } from './graph.ts';
export type { Init } from './init.ts';
export {
  attention,
  causalMask,
  concat,
  conv2d,
  crossEntropyLoss,
  embedding,
  gelu,
  layerNorm,
  linear,
  mseLoss,
  patchEmbed,
  silu,
} from './layers.ts';
export { addLora, type LoraConfig, type LoraModel, type LoraTarget, matchesTarget } from './lora.ts';
export { mergeLora, unmergeLora } from './lora-merge.ts';
export { constantLr, type LrSchedule, stepDecayLr, warmupCosineLr } from './lr-schedule.ts';
export { NnError, type NnErrorCode } from './nn-error.ts';
export { decodeOnnx } from './onnx-decode.ts';
export { encodeOnnx } from './onnx-encode.ts';
export { loadOnnxFile, saveOnnxFile } from './onnx-file.ts';
export { OrtSession, type OrtSessionOptions } from './ort-session.ts';
export { loadPeftAdapter, type PeftAdapter, savePeftAdapter } from './peft.ts';
export { computeRegressionGradients } from './regression-grad.ts';
export { decodeSafetensors, encodeSafetensors } from './safetensors.ts';
export { inferShapes } from './shape-inference.ts';
export type { Tensor } from './tensor.ts';
export { cloneTensor, filled, scalar, zeros } from './tensor-data.ts';
export {
  batchIndices,
  type Dataset,
  type TrainLoopOptions,
  type TrainProgress,
  train,
} from './train-loop.ts';
export { type StepResult, Trainer, type TrainerOptions } from './trainer.ts';
