import { createRng, deriveSeed, type Rng } from '../common/rng.ts';
import type { ControlRequest, ControlResponse, StartSession } from '../proto/goalserve-messages.ts';
import { type FrameSlot, type ObservationSlot, planChunk } from './chunk-planner.ts';
import { modelCamera, type ObservationPart, readGoal, readObservation } from './observation-reader.ts';
import { ServerError } from './server-error.ts';
import { type SessionStartDeps, type StartedSession, startSession } from './session-start.ts';
import { StepMatcher } from './step-matcher.ts';

/** A client's ask for a chunk, stamped when it arrived. */
export interface ChunkTicket {
  episode: number;
  requestedAtMs: number;
}

/** What a message changed: responses to send now and, maybe, a chunk to plan. */
export interface Accepted {
  responses: ControlResponse[];
  ticket?: ChunkTicket;
}

/** What a session needs from its server. */
export type ControlSessionDeps = SessionStartDeps;

interface Episode {
  number: number;
  goal: FrameSlot;
  window: (ObservationSlot & Pick<ObservationPart, 'capturedAtUnixMs'> & { receivedAtUnixMs: number })[];
  matcher: StepMatcher;
  rng: Rng;
}

/**
 * One robot's session state: start → (goal → observations → end of episode)*. Messages are applied
 * synchronously (so order is kept without queues); only planning is asynchronous.
 */
export class ControlSession {
  private started: StartedSession | undefined;
  private episode: Episode | undefined;
  private episodes = 0;

  constructor(private readonly deps: ControlSessionDeps) {}

  /** Applies one client message; throws a ServerError naming the field when it is bad or out of order. */
  accept(request: ControlRequest): Accepted {
    switch (request.kind) {
      case 'start':
        return this.start(request.start ?? {});
      case 'goal': {
        const started = this.require('goal', 'start');
        const goal = readGoal(request.goal ?? {}, 'goal', started);
        this.episodes += 1;
        this.episode = {
          number: this.episodes,
          goal: goal.image,
          window: [],
          matcher: new StepMatcher(started.cameraNames.length === 0 ? [''] : started.cameraNames),
          rng: createRng(goal.seed ?? deriveSeed(started.seed, this.episodes)),
        };
        return { responses: [] };
      }
      case 'observation': {
        const started = this.require('observation', 'goal');
        const episode = this.requireEpisode('observation');
        const part = readObservation(request.observation ?? {}, 'observation', started);
        const previous = episode.window.at(-1);
        const lowest = Math.max(previous?.step ?? 0, episode.matcher.openStep ?? 0);
        if (part.step < lowest) {
          throw new ServerError(
            'BAD_REQUEST',
            `observation.step: expected at least the previous step ${lowest}, got ${part.step}`,
          );
        }
        const { complete, incomplete } = episode.matcher.add(part);
        const responses: ControlResponse[] = [];
        if (incomplete !== undefined) {
          const message = `observation(step ${incomplete.step}): no frame from camera ${incomplete.missingCameras.join(', ')} before step ${part.step}; step dropped`;
          responses.push({
            warning: {
              code: 'INCOMPLETE_STEP',
              message,
              observationStep: incomplete.step,
              episode: episode.number,
            },
          });
        }
        if (complete === undefined) return { responses };
        // The same step again (a re-sent observation) replaces the newest one.
        if (previous?.step === complete.step) episode.window.pop();
        const image = complete.frames.get(modelCamera(started))!;
        episode.window.push({ ...complete, image, receivedAtUnixMs: Date.now() });
        if (episode.window.length > started.model.manifest.window) episode.window.shift();
        return {
          responses,
          ticket: complete.requestChunk
            ? { episode: episode.number, requestedAtMs: performance.now() }
            : undefined,
        };
      }
      case 'endEpisode':
        this.requireEpisode('endEpisode');
        this.episode = undefined;
        return { responses: [] };
      default:
        throw new ServerError(
          'BAD_REQUEST',
          `request.kind: expected one of start, goal, observation, endEpisode, got ${request.kind ?? 'none'}`,
        );
    }
  }

  /** Plans a chunk from the newest window of the ticket's episode; a stale window gets a warning instead. */
  async plan(ticket: ChunkTicket): Promise<ControlResponse[]> {
    const started = this.started;
    const episode = this.episode;
    if (started === undefined || episode === undefined || episode.number !== ticket.episode) return [];
    const newest = episode.window[episode.window.length - 1];
    const ageMs = Date.now() - (newest.capturedAtUnixMs || newest.receivedAtUnixMs);
    const { maxFrameAgeMs } = this.deps.config;
    if (ageMs > maxFrameAgeMs) {
      const message = `observation(step ${newest.step}): frame is ${ageMs} ms old (maxFrameAgeMs ${maxFrameAgeMs}); dropped, no chunk planned`;
      return [
        { warning: { code: 'STALE_FRAME', message, observationStep: newest.step, episode: episode.number } },
      ];
    }
    const window = [...episode.window];
    const planned = await planChunk({
      model: started.model,
      goal: episode.goal,
      window,
      rng: episode.rng,
      sampler: started.sampler,
      decode: started.decode,
    });
    // An episode that ended while planning gets no chunk: its robot has moved on.
    if (this.episode?.number !== ticket.episode) return [];
    const { chunk, dim } = started.model.manifest.action;
    const totalMs = performance.now() - ticket.requestedAtMs;
    const busyMs = planned.timing.decodeMs + planned.timing.encodeMs + planned.timing.denoiseMs;
    return [
      {
        chunk: {
          episode: episode.number,
          observationStep: newest.step,
          firstActionStep: newest.step,
          length: chunk,
          actionDim: dim,
          actions: Array.from(planned.actions),
          timing: { ...planned.timing, queueMs: Math.max(planned.timing.queueMs, totalMs - busyMs), totalMs },
        },
      },
    ];
  }

  /** Frees the session's slot. */
  close(): void {
    this.started?.release();
  }

  private start(start: StartSession): Accepted {
    if (this.started !== undefined)
      throw new ServerError('OUT_OF_ORDER', 'start: the session has already started');
    const { started, response } = startSession(start, this.deps);
    this.started = started;
    return { responses: [{ started: response }] };
  }

  private require(field: string, after: 'start' | 'goal'): StartedSession {
    if (this.started === undefined)
      throw new ServerError('OUT_OF_ORDER', `${field}: received before start (send StartSession first)`);
    if (after === 'goal') this.requireEpisode(field);
    return this.started;
  }

  private requireEpisode(field: string): Episode {
    this.require(field, 'start');
    if (this.episode === undefined)
      throw new ServerError('OUT_OF_ORDER', `${field}: received before a goal (send SetGoal first)`);
    return this.episode;
  }
}
