import { createRng, deriveSeed, type Rng } from '../common/rng.ts';
import { createRenderer, type Renderer } from '../sim/renderer.ts';
import { getTask } from '../sim/tasks.ts';
import { distance, type Vec2, WORLD } from '../sim/world.ts';
import type { EpisodeStore } from './episode-store.ts';

/**
 * Stage-0 frames of random states over the whole table. Demonstrations keep the pusher and blocks
 * away from the walls, so an encoder trained on them alone misplaces a pusher near a wall by about
 * 0.15 (a block's radius is 0.05), and a policy that drifts there acts on those estimates
 * (BENCHMARKS.md, act2goal point 20). A slot takes such a frame with probability `share`.
 */
export interface CoverageFrames {
  share: number;
  seed: number;
  /**
   * Chance that a disc of a coverage state is drawn against a wall rather than uniformly (default 0),
   * see {@link randomTableState}.
   */
  wallShare?: number;
}

/** A coverage frame: its pixels and the state drawn (pusher x, y then each block's x, y). */
export interface CoverageFrame {
  frame: Uint8Array;
  state: Float32Array;
}

/** Salt that keeps the coverage draws apart from the JPEG-copy draws of the same slot. */
const COVERAGE_STREAM = 0xc0ffee;

/**
 * Draws whether batch slot `slot` of training step `step` takes a coverage frame and, if so, renders
 * one with the objects of `task` (its block count and colours) → the frame, or undefined. The draw
 * depends on (seed, step, slot) only, so a resumed run feeds the same pixels.
 */
export type CoverageDraw = (task: string, step: number, slot: number) => CoverageFrame | undefined;

/** Creates the draw of {@link CoverageDraw} for a store's image size, one renderer per task. */
export function createCoverageDraw(store: EpisodeStore, coverage: CoverageFrames): CoverageDraw {
  const renderers = new Map<string, Renderer>();
  const rendererOf = (name: string) => {
    let renderer = renderers.get(name);
    if (renderer === undefined) {
      const task = getTask(name);
      const size = store.imageSize;
      renderer = createRenderer({
        width: size,
        height: size,
        camera: task.camera,
        blockColors: task.blockColors,
      });
      renderers.set(name, renderer);
    }
    return renderer;
  };
  return (task, step, slot) => {
    const rng = createRng(deriveSeed(coverage.seed, step, slot, COVERAGE_STREAM));
    if (rng.next() >= coverage.share) return undefined;
    const { pusher, blocks } = randomTableState(getTask(task).blockCount, rng, coverage.wallShare);
    const frame = rendererOf(task).render({ pusher, blocks });
    return { frame, state: Float32Array.from([pusher, ...blocks].flatMap((p) => [p.x, p.y])) };
  };
}

/**
 * A state uniform over every place the pusher and `blockCount` blocks can reach (each disc inside the
 * table), no two discs overlapping. With `wallShare` > 0 each disc is instead, with that chance, drawn
 * touching one of the four walls (chosen uniformly) at a uniform place along it: a uniform draw almost
 * never puts a disc exactly there, yet a pusher a policy drove into a wall stays there, and an encoder
 * trained without such frames placed it about 0.1 inside the table (BENCHMARKS.md, act2goal point 23).
 */
export function randomTableState(
  blockCount: number,
  rng: Rng,
  wallShare = 0,
): { pusher: Vec2; blocks: Vec2[] } {
  const inside = (radius: number): Vec2 => {
    if (wallShare > 0 && rng.next() < wallShare) return againstWall(radius, rng);
    return { x: rng.uniform(radius, 1 - radius), y: rng.uniform(radius, 1 - radius) };
  };
  const pusher = inside(WORLD.pusherRadius);
  const blocks: Vec2[] = [];
  while (blocks.length < blockCount) {
    const block = inside(WORLD.blockRadius);
    const clear =
      distance(block, pusher) >= WORLD.blockRadius + WORLD.pusherRadius &&
      blocks.every((other) => distance(block, other) >= 2 * WORLD.blockRadius);
    if (clear) blocks.push(block);
  }
  return { pusher, blocks };
}

/** A disc of `radius` touching a wall drawn uniformly, at a uniform place along it. */
function againstWall(radius: number, rng: Rng): Vec2 {
  const wall = Math.floor(rng.next() * 4);
  const along = rng.uniform(radius, 1 - radius);
  const across = wall % 2 === 0 ? radius : 1 - radius;
  return wall < 2 ? { x: across, y: along } : { x: along, y: across };
}
