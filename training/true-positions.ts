import { join } from 'node:path';
import type { TensorData } from '../nn/graph.ts';
import { loadOnnxFile } from '../nn/onnx-file.ts';
import type { ChunkPolicy } from '../policies/chunk-policy.ts';
import type { ModelManifest } from '../policies/model-manifest.ts';
import { PolicyError } from '../policies/policy-error.ts';
import { flattenState } from '../sim/episode-recording.ts';
import type { WorldState } from '../sim/world.ts';
import { createPositionShift } from './position-shift.ts';
import { ABSENT_POSITION, PROBED_STATE_DIM, writeStateTargets } from './state-probe.ts';

/**
 * Makes a policy read chosen position estimates off one frame's embedding float32 [E], in place;
 * `positions` float32 [6] in the estimates' units ((p − 0.5)·4; ABSENT_POSITION for a missing block).
 */
export type PositionOverride = (embedding: Float32Array, positions: Float32Array) => void;

/**
 * The {@link PositionOverride} of the package in `dir`. BESO's embedding ends with its position
 * estimates, which are replaced. Act2Goal reads them through a linear head on the latent (stored in
 * the action expert's graph), so the latent moves by the least-norm change that makes the head read
 * them (training/position-shift.ts), the rest of what it holds kept as far as a linear change can.
 */
export async function loadPositionOverride(dir: string, manifest: ModelManifest): Promise<PositionOverride> {
  if (manifest.family === 'act2goal') {
    const graph = await loadOnnxFile(join(dir, manifest.graphs.actionExpert.file));
    const weight = headTensor(graph.initializers, 'weight');
    const bias = headTensor(graph.initializers, 'bias').data as Float32Array;
    const shift = createPositionShift(weight);
    const [z, p] = weight.dims;
    const w = weight.data as Float32Array;
    const delta = new Float64Array(p);
    return (latent, positions) => {
      for (let k = 0; k < p; k++) {
        let estimate = bias[k];
        for (let i = 0; i < z; i++) estimate += latent[i] * w[i * p + k];
        delta[k] = positions[k] - estimate;
      }
      shift.apply(latent, delta);
    };
  }
  const positionDim = manifest.beso?.architecture.positionDim ?? 0;
  if (positionDim !== PROBED_STATE_DIM) {
    throw new PolicyError(
      'MODEL_IO_MISMATCH',
      `beso.architecture.positionDim: true positions need the ${PROBED_STATE_DIM} position estimates of an object-centric package, got ${positionDim}`,
    );
  }
  return (embedding, positions) => embedding.set(positions, embedding.length - positionDim);
}

/**
 * `policy` whose every encoded frame reads the simulator's positions in it (`stateOf`, the state the
 * frame shows) as its position estimates: closed loop with perfect perception, which separates what
 * the encoder's estimates cost from what the controller does with them (BENCHMARKS.md).
 */
export function withTruePositions(
  policy: ChunkPolicy,
  override: PositionOverride,
  stateOf: (frame: Uint8Array) => WorldState | undefined,
): ChunkPolicy {
  const positions = new Float32Array(PROBED_STATE_DIM);
  const mask = new Float32Array(PROBED_STATE_DIM);
  return {
    manifest: policy.manifest,
    embedDim: policy.embedDim,
    async encode(frames) {
      const embeddings = await policy.encode(frames);
      const e = policy.embedDim;
      frames.forEach((frame, i) => {
        const state = stateOf(frame);
        if (state === undefined) {
          throw new PolicyError('BAD_OBSERVATION', `frames[${i}]: no simulator state is known for it`);
        }
        writeStateTargets(flattenState(state), positions, mask, 0, ABSENT_POSITION);
        override(embeddings.subarray(i * e, (i + 1) * e), positions);
      });
      return embeddings;
    },
    sample: (requests, options) => policy.sample(requests, options),
    release: () => policy.release(),
  };
}

/** The Act2Goal position head's `weight` [Z, P] or `bias` [P] among an action-expert graph's initializers. */
function headTensor(initializers: Map<string, TensorData>, which: 'weight' | 'bias'): TensorData {
  const tensor = initializers.get(`position_head.${which}`);
  if (tensor === undefined) {
    throw new PolicyError('MODEL_IO_MISMATCH', `action expert graph: no position_head.${which} initializer`);
  }
  return tensor;
}
