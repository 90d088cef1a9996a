import { createRng, type Rng } from '../common/rng.ts';
import type { ChunkPolicy } from './chunk-policy.ts';
import { PolicyError } from './policy-error.ts';
import type { SamplerOptions } from './sampling/sampler-options.ts';

/** One planned chunk: actions float32 [H, A] in robot units, and where the time went. */
export interface PlannedChunk {
  actions: Float32Array;
  encodeMs: number;
  denoiseMs: number;
}

/** One robot's closed loop around a policy of any family: a goal, a window of recent frames, chunks on demand. */
export interface RobotPlanner {
  /** Sets the goal image (uint8 [S, S, 3]); it is embedded once and cached. */
  setGoal(frame: Uint8Array): Promise<void>;
  /** Records the newest observation; only the last W are kept. */
  observe(frame: Uint8Array, proprio: Float32Array): void;
  /** Samples the next chunk from the last W observations (the oldest repeated until W have arrived). */
  plan(): Promise<PlannedChunk>;
}

/** Creates a planner with its own seeded RNG, so a robot's samples never depend on other robots. */
export function createRobotPlanner(policy: ChunkPolicy, options: SamplerOptions, seed: number): RobotPlanner {
  const { window } = policy.manifest;
  const { embedDim } = policy;
  const rng: Rng = createRng(seed);
  let goal: Float32Array | undefined;
  const history: { frame: Uint8Array; proprio: Float32Array; embedding?: Float32Array }[] = [];

  return {
    async setGoal(frame) {
      goal = await policy.encode([frame]);
    },
    observe(frame, proprio) {
      history.push({ frame, proprio });
      if (history.length > window) history.shift();
    },
    async plan() {
      if (history.length === 0)
        throw new PolicyError('BAD_OBSERVATION', 'observation: none received before planning');
      const started = performance.now();
      const missing = history.filter((h) => h.embedding === undefined);
      if (missing.length > 0) {
        const embeddings = await policy.encode(missing.map((h) => h.frame));
        missing.forEach((h, i) => {
          h.embedding = embeddings.slice(i * embedDim, (i + 1) * embedDim);
        });
      }
      const encoded = performance.now();
      const slots = Array.from(
        { length: window },
        (_, k) => history[Math.max(0, history.length - window + k)],
      );
      const observation = new Float32Array(window * embedDim);
      const proprio = new Float32Array(window * policy.manifest.proprio.dim);
      slots.forEach((h, k) => {
        observation.set(h.embedding!, k * embedDim);
        proprio.set(h.proprio, k * policy.manifest.proprio.dim);
      });
      const [actions] = await policy.sample([{ goal, observation, proprio, rng }], options);
      const done = performance.now();
      return { actions, encodeMs: encoded - started, denoiseMs: done - encoded };
    },
  };
}
