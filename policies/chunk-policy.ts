import type { Rng } from '../common/rng.ts';
import type { ModelManifest } from './model-manifest.ts';
import type { SamplerOptions } from './sampling/sampler-options.ts';

/** One robot's request for a chunk: its goal and observation embeddings, raw proprio and own RNG. */
export interface ChunkRequest {
  /** float32 [E]; undefined for the null goal (only a goal-free policy such as BESO accepts it). */
  goal: Float32Array | undefined;
  /** float32 [W, E], oldest frame first. */
  observation: Float32Array;
  /** float32 [W, P] in robot units (z-scored by the policy). */
  proprio: Float32Array;
  rng: Rng;
}

/**
 * What the server, the evaluator and the planners need of a loaded model package, whatever its family:
 * frames are embedded once each, then chunks are sampled from embeddings, batched across requests.
 */
export interface ChunkPolicy {
  readonly manifest: ModelManifest;
  /** E: values per frame embedding. */
  readonly embedDim: number;
  /** Embeds camera frames (each uint8 [S, S, 3] RGB) in one run → float32 [N, E]. */
  encode(frames: readonly Uint8Array[]): Promise<Float32Array>;
  /** Samples one action chunk per request → float32 [H, A] each, in robot units, clipped to the bounds. */
  sample(requests: readonly ChunkRequest[], options: SamplerOptions): Promise<Float32Array[]>;
  /** Frees the ONNX Runtime sessions. */
  release(): Promise<void>;
}

/**
 * One frame's values (an embedding or proprio) as a whole window's rows float32 [W, ...]: the frame
 * repeated W times, as a planner fills its window before W frames have arrived.
 */
export function repeatFrame(values: Float32Array, window: number): Float32Array {
  const rows = new Float32Array(values.length * window);
  for (let k = 0; k < window; k++) rows.set(values, k * values.length);
  return rows;
}
