import { dy0, type GradContext, type GradRule, input, notDifferentiable } from './grad-context.ts';
import { swapLast } from './grad-rules-linalg.ts';
import { attr } from './graph.ts';
import { convAttrs } from './shape-rules-linalg.ts';
import type { Tensor } from './tensor.ts';

/** A convolution's geometry per spatial axis; `pads` as ONNX orders them (all begins, then all ends). */
interface ConvGeometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  pads: number[];
}

// Written for ONNX Runtime's CPU provider, whose dense GEMMs are fast and whose ConvTranspose (on large
// planes) and huge-kernel Conv are not: a training step of the Act2Goal autoencoder (batch 128, 64×64)
// takes 0.45 s with these forms against 0.64–0.90 s with the textbook ones, ConvTranspose for dX and
// for dW a Conv with the batch as channels and dY as its kernel (BENCHMARKS.md, nn, "Convolution
// gradients"; `npm run bench -- conv`).

/**
 * Smallest dY plane whose dX is computed by Conv rather than ConvTranspose: on 4×4 planes with 256
 * channels ConvTranspose was the faster, from 8×8 on Conv.
 */
const MIN_CONV_PLANE = 64;

const conv: GradRule = (c: GradContext) => {
  const [x, w, dy] = [input(c, 0), input(c, 1), dy0(c)];
  const spatial = x.rank - 2;
  const { strides, dilations, pads, group } = convAttrs(c.node, spatial);
  if (group !== 1) throw notDifferentiable(c.node, `group ${group} convolutions`);
  const geometry = { kernel: w.dims.slice(2) as number[], strides, dilations, pads };
  const dx = c.needs(0) ? convInputGrad(x, w, dy, geometry) : undefined;
  const dw = c.needs(1) ? convWeightGrad(x, dy, geometry) : undefined;
  const db =
    c.x[2] !== undefined && c.needs(2) ? dy.sum([0, ...geometry.kernel.map((_, i) => i + 2)]) : undefined;
  return [dx, dw, db];
};

/**
 * dX. At unit stride, with pads within the kernel's reach and a dY plane of at least
 * {@link MIN_CONV_PLANE} positions: the full correlation of dY with the flipped, transposed kernel, a
 * plain Conv. Otherwise ConvTranspose, with the output padding that restores X's size.
 */
function convInputGrad(x: Tensor, w: Tensor, dy: Tensor, g: ConvGeometry): Tensor {
  const fullPads = fullCorrelationPads(g);
  const plane = (dy.dims.slice(2) as number[]).reduce((a, d) => a * d, 1);
  if (fullPads !== undefined && plane >= MIN_CONV_PLANE) {
    const axes = g.kernel.map((_, i) => i + 2);
    const flipped = w.transpose([1, 0, ...axes]).slice(
      axes.map(() => -1),
      axes.map(() => -(2 ** 31)),
      axes,
      axes.map(() => -1),
    );
    return w.b.op1('Conv', [dy, flipped], { dilations: attr.ints(g.dilations), pads: attr.ints(fullPads) });
  }
  const spatial = g.kernel.length;
  const outputPadding = g.kernel.map((k, i) => {
    const full =
      g.strides[i] * (dy.dim(i + 2) - 1) + (k - 1) * g.dilations[i] + 1 - g.pads[i] - g.pads[i + spatial];
    return x.dim(i + 2) - full;
  });
  return w.b.op1('ConvTranspose', [dy, w], {
    strides: attr.ints(g.strides),
    dilations: attr.ints(g.dilations),
    pads: attr.ints(g.pads),
    output_padding: attr.ints(outputPadding),
  });
}

/**
 * dW[o, i, k] = Σ_b Σ_p dY[b, o, p]·X̃[b, i, k, p], X̃ being the zero-padded input under kernel tap k at
 * output position p: the window of each tap is cut out (im2col), then one product per sample and a sum
 * over the batch.
 */
function convWeightGrad(x: Tensor, dy: Tensor, g: ConvGeometry): Tensor {
  const windows = im2col(padSpatial(x, g.pads), g, dy.dims.slice(2) as number[]);
  return dy
    .reshape([0, dy.dim(1), -1])
    .matmul(swapLast(windows))
    .sum([0])
    .reshape([dy.dim(1), x.dim(1), ...g.kernel]);
}

/**
 * At unit stride, the pads (all begins, then all ends) under which correlating dY with a kernel of the
 * same reach spans X's positions, (k − 1)·d − pad each; undefined at other strides or where a pad exceeds
 * the kernel's reach.
 */
function fullCorrelationPads(g: ConvGeometry): number[] | undefined {
  if (g.strides.some((s) => s !== 1)) return undefined;
  const reach = g.kernel.map((k, i) => (k - 1) * g.dilations[i]);
  const pads = [...reach, ...reach].map((r, j) => r - g.pads[j]);
  return pads.every((p) => p >= 0) ? pads : undefined;
}

/**
 * im2col of t float [B, C, ...S] (already padded): [B, C·taps, ∏size], row c·taps + tap holding channel
 * c's window of `size` output positions, tap k reading from k·dilation in strides, taps in the weight's
 * row-major order.
 */
function im2col(t: Tensor, g: ConvGeometry, size: number[]): Tensor {
  const axes = g.kernel.map((_, i) => i + 2);
  const positions = size.reduce((a, d) => a * d, 1);
  const windows = kernelTaps(g.kernel).map((tap) => {
    const from = tap.map((k, i) => k * g.dilations[i]);
    return t
      .slice(
        from,
        from.map((f, i) => f + g.strides[i] * (size[i] - 1) + 1),
        axes,
        g.strides,
      )
      .reshape([0, t.dim(1), 1, positions]);
  });
  const stacked = windows.length === 1 ? windows[0] : t.b.op1('Concat', windows, { axis: attr.int(2) });
  return stacked.reshape([0, t.dim(1) * windows.length, positions]);
}

/** Every tap of a kernel, as its index per spatial axis, in row-major order (the weight's layout). */
function kernelTaps(kernel: number[]): number[][] {
  return kernel.reduce<number[][]>(
    (taps, k) => taps.flatMap((t) => Array.from({ length: k }, (_, i) => [...t, i])),
    [[]],
  );
}

/** t float [B, C, ...S] zero-padded on its spatial axes by `pads` (all begins, then all ends). */
function padSpatial(t: Tensor, pads: number[]): Tensor {
  if (pads.every((p) => p === 0)) return t;
  const spatial = pads.length / 2;
  return t.b.op1('Pad', [t, t.b.ints([0, 0, ...pads.slice(0, spatial), 0, 0, ...pads.slice(spatial)])]);
}

/** Gradient rule of convolution. */
export const convGradRules: Record<string, GradRule> = { Conv: conv };
