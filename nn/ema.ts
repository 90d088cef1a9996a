import type { TensorData } from './graph.ts';
import { cloneTensor } from './tensor-data.ts';

/**
 * Exponential moving average of weights with warm-up: decay_t = min(decay, (1 + n)/(10 + n)) at the
 * n-th update (as BESO / timm ModelEmaV2 with warm-up).
 */
export class Ema {
  readonly shadow: Map<string, TensorData>;
  /** Number of updates so far. */
  updates = 0;

  constructor(
    params: Map<string, TensorData>,
    readonly decay = 0.999,
  ) {
    this.shadow = new Map([...params].map(([k, v]) => [k, cloneTensor(v)]));
  }

  /** The decay the next update will use. */
  currentDecay(): number {
    return Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
  }

  /** shadow ← d·shadow + (1 − d)·param for every tracked parameter. */
  update(params: Map<string, TensorData>): void {
    const d = this.currentDecay();
    for (const [name, s] of this.shadow) {
      const p = params.get(name)!.data as Float32Array;
      const sd = s.data as Float32Array;
      for (let i = 0; i < sd.length; i++) sd[i] = d * sd[i] + (1 - d) * p[i];
    }
    this.updates += 1;
  }
}
