import type { Frame, Observation, SetGoal } from '../../../proto/goalserve-messages.ts';
import { createTabletopEnv } from '../../../sim/tabletop-env.ts';

/** Raw RGB frame messages of the tiny model's size (16×16). */
export function rawFrame(rgb: Uint8Array, sizePx = 16): Frame {
  return { encoding: 'IMAGE_ENCODING_RAW_RGB', data: rgb, widthPx: sizePx, heightPx: sizePx };
}

/** A push1 goal and a stream of valid observations from the simulator, with raw 16×16 frames. */
export function createRobotMessages(seed = 1000) {
  const env = createTabletopEnv('push1', { imageSize: 16 });
  const { observation, goal } = env.reset(seed);
  const goalMessage: SetGoal = { frames: [rawFrame(goal.frame)], proprio: [...goal.proprio], seed };
  let step = 0;
  let current = observation;
  return {
    goal: goalMessage,
    /** The current observation as a message (requesting a chunk unless told otherwise). */
    observation(requestChunk = true): Observation {
      return { step, frames: [rawFrame(current.frame)], proprio: [...current.proprio], requestChunk };
    },
    /** Steps the simulator with an action and returns the new observation message. */
    advance(action: ArrayLike<number>, requestChunk = true): Observation {
      const result = env.step(action);
      step = result.step;
      current = result.observation;
      return this.observation(requestChunk);
    },
  };
}
