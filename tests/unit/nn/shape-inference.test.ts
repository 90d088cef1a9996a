import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../nn/builder.ts';
import { attention, conv2d, linear, patchEmbed } from '../../../nn/layers.ts';

describe('shape inference while building', () => {
  it('broadcasts elementwise ops and keeps a symbolic batch through linear, attention and reshape', () => {
    const b = new GraphBuilder('m', { seed: 1 });
    const x = b.input('x', ['batch', 5, 8]);
    const y = attention(linear(x, 'in', 16), 'attn', { heads: 4, causal: true });
    expect(y.dims).toEqual(['batch', 5, 16]);
    expect(y.add(b.input('bias', [1, 16])).dims).toEqual(['batch', 5, 16]);
    expect(y.reshape([0, -1]).dims).toEqual(['batch', 80]);
    expect(y.mean([1]).dims).toEqual(['batch', 16]);
  });

  it('computes strided, padded convolution and patch-embedding sizes', () => {
    const b = new GraphBuilder('c', { seed: 1 });
    const img = b.input('img', [2, 3, 16, 16]);
    expect(conv2d(img, 'c1', 8, 3, { stride: 2, pad: 1 }).dims).toEqual([2, 8, 8, 8]);
    expect(patchEmbed(img, 'patch', 32, 4).dims).toEqual([2, 16, 32]);
  });

  it('rejects mismatched shapes with the op, node and both shapes', () => {
    const b = new GraphBuilder('bad', { seed: 1 });
    const x = b.input('x', [2, 3]);
    expect(() => x.matmul(b.input('w', [4, 5]))).toThrow(
      /MatMul node 'MatMul_\d+': inner dims of \[2,3\] x \[4,5\] differ \(3 vs 4\)/,
    );
    expect(() => x.add(b.input('y', [4]))).toThrow(
      /Add node 'Add_\d+': cannot broadcast \[2,3\] with \[4\] \(dim 1: 3 vs 4\)/,
    );
    expect(() => x.reshape([4, 2])).toThrow(/cannot reshape \[2,3\] to \[4,2\] \(6 vs 8 elements\)/);
    expect(() => b.input('x', [1])).toThrow("value name 'x' is already used in graph 'bad'");
  });
});
