import type { Subscription } from 'rxjs';
import type { Observation, SetGoal } from '../proto/goalserve-messages.ts';
import { ActionQueue, type BlendMode } from './action-queue.ts';
import type { RobotSession } from './robot-session.ts';

/** When to ask for chunks and how to combine them. */
export interface ChunkSchedulerOptions {
  /**
   * Ask for the next chunk once at most threshold × actionsPerChunk actions remain queued, so it is
   * planned while those execute (0 = only when the queue is empty: lock-step, like `goalserve eval`).
   */
  threshold: number;
  blend: BlendMode;
  ensembleDecay: number;
}

/**
 * Drives one robot session: keeps the action queue, sends each observation (asking for a chunk when
 * the queue runs low and none is outstanding), drops stale chunks, measures chunk latency (request
 * sent → chunk received) and counts stalls (an action needed, none queued, after an episode's first chunk).
 */
export class ChunkScheduler {
  readonly latenciesMs: number[] = [];
  stalls = 0;
  private readonly queue: ActionQueue;
  private readonly subscriptions: Subscription[] = [];
  private episode = 0;
  private outstanding: { step: number; sentAt: number } | undefined;
  private lastObservation: Observation | undefined;
  private wake: (() => void) | undefined;
  private failure: unknown;

  constructor(
    private readonly session: RobotSession,
    private readonly options: ChunkSchedulerOptions,
  ) {
    const { actionDim, actionsPerChunk } = session.started;
    this.queue = new ActionQueue({
      actionDim,
      actionsPerChunk,
      blend: options.blend,
      ensembleDecay: options.ensembleDecay,
    });
    this.subscriptions.push(
      session.chunks$.subscribe({
        next: (chunk) => {
          if (!this.queue.accept(chunk)) return;
          if (this.outstanding !== undefined && chunk.observationStep >= this.outstanding.step) {
            this.latenciesMs.push(performance.now() - this.outstanding.sentAt);
            this.outstanding = undefined;
          }
          this.notify();
        },
        error: (error) => {
          this.failure = error;
          this.notify();
        },
      }),
      session.warnings$.subscribe((warning) => {
        if (warning.episode !== this.episode) return;
        // The server dropped the request (e.g. a stale frame): ask again from the newest observation.
        this.outstanding = undefined;
        if (this.wake !== undefined && this.lastObservation !== undefined) {
          this.send({ ...this.lastObservation, capturedAtUnixMs: 0 }, true);
        }
      }),
    );
  }

  /** Starts an episode with this goal (the server numbers episodes the same way). */
  startEpisode(goal: SetGoal): void {
    this.episode += 1;
    this.queue.reset(this.episode);
    this.outstanding = undefined;
    this.lastObservation = undefined;
    this.session.setGoal(goal);
  }

  /** Sends the robot's newest observation, asking for a chunk when the queue is running low. */
  observe(observation: Omit<Observation, 'requestChunk'>): void {
    const low = this.queue.remaining() <= this.options.threshold * this.session.started.actionsPerChunk;
    this.send(observation, low && this.outstanding === undefined);
  }

  /** The action for the current step, waiting for a chunk when none is queued. */
  async nextAction(): Promise<Float32Array> {
    let action = this.queue.take();
    if (action !== undefined) return action;
    if (this.queue.consumed > 0) this.stalls += 1;
    while (action === undefined) {
      if (this.failure !== undefined) throw this.failure;
      if (this.outstanding === undefined && this.lastObservation !== undefined)
        this.send(this.lastObservation, true);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      action = this.queue.take();
    }
    return action;
  }

  /** Ends the current episode. */
  endEpisode(): void {
    this.session.endEpisode();
  }

  /** Stops listening to the session. */
  dispose(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }

  private send(observation: Observation, requestChunk: boolean): void {
    this.lastObservation = observation;
    if (requestChunk) this.outstanding = { step: observation.step ?? 0, sentAt: performance.now() };
    this.session.observe({ ...observation, requestChunk });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
