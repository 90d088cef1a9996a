import { createRng, deriveSeed } from '../common/rng.ts';
import { SimError } from './sim-error.ts';
import type { CameraSpec, Rgb } from './tasks.ts';
import { clamp, WORLD, type WorldState } from './world.ts';

/** Colours of the fixed parts of the scene. */
export const SCENE_COLORS = {
  table: [222, 212, 190] as Rgb,
  wall: [96, 78, 62] as Rgb,
  pusher: [58, 58, 66] as Rgb,
};

/** Options for a software camera. */
export interface RendererOptions {
  width: number;
  height: number;
  camera: CameraSpec;
  blockColors: readonly Rgb[];
  /** Light value-noise texture on the table, fixed in world space (default true). */
  texture?: boolean;
  /** Seed of the table texture (default 0). */
  textureSeed?: number;
}

/** Draws world states as images. */
export interface Renderer {
  readonly width: number;
  readonly height: number;
  /** uint8 [H, W, 3], RGB, row 0 at the top (world y = high). Writes into `out` when given. */
  render(state: WorldState, out?: Uint8Array): Uint8Array;
}

const MIN_SIDE = 16;
const MAX_SIDE = 1024;
const TEXTURE_AMPLITUDE = 0.06;
const TEXTURE_CELLS = 24;

/** Creates a renderer: the table and walls are drawn once; each frame copies them and adds anti-aliased discs. */
export function createRenderer(options: RendererOptions): Renderer {
  const { width, height, camera } = options;
  for (const [name, side] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(side) || side < MIN_SIDE || side > MAX_SIDE) {
      throw new SimError(
        'BAD_IMAGE_SIZE',
        `${name}: expected a whole number ${MIN_SIDE}..${MAX_SIDE}, got ${side}`,
      );
    }
  }
  // Square pixels: the camera's view spans viewSize along the longer image side.
  const pixelsPerUnit = Math.max(width, height) / camera.viewSize;
  const originX = camera.centerX - width / 2 / pixelsPerUnit;
  const originY = camera.centerY + height / 2 / pixelsPerUnit;
  const background = drawBackground(options, pixelsPerUnit, originX, originY);

  const drawDisc = (out: Uint8Array, cx: number, cy: number, radius: number, color: Rgb) => {
    const px = (cx - originX) * pixelsPerUnit;
    const py = (originY - cy) * pixelsPerUnit;
    const r = radius * pixelsPerUnit;
    const x0 = Math.max(0, Math.floor(px - r - 1));
    const x1 = Math.min(width - 1, Math.ceil(px + r + 1));
    const y0 = Math.max(0, Math.floor(py - r - 1));
    const y1 = Math.min(height - 1, Math.ceil(py + r + 1));
    for (let y = y0; y <= y1; y++) {
      const dy = y + 0.5 - py;
      for (let x = x0; x <= x1; x++) {
        const dx = x + 0.5 - px;
        // Coverage from the signed distance to the rim, one pixel wide: anti-aliased edges.
        const coverage = r + 0.5 - Math.sqrt(dx * dx + dy * dy);
        if (coverage <= 0) continue;
        const a = Math.min(1, coverage);
        const i = (y * width + x) * 3;
        out[i] = out[i] + (color[0] - out[i]) * a + 0.5;
        out[i + 1] = out[i + 1] + (color[1] - out[i + 1]) * a + 0.5;
        out[i + 2] = out[i + 2] + (color[2] - out[i + 2]) * a + 0.5;
      }
    }
  };

  return {
    width,
    height,
    render(state, out = new Uint8Array(width * height * 3)) {
      out.set(background);
      state.blocks.forEach((block, i) => {
        drawDisc(
          out,
          block.x,
          block.y,
          WORLD.blockRadius,
          options.blockColors[i % options.blockColors.length],
        );
      });
      drawDisc(out, state.pusher.x, state.pusher.y, WORLD.pusherRadius, SCENE_COLORS.pusher);
      return out;
    },
  };
}

/** The static scene: textured table inside the unit square, walls outside, an anti-aliased edge between. */
function drawBackground(options: RendererOptions, pixelsPerUnit: number, originX: number, originY: number) {
  const { width, height } = options;
  const noise = options.texture === false ? () => 0 : createValueNoise(options.textureSeed ?? 0);
  const image = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const wy = originY - (y + 0.5) / pixelsPerUnit;
    for (let x = 0; x < width; x++) {
      const wx = originX + (x + 0.5) / pixelsPerUnit;
      const inside = Math.min(wx, 1 - wx, wy, 1 - wy) * pixelsPerUnit;
      const tableShare = clamp(inside + 0.5, 0, 1);
      const shade = 1 + TEXTURE_AMPLITUDE * noise(wx, wy);
      for (let c = 0; c < 3; c++) {
        const value = SCENE_COLORS.table[c] * shade * tableShare + SCENE_COLORS.wall[c] * (1 - tableShare);
        image[(y * width + x) * 3 + c] = clamp(Math.round(value), 0, 255);
      }
    }
  }
  return image;
}

/** Smooth value noise in [−1, 1] over world coordinates, two octaves, from a seeded lattice. */
function createValueNoise(seed: number): (x: number, y: number) => number {
  const rng = createRng(deriveSeed(seed, 0x7e47));
  const size = TEXTURE_CELLS * 2 + 2;
  const lattice = Float64Array.from({ length: size * size }, () => rng.uniform(-1, 1));
  const octave = (x: number, y: number, cells: number) => {
    const gx = clamp(x, 0, 1) * cells;
    const gy = clamp(y, 0, 1) * cells;
    const ix = Math.min(Math.floor(gx), cells - 1);
    const iy = Math.min(Math.floor(gy), cells - 1);
    const fx = smooth(gx - ix);
    const fy = smooth(gy - iy);
    const at = (i: number, j: number) => lattice[j * size + i];
    const top = at(ix, iy) + (at(ix + 1, iy) - at(ix, iy)) * fx;
    const bottom = at(ix, iy + 1) + (at(ix + 1, iy + 1) - at(ix, iy + 1)) * fx;
    return top + (bottom - top) * fy;
  };
  return (x, y) => 0.65 * octave(x, y, TEXTURE_CELLS / 2) + 0.35 * octave(x, y, TEXTURE_CELLS * 2);
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}
