import { loadSafetensors, saveSafetensors } from './files.ts';
import type { TensorData } from './graph.ts';
import { NnError } from './nn-error.ts';
import type { Trainer } from './trainer.ts';

const format = 'goalserve-checkpoint-v1';

/**
 * Saves everything needed to resume: parameters (`param.*`), AdamW moments (`adam.m.*`, `adam.v.*`),
 * EMA weights (`ema.*`) and step counters in the safetensors metadata.
 */
export async function saveCheckpoint(path: string, trainer: Trainer): Promise<void> {
  const tensors = new Map<string, TensorData>();
  for (const [name, p] of trainer.params) tensors.set(`param.${name}`, p);
  for (const [name, m] of trainer.optimizer.m)
    tensors.set(`adam.m.${name}`, { ...trainer.params.get(name)!, data: m });
  for (const [name, v] of trainer.optimizer.v)
    tensors.set(`adam.v.${name}`, { ...trainer.params.get(name)!, data: v });
  for (const [name, e] of trainer.ema?.shadow ?? []) tensors.set(`ema.${name}`, e);
  const metadata = {
    format,
    step: String(trainer.step),
    adamSteps: String(trainer.optimizer.t),
    emaUpdates: String(trainer.ema?.updates ?? 0),
  };
  await saveSafetensors(path, tensors, metadata);
}

/** Restores a trainer (same model and options) from a checkpoint written by `saveCheckpoint`. */
export async function loadCheckpoint(path: string, trainer: Trainer): Promise<void> {
  const { tensors, metadata } = await loadSafetensors(path);
  if (metadata.format !== format)
    throw new NnError('BAD_FILE', `${path}: expected format ${format}, got ${metadata.format}`);
  const copy = (key: string, into: ArrayLike<number> & { set(a: ArrayLike<number>): void }) => {
    const t = tensors.get(key);
    if (t === undefined || t.data.length !== into.length) {
      throw new NnError(
        'BAD_FILE',
        `${path}: '${key}' is missing or has ${t?.data.length} elements, expected ${into.length}`,
      );
    }
    into.set(t.data as Float32Array);
  };
  for (const [name, p] of trainer.params) copy(`param.${name}`, p.data as Float32Array);
  for (const [name, m] of trainer.optimizer.m) copy(`adam.m.${name}`, m);
  for (const [name, v] of trainer.optimizer.v) copy(`adam.v.${name}`, v);
  for (const [name, e] of trainer.ema?.shadow ?? []) copy(`ema.${name}`, e.data as Float32Array);
  trainer.step = Number(metadata.step);
  trainer.optimizer.t = Number(metadata.adamSteps);
  if (trainer.ema) trainer.ema.updates = Number(metadata.emaUpdates);
}
