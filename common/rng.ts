/**
 * Seeded pseudo-random numbers shared by every folder (sim, samplers, training): sfc32 for uniforms,
 * Box–Muller for normals. Same seed, same sequence, on every platform.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Whole number in [0, n). */
  int(n: number): number;
  /** Fills `out` with independent N(0, 1) samples and returns it. */
  fillNormal<T extends Float32Array | Float64Array>(out: T): T;
}

/** Mixes a seed with further integers into a new 32-bit seed (splitmix-style), e.g. a per-episode seed. */
export function deriveSeed(seed: number, ...salts: number[]): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const salt of [...salts, salts.length]) {
    h = Math.imul(h ^ (salt >>> 0), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/** Creates a generator from a 32-bit seed. */
export function createRng(seed: number): Rng {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  let spare: number | undefined;
  const nextUint32 = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) nextUint32();

  const next = (): number => nextUint32() / 4294967296;
  const normal = (): number => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const u = 1 - next();
    const v = next();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
  return {
    next,
    normal,
    uniform: (min, max) => min + (max - min) * next(),
    int: (n) => Math.floor(next() * n),
    fillNormal: (out) => {
      for (let i = 0; i < out.length; i++) out[i] = normal();
      return out;
    },
  };
}
