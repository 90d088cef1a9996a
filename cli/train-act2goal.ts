import { DEFAULT_ACT2GOAL_ARCHITECTURE } from '../policies/act2goal/act2goal-config.ts';
import { FLOW_TIME_DRAWS } from '../policies/sampling/flow-matching.ts';
import { ACT2GOAL_STAGES, type Act2GoalStage, trainAct2Goal } from '../training/train-act2goal.ts';
import { runInterruptible } from './interruptible.ts';
import { readChoiceOption, readIntegerOption, readNumberOption } from './options.ts';
import { createStageProgress } from './progress-line.ts';
import { parseTrainOptions } from './training-options.ts';
import { UsageError } from './usage-error.ts';

/** Default optimizer steps per stage. */
const DEFAULT_STEPS: Record<Act2GoalStage, number> = { autoencoder: 3000, joint: 6000, action: 2000 };

/**
 * `goalserve train act2goal --data DIR… --out PKG [--autoencoder-steps --joint-steps --action-steps
 * --batch --seed --lr --checkpoint --goal-steps predicted|K --proximal-steps P --no-distal --isolate-distal-actions --causal-expert --expert-motion
 * --expert-without-world-model --expert-predicts-actions --expert-edm --expert-scene-tokens --expert-scene-motion-only
 * --expert-extra-blocks N
 * --plan-positions --world-model-object-tokens --context-dropout P --joint-context-dropout P --guidance λ
 * --goal-dropout P
 * --min-goal-steps N
 * --imagine-at-plan-k --action-flow-time uniform|noisy|edm --jpeg-share S --jpeg-latent-share S --coverage-share S
 * --coverage-wall-share Q
 * --distal-action-weight W --position-noise S]`.
 * `--proximal-steps P` (default 16, a multiple of the stride r = 4): the executed chunk's length, as
 * BESO's H = 12. Two ablations: `--no-distal` (M = 0: a fixed-horizon proximal chunk only) and
 * `--expert-without-world-model` (the expert's cross-attention sees a zeroed context). Variants:
 * `--isolate-distal-actions` (no expert token reads the distal action tokens, so the executed
 * actions are computed as without them while the distal ones are still predicted),
 * `--causal-expert` (the expert's self-attention is causal, as BESO's denoiser's),
 * `--expert-motion` (the expert also reads the previous frame: each object's motion since then),
 * `--expert-predicts-actions` (the expert's head predicts the clean actions, x-prediction, and the
 * velocity follows from them), `--expert-edm` (the expert is BESO's EDM-preconditioned denoiser in
 * flow time; train it with `--action-flow-time edm`), `--expert-scene-tokens` (the expert also reads one token per frame with
 * every object's position estimates, the goal's, the previous frame's and the current one's, as BESO),
 * `--expert-scene-motion-only` (with `--expert-motion` and `--expert-scene-tokens`: the previous frame
 * reaches the expert only through its scene token, as BESO's state tokens, not as each object's motion),
 * `--expert-extra-blocks N` (default 0: N self-attention blocks after the expert's cross-attending ones),
 * `--plan-positions` (the expert also reads one token per imagined frame, from its position
 * estimates), `--world-model-object-tokens`, and `--context-dropout P` (stage 2 zeroes the expert's
 * context for a share P of samples; `--joint-context-dropout P` does so in stage 1) with `--guidance λ`,
 * the package's default world-model guidance. `--goal-dropout P` (default 0): stage 2 gives a share P of
 * samples the null goal, as BESO's goal dropout (0.1), and the expert learns to tell it (`expertNullGoal`).
 * `--min-goal-steps N` (default 1): the smallest predicted K a plan uses. `--imagine-at-plan-k`: stage 2
 * imagines the expert's futures for the K a plan would use instead of the true distance to the goal.
 * `--action-flow-time noisy` draws the action flow's training τ with π0's emphasis on noisy times,
 * `edm` at BESO's training noise levels.
 * `--jpeg-share S` (default 0) replaces a share S of stage 0's frames by JPEG copies, as BESO does;
 * `--jpeg-latent-share S` (default 0) gives stages 1–2 the JPEG copies' z_t and z_g for a share S of samples.
 * `--coverage-share S` (default 0) replaces a share S of stage 0's frames by renders of random states
 * over the whole table, so the encoder also places objects near the walls; `--coverage-wall-share Q`
 * (default 0) draws each of their discs touching a wall with chance Q.
 * `--distal-action-weight W` (default 1) weighs each distal action's error in L_a by W against a
 * proximal action's 1. `--position-noise S` (default 0) moves stage 2's z_t and z_{t−1} so that every
 * object reads displaced by N(0, S²) per coordinate (table units), its motion kept.
 */
export async function runTrainAct2Goal(args: string[]): Promise<number> {
  const { run, values } = parseTrainOptions(
    'act2goal',
    args,
    {
      'autoencoder-steps': { type: 'string' },
      'joint-steps': { type: 'string' },
      'action-steps': { type: 'string' },
      'goal-steps': { type: 'string' },
      'proximal-steps': { type: 'string' },
      'no-distal': { type: 'boolean', default: false },
      'isolate-distal-actions': { type: 'boolean', default: false },
      'causal-expert': { type: 'boolean', default: false },
      'expert-motion': { type: 'boolean', default: false },
      'expert-without-world-model': { type: 'boolean', default: false },
      'expert-predicts-actions': { type: 'boolean', default: false },
      'expert-edm': { type: 'boolean', default: false },
      'expert-scene-tokens': { type: 'boolean', default: false },
      'expert-scene-motion-only': { type: 'boolean', default: false },
      'expert-extra-blocks': { type: 'string' },
      'plan-positions': { type: 'boolean', default: false },
      'world-model-object-tokens': { type: 'boolean', default: false },
      'context-dropout': { type: 'string' },
      'goal-dropout': { type: 'string' },
      'joint-context-dropout': { type: 'string' },
      'min-goal-steps': { type: 'string' },
      guidance: { type: 'string' },
      'imagine-at-plan-k': { type: 'boolean', default: false },
      'action-flow-time': { type: 'string' },
      'jpeg-share': { type: 'string' },
      'jpeg-latent-share': { type: 'string' },
      'coverage-share': { type: 'string' },
      'coverage-wall-share': { type: 'string' },
      'distal-action-weight': { type: 'string' },
      'position-noise': { type: 'string' },
    },
    { batch: 64 },
  );
  const steps = Object.fromEntries(
    ACT2GOAL_STAGES.map((stage) => [
      stage,
      readIntegerOption(`${stage}-steps`, values[`${stage}-steps`], {
        min: 0,
        max: 10_000_000,
        fallback: DEFAULT_STEPS[stage],
      }),
    ]),
  ) as Record<Act2GoalStage, number>;
  const { msth, maxGoalSteps } = DEFAULT_ACT2GOAL_ARCHITECTURE;
  const rawGoalSteps = values['goal-steps'];
  const goalSteps =
    rawGoalSteps === undefined || rawGoalSteps === 'predicted'
      ? 'predicted'
      : readIntegerOption('goal-steps', rawGoalSteps, { min: 1, max: maxGoalSteps });
  const extraBlocks = readIntegerOption('expert-extra-blocks', values['expert-extra-blocks'], {
    min: 0,
    max: 16,
    fallback: 0,
  });
  const proximalSteps = readIntegerOption('proximal-steps', values['proximal-steps'], {
    min: msth.strideSteps,
    max: maxGoalSteps,
    fallback: msth.proximalSteps,
  });
  if (proximalSteps % msth.strideSteps !== 0) {
    throw new UsageError(
      `--proximal-steps: expected a multiple of the stride ${msth.strideSteps}, got ${proximalSteps}`,
    );
  }
  const progress = createStageProgress('train act2goal', steps);
  const manifest = await runInterruptible((signal) =>
    trainAct2Goal({
      ...run,
      steps,
      arch: {
        msth: { ...msth, proximalSteps, ...(values['no-distal'] ? { distalCount: 0 } : {}) },
        ...(values['isolate-distal-actions'] ? { isolateDistalActions: true } : {}),
        ...(values['causal-expert'] ? { causalExpert: true } : {}),
        ...(values['expert-motion'] ? { expertReadsMotion: true } : {}),
        ...(values['expert-without-world-model'] ? { expertSeesWorldModel: false } : {}),
        ...(values['expert-predicts-actions'] ? { expertPredictsActions: true } : {}),
        ...(values['expert-edm'] ? { expertEdmPreconditioning: true } : {}),
        ...(values['expert-scene-tokens'] ? { expertSceneTokens: true } : {}),
        ...(values['expert-scene-motion-only'] ? { expertSceneMotionOnly: true } : {}),
        ...(extraBlocks > 0 ? { expertExtraBlocks: extraBlocks } : {}),
        ...(values['plan-positions'] ? { expertReadsPlanPositions: true } : {}),
        ...(values['world-model-object-tokens'] ? { worldModelObjectTokens: true } : {}),
      },
      contextDropout: {
        joint: readNumberOption('joint-context-dropout', values['joint-context-dropout'], {
          min: 0,
          max: 1,
          fallback: 0,
        }),
        action: readNumberOption('context-dropout', values['context-dropout'], {
          min: 0,
          max: 1,
          fallback: 0,
        }),
      },
      goalDropout: readNumberOption('goal-dropout', values['goal-dropout'], { min: 0, max: 1, fallback: 0 }),
      guidance: readNumberOption('guidance', values.guidance, { min: 0, max: 100, fallback: 1 }),
      minGoalSteps: readIntegerOption('min-goal-steps', values['min-goal-steps'], {
        min: 1,
        max: maxGoalSteps,
        fallback: 1,
      }),
      goalSteps,
      imagineAtPlanGoalSteps: values['imagine-at-plan-k'],
      actionFlowTime: readChoiceOption('action-flow-time', values['action-flow-time'], FLOW_TIME_DRAWS),
      jpegShare: readNumberOption('jpeg-share', values['jpeg-share'], { min: 0, max: 1, fallback: 0 }),
      jpegLatentShare: readNumberOption('jpeg-latent-share', values['jpeg-latent-share'], {
        min: 0,
        max: 1,
        fallback: 0,
      }),
      coverageShare: readNumberOption('coverage-share', values['coverage-share'], {
        min: 0,
        max: 1,
        fallback: 0,
      }),
      coverageWallShare: readNumberOption('coverage-wall-share', values['coverage-wall-share'], {
        min: 0,
        max: 1,
        fallback: 0,
      }),
      distalActionWeight: readNumberOption('distal-action-weight', values['distal-action-weight'], {
        min: 0,
        max: 100,
        fallback: 1,
      }),
      positionNoise: readNumberOption('position-noise', values['position-noise'], {
        min: 0,
        max: 1,
        fallback: 0,
      }),
      signal,
      onProgress: progress.update,
    }),
  );
  progress.finish();
  console.log(JSON.stringify({ out: run.out, family: manifest.family, steps }));
  return 0;
}
