import { type Vec2, WORLD } from './world.ts';

/** A disc the pusher's centre should stay out of. */
export interface Keepout {
  center: Vec2;
  radius: number;
}

const CELLS = 50;
const CELL = 1 / CELLS;
/** Extra cost per cell inside a keep-out zone: soft, so a pusher that starts inside one can still leave. */
const KEEPOUT_COST = 40;
const LOOKAHEAD_CELLS = 12;

/**
 * Plans a route for the pusher's centre from `from` to `to` on a 50×50 grid (8-connected Dijkstra)
 * around keep-out discs, and returns the farthest point along it that can be reached in a straight
 * line. Ties between equally short routes break toward `side` (±1), so episodes take different paths.
 */
export function nextWaypoint(from: Vec2, to: Vec2, keepouts: Keepout[], side: 1 | -1): Vec2 {
  if (segmentIsClear(from, to, keepouts)) return to;
  const cost = new Float64Array(CELLS * CELLS);
  for (let j = 0; j < CELLS; j++) {
    for (let i = 0; i < CELLS; i++) {
      const c = cellCenter(i, j);
      const edge = WORLD.pusherRadius;
      const outside = c.x < edge || c.x > 1 - edge || c.y < edge || c.y > 1 - edge;
      cost[j * CELLS + i] = outside ? Number.POSITIVE_INFINITY : insideAny(c, keepouts) ? KEEPOUT_COST : 0;
    }
  }
  const start = cellOf(from);
  const goal = cellOf(to);
  const previous = dijkstra(cost, start, goal, side);
  if (previous === undefined) return to;
  const path: number[] = [];
  for (let cell = goal; cell !== start; cell = previous[cell]) path.push(cell);
  path.reverse();
  let waypoint = to;
  for (let k = Math.min(LOOKAHEAD_CELLS, path.length) - 1; k >= 0; k--) {
    const candidate = k === path.length - 1 ? to : cellCenter(path[k] % CELLS, Math.floor(path[k] / CELLS));
    waypoint = candidate;
    if (segmentIsClear(from, candidate, keepouts)) break;
  }
  return waypoint;
}

function dijkstra(cost: Float64Array, start: number, goal: number, side: 1 | -1): Int32Array | undefined {
  const distanceTo = new Float64Array(CELLS * CELLS).fill(Number.POSITIVE_INFINITY);
  const previous = new Int32Array(CELLS * CELLS).fill(-1);
  const done = new Uint8Array(CELLS * CELLS);
  const neighbours = side === 1 ? NEIGHBOURS : [...NEIGHBOURS].reverse();
  const heap = new MinHeap();
  distanceTo[start] = 0;
  heap.push(0, start);
  while (heap.size > 0) {
    const cell = heap.pop();
    if (done[cell]) continue;
    done[cell] = 1;
    if (cell === goal) return previous;
    const i = cell % CELLS;
    const j = Math.floor(cell / CELLS);
    for (const [di, dj, length] of neighbours) {
      const ni = i + di;
      const nj = j + dj;
      if (ni < 0 || nj < 0 || ni >= CELLS || nj >= CELLS) continue;
      const next = nj * CELLS + ni;
      const step = length * (1 + cost[next]);
      if (!Number.isFinite(step) && next !== goal) continue;
      const candidate = distanceTo[cell] + (Number.isFinite(step) ? step : length);
      if (candidate < distanceTo[next] - 1e-12) {
        distanceTo[next] = candidate;
        previous[next] = cell;
        heap.push(candidate, next);
      }
    }
  }
  return undefined;
}

const NEIGHBOURS: readonly (readonly [number, number, number])[] = [
  [1, 0, 1],
  [1, 1, Math.SQRT2],
  [0, 1, 1],
  [-1, 1, Math.SQRT2],
  [-1, 0, 1],
  [-1, -1, Math.SQRT2],
  [0, -1, 1],
  [1, -1, Math.SQRT2],
];

/** True when the segment from `a` to `b` stays out of every keep-out disc (or, from inside one, heads out of it). */
export function segmentIsClear(a: Vec2, b: Vec2, keepouts: Keepout[]): boolean {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const lengthSquared = dx * dx + dy * dy;
  return keepouts.every(({ center, radius }) => {
    if (Math.hypot(a.x - center.x, a.y - center.y) < radius)
      return (center.x - a.x) * dx + (center.y - a.y) * dy <= 0;
    const t = lengthSquared === 0 ? 0 : ((center.x - a.x) * dx + (center.y - a.y) * dy) / lengthSquared;
    const u = Math.min(1, Math.max(0, t));
    return Math.hypot(a.x + u * dx - center.x, a.y + u * dy - center.y) >= radius;
  });
}

function insideAny(p: Vec2, keepouts: Keepout[]): boolean {
  return keepouts.some(({ center, radius }) => Math.hypot(p.x - center.x, p.y - center.y) < radius);
}

function cellOf(p: Vec2): number {
  const i = Math.min(CELLS - 1, Math.max(0, Math.floor(p.x / CELL)));
  const j = Math.min(CELLS - 1, Math.max(0, Math.floor(p.y / CELL)));
  return j * CELLS + i;
}

function cellCenter(i: number, j: number): Vec2 {
  return { x: (i + 0.5) * CELL, y: (j + 0.5) * CELL };
}

/** A binary min-heap of (priority, cell) pairs. */
class MinHeap {
  private readonly priorities: number[] = [];
  private readonly cells: number[] = [];
  get size(): number {
    return this.cells.length;
  }
  push(priority: number, cell: number): void {
    this.priorities.push(priority);
    this.cells.push(cell);
    let k = this.cells.length - 1;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (this.priorities[parent] <= this.priorities[k]) break;
      this.swap(k, parent);
      k = parent;
    }
  }
  pop(): number {
    const top = this.cells[0];
    const lastPriority = this.priorities.pop()!;
    const lastCell = this.cells.pop()!;
    if (this.cells.length > 0) {
      this.priorities[0] = lastPriority;
      this.cells[0] = lastCell;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < this.cells.length && this.priorities[l] < this.priorities[m]) m = l;
        if (r < this.cells.length && this.priorities[r] < this.priorities[m]) m = r;
        if (m === k) break;
        this.swap(k, m);
        k = m;
      }
    }
    return top;
  }
  private swap(a: number, b: number): void {
    [this.priorities[a], this.priorities[b]] = [this.priorities[b], this.priorities[a]];
    [this.cells[a], this.cells[b]] = [this.cells[b], this.cells[a]];
  }
}
