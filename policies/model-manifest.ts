import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Act2GoalManifestSection } from './act2goal/act2goal-manifest.ts';
import { checkAct2GoalManifest } from './act2goal/act2goal-manifest.ts';
import type { BesoArchitecture } from './beso/beso-config.ts';
import { PolicyError } from './policy-error.ts';
import { type SamplerOptions, validateSamplerOptions } from './sampling/sampler-options.ts';

/** One ONNX file of a package and the ONNX names of its tensors, by role. */
export interface GraphEntry {
  file: string;
  tensors: Record<string, string>;
}

/** `manifest.json` of a model package: everything a runtime needs besides the ONNX files. */
export interface ModelManifest {
  format: 'goalserve-model';
  version: 1;
  family: 'beso' | 'act2goal';
  name: string;
  /** The command that produced the package, for reproducibility. */
  producedBy?: string;
  graphs: Record<string, GraphEntry>;
  /** Camera frames: square RGB, normalised (x − mean)/std per channel (0–255 units), CHW. */
  image: { size: number; mean: [number, number, number]; std: [number, number, number] };
  /** Proprioception: z-scored with these statistics. */
  proprio: { dim: number; mean: number[]; std: number[] };
  /** Actions: min-max scaled to [−1, 1] from these bounds; samples are clipped to `clip`× the bounds. */
  action: { dim: number; chunk: number; low: number[]; high: number[]; clip: number };
  /** Frames per observation (the latest W); 1 for Act2Goal. */
  window: number;
  /** Sampler defaults a request may override. */
  sampler: SamplerOptions;
  /** Suggested actions to execute per chunk before asking for the next. */
  actionsPerChunk: number;
  beso?: { architecture: BesoArchitecture };
  act2goal?: Act2GoalManifestSection;
}

/** Reads and checks a package's manifest.json; errors name the file and the field. */
export function readModelManifest(dir: string): ModelManifest {
  const path = join(dir, 'manifest.json');
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new PolicyError(
      'POLICY_NOT_FOUND',
      `${path}: cannot read a model manifest (${(cause as Error).message})`,
      { cause },
    );
  }
  const fail = (field: string, expected: string): never => {
    throw new PolicyError('MODEL_IO_MISMATCH', `${path}: ${field}: expected ${expected}`);
  };
  if (manifest.format !== 'goalserve-model') fail('format', "'goalserve-model'");
  if (manifest.family !== 'beso' && manifest.family !== 'act2goal') fail('family', "'beso' or 'act2goal'");
  if (
    !Number.isInteger(manifest.image?.size) ||
    manifest.image.mean?.length !== 3 ||
    manifest.image.std?.length !== 3
  ) {
    fail('image', '{ size, mean[3], std[3] }');
  }
  if (manifest.proprio?.mean?.length !== manifest.proprio?.dim)
    fail('proprio.mean', `${manifest.proprio?.dim} values`);
  if (manifest.action?.low?.length !== manifest.action?.dim)
    fail('action.low', `${manifest.action?.dim} values`);
  if (!Number.isInteger(manifest.window) || manifest.window < 1) fail('window', 'a whole number ≥ 1');
  if (manifest.family === 'act2goal') checkAct2GoalManifest(manifest, fail);
  else if (!Number.isInteger(manifest.beso?.architecture?.embedDim))
    fail('beso.architecture.embedDim', 'a whole number');
  const sampler = validateSamplerOptions(manifest.sampler);
  if (manifest.beso === undefined) return { ...manifest, sampler };
  // Packages written before position estimates and object tokens existed have neither.
  const architecture = {
    ...manifest.beso.architecture,
    positionDim: manifest.beso.architecture.positionDim ?? 0,
    objectCentric: manifest.beso.architecture.objectCentric ?? false,
  };
  if (architecture.objectCentric && (architecture.positionDim <= 0 || architecture.positionDim % 2 !== 0))
    fail(
      'beso.architecture.positionDim',
      'x and y of at least one object (an even number > 0) when objectCentric',
    );
  return { ...manifest, sampler, beso: { architecture } };
}
