import { AdamW, type AdamWOptions } from './adamw.ts';
import type { Model } from './builder.ts';
import { clipGradNorm } from './clip-grad.ts';
import { Ema } from './ema.ts';
import { grad } from './grad.ts';
import type { TensorData } from './graph.ts';
import { constantLr, type LrSchedule } from './lr-schedule.ts';
import { NnError } from './nn-error.ts';
import { encodeOnnx } from './onnx-encode.ts';
import { OrtSession, type OrtSessionOptions } from './ort-session.ts';

/** How a model is trained; normalised once in `Trainer.create`. */
export interface TrainerOptions {
  /** Name of the scalar loss value in the model graph. */
  loss: string;
  /** Parameters to update; default every parameter. The others are fed unchanged (frozen). */
  trainable: string[];
  optimizer: Partial<AdamWOptions>;
  lr: LrSchedule;
  /** Global gradient-norm clip; undefined for none. */
  clipNorm: number | undefined;
  /** EMA decay of the trainable weights; undefined for no EMA. */
  emaDecay: number | undefined;
  session: Partial<OrtSessionOptions>;
}

/** What one optimizer step measured. */
export interface StepResult {
  step: number;
  loss: number;
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

/** Runs training steps: one ONNX Runtime call for loss + gradients, then clip, AdamW and EMA in place. */
export class Trainer {
  /** Steps taken so far (the next step's schedule index). */
  step = 0;

  private constructor(
    readonly params: Map<string, TensorData>,
    readonly trainable: string[],
    readonly optimizer: AdamW,
    readonly ema: Ema | undefined,
    private readonly options: TrainerOptions,
    private readonly session: OrtSession,
    private readonly gradOutputs: Map<string, string>,
  ) {}

  /** Differentiates the model's loss w.r.t. the trainable parameters and opens the gradient session. */
  static async create(model: Model, options: Partial<TrainerOptions> & { loss: string }): Promise<Trainer> {
    const o: TrainerOptions = {
      loss: options.loss,
      trainable: options.trainable ?? [...model.params.keys()],
      optimizer: options.optimizer ?? {},
      lr: options.lr ?? constantLr(1e-3),
      clipNorm: options.clipNorm,
      emaDecay: options.emaDecay,
      session: options.session ?? {},
    };
    const unknown = o.trainable.filter((n) => !model.params.has(n));
    if (unknown.length > 0)
      throw new NnError('BAD_ARGUMENT', `trainable names unknown parameters: ${unknown.join(', ')}`);
    const g = grad(model.graph, o.loss, o.trainable);
    const session = await OrtSession.create(encodeOnnx(g.graph), g.graph, o.session);
    const trained = new Map(o.trainable.map((n) => [n, model.params.get(n)!]));
    const optimizer = new AdamW(trained, o.optimizer);
    const ema = o.emaDecay === undefined ? undefined : new Ema(trained, o.emaDecay);
    return new Trainer(model.params, o.trainable, optimizer, ema, o, session, g.gradients);
  }

  /** One step on a batch (the graph's non-parameter inputs); parameters are updated in place. */
  async trainStep(batch: Readonly<Record<string, TensorData>>): Promise<StepResult> {
    const out = await this.session.run({ ...Object.fromEntries(this.params), ...batch });
    const loss = Number(out[this.options.loss].data[0]);
    if (!Number.isFinite(loss)) throw new NnError('RUNTIME', `loss is ${loss} at step ${this.step}`);
    const grads = new Map(this.trainable.map((n) => [n, out[this.gradOutputs.get(n)!]]));
    const gradNorm =
      this.options.clipNorm === undefined ? Number.NaN : clipGradNorm(grads.values(), this.options.clipNorm);
    const lr = this.options.lr(this.step);
    this.optimizer.step(grads, lr);
    this.ema?.update(this.optimizer.params);
    this.step += 1;
    return { step: this.step, loss, lr, gradNorm };
  }

  /** Frees the ONNX Runtime session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}
