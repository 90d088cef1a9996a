import type { Rng } from '../common/rng.ts';
import type { SamplerOptions } from '../policies/sampling/sampler-options.ts';
import type { ChunkTiming, Frame } from '../proto/goalserve-messages.ts';
import { decodeFrame, type FrameDecodeOptions } from './frame-decoder.ts';
import type { ServedModel } from './model-registry.ts';

/** A received frame, decoded and embedded lazily (only when it is in a window being planned), then cached. */
export interface FrameSlot {
  frame: Frame;
  /** Where the frame came from, for error messages, e.g. `observation(step 12).frames[0]`. */
  field: string;
  embedding?: Float32Array;
}

/** One observation kept in a session's window. */
export interface ObservationSlot {
  step: number;
  image: FrameSlot;
  /** float32 [P] in robot units, already checked. */
  proprio: Float32Array;
}

/** Everything one chunk is planned from. */
export interface PlanInput {
  model: ServedModel;
  goal: FrameSlot;
  /** The latest observations, oldest first (1..W; the oldest is repeated up to W). */
  window: readonly ObservationSlot[];
  rng: Rng;
  sampler: SamplerOptions;
  decode: FrameDecodeOptions;
}

/** A planned chunk: actions float32 [H, A] in robot units and where the time went (totalMs excluded). */
export interface PlannedChunk {
  actions: Float32Array;
  timing: Omit<ChunkTiming, 'totalMs'>;
}

/**
 * Plans one chunk: decodes the frames not decoded yet (sharp), embeds the ones not embedded yet
 * (sharing encoder runs with other sessions), then samples (sharing denoiser runs).
 */
export async function planChunk(input: PlanInput): Promise<PlannedChunk> {
  const { model } = input;
  const { window: size } = model.manifest;
  const slots = Array.from(
    { length: size },
    (_, k) => input.window[Math.max(0, input.window.length - size + k)],
  );
  const missing = [input.goal, ...input.window.map((o) => o.image)].filter((s) => s.embedding === undefined);
  const unique = [...new Set(missing)];

  const decodeStarted = performance.now();
  const pixels = await Promise.all(unique.map((s) => decodeFrame(s.frame, s.field, input.decode)));
  const decodeMs = performance.now() - decodeStarted;

  const encoded = await Promise.all(pixels.map((p) => model.encoder.submit(p)));
  unique.forEach((s, i) => {
    s.embedding = encoded[i].value;
  });
  const encodeQueueMs = Math.max(0, ...encoded.map((e) => e.queueMs));
  const encodeMs = Math.max(0, ...encoded.map((e) => e.runMs));

  const proprioDim = model.manifest.proprio.dim;
  const observation = new Float32Array(size * model.embedDim);
  const proprio = new Float32Array(size * proprioDim);
  slots.forEach((o, k) => {
    observation.set(o.image.embedding as Float32Array, k * model.embedDim);
    proprio.set(o.proprio, k * proprioDim);
  });
  const sampled = await model.sampler.submit({
    request: { goal: input.goal.embedding, observation, proprio, rng: input.rng },
    options: input.sampler,
  });
  return {
    actions: sampled.value,
    timing: {
      queueMs: encodeQueueMs + sampled.queueMs,
      decodeMs,
      encodeMs,
      denoiseMs: sampled.runMs,
      batchSize: sampled.batchSize,
    },
  };
}
