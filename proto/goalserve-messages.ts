/**
 * TypeScript shapes of the goalserve.v1 messages as PROTO_LOADER_OPTIONS decodes them: camelCase,
 * 64-bit integers as numbers, enums as names, repeated fields always present, `kind` naming the
 * set oneof member. Decoded messages come from untrusted peers: the server validates every field.
 */

/** ImageEncoding enum names. */
export type ImageEncoding =
  | 'IMAGE_ENCODING_UNSPECIFIED'
  | 'IMAGE_ENCODING_JPEG'
  | 'IMAGE_ENCODING_PNG'
  | 'IMAGE_ENCODING_RAW_RGB';

/** goalserve.v1.Frame. */
export interface Frame {
  camera?: string;
  encoding?: ImageEncoding;
  data?: Uint8Array;
  widthPx?: number;
  heightPx?: number;
}

/** goalserve.v1.SamplerOverrides (every field optional). */
export interface SamplerOverrides {
  sampler?: string;
  schedule?: string;
  steps?: number;
  sigmaMin?: number;
  sigmaMax?: number;
  rho?: number;
  guidance?: number;
  worldModelSteps?: number;
  minGoalSteps?: number;
}

/** goalserve.v1.StartSession. */
export interface StartSession {
  model?: string;
  adapterId?: string;
  sampler?: SamplerOverrides | null;
  actionsPerChunk?: number;
  cameraNames?: string[];
  imageEncoding?: ImageEncoding;
}

/** goalserve.v1.SetGoal. */
export interface SetGoal {
  frames?: Frame[];
  proprio?: number[];
  seed?: number;
}

/** goalserve.v1.Observation. */
export interface Observation {
  step?: number;
  capturedAtUnixMs?: number;
  frames?: Frame[];
  proprio?: number[];
  requestChunk?: boolean;
}

/** goalserve.v1.ControlRequest. */
export interface ControlRequest {
  kind?: 'start' | 'goal' | 'observation' | 'endEpisode';
  start?: StartSession;
  goal?: SetGoal;
  observation?: Observation;
  endEpisode?: Record<string, never>;
}

/** goalserve.v1.SessionStarted. */
export interface SessionStarted {
  sessionId: string;
  model: string;
  actionDim: number;
  chunkLength: number;
  actionsPerChunk: number;
  imageSizePx: number;
  window: number;
  proprioDim: number;
  controlRateHz: number;
  maxFrameAgeMs: number;
}

/** goalserve.v1.ChunkTiming, milliseconds. */
export interface ChunkTiming {
  queueMs: number;
  decodeMs: number;
  encodeMs: number;
  denoiseMs: number;
  totalMs: number;
  batchSize: number;
}

/** goalserve.v1.ActionChunk: actions float [length, actionDim] row-major, robot units. */
export interface ActionChunk {
  episode: number;
  observationStep: number;
  firstActionStep: number;
  length: number;
  actionDim: number;
  actions: number[];
  timing: ChunkTiming;
}

/** goalserve.v1.Warning. */
export interface Warning {
  code: string;
  message: string;
  observationStep: number;
  episode: number;
}

/** goalserve.v1.ControlResponse. */
export interface ControlResponse {
  kind?: 'started' | 'chunk' | 'warning';
  started?: SessionStarted;
  chunk?: ActionChunk;
  warning?: Warning;
}

/** goalserve.v1.ActRequest. */
export interface ActRequest {
  model?: string;
  sampler?: SamplerOverrides | null;
  goal?: SetGoal | null;
  observations?: Observation[];
}

/** goalserve.v1.ActResponse. */
export interface ActResponse {
  chunk: ActionChunk;
}

/** goalserve.v1.ModelInfo. */
export interface ModelInfo {
  name: string;
  family: string;
  imageSizePx: number;
  actionDim: number;
  chunkLength: number;
  actionsPerChunk: number;
  window: number;
  proprioDim: number;
  actionLow: number[];
  actionHigh: number[];
  samplerDefaults: SamplerOverrides;
}

/** goalserve.v1.ListModelsResponse. */
export interface ListModelsResponse {
  models: ModelInfo[];
}
