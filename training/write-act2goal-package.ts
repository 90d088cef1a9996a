import type { TensorData } from '../nn/graph.ts';
import {
  ACT2GOAL_TENSORS,
  type Act2GoalArchitecture,
  act2goalWindow,
} from '../policies/act2goal/act2goal-config.ts';
import {
  buildAct2GoalDecoderGraph,
  buildAct2GoalEncoderGraph,
  buildActionExpertGraph,
  buildGoalStepsGraph,
  buildWorldModelGraph,
} from '../policies/act2goal/act2goal-graphs.ts';
import type { Act2GoalManifestSection } from '../policies/act2goal/act2goal-manifest.ts';
import type { ModelManifest } from '../policies/model-manifest.ts';
import { type PackageGraph, type PackageSpec, writeModelPackage } from './package-files.ts';

/** What goes into an Act2Goal package besides the weights. */
export interface Act2GoalPackageSpec extends PackageSpec {
  arch: Act2GoalArchitecture;
  goalSteps: Act2GoalManifestSection['goalSteps'];
}

/** The package's five graphs; the world model exports its velocity and every block's hidden states. */
function act2goalGraphs(arch: Act2GoalArchitecture): PackageGraph[] {
  const t = ACT2GOAL_TENSORS;
  const graph = (
    role: string,
    file: string,
    model: PackageGraph['model'],
    tensors: Record<string, string>,
    outputs: string[],
  ) => ({ role, file, model, tensors, outputs });
  return [
    graph('encoder', 'encoder.onnx', buildAct2GoalEncoderGraph(arch), t.encoder, [t.encoder.latent]),
    graph('decoder', 'decoder.onnx', buildAct2GoalDecoderGraph(arch), t.decoder, [t.decoder.frames]),
    graph('worldModel', 'world-model.onnx', buildWorldModelGraph(arch), t.worldModel, [
      t.worldModel.velocity,
      t.worldModel.hiddenStates,
    ]),
    graph('actionExpert', 'action-expert.onnx', buildActionExpertGraph(arch), t.actionExpert, [
      t.actionExpert.velocity,
    ]),
    graph('goalSteps', 'goal-steps.onnx', buildGoalStepsGraph(arch), t.goalStepsHead, [
      t.goalStepsHead.logGoalSteps,
    ]),
  ];
}

/**
 * Writes an Act2Goal model package folder: encoder, decoder, one world-model step, one action-expert
 * step and the goal-steps head as ONNX files, and manifest.json. A chunk is the P proximal actions
 * (the M distal ones only guide the expert), planned from the current frame (and the one before it
 * where the expert reads motion).
 */
export async function writeAct2GoalPackage(
  dir: string,
  weights: Map<string, TensorData>,
  spec: Act2GoalPackageSpec,
): Promise<ModelManifest> {
  const { arch } = spec;
  return writeModelPackage(dir, weights, act2goalGraphs(arch), spec, {
    family: 'act2goal',
    window: act2goalWindow(arch),
    act2goal: { architecture: arch, goalSteps: spec.goalSteps },
    imageSize: arch.imageSize,
    proprioDim: arch.proprioDim,
    actionDim: arch.actionDim,
    chunk: arch.msth.proximalSteps,
  });
}
