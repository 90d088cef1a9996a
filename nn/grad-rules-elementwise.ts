import { dy0, type GradRule, input, unbroadcast, whereZero } from './grad-context.ts';
import { attrInt } from './graph.ts';
import { scalar } from './tensor-data.ts';

/** Gradient rules of elementwise math, activations and selections. */
export const elementwiseGradRules: Record<string, GradRule> = {
  Identity: (c) => [dy0(c)],
  Neg: (c) => [dy0(c).neg()],
  Add: (c) => [0, 1].map((i) => (c.needs(i) ? unbroadcast(dy0(c), input(c, i).dims) : undefined)),
  Sub: (c) => [
    c.needs(0) ? unbroadcast(dy0(c), input(c, 0).dims) : undefined,
    c.needs(1) ? unbroadcast(dy0(c).neg(), input(c, 1).dims) : undefined,
  ],
  Mul: (c) => [
    c.needs(0) ? unbroadcast(dy0(c).mul(input(c, 1)), input(c, 0).dims) : undefined,
    c.needs(1) ? unbroadcast(dy0(c).mul(input(c, 0)), input(c, 1).dims) : undefined,
  ],
  // y = a/b: da = dy/b, db = −dy·y/b
  Div: (c) => [
    c.needs(0) ? unbroadcast(dy0(c).div(input(c, 1)), input(c, 0).dims) : undefined,
    c.needs(1) ? unbroadcast(dy0(c).mul(c.y[0]).div(input(c, 1)).neg(), input(c, 1).dims) : undefined,
  ],
  // y = a^p: da = dy·p·a^(p−1), dp = dy·y·ln a
  Pow: (c) => {
    const [a, p] = [input(c, 0), input(c, 1)];
    return [
      c.needs(0)
        ? unbroadcast(
            dy0(c)
              .mul(p)
              .mul(a.pow(p.sub(1))),
            a.dims,
          )
        : undefined,
      c.needs(1) ? unbroadcast(dy0(c).mul(c.y[0]).mul(a.log()), p.dims) : undefined,
    ];
  },
  Sqrt: (c) => [dy0(c).mul(0.5).div(c.y[0])],
  Reciprocal: (c) => [dy0(c).mul(c.y[0]).mul(c.y[0]).neg()],
  Exp: (c) => [dy0(c).mul(c.y[0])],
  Log: (c) => [dy0(c).div(input(c, 0))],
  Tanh: (c) => [dy0(c).mul(c.y[0].mul(c.y[0]).neg().add(1))],
  Sigmoid: (c) => [dy0(c).mul(c.y[0].mul(c.y[0].neg().add(1)))],
  Relu: (c) => [
    whereZero(c.b.op1('Greater', [input(c, 0), c.b.constant(scalar(input(c, 0).dtype, 0))]), dy0(c), false),
  ],
  // d erf(x)/dx = 2/√π · exp(−x²)
  Erf: (c) => {
    const x = input(c, 0);
    return [
      dy0(c).mul(
        x
          .mul(x)
          .neg()
          .exp()
          .mul(2 / Math.sqrt(Math.PI)),
      ),
    ];
  },
  Cast: (c) => [dy0(c).cast(input(c, 0).dtype)],
  Where: (c) => {
    const cond = input(c, 0);
    return [
      undefined,
      c.needs(1) ? unbroadcast(whereZero(cond, dy0(c), false), input(c, 1).dims) : undefined,
      c.needs(2) ? unbroadcast(whereZero(cond, dy0(c), true), input(c, 2).dims) : undefined,
    ];
  },
  Trilu: (c) => [c.b.op1('Trilu', [dy0(c), c.x[1]], c.node.attrs)],
  // dx = y·(dy − Σ_axis dy·y)
  Softmax: (c) => {
    const y = c.y[0];
    const axis = attrInt(c.node, 'axis', -1);
    const dot = dy0(c).mul(y).sum([axis], true);
    return [y.mul(dy0(c).sub(dot))];
  },
  // y = x − logΣexp(x): dx = dy − exp(y)·Σ_axis dy
  LogSoftmax: (c) => {
    const axis = attrInt(c.node, 'axis', -1);
    return [dy0(c).sub(c.y[0].exp().mul(dy0(c).sum([axis], true)))];
  },
};
