import type { ModelManifest } from '../model-manifest.ts';
import { PolicyError } from '../policy-error.ts';
import { type Act2GoalArchitecture, act2goalWindow } from './act2goal-config.ts';
import { validateMsthConfig } from './msth.ts';

/** The Act2Goal part of a package manifest. */
export interface Act2GoalManifestSection {
  architecture: Act2GoalArchitecture;
  /**
   * K, the steps to the goal that set the distal frames at plan time: 'predicted' reads it off the
   * goal-steps head from (z_t, z_g); a number fixes it for every plan (edit the manifest to override).
   */
  goalSteps: 'predicted' | number;
}

/** Checks the Act2Goal fields of a manifest, calling `fail(field, expected)` (which throws) on the first bad one. */
export function checkAct2GoalManifest(
  manifest: ModelManifest,
  fail: (field: string, expected: string) => never,
): void {
  const arch = manifest.act2goal?.architecture;
  if (!Number.isInteger(arch?.latentDim)) fail('act2goal.architecture.latentDim', 'a whole number');
  const positions = arch?.positionDim;
  if (!(Number.isInteger(positions) && (positions as number) >= 2 && (positions as number) % 2 === 0))
    fail('act2goal.architecture.positionDim', 'an even whole number ≥ 2 (x, y per object)');
  if (!Number.isInteger(arch?.maxGoalSteps)) fail('act2goal.architecture.maxGoalSteps', 'a whole number');
  const { msth, maxGoalSteps } = arch as Act2GoalArchitecture;
  try {
    validateMsthConfig(msth ?? ({} as never));
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    const [field, expected] = error.message.split(': expected ');
    fail(`act2goal.architecture.${field}`, expected);
  }
  const window = act2goalWindow(arch as Act2GoalArchitecture);
  if (manifest.window !== window)
    fail('window', `${window} (the current frame${window > 1 ? ' and the one before' : ''})`);
  if (manifest.action?.chunk !== msth.proximalSteps)
    fail('action.chunk', `msth.proximalSteps = ${msth.proximalSteps} (the executed actions)`);
  const k = manifest.act2goal?.goalSteps;
  if (k !== 'predicted' && !(Number.isInteger(k) && (k as number) >= 1 && (k as number) <= maxGoalSteps))
    fail('act2goal.goalSteps', `'predicted' or a whole number in [1, ${maxGoalSteps}]`);
}
