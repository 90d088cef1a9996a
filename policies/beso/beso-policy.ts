import { join } from 'node:path';
import type { Rng } from '../../common/rng.ts';
import { readFileBytes } from '../../nn/files.ts';
import type { TensorData } from '../../nn/graph.ts';
import { decodeOnnx } from '../../nn/onnx-decode.ts';
import { OrtSession, type OrtSessionOptions } from '../../nn/ort-session.ts';
import { normalizeFrame } from '../image-normalizer.ts';
import { type ModelManifest, readModelManifest } from '../model-manifest.ts';
import { PolicyError } from '../policy-error.ts';
import { checkDenoiserOutput, type GoalDenoise } from '../sampling/denoiser.ts';
import { combineEdmOutput, scaleEdmInput } from '../sampling/edm-preconditioning.ts';
import { sampleActions } from '../sampling/sample-actions.ts';
import type { SamplerOptions } from '../sampling/sampler-options.ts';

/** One robot's request for a chunk: its goal and observation embeddings, raw proprio and own RNG. */
export interface ChunkRequest {
  /** float32 [E]; undefined for the null goal (goal-free policy). */
  goal: Float32Array | undefined;
  /** float32 [W, E], oldest frame first. */
  observation: Float32Array;
  /** float32 [W, P] in robot units (z-scored here). */
  proprio: Float32Array;
  rng: Rng;
}

/** A loaded BESO package: an encoder session and a denoiser-network session, batched across requests. */
export class BesoPolicy {
  private constructor(
    readonly manifest: ModelManifest,
    private readonly encoder: OrtSession,
    private readonly denoiser: OrtSession,
  ) {}

  /** Loads a package folder (manifest.json + encoder and denoiser ONNX files). */
  static async load(dir: string, session: Partial<OrtSessionOptions> = {}): Promise<BesoPolicy> {
    const manifest = readModelManifest(dir);
    const open = async (role: 'encoder' | 'denoiser') => {
      const entry = manifest.graphs[role];
      if (entry === undefined)
        throw new PolicyError('MODEL_IO_MISMATCH', `${dir}: manifest has no graphs.${role}`);
      const path = join(dir, entry.file);
      const bytes = await readFileBytes(path);
      // Only the graph's interface is read here; ONNX Runtime runs whatever ops the file uses.
      const { graph } = decodeOnnx(bytes, path);
      const inputs = graph.inputs.filter((v) => !graph.initializers.has(v.name));
      return OrtSession.create(bytes, { inputs, outputs: graph.outputs }, session);
    };
    return new BesoPolicy(manifest, await open('encoder'), await open('denoiser'));
  }

  /** Embeds camera frames (each uint8 [S, S, 3] RGB) in one run → float32 [N, E]. */
  async encode(frames: readonly Uint8Array[]): Promise<Float32Array> {
    const { size } = this.manifest.image;
    const frameSize = 3 * size * size;
    const pixels = new Float32Array(frames.length * frameSize);
    frames.forEach((frame, i) => {
      if (frame.length !== frameSize) {
        throw new PolicyError(
          'BAD_OBSERVATION',
          `frames[${i}]: expected ${size}×${size}×3 = ${frameSize} bytes, got ${frame.length}`,
        );
      }
      normalizeFrame(frame, this.manifest.image, pixels, i * frameSize);
    });
    const names = this.manifest.graphs.encoder.tensors;
    const out = await this.encoder.run({
      [names.frames]: { dtype: 'float32', dims: [frames.length, 3, size, size], data: pixels },
    });
    return out[names.embedding].data as Float32Array;
  }

  /** Samples one action chunk per request → float32 [H, A] each, in robot units, clipped to the bounds. */
  async sample(requests: readonly ChunkRequest[], options: SamplerOptions): Promise<Float32Array[]> {
    const { chunk, dim } = this.manifest.action;
    const normalized = await sampleActions(
      {
        denoise: this.denoiserFor(requests),
        rngs: requests.map((r) => r.rng),
        horizon: chunk,
        actionDim: dim,
      },
      options,
    );
    return requests.map((_, r) =>
      this.toRobotUnits(normalized.subarray(r * chunk * dim, (r + 1) * chunk * dim)),
    );
  }

  /** D(x; σ) for rows of these requests (row j is request j mod R), via EDM preconditioning around the network. */
  denoiserFor(requests: readonly ChunkRequest[]): GoalDenoise {
    const names = this.manifest.graphs.denoiser.tensors;
    const { window } = this.manifest;
    const { chunk, dim } = this.manifest.action;
    const embed = this.manifest.beso!.architecture.embedDim;
    const proprioDim = this.manifest.proprio.dim;
    const sigmaData = this.manifest.beso!.architecture.sigmaData;
    const proprio = requests.map((r) => this.normalizeProprio(r.proprio));
    return async (x, sigmas, batch, goalMask) => {
      const goal = new Float32Array(batch * embed);
      const observation = new Float32Array(batch * window * embed);
      const proprioRows = new Float32Array(batch * window * proprioDim);
      for (let j = 0; j < batch; j++) {
        const request = requests[j % requests.length];
        if (goalMask[j] === 1 && request.goal !== undefined) goal.set(request.goal, j * embed);
        observation.set(request.observation, j * window * embed);
        proprioRows.set(proprio[j % requests.length], j * window * proprioDim);
      }
      const { xIn, cNoise } = scaleEdmInput(x, sigmas, batch, sigmaData);
      const f32 = (dims: number[], data: Float32Array): TensorData => ({ dtype: 'float32', dims, data });
      const out = await this.denoiser.run({
        [names.goal]: f32([batch, embed], goal),
        [names.observation]: f32([batch, window, embed], observation),
        [names.proprio]: f32([batch, window, proprioDim], proprioRows),
        [names.scaledActions]: f32([batch, chunk, dim], xIn),
        [names.noiseLevel]: f32([batch], cNoise),
      });
      const network = out[names.output].data as Float32Array;
      checkDenoiserOutput(network, x.length, batch);
      return combineEdmOutput(x, network, sigmas, batch, sigmaData);
    };
  }

  private normalizeProprio(raw: Float32Array): Float32Array {
    const { dim, mean, std } = this.manifest.proprio;
    const expected = this.manifest.window * dim;
    if (raw.length !== expected)
      throw new PolicyError('BAD_OBSERVATION', `proprio: expected ${expected} values, got ${raw.length}`);
    return raw.map((v, i) => (v - mean[i % dim]) / std[i % dim]);
  }

  /** Clips normalised actions to ±clip and maps [−1, 1] back to [low, high]. */
  private toRobotUnits(normalized: Float32Array): Float32Array {
    const { dim, low, high, clip } = this.manifest.action;
    return normalized.map((v, i) => {
      const c = Math.min(clip, Math.max(-clip, v));
      const a = i % dim;
      return low[a] + ((c + 1) / 2) * (high[a] - low[a]);
    });
  }

  /** Frees both ONNX Runtime sessions. */
  async release(): Promise<void> {
    await Promise.all([this.encoder.release(), this.denoiser.release()]);
  }
}
