import type { OrtSessionOptions } from '../nn/ort-session.ts';
import { Act2GoalPolicy } from './act2goal/act2goal-policy.ts';
import { BesoPolicy } from './beso/beso-policy.ts';
import type { ChunkPolicy } from './chunk-policy.ts';
import { readModelManifest } from './model-manifest.ts';

/** Loads a model package folder as the policy its manifest's family names (beso or act2goal). */
export async function loadPolicy(
  dir: string,
  session: Partial<OrtSessionOptions> = {},
): Promise<ChunkPolicy> {
  const { family } = readModelManifest(dir);
  return family === 'act2goal' ? Act2GoalPolicy.load(dir, session) : BesoPolicy.load(dir, session);
}
