import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../nn/builder.ts';
import { grad } from '../../../nn/grad.ts';
import { attr } from '../../../nn/graph.ts';
import {
  attention,
  conv2d,
  embedding,
  gelu,
  layerNorm,
  linear,
  patchEmbed,
  silu,
} from '../../../nn/layers.ts';
import type { NnError } from '../../../nn/nn-error.ts';
import { checkGradient } from './grad-check.ts';

const ids = (values: number[]) => ({
  dtype: 'int64' as const,
  dims: [values.length],
  data: BigInt64Array.from(values, BigInt),
});

describe('grad against central finite differences in float64', () => {
  it('differentiates broadcasting Add, Sub, Mul and Div back to each operand shape', async () => {
    await checkGradient('float64', (_b, arg) => {
      const x = arg('x', [2, 3]);
      const y = arg('y', [3]);
      const z = arg('z', [2, 1], { positive: true });
      return x.add(y).mul(x).sub(y).div(z);
    });
  });
  it('differentiates Pow, Sqrt, Exp, Log, Neg and Reciprocal', async () => {
    await checkGradient('float64', (b, arg) => {
      const x = arg('x', [2, 3], { positive: true });
      const p = arg('p', [1], { positive: true });
      return b.op1('Reciprocal', [x.pow(p).add(x.sqrt()).add(x.log().exp()).neg().sub(2)]);
    });
  });
  it('differentiates Tanh, Sigmoid, Relu and SiLU', async () => {
    await checkGradient('float64', (_b, arg) => {
      const x = arg('x', [3, 4]);
      return silu(x.tanh().add(x.sigmoid()).add(x.relu()));
    });
  });
  it('differentiates Softmax along an inner axis', async () => {
    await checkGradient('float64', (_b, arg) => arg('x', [2, 3, 4]).softmax(1));
  });
  it('differentiates batched MatMul with a broadcast 2-D weight and a batched right operand', async () => {
    await checkGradient('float64', (_b, arg) => {
      const h = arg('x', [2, 3, 4]).matmul(arg('w', [4, 5]));
      return h.matmul(arg('v', [2, 5, 2]));
    });
  });
  it('differentiates Gemm under every transA/transB combination with alpha, beta and a broadcast C', async () => {
    for (const [ta, tb] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]) {
      await checkGradient('float64', (b, arg) => {
        const a = arg('a', ta ? [4, 3] : [3, 4]);
        const w = arg('w', tb ? [5, 4] : [4, 5]);
        const c = arg('c', [5]);
        const attrs = {
          transA: attr.int(ta),
          transB: attr.int(tb),
          alpha: attr.float(0.7),
          beta: attr.float(1.3),
        };
        return b.op1('Gemm', [a, w, c], attrs);
      });
    }
  });
  it('differentiates LayerNormalization with scale and bias', async () => {
    await checkGradient('float64', (b, arg) => {
      const x = arg('x', [2, 3, 5]);
      return b.op1('LayerNormalization', [x, arg('g', [5]), arg('bias', [5])], { epsilon: attr.float(1e-5) });
    });
  });
  it('differentiates Reshape, Transpose, Unsqueeze, Squeeze, Concat and Slice', async () => {
    await checkGradient('float64', (b, arg) => {
      const x = arg('x', [2, 6]).reshape([2, 3, 2]).transpose([2, 0, 1]).unsqueeze([0]).squeeze([0]);
      const y = arg('y', [2, 2, 3]);
      return b.op1('Concat', [x, y], { axis: attr.int(1) }).slice([1, 0], [3, 2], [1, 2]);
    });
  });
  it('differentiates ReduceSum, ReduceMean and Expand', async () => {
    await checkGradient('float64', (b, arg) => {
      const x = arg('x', [2, 3, 4]);
      const s = x
        .sum([1], false)
        .add(x.mean([0, 2], true).sum([0, 2], false).reshape([1, 3]).mean([1], true));
      return b.op1('Expand', [s.unsqueeze([0]), b.ints([3, 2, 4])]);
    });
  });
  it('differentiates Where through both branches and Trilu', async () => {
    await checkGradient('float64', (b, arg) => {
      const x = arg('x', [3, 3]);
      const cond = b.op1('Greater', [x, b.constant(0)]);
      return b.op1('Where', [cond, x.mul(x), arg('y', [3])]).add(b.op1('Trilu', [x]));
    });
  });
  it('differentiates an embedding lookup with repeated ids (scatter-add)', async () => {
    await checkGradient('float64', (b, arg) => {
      const table = arg('table', [4, 3]);
      return b.op1('Gather', [table, b.constant(ids([0, 2, 0, 3]))], { axis: attr.int(0) });
    });
  });
  it('differentiates a causal self-attention block and cross-attention (composites)', async () => {
    await checkGradient('float64', (_b, arg) => {
      const x = arg('x', [2, 3, 4]);
      const ctx = arg('ctx', [2, 2, 4]);
      const h = attention(x, 'self', { heads: 2, causal: true });
      return attention(layerNorm(h, 'ln'), 'cross', { heads: 2, context: ctx });
    });
  });
  it('differentiates the parameters of layers created by the builder', async () => {
    const b = new GraphBuilder('mlp', { dtype: 'float64', seed: 3 });
    const x = b.input('x', [4, 3]);
    const loss = b.output('loss', linear(silu(linear(x, 'fc1', 5)), 'fc2', 2).sum());
    const g = grad(b.graph, loss.name, [...b.params.keys()]);
    expect([...g.gradients.keys()]).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
  });
});

describe('grad against central finite differences in float32 (ops ONNX Runtime CPU lacks in float64)', () => {
  it('differentiates Erf and exact GELU', async () => {
    await checkGradient('float32', (_b, arg) => gelu(arg('x', [2, 5])).add(arg('y', [5]).erf()));
  });
  it('differentiates strided, padded Conv (input by ConvTranspose, weight by im2col) and bias', async () => {
    await checkGradient('float32', (b, arg) => {
      const x = arg('x', [2, 2, 5, 5]);
      const attrs = {
        pads: attr.ints([1, 1, 1, 1]),
        strides: attr.ints([2, 2]),
        kernel_shape: attr.ints([3, 3]),
      };
      return b.op1('Conv', [x, arg('w', [3, 2, 3, 3]), arg('bias', [3])], attrs).tanh();
    });
  });
  it.each([
    [
      'unit stride, a plane of 64+ positions, asymmetric pads, dilation (dX by Conv)',
      [1, 3, 9, 10],
      [2, 3, 3, 2],
      { pads: [1, 0, 2, 1], dilations: [1, 2] },
    ],
    ['unit stride, a small plane (dX by ConvTranspose)', [2, 2, 4, 4], [3, 2, 3, 3], { pads: [1, 1, 1, 1] }],
    ['pads beyond the kernel (dX by ConvTranspose)', [1, 2, 3, 3], [3, 2, 1, 1], { pads: [1, 1, 1, 1] }],
    ['stride 2 leaving input columns unread', [2, 2, 6, 7], [2, 2, 3, 3], { strides: [2, 2] }],
    ['one spatial axis (dX by Conv)', [1, 2, 70], [2, 2, 3], { pads: [2, 1], dilations: [2] }],
  ] as const)('differentiates Conv: %s', async (_, xDims, wDims, geometry) => {
    await checkGradient('float32', (b, arg) => {
      const attrs = Object.fromEntries(Object.entries(geometry).map(([k, v]) => [k, attr.ints([...v])]));
      return b.op1('Conv', [arg('x', [...xDims]), arg('w', [...wDims])], attrs).tanh();
    });
  });
  it('differentiates a patch embedding and a conv layer built by the builder', async () => {
    await checkGradient('float32', (_b, arg) =>
      patchEmbed(conv2d(arg('img', [1, 2, 4, 4]), 'c', 3, 3, { pad: 1 }), 'p', 4, 2),
    );
  });
});

describe('grad graph structure', () => {
  it('does not differentiate values that only feed frozen parts', () => {
    const b = new GraphBuilder('frozen', { seed: 1 });
    const img = b.input('img', [1, 3, 8, 8]);
    const feat = conv2d(img, 'enc', 4, 3).mean([2, 3]);
    const loss = b.output('loss', linear(feat, 'head', 2).sum());
    const g = grad(b.graph, loss.name, ['head.weight', 'head.bias']);
    const ops = g.graph.nodes.map((n) => n.op);
    expect(ops).not.toContain('ConvTranspose');
    expect(ops.filter((o) => o === 'Conv')).toHaveLength(1);
  });
  it('returns zeros for a requested tensor the loss does not depend on', async () => {
    const b = new GraphBuilder('unused', { seed: 1 });
    const x = b.input('x', [2]);
    b.input('unused', [3]);
    const loss = b.output('loss', x.mul(x).sum());
    const g = grad(b.graph, loss.name, ['x', 'unused']);
    expect(g.graph.outputs.map((o) => [o.name, o.dims])).toEqual([
      ['loss', []],
      ['grad.x', [2]],
      ['grad.unused', [3]],
    ]);
  });
  it('names the op and node it cannot differentiate', () => {
    const b = new GraphBuilder('bad', { seed: 1 });
    const x = b.input('x', [1, 1, 4, 4]);
    const y = b.op1('Conv', [x, b.param('w', [2, 1, 1, 1], { kind: 'ones' })], { group: attr.int(1) });
    const z = b.op1('ConvTranspose', [y, b.param('wt', [2, 1, 1, 1], { kind: 'ones' })]);
    const loss = b.output('loss', z.sum());
    expect(() => grad(b.graph, loss.name, ['w'])).toThrow(
      /no gradient rule for op ConvTranspose \(node 'ConvTranspose_\d+'\)/,
    );
    try {
      grad(b.graph, loss.name, ['w']);
    } catch (error) {
      expect((error as NnError).code).toBe('NOT_DIFFERENTIABLE');
    }
  });
  it('differentiates an embedding table', () => {
    const b = new GraphBuilder('emb', { seed: 1 });
    const tok = b.input('tok', [2, 3], 'int64');
    const loss = b.output('loss', embedding(tok, 'emb', 5, 4).sum());
    const g = grad(b.graph, loss.name, ['emb.weight']);
    expect(g.graph.nodes.map((n) => n.op)).toContain('ScatterND');
  });
});
