import type { ClientDuplexStream, ServiceError } from '@grpc/grpc-js';
import { filter, map, type Observable, Subject } from 'rxjs';
import type {
  ActionChunk,
  ControlRequest,
  ControlResponse,
  Observation,
  SessionStarted,
  SetGoal,
  StartSession,
  Warning,
} from '../proto/goalserve-messages.ts';
import type { PolicyClient } from './policy-client.ts';

/** An open Control stream: messages out, chunks and warnings in. */
export class RobotSession {
  /** Every response after `started`; errors with the stream's status, completes when it ends OK. */
  readonly responses$: Observable<ControlResponse>;
  readonly chunks$: Observable<ActionChunk>;
  readonly warnings$: Observable<Warning>;
  /** Resolves when the stream ends OK; rejects with its ServiceError otherwise. */
  readonly closed: Promise<void>;

  private constructor(
    private readonly call: ClientDuplexStream<ControlRequest, ControlResponse>,
    readonly started: SessionStarted,
    responses: Subject<ControlResponse>,
    closed: Promise<void>,
  ) {
    this.responses$ = responses;
    this.chunks$ = responses.pipe(
      map((r) => r.chunk),
      filter((c): c is ActionChunk => c !== undefined),
    );
    this.warnings$ = responses.pipe(
      map((r) => r.warning),
      filter((w): w is Warning => w !== undefined),
    );
    this.closed = closed;
  }

  /** Opens a stream, sends StartSession and resolves once the server answers `started`. */
  static open(client: PolicyClient, start: StartSession): Promise<RobotSession> {
    const call = client.control();
    const responses = new Subject<ControlResponse>();
    const closed = new Promise<void>((resolve, reject) => {
      call.on('error', (error: ServiceError) => {
        responses.error(error);
        reject(error);
      });
      call.on('end', () => {
        responses.complete();
        resolve();
      });
    });
    closed.catch(() => undefined);
    return new Promise((resolve, reject) => {
      let session: RobotSession | undefined;
      call.on('data', (response: ControlResponse) => {
        if (session !== undefined) responses.next(response);
        else if (response.started !== undefined) {
          session = new RobotSession(call, response.started, responses, closed);
          resolve(session);
        }
      });
      closed.then(() => reject(new Error('Control stream ended before started')), reject);
      call.write({ start });
    });
  }

  /** Starts an episode with this goal. */
  setGoal(goal: SetGoal): void {
    this.call.write({ goal });
  }

  /** Sends an observation (set requestChunk to ask for a chunk planned from it). */
  observe(observation: Observation): void {
    this.call.write({ observation });
  }

  /** Ends the current episode. */
  endEpisode(): void {
    this.call.write({ endEpisode: {} });
  }

  /** Half-closes the stream; the server finishes the chunk in flight and ends it. */
  end(): Promise<void> {
    this.call.end();
    return this.closed;
  }

  /** Cancels the stream at once. */
  cancel(): void {
    this.call.cancel();
  }
}
