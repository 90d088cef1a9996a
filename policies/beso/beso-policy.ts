import type { TensorData } from '../../nn/graph.ts';
import type { OrtSession, OrtSessionOptions } from '../../nn/ort-session.ts';
import type { ChunkPolicy, ChunkRequest } from '../chunk-policy.ts';
import { normalizeFrames } from '../image-normalizer.ts';
import { type ModelManifest, readModelManifest } from '../model-manifest.ts';
import { openPackageGraph } from '../package-graph.ts';
import { actionsToRobotUnits, zScoreProprio } from '../robot-units.ts';
import { checkDenoiserOutput, type GoalDenoise } from '../sampling/denoiser.ts';
import { combineEdmOutput, scaleEdmInput } from '../sampling/edm-preconditioning.ts';
import { sampleActions } from '../sampling/sample-actions.ts';
import type { SamplerOptions } from '../sampling/sampler-options.ts';

/** A loaded BESO package: an encoder session and a denoiser-network session, batched across requests. */
export class BesoPolicy implements ChunkPolicy {
  readonly embedDim: number;

  private constructor(
    readonly manifest: ModelManifest,
    private readonly encoder: OrtSession,
    private readonly denoiser: OrtSession,
  ) {
    this.embedDim = manifest.beso!.architecture.embedDim;
  }

  /** Loads a package folder (manifest.json + encoder and denoiser ONNX files). */
  static async load(dir: string, session: Partial<OrtSessionOptions> = {}): Promise<BesoPolicy> {
    const manifest = readModelManifest(dir);
    const open = (role: string) => openPackageGraph(dir, manifest, role, session);
    return new BesoPolicy(manifest, await open('encoder'), await open('denoiser'));
  }

  /** Embeds camera frames (each uint8 [S, S, 3] RGB) in one run → float32 [N, E]. */
  async encode(frames: readonly Uint8Array[]): Promise<Float32Array> {
    const { size } = this.manifest.image;
    const pixels = normalizeFrames(frames, size, this.manifest.image);
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
      actionsToRobotUnits(normalized.subarray(r * chunk * dim, (r + 1) * chunk * dim), this.manifest.action),
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
    const proprio = requests.map((r) => zScoreProprio(r.proprio, this.manifest.proprio, window));
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

  /** Frees both ONNX Runtime sessions. */
  async release(): Promise<void> {
    await Promise.all([this.encoder.release(), this.denoiser.release()]);
  }
}
