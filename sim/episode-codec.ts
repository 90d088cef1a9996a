import { Packr } from 'msgpackr';
import type { EpisodeRecord } from './episode.ts';
import { SimError } from './sim-error.ts';
import { ACTION_DIM, PROPRIO_DIM } from './tabletop-env.ts';

/** Plain msgpack maps (no msgpackr record extension), so any msgpack library can read the shards. */
const packer = new Packr({ useRecords: false });

type ArrayField = 'frames' | 'proprio' | 'actions' | 'states' | 'goalFrame' | 'goalProprio' | 'goalState';

/** Encodes an episode as one msgpack map; arrays become little-endian `bin` fields any language can read. */
export function encodeEpisode(episode: EpisodeRecord): Uint8Array {
  const bytes = (a: Uint8Array | Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return packer.pack({
    ...episode,
    frames: bytes(episode.frames),
    proprio: bytes(episode.proprio),
    actions: bytes(episode.actions),
    states: bytes(episode.states),
    goalFrame: bytes(episode.goalFrame),
    goalProprio: bytes(episode.goalProprio),
    goalState: bytes(episode.goalState),
  });
}

/** Checks a decoded msgpack map and rebuilds the typed arrays; `where` names the shard and episode in errors. */
export function decodeEpisode(raw: unknown, where: string): EpisodeRecord {
  if (typeof raw !== 'object' || raw === null)
    throw new SimError('BAD_DATASET', `${where}: not a msgpack map`);
  const map = raw as Record<string, unknown>;
  const steps = map.steps;
  const imageSize = map.imageSize;
  if (!Number.isInteger(steps) || !Number.isInteger(imageSize)) {
    throw new SimError('BAD_DATASET', `${where}: 'steps' and 'imageSize' must be whole numbers`);
  }
  const t = steps as number;
  const frameBytes = (imageSize as number) ** 2 * 3;
  const goalState = floats(map, 'goalState', undefined, where);
  const stateDim = goalState.length;
  return {
    task: String(map.task),
    seed: Number(map.seed),
    policy: map.policy === 'play' ? 'play' : 'expert',
    success: map.success === true,
    steps: t,
    imageSize: imageSize as number,
    frames: uint8(map, 'frames', (t + 1) * frameBytes, where),
    proprio: floats(map, 'proprio', (t + 1) * PROPRIO_DIM, where),
    actions: floats(map, 'actions', t * ACTION_DIM, where),
    states: floats(map, 'states', (t + 1) * stateDim, where),
    goalFrame: uint8(map, 'goalFrame', frameBytes, where),
    goalProprio: floats(map, 'goalProprio', PROPRIO_DIM, where),
    goalState,
  };
}

function field(
  map: Record<string, unknown>,
  name: ArrayField,
  bytes: number | undefined,
  where: string,
): Uint8Array {
  const value = map[name];
  if (!(value instanceof Uint8Array))
    throw new SimError('BAD_DATASET', `${where}: '${name}' is missing or not binary`);
  if (bytes !== undefined && value.byteLength !== bytes) {
    throw new SimError('BAD_DATASET', `${where}: '${name}' expected ${bytes} bytes, got ${value.byteLength}`);
  }
  return value;
}

function uint8(map: Record<string, unknown>, name: ArrayField, length: number, where: string): Uint8Array {
  return new Uint8Array(field(map, name, length, where));
}

function floats(map: Record<string, unknown>, name: ArrayField, length: number | undefined, where: string) {
  const bytes = field(map, name, length === undefined ? undefined : length * 4, where);
  if (bytes.byteLength % 4 !== 0)
    throw new SimError('BAD_DATASET', `${where}: '${name}' is not float32 data`);
  // Copy: decoded buffers may sit at offsets that are not 4-byte aligned.
  return new Float32Array(new Uint8Array(bytes).buffer);
}
