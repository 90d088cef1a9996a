import type { TensorData } from './graph.ts';
import type { LoraTarget } from './lora.ts';
import { NnError } from './nn-error.ts';

/** Adapter tensors plus the scale α/r they are applied with. */
export interface LoraWeights {
  targets: LoraTarget[];
  adapter: Map<string, TensorData>;
  scale: number;
}

// W ± s·(B·A), written in W's layout ([out, in] directly, [in, out] transposed).
function apply(weights: Map<string, TensorData>, lora: LoraWeights, sign: 1 | -1): Map<string, TensorData> {
  const out = new Map(weights);
  for (const t of lora.targets) {
    const base = weights.get(t.weight);
    const a = lora.adapter.get(`${t.module}.lora_A.weight`)?.data as Float32Array | undefined;
    const b = lora.adapter.get(`${t.module}.lora_B.weight`)?.data as Float32Array | undefined;
    if (base === undefined || a === undefined || b === undefined) {
      throw new NnError(
        'BAD_ARGUMENT',
        `merge: missing base weight '${t.weight}' or adapter tensors of '${t.module}'`,
      );
    }
    const r = a.length / t.inFeatures;
    const w = (base.data as Float32Array).slice();
    for (let o = 0; o < t.outFeatures; o++) {
      for (let i = 0; i < t.inFeatures; i++) {
        let delta = 0;
        for (let k = 0; k < r; k++) delta += b[o * r + k] * a[k * t.inFeatures + i];
        const at = t.layout === 'out-in' ? o * t.inFeatures + i : i * t.outFeatures + o;
        w[at] += sign * lora.scale * delta;
      }
    }
    out.set(t.weight, { ...base, data: w });
  }
  return out;
}

/** Base weights with the adapter folded in (W + (α/r)·B·A), for exporting a plain model; inputs untouched. */
export function mergeLora(weights: Map<string, TensorData>, lora: LoraWeights): Map<string, TensorData> {
  return apply(weights, lora, 1);
}

/** Inverse of `mergeLora` (W − (α/r)·B·A), equal to the base weights up to float rounding. */
export function unmergeLora(weights: Map<string, TensorData>, lora: LoraWeights): Map<string, TensorData> {
  return apply(weights, lora, -1);
}
