import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.ts';
import type { TensorData } from './graph.ts';
import { NnError } from './nn-error.ts';
import { decodeSafetensors, encodeSafetensors, type SafetensorsContent } from './safetensors.ts';

/** Reads a whole file, turning a missing file into a BAD_FILE error that names the path. */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new NnError('BAD_FILE', `${path}: cannot read (${(cause as Error).message})`, { cause });
  }
}

/** Saves tensors as a safetensors file, atomically. */
export async function saveSafetensors(
  path: string,
  tensors: Map<string, TensorData>,
  metadata: Record<string, string> = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** Loads a safetensors file. */
export async function loadSafetensors(path: string): Promise<SafetensorsContent> {
  return decodeSafetensors(await readFileBytes(path), path);
}
