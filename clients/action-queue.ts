import type { ActionChunk } from '../proto/goalserve-messages.ts';

/** How overlapping chunks are combined at a step. */
export type BlendMode = 'latest-only' | 'temporal-ensembling';

/** Blend names accepted by the client command. */
export const BLEND_MODES: readonly BlendMode[] = ['latest-only', 'temporal-ensembling'];

/** How an action queue uses chunks. */
export interface ActionQueueOptions {
  actionDim: number;
  /** Actions of each chunk put in the queue, from its first step (the rest of the chunk is ignored). */
  actionsPerChunk: number;
  blend: BlendMode;
  /** Temporal ensembling weight exp(−decay·i) for the i-th oldest prediction of a step (ACT, Zhao et al. 2023). */
  ensembleDecay: number;
}

/**
 * The robot's queue of upcoming actions keyed by absolute control step: chunks of another episode
 * or covering only past steps are dropped as stale, overlapping predictions are blended, and
 * `take` hands out the action for the current step and counts it as consumed.
 */
export class ActionQueue {
  private readonly predictions = new Map<number, Float32Array[]>();
  private episodeNumber = 0;
  private currentStep = 0;
  /** Actions handed out so far in this episode. */
  consumed = 0;

  constructor(private readonly options: ActionQueueOptions) {}

  /** The next control step to execute. */
  get step(): number {
    return this.currentStep;
  }

  /** Starts an episode: empties the queue and rewinds to step 0. */
  reset(episode: number): void {
    this.predictions.clear();
    this.episodeNumber = episode;
    this.currentStep = 0;
    this.consumed = 0;
  }

  /** Adds a chunk's actions for steps from now on; returns false (and adds nothing) when it is stale. */
  accept(chunk: ActionChunk): boolean {
    const { actionDim } = this.options;
    const usable = Math.min(this.options.actionsPerChunk, chunk.length);
    const end = chunk.firstActionStep + usable;
    if (chunk.episode !== this.episodeNumber || end <= this.currentStep || chunk.actionDim !== actionDim)
      return false;
    for (let step = Math.max(this.currentStep, chunk.firstActionStep); step < end; step++) {
      const k = step - chunk.firstActionStep;
      const action = Float32Array.from(chunk.actions.slice(k * actionDim, (k + 1) * actionDim));
      if (this.options.blend === 'latest-only') this.predictions.set(step, [action]);
      else this.predictions.set(step, [...(this.predictions.get(step) ?? []), action]);
    }
    return true;
  }

  /** Queued actions from the current step on, without gaps. */
  remaining(): number {
    let n = 0;
    while (this.predictions.has(this.currentStep + n)) n++;
    return n;
  }

  /** The (blended) action for the current step, advancing to the next; undefined when none is queued. */
  take(): Float32Array | undefined {
    const list = this.predictions.get(this.currentStep);
    if (list === undefined) return undefined;
    this.predictions.delete(this.currentStep);
    this.currentStep += 1;
    this.consumed += 1;
    return this.blend(list);
  }

  private blend(list: Float32Array[]): Float32Array {
    if (list.length === 1) return list[0];
    const out = new Float32Array(this.options.actionDim);
    let total = 0;
    list.forEach((action, i) => {
      const weight = Math.exp(-this.options.ensembleDecay * i);
      total += weight;
      for (let a = 0; a < out.length; a++) out[a] += weight * action[a];
    });
    for (let a = 0; a < out.length; a++) out[a] /= total;
    return out;
  }
}
