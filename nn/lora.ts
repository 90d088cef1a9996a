import { createRng } from '../common/rng.ts';
import { attr, attrInt, type Graph, type GraphNode, type TensorData } from './graph.ts';
import { initTensor } from './init.ts';
import { NnError } from './nn-error.ts';
import { inferShapes } from './shape-inference.ts';
import { scalar } from './tensor-data.ts';

/** LoRA hyper-parameters (Hu et al. 2021), named as in PEFT's LoraConfig. */
export interface LoraConfig {
  r: number;
  alpha: number;
  /** Module names matched like PEFT: a list matches a name or a `.`-suffix; a single string is a full regex. */
  targetModules: string[] | string;
  /** Seed of A's Kaiming-uniform init. */
  seed: number;
}

/** One adapted weight: `module` is the weight's name without `.weight`; `layout` is how the base stores it. */
export interface LoraTarget {
  module: string;
  weight: string;
  layout: 'in-out' | 'out-in';
  inFeatures: number;
  outFeatures: number;
}

/** A graph with low-rank branches, the adapter's initial tensors (graph inputs) and what was adapted. */
export interface LoraModel {
  graph: Graph;
  adapter: Map<string, TensorData>;
  targets: LoraTarget[];
  config: LoraConfig;
}

/** Whether a module name is selected by PEFT-style `target_modules`. */
export function matchesTarget(module: string, targets: string[] | string): boolean {
  if (typeof targets === 'string') return new RegExp(`^(?:${targets})$`).test(module);
  return targets.some((t) => module === t || module.endsWith(`.${t}`));
}

// The weight operand of a MatMul/Gemm, seen through a Transpose([1, 0]) node as PyTorch exports it.
function weightOf(node: GraphNode, producers: Map<string, GraphNode>, isWeight: (n: string) => boolean) {
  let name = node.inputs[1];
  let transposed = node.op === 'Gemm' && attrInt(node, 'transB', 0) === 1;
  const via = producers.get(name);
  if (via?.op === 'Transpose' && isWeight(via.inputs[0])) {
    name = via.inputs[0];
    transposed = !transposed;
  }
  if (!isWeight(name) || (node.op === 'Gemm' && attrInt(node, 'transA', 0) !== 0)) return undefined;
  return { name, layout: transposed ? ('out-in' as const) : ('in-out' as const) };
}

/**
 * Adds y += (α/r)·B(A·x) to every MatMul/Gemm whose 2-D weight (an initializer or parameter input named
 * `<module>.weight`) matches `targetModules`; A [r, in] is Kaiming-uniform, B [out, r] zero, both new
 * graph inputs named `<module>.lora_A.weight` / `<module>.lora_B.weight` (the PEFT keys).
 */
export function addLora(
  graph: Graph,
  options: Partial<LoraConfig> & Pick<LoraConfig, 'r' | 'targetModules'>,
): LoraModel {
  const config: LoraConfig = { alpha: options.alpha ?? options.r, seed: options.seed ?? 0, ...options };
  const shapes = inferShapes(graph);
  const producers = new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const isWeight = (n: string) =>
    n.endsWith('.weight') &&
    shapes.get(n)?.dims.length === 2 &&
    (graph.initializers.has(n) || graph.inputs.some((v) => v.name === n));
  const rng = createRng(config.seed);
  const adapter = new Map<string, TensorData>();
  const targets: LoraTarget[] = [];
  const nodes: GraphNode[] = [];
  const initializers = new Map(graph.initializers);
  const inputs = [...graph.inputs];
  for (const node of graph.nodes) {
    const w = node.op === 'MatMul' || node.op === 'Gemm' ? weightOf(node, producers, isWeight) : undefined;
    const module = w?.name.slice(0, -'.weight'.length);
    if (w === undefined || module === undefined || !matchesTarget(module, config.targetModules)) {
      nodes.push(node);
      continue;
    }
    const [d0, d1] = shapes.get(w.name)!.dims as number[];
    const [inF, outF] = w.layout === 'in-out' ? [d0, d1] : [d1, d0];
    const dtype = shapes.get(w.name)!.dtype;
    const [a, bName] = [`${module}.lora_A.weight`, `${module}.lora_B.weight`];
    adapter.set(a, initTensor(a, dtype, [config.r, inF], { kind: 'kaiming-uniform', fanIn: inF }, rng));
    adapter.set(bName, initTensor(bName, dtype, [outF, config.r], { kind: 'zeros' }, rng));
    inputs.push({ name: a, dtype, dims: [config.r, inF] }, { name: bName, dtype, dims: [outF, config.r] });
    targets.push({ module, weight: w.name, layout: w.layout, inFeatures: inF, outFeatures: outF });
    const p = `${module}/lora`;
    const y = node.outputs[0];
    initializers.set(`${p}/scale`, scalar(dtype, config.alpha / config.r));
    const t = (op: string, ins: string[], out: string, attrs = {}): GraphNode => ({
      name: `${p}/${out}`,
      op,
      inputs: ins,
      outputs: [`${p}/${out}`],
      attrs,
    });
    nodes.push(
      { ...node, outputs: [`${p}/base`] },
      t('Transpose', [a], 'At', { perm: attr.ints([1, 0]) }),
      t('MatMul', [node.inputs[0], `${p}/At`], 'down'),
      t('Transpose', [bName], 'Bt', { perm: attr.ints([1, 0]) }),
      t('MatMul', [`${p}/down`, `${p}/Bt`], 'up'),
      t('Mul', [`${p}/up`, `${p}/scale`], 'scaled'),
      { name: `${p}/add`, op: 'Add', inputs: [`${p}/base`, `${p}/scaled`], outputs: [y], attrs: {} },
    );
  }
  if (targets.length === 0) {
    throw new NnError(
      'BAD_ARGUMENT',
      `no MatMul/Gemm weight matches target_modules ${JSON.stringify(config.targetModules)}`,
    );
  }
  const adapted: Graph = { ...graph, nodes, inputs, initializers };
  inferShapes(adapted);
  return { graph: adapted, adapter, targets, config };
}
