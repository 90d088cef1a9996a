import { expect } from 'vitest';
import { createRng } from '../../../common/rng.ts';
import { GraphBuilder } from '../../../nn/builder.ts';
import type { DType } from '../../../nn/dtype.ts';
import { grad } from '../../../nn/grad.ts';
import type { TensorData } from '../../../nn/graph.ts';
import { encodeOnnx } from '../../../nn/onnx-encode.ts';
import { OrtSession } from '../../../nn/ort-session.ts';
import type { Tensor } from '../../../nn/tensor.ts';

/** Declares a differentiated input with random values; `positive` keeps it in [0.5, 1.5]. */
export type Arg = (name: string, dims: number[], options?: { positive?: boolean }) => Tensor;

/** Tolerances of a central finite-difference check for a dtype. */
const settings: Record<'float32' | 'float64', { eps: number; atol: number; rtol: number }> = {
  float64: { eps: 1e-6, atol: 1e-7, rtol: 1e-5 },
  // float32: roundoff ~1e-7·|L|/eps dominates; stated tolerance 2e-3 absolute + 2e-2 relative
  float32: { eps: 3e-3, atol: 2e-3, rtol: 2e-2 },
};

/**
 * Checks reverse-mode gradients (of every `arg` and every builder parameter) of L = Σ out·R (R fixed random) against central finite differences,
 * with both graphs run by ONNX Runtime.
 */
export async function checkGradient(
  dtype: 'float32' | 'float64',
  body: (b: GraphBuilder, arg: Arg) => Tensor,
  seed = 1,
) {
  const rng = createRng(seed);
  const b = new GraphBuilder('check', { dtype, seed });
  const values: Record<string, TensorData> = {};
  const arg: Arg = (name, dims, options = {}) => {
    const n = dims.reduce((a, c) => a * c, 1);
    const data = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = options.positive ? 0.5 + rng.next() : rng.normal();
    values[name] = { dtype: dtype as DType, dims, data };
    return b.input(name, dims);
  };
  const out = body(b, arg);
  for (const [name, t] of b.params) values[name] = t;
  const r = new (dtype === 'float64' ? Float64Array : Float32Array)(
    out.dims.reduce((a: number, d) => a * (d as number), 1),
  );
  for (let i = 0; i < r.length; i++) r[i] = rng.normal();
  const loss = b.output('loss', out.mul(b.constant({ dtype, dims: out.dims as number[], data: r })).sum());
  const wrt = Object.keys(values);
  const g = grad(b.graph, loss.name, wrt);
  // ORT's extended fusions (e.g. QuickGelu) have float32-only kernels, so float64 graphs run at 'basic'
  const options = { graphOptimization: dtype === 'float64' ? ('basic' as const) : ('all' as const) };
  const gradSession = await OrtSession.create(encodeOnnx(g.graph), g.graph, options);
  const forward = { ...b.graph, outputs: [b.graph.outputs.find((o) => o.name === 'loss')!] };
  const lossSession = await OrtSession.create(encodeOnnx(forward), forward, options);
  const analytic = await gradSession.run(values);
  const { eps, atol, rtol } = settings[dtype];
  const lossAt = async () => Number((await lossSession.run(values)).loss.data[0]);
  for (const name of wrt) {
    const x = values[name].data as Float64Array;
    const ga = analytic[g.gradients.get(name)!];
    expect(ga.dims).toEqual(values[name].dims);
    for (let i = 0; i < x.length; i++) {
      const saved = x[i];
      x[i] = saved + eps;
      const up = await lossAt();
      x[i] = saved - eps;
      const down = await lossAt();
      x[i] = saved;
      const fd = (up - down) / (2 * eps);
      const got = Number(ga.data[i]);
      if (Math.abs(got - fd) > atol + rtol * Math.abs(fd)) {
        expect.fail(`d loss/d ${name}[${i}]: autodiff ${got}, finite difference ${fd}`);
      }
    }
  }
  await gradSession.release();
  await lossSession.release();
}
