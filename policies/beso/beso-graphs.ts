import { GraphBuilder, type Model } from '../../nn/builder.ts';
import type { Dim } from '../../nn/graph.ts';
import { BESO_TENSORS, type BesoArchitecture } from './beso-config.ts';
import { besoDenoiserNetwork, besoEncoder } from './beso-network.ts';

/** The denoiser's non-image graph inputs for a batch dimension (a number, or 'batch' for export). */
export function declareActionInputs(b: GraphBuilder, arch: BesoArchitecture, batch: Dim) {
  const names = BESO_TENSORS.denoiser;
  return {
    proprio: b.input(names.proprio, [batch, arch.window, arch.proprioDim]),
    scaledActions: b.input(names.scaledActions, [batch, arch.chunk, arch.actionDim]),
    noiseLevel: b.input(names.noiseLevel, [batch]),
  };
}

/** The inference encoder: frames float32 ['batch', 3, S, S] → embedding ['batch', E]. */
export function buildBesoEncoderGraph(arch: BesoArchitecture, seed = 0): Model {
  const b = new GraphBuilder('beso_encoder', { seed });
  const frames = b.input(BESO_TENSORS.encoder.frames, ['batch', 3, arch.imageSize, arch.imageSize]);
  b.output(BESO_TENSORS.encoder.embedding, besoEncoder(frames, arch));
  return b.build();
}

/** The inference denoiser network F: embeddings, proprio, c_in·x, c_noise → F ['batch', H, A]. */
export function buildBesoDenoiserGraph(arch: BesoArchitecture, seed = 0): Model {
  const b = new GraphBuilder('beso_denoiser', { seed });
  const names = BESO_TENSORS.denoiser;
  const goal = b.input(names.goal, ['batch', arch.embedDim]);
  const observation = b.input(names.observation, ['batch', arch.window, arch.embedDim]);
  const output = besoDenoiserNetwork({ goal, observation, ...declareActionInputs(b, arch, 'batch') }, arch);
  b.output(BESO_TENSORS.denoiser.output, output);
  return b.build();
}
