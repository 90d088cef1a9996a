import { describe, expect, it } from 'vitest';
import { createRenderer, SCENE_COLORS } from '../../../sim/renderer.ts';
import { createTabletopEnv } from '../../../sim/tabletop-env.ts';
import { DEFAULT_CAMERA, TRAINING_BLOCK_COLORS } from '../../../sim/tasks.ts';
import type { WorldState } from '../../../sim/world.ts';

/** The pixel whose centre is nearest to world point (x, y) under the default 1.1-wide camera. */
function pixelAt(image: Uint8Array, size: number, x: number, y: number): number[] {
  const perUnit = size / DEFAULT_CAMERA.viewSize;
  const col = Math.floor((x - (0.5 - DEFAULT_CAMERA.viewSize / 2)) * perUnit);
  const row = Math.floor((0.5 + DEFAULT_CAMERA.viewSize / 2 - y) * perUnit);
  const i = (row * size + col) * 3;
  return [image[i], image[i + 1], image[i + 2]];
}

/** A square renderer with the default camera and training colours. */
function squareRenderer(size: number, texture = true) {
  return createRenderer({
    width: size,
    height: size,
    camera: DEFAULT_CAMERA,
    blockColors: TRAINING_BLOCK_COLORS,
    texture,
  });
}

const state: WorldState = {
  pusher: { x: 0.2, y: 0.8 },
  blocks: [
    { x: 0.5, y: 0.3 },
    { x: 0.75, y: 0.6 },
  ],
};

describe('createRenderer', () => {
  it.each([64, 96, 128])('renders RGB uint8 images of %i×%i', (size) => {
    const renderer = squareRenderer(size);
    const image = renderer.render(state);
    expect(image).toBeInstanceOf(Uint8Array);
    expect(image.length).toBe(size * size * 3);
  });

  it('draws each body in its colour at its position, the table inside and the walls outside the arena', () => {
    const size = 128;
    const renderer = squareRenderer(size, false);
    const image = renderer.render(state);
    expect(pixelAt(image, size, 0.5, 0.3)).toEqual([...TRAINING_BLOCK_COLORS[0]]);
    expect(pixelAt(image, size, 0.75, 0.6)).toEqual([...TRAINING_BLOCK_COLORS[1]]);
    expect(pixelAt(image, size, 0.2, 0.8)).toEqual([...SCENE_COLORS.pusher]);
    expect(pixelAt(image, size, 0.5, 0.6)).toEqual([...SCENE_COLORS.table]);
    expect(pixelAt(image, size, -0.03, 0.5)).toEqual([...SCENE_COLORS.wall]);
  });

  it('anti-aliases rims: a pixel on a block edge mixes block and table colours', () => {
    const size = 64;
    const renderer = squareRenderer(size, false);
    const image = renderer.render({ pusher: { x: 0.1, y: 0.1 }, blocks: [{ x: 0.5, y: 0.5 }] });
    const perUnit = size / DEFAULT_CAMERA.viewSize;
    const row = Math.floor((0.55 - 0.5) * perUnit + 0.5 * size);
    const mixed = Array.from({ length: size }, (_, col) => image[(row * size + col) * 3]).filter(
      (red) => red !== SCENE_COLORS.table[0] && red !== TRAINING_BLOCK_COLORS[0][0],
    );
    expect(mixed.length).toBeGreaterThanOrEqual(2);
  });

  it('adds a light table texture that stays within ±8% of the table colour', () => {
    const renderer = squareRenderer(64);
    const image = renderer.render({ pusher: { x: 0.1, y: 0.1 }, blocks: [] });
    const reds = [0.3, 0.5, 0.7].flatMap((x) => [0.3, 0.5, 0.7].map((y) => pixelAt(image, 64, x, y)[0]));
    expect(new Set(reds).size).toBeGreaterThan(1);
    for (const red of reds)
      expect(Math.abs(red - SCENE_COLORS.table[0])).toBeLessThanOrEqual(0.08 * SCENE_COLORS.table[0]);
  });

  it('rejects image sizes that are not whole numbers in 16..1024, naming the field', () => {
    expect(() => createRenderer({ width: 8, height: 64, camera: DEFAULT_CAMERA, blockColors: [] })).toThrow(
      /width/,
    );
    expect(() =>
      createRenderer({ width: 64, height: 64.5, camera: DEFAULT_CAMERA, blockColors: [] }),
    ).toThrow(/height/);
  });
});

describe('goal images', () => {
  it('equal the render of the goal state', () => {
    const env = createTabletopEnv('push2', { imageSize: 96 });
    const { goal } = env.reset(3);
    expect(goal.frame).toEqual(env.renderer.render(goal.state));
  });
});
