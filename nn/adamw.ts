import type { TensorData } from './graph.ts';
import { NnError } from './nn-error.ts';

/** AdamW hyper-parameters (defaults as torch.optim.AdamW). */
export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Which parameters get weight decay; default: rank ≥ 2 (weights, not biases or norm scales). */
  decays: (name: string, param: TensorData) => boolean;
}

type Floats = Float32Array | Float64Array;

/**
 * AdamW with decoupled weight decay (Loshchilov & Hutter 2019), updating parameter arrays in place with
 * plain typed-array loops (faster than an update graph at these sizes, see BENCHMARKS.md).
 */
export class AdamW {
  readonly options: AdamWOptions;
  /** Number of steps taken (bias correction uses it). */
  t = 0;
  readonly m = new Map<string, Floats>();
  readonly v = new Map<string, Floats>();

  constructor(
    readonly params: Map<string, TensorData>,
    options: Partial<AdamWOptions> = {},
  ) {
    this.options = {
      beta1: options.beta1 ?? 0.9,
      beta2: options.beta2 ?? 0.999,
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0.01,
      decays: options.decays ?? ((_, p) => p.dims.length >= 2),
    };
    for (const [name, p] of params) {
      const data = p.data as Floats;
      this.m.set(name, new (data.constructor as Float32ArrayConstructor)(data.length));
      this.v.set(name, new (data.constructor as Float32ArrayConstructor)(data.length));
    }
  }

  /** One update of every parameter that has a gradient in `grads`. */
  step(grads: Map<string, TensorData>, lr: number): void {
    const { beta1, beta2, eps, weightDecay, decays } = this.options;
    this.t += 1;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    const stepSize = lr / c1;
    const rootC2 = Math.sqrt(c2);
    for (const [name, g] of grads) {
      const param = this.params.get(name);
      if (param === undefined)
        throw new NnError('BAD_ARGUMENT', `AdamW: gradient for unknown parameter '${name}'`);
      const p = param.data as Floats;
      const gd = g.data as Floats;
      if (gd.length !== p.length) {
        throw new NnError(
          'SHAPE_MISMATCH',
          `AdamW: gradient of '${name}' has ${gd.length} elements, parameter ${p.length}`,
        );
      }
      const m = this.m.get(name)!;
      const v = this.v.get(name)!;
      const shrink = decays(name, param) ? 1 - lr * weightDecay : 1;
      for (let i = 0; i < p.length; i++) {
        const gi = gd[i];
        const mi = beta1 * m[i] + (1 - beta1) * gi;
        const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        // p ← p·(1 − lr·λ) − lr·m̂/(√v̂ + ε), with m̂ = m/c1, v̂ = v/c2
        p[i] = p[i] * shrink - (stepSize * mi) / (Math.sqrt(vi) / rootC2 + eps);
      }
    }
  }
}
