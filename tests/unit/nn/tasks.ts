import { createRng } from '../../../common/rng.ts';
import { GraphBuilder, type Model } from '../../../nn/builder.ts';
import type { TensorData } from '../../../nn/graph.ts';
import {
  attention,
  conv2d,
  crossEntropyLoss,
  embedding,
  layerNorm,
  linear,
  mseLoss,
  silu,
} from '../../../nn/layers.ts';
import type { Dataset } from '../../../nn/train-loop.ts';

/** Small learning problems for convergence tests: a model with a `loss` output and a dataset. */
export interface Task {
  model: Model;
  data: Dataset;
}

const f32 = (dims: number[], data: Float32Array): TensorData => ({ dtype: 'float32', dims, data });

/** y = sin(3x) on [−1, 1] by an MLP 1→32→32→1. */
export function sineRegression(batch: number): Task {
  const b = new GraphBuilder('sine', { seed: 7 });
  const x = b.input('x', [batch, 1]);
  const y = b.input('y', [batch, 1]);
  const pred = linear(silu(linear(silu(linear(x, 'fc1', 32)), 'fc2', 32)), 'out', 1);
  b.output('pred', pred);
  b.output('loss', mseLoss(pred, y));
  const n = 256;
  const xs = Float32Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1));
  const data: Dataset = {
    size: n,
    batch: (idx) => ({
      x: f32(
        [batch, 1],
        Float32Array.from(idx, (i) => xs[i]),
      ),
      y: f32(
        [batch, 1],
        Float32Array.from(idx, (i) => Math.sin(3 * xs[i])),
      ),
    }),
  };
  return { model: b.build(), data };
}

function oneHot(values: ArrayLike<number>, classes: number): Float32Array {
  const out = new Float32Array(values.length * classes);
  for (let i = 0; i < values.length; i++) out[i * classes + values[i]] = 1;
  return out;
}

/** Predict the previous token at every position with a 1-layer causal transformer (needs attention). */
export function previousTokenTask(batch: number, seqLen = 6, vocab = 6): Task {
  const b = new GraphBuilder('copy', { seed: 11 });
  const tok = b.input('tokens', [batch, seqLen], 'int64');
  const target = b.input('target', [batch, seqLen, vocab]);
  const pos = b.param('pos', [1, seqLen, 32], { kind: 'normal', std: 0.1 });
  let h = embedding(tok, 'emb', vocab, 32, 0.5).add(pos);
  h = h.add(attention(layerNorm(h, 'ln1'), 'attn', { heads: 2, causal: true }));
  const logits = linear(layerNorm(h, 'ln2'), 'head', vocab);
  b.output('logits', logits);
  b.output('loss', crossEntropyLoss(logits.reshape([-1, vocab]), target.reshape([-1, vocab])));
  const rng = createRng(5);
  const n = 512;
  const seqs = Int32Array.from({ length: n * seqLen }, () => rng.int(vocab));
  const data: Dataset = {
    size: n,
    batch: (idx) => {
      const tokens = new BigInt64Array(batch * seqLen);
      const next = new Int32Array(batch * seqLen);
      idx.forEach((s, r) => {
        for (let t = 0; t < seqLen; t++) {
          tokens[r * seqLen + t] = BigInt(seqs[s * seqLen + t]);
          next[r * seqLen + t] = seqs[s * seqLen + Math.max(0, t - 1)];
        }
      });
      return {
        tokens: { dtype: 'int64', dims: [batch, seqLen], data: tokens },
        target: f32([batch, seqLen, vocab], oneHot(next, vocab)),
      };
    },
  };
  return { model: b.build(), data };
}

/** Which quadrant of an 8×8 image holds a bright 3×3 square, by a strided conv + pooled linear head. */
export function quadrantTask(batch: number): Task {
  const b = new GraphBuilder('quadrant', { seed: 13 });
  const img = b.input('img', [batch, 1, 8, 8]);
  const target = b.input('target', [batch, 4]);
  // [B, 1, 8, 8] → [B, 8, 4, 4] → [B, 128] → [B, 4]
  const feat = conv2d(img, 'c1', 8, 3, { stride: 2, pad: 1 }).relu();
  const logits = linear(feat.reshape([0, -1]), 'head', 4);
  b.output('logits', logits);
  b.output('loss', crossEntropyLoss(logits, target));
  const rng = createRng(3);
  const n = 256;
  const images = new Float32Array(n * 64);
  const labels = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const q = rng.int(4);
    labels[s] = q;
    const [r0, c0] = [(q >> 1) * 4 + rng.int(2), (q & 1) * 4 + rng.int(2)];
    for (let i = 0; i < 64; i++) images[s * 64 + i] = 0.2 * rng.normal();
    for (let r = r0; r < r0 + 3; r++) for (let c = c0; c < c0 + 3; c++) images[s * 64 + r * 8 + c] += 1;
  }
  const data: Dataset = {
    size: n,
    batch: (idx) => ({
      img: f32(
        [batch, 1, 8, 8],
        Float32Array.from({ length: batch * 64 }, (_, k) => images[idx[k >> 6] * 64 + (k & 63)]),
      ),
      target: f32(
        [batch, 4],
        oneHot(
          Array.from(idx, (i) => labels[i]),
          4,
        ),
      ),
    }),
  };
  return { model: b.build(), data };
}
