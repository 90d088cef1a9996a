import type { TensorData } from '../../nn/graph.ts';
import type { OrtSession, OrtSessionOptions } from '../../nn/ort-session.ts';
import type { ChunkPolicy, ChunkRequest } from '../chunk-policy.ts';
import { denormalizeFrame, normalizeFrames } from '../image-normalizer.ts';
import { type ModelManifest, readModelManifest } from '../model-manifest.ts';
import { openPackageGraph } from '../package-graph.ts';
import { PolicyError } from '../policy-error.ts';
import { actionsToRobotUnits, zScoreProprio } from '../robot-units.ts';
import { guideDenoiser } from '../sampling/classifier-free-guidance.ts';
import { sampleFlow, scheduleFlowSteps, uniformFlowSteps } from '../sampling/flow-matching.ts';
import type { SamplerOptions } from '../sampling/sampler-options.ts';
import type { Act2GoalArchitecture } from './act2goal-config.ts';
import { planGoalSteps } from './goal-steps-head.ts';
import { msthActionCount, msthFrameCount } from './msth.ts';
import { worldModelTokens } from './world-model.ts';

/** One request's plan: what the world model imagined and what the action expert made of it. */
export interface Act2GoalPlan {
  /** K used for the distal frames. */
  goalSteps: number;
  /** float32 [F, Z]: the imagined MSTH latents, P/r proximal then M distal. */
  latents: Float32Array;
  /** float32 [P + M, A]: the MSTH actions in robot units, clipped; the first P are executed. */
  actions: Float32Array;
}

/** The flow integration behind a chunk: what eval and bench report beside its latency. */
export interface Act2GoalIntegration {
  /** 'ddim' for an EDM-preconditioned expert, whose Euler steps walk the schedule's σ. */
  sampler: 'euler' | 'ddim';
  /** The action expert's Euler steps. */
  steps: number;
  guidance: number;
  /** The world model's Euler steps per chunk; 0 when acting imagines no plan. */
  worldModelSteps: number;
  minGoalSteps: number;
}

const f32 = (dims: number[], data: Float32Array): TensorData => ({ dtype: 'float32', dims, data });

/** A batch's conditions: z_t, z_g, z-scored proprio, and z_{t−1} where the expert reads motion. */
type Endpoints = Record<'current' | 'goal' | 'proprio', TensorData> & { previous?: TensorData };

/**
 * A loaded Act2Goal package. A plan: the world model integrates the MSTH future latents from noise
 * (`worldModelSteps` Euler steps), runs once more at τ = 1 on them for the hidden states the action
 * expert was trained to attend to, then the expert integrates the P + M actions (`steps` Euler steps)
 * reusing those hidden states. Every request draws its noise from its own RNG, world model first.
 * An expert trained without the world model (`expertSeesWorldModel` false) acts without a plan;
 * `plan` still imagines one for it, to look at.
 */
export class Act2GoalPolicy implements ChunkPolicy {
  readonly embedDim: number;
  private readonly arch: Act2GoalArchitecture;

  private constructor(
    readonly manifest: ModelManifest,
    private readonly sessions: Record<
      'encoder' | 'decoder' | 'worldModel' | 'actionExpert' | 'goalSteps',
      OrtSession
    >,
  ) {
    this.arch = manifest.act2goal!.architecture;
    this.embedDim = this.arch.latentDim;
  }

  /** Loads a package folder written by `writeAct2GoalPackage` (manifest.json + five ONNX files). */
  static async load(dir: string, session: Partial<OrtSessionOptions> = {}): Promise<Act2GoalPolicy> {
    const manifest = readModelManifest(dir);
    const open = (role: string) => openPackageGraph(dir, manifest, role, session);
    return new Act2GoalPolicy(manifest, {
      encoder: await open('encoder'),
      decoder: await open('decoder'),
      worldModel: await open('worldModel'),
      actionExpert: await open('actionExpert'),
      goalSteps: await open('goalSteps'),
    });
  }

  /** Encodes camera frames (each uint8 [S, S, 3] RGB) in one run → latents float32 [N, Z]. */
  async encode(frames: readonly Uint8Array[]): Promise<Float32Array> {
    const { size } = this.manifest.image;
    const names = this.manifest.graphs.encoder.tensors;
    const out = await this.sessions.encoder.run({
      [names.frames]: f32([frames.length, 3, size, size], normalizeFrames(frames, size, this.manifest.image)),
    });
    return out[names.latent].data as Float32Array;
  }

  /** Decodes latents float32 [N, Z] to N frames, each uint8 [S, S, 3] RGB. */
  async decode(latents: Float32Array): Promise<Uint8Array[]> {
    const { size } = this.manifest.image;
    const count = latents.length / this.embedDim;
    const names = this.manifest.graphs.decoder.tensors;
    const out = await this.sessions.decoder.run({ [names.latent]: f32([count, this.embedDim], latents) });
    const pixels = out[names.frames].data as Float32Array;
    const frameSize = 3 * size * size;
    return Array.from({ length: count }, (_, i) =>
      denormalizeFrame(pixels.subarray(i * frameSize, (i + 1) * frameSize), this.manifest.image),
    );
  }

  /**
   * The P proximal actions of each request → float32 [P, A] each, in robot units, clipped: from its
   * plan, or, for an expert that reads no plan (`expertSeesWorldModel` false), from the expert alone,
   * on the zeroed context it was trained with, without predicting K or imagining.
   */
  async sample(requests: readonly ChunkRequest[], options: SamplerOptions): Promise<Float32Array[]> {
    const executed = this.manifest.action.chunk * this.manifest.action.dim;
    if (this.readsPlan) return (await this.plan(requests, options)).map((p) => p.actions.slice(0, executed));
    if (requests.length === 0) return [];
    const endpoints = this.endpoints(requests);
    const tokens = worldModelTokens(this.arch);
    const context = f32(
      [requests.length, this.arch.layers, tokens, this.arch.worldModel.width],
      new Float32Array(requests.length * this.arch.layers * tokens * this.arch.worldModel.width),
    );
    const actions = await this.sampleActions(
      endpoints,
      context,
      requests.map((r) => r.rng),
      options,
    );
    return this.inRobotUnits(actions, requests.length).map((a) => a.slice(0, executed));
  }

  /** Plans every request in one batch: K, imagined latents, then actions (see the class comment). */
  async plan(requests: readonly ChunkRequest[], options: SamplerOptions): Promise<Act2GoalPlan[]> {
    const batch = requests.length;
    if (batch === 0) return [];
    const z = this.embedDim;
    const endpoints = this.endpoints(requests);
    const goalSteps = await this.goalSteps(
      endpoints.current.data as Float32Array,
      endpoints.goal.data as Float32Array,
      batch,
      options.minGoalSteps,
    );
    const wm = this.manifest.graphs.worldModel.tensors;
    const frames = msthFrameCount(this.arch.msth);
    const conditions = {
      [wm.currentLatent]: endpoints.current,
      [wm.goalLatent]: endpoints.goal,
      [wm.proprio]: endpoints.proprio,
      [wm.goalSteps]: f32([batch], goalSteps),
    };
    const runWorldModel = (x: Float32Array, taus: Float32Array, outputs: string[]) =>
      this.sessions.worldModel.run(
        { ...conditions, [wm.flowTime]: f32([batch], taus), [wm.noisyLatents]: f32([batch, frames, z], x) },
        outputs,
      );
    const rngs = requests.map((r) => r.rng);
    const latents = await sampleFlow(
      {
        velocity: async (x, taus) =>
          (await runWorldModel(x, taus, [wm.velocity]))[wm.velocity].data as Float32Array,
        rngs,
        rowSize: frames * z,
      },
      uniformFlowSteps(options.worldModelSteps),
    );
    const ones = new Float32Array(batch).fill(1);
    const hidden = (await runWorldModel(latents, ones, [wm.hiddenStates]))[wm.hiddenStates];
    const actions = await this.sampleActions(
      { ...endpoints, futures: f32([batch, frames, z], latents) },
      hidden,
      rngs,
      options,
    );
    const inRobotUnits = this.inRobotUnits(actions, batch);
    return requests.map((_, i) => ({
      goalSteps: goalSteps[i],
      latents: latents.slice(i * frames * z, (i + 1) * frames * z),
      actions: inRobotUnits[i],
    }));
  }

  /**
   * The integration a chunk drawn with `options` runs, as eval and bench report it: Euler steps of
   * the action expert and of the world model (0 when the expert reads no plan, so acting imagines none).
   */
  integration(options: SamplerOptions): Act2GoalIntegration {
    return {
      sampler: this.arch.expertEdmPreconditioning ? 'ddim' : 'euler',
      steps: options.steps,
      guidance: options.guidance,
      worldModelSteps: this.readsPlan ? options.worldModelSteps : 0,
      minGoalSteps: options.minGoalSteps,
    };
  }

  /** Whether the action expert reads the plan (the world model's hidden states or the imagined positions), so acting imagines one. */
  private get readsPlan(): boolean {
    return this.arch.expertSeesWorldModel !== false || this.arch.expertReadsPlanPositions === true;
  }

  /**
   * The requests' current and goal latents and z-scored proprio of the current frame, one row each,
   * checked; with a two-frame window also the previous frame's latent.
   */
  private endpoints(requests: readonly ChunkRequest[]): Endpoints {
    const batch = requests.length;
    const z = this.embedDim;
    const { window } = this.manifest;
    const pd = this.manifest.proprio.dim;
    const current = new Float32Array(batch * z);
    const previous = this.arch.expertReadsMotion ? new Float32Array(batch * z) : undefined;
    const goal = new Float32Array(batch * z);
    const proprio = new Float32Array(batch * pd);
    requests.forEach((r, i) => {
      if (r.goal === undefined)
        throw new PolicyError('BAD_OBSERVATION', 'goal: Act2Goal plans toward a goal image; none was given');
      checkLength(`requests[${i}].goal`, r.goal, z);
      checkLength(`requests[${i}].observation`, r.observation, window * z);
      goal.set(r.goal, i * z);
      current.set(r.observation.subarray((window - 1) * z), i * z);
      previous?.set(r.observation.subarray(0, z), i * z);
      const scored = zScoreProprio(r.proprio, this.manifest.proprio, window);
      proprio.set(scored.subarray((window - 1) * pd), i * pd);
    });
    return {
      current: f32([batch, z], current),
      goal: f32([batch, z], goal),
      proprio: f32([batch, pd], proprio),
      ...(previous ? { previous: f32([batch, z], previous) } : {}),
    };
  }

  /** The expert's normalised MSTH actions of `batch` rows → one float32 [P + M, A] per row in robot units, clipped. */
  private inRobotUnits(actions: Float32Array, batch: number): Float32Array[] {
    const rowSize = msthActionCount(this.arch.msth) * this.manifest.action.dim;
    return Array.from({ length: batch }, (_, i) =>
      actionsToRobotUnits(actions.subarray(i * rowSize, (i + 1) * rowSize), this.manifest.action),
    );
  }

  /** Frees the five ONNX Runtime sessions. */
  async release(): Promise<void> {
    await Promise.all(Object.values(this.sessions).map((s) => s.release()));
  }

  /**
   * K per row: the manifest's fixed K, or exp of the head's ln(1 + K) − 1, rounded into
   * [minGoalSteps, K_max].
   */
  private async goalSteps(
    current: Float32Array,
    goal: Float32Array,
    batch: number,
    minGoalSteps: number,
  ): Promise<Float32Array> {
    const fixed = this.manifest.act2goal!.goalSteps;
    if (fixed !== 'predicted') return new Float32Array(batch).fill(fixed);
    const names = this.manifest.graphs.goalSteps.tensors;
    const out = await this.sessions.goalSteps.run({
      [names.currentLatent]: f32([batch, this.embedDim], current),
      [names.goalLatent]: f32([batch, this.embedDim], goal),
    });
    return (out[names.logGoalSteps].data as Float32Array).map((y) =>
      planGoalSteps(y, minGoalSteps, this.arch.maxGoalSteps),
    );
  }

  /**
   * The expert's flow over normalised MSTH actions, cross-attending to fixed hidden states. With
   * world-model guidance λ ≠ 1 each step also runs the expert on a zeroed context (the free pass, as
   * trained with context dropout) and follows v_free + λ(v_wm − v_free), both passes as one batch.
   */
  private sampleActions(
    conditions: Endpoints & { futures?: TensorData },
    hiddenStates: TensorData,
    rngs: ChunkRequest['rng'][],
    options: SamplerOptions,
  ): Promise<Float32Array> {
    const names = this.manifest.graphs.actionExpert.tensors;
    const actions = msthActionCount(this.arch.msth);
    const dim = this.manifest.action.dim;
    const velocity = guideDenoiser(async (x, taus, rows, contextMask) => {
      const out = await this.sessions.actionExpert.run({
        [names.currentLatent]: repeatRows(conditions.current, rows),
        [names.goalLatent]: repeatRows(conditions.goal, rows),
        [names.hiddenStates]: maskRows(hiddenStates, contextMask),
        [names.proprio]: repeatRows(conditions.proprio, rows),
        [names.flowTime]: f32([rows], taus),
        [names.noisyActions]: f32([rows, actions, dim], x),
        ...(this.arch.expertReadsPlanPositions && conditions.futures
          ? { [names.futureLatents]: repeatRows(conditions.futures, rows) }
          : {}),
        ...(conditions.previous ? { [names.previousLatent]: repeatRows(conditions.previous, rows) } : {}),
      });
      return out[names.velocity].data as Float32Array;
    }, options.guidance);
    // An EDM-preconditioned expert trained at BESO's noise levels walks BESO's σ schedule (DDIM).
    const steps = this.arch.expertEdmPreconditioning
      ? scheduleFlowSteps(options)
      : uniformFlowSteps(options.steps);
    return sampleFlow({ velocity, rngs, rowSize: actions * dim }, steps);
  }
}

/** `t` (float32 [B, ...]) stacked rows/B times: row j is request j mod B, as a guided batch wants. */
function repeatRows(t: TensorData, rows: number): TensorData {
  const batch = t.dims[0];
  if (rows === batch) return t;
  const source = t.data as Float32Array;
  const data = new Float32Array((source.length / batch) * rows);
  for (let start = 0; start < data.length; start += source.length) data.set(source, start);
  return f32([rows, ...t.dims.slice(1)], data);
}

/** {@link repeatRows} for `mask.length` rows, with the rows whose mask is 0 zeroed. */
function maskRows(t: TensorData, mask: Uint8Array): TensorData {
  const repeated = repeatRows(t, mask.length);
  if (mask.every((keep) => keep === 1)) return repeated;
  const data = Float32Array.from(repeated.data as Float32Array);
  const rowSize = data.length / mask.length;
  mask.forEach((keep, row) => {
    if (keep === 0) data.fill(0, row * rowSize, (row + 1) * rowSize);
  });
  return f32(repeated.dims, data);
}

function checkLength(field: string, values: Float32Array, expected: number): void {
  if (values.length !== expected)
    throw new PolicyError(
      'BAD_OBSERVATION',
      `${field}: expected ${expected} latent values, got ${values.length}`,
    );
}
