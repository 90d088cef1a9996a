import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.ts';
import { loadSafetensors, saveSafetensors } from './files.ts';
import type { TensorData } from './graph.ts';
import { NnError } from './nn-error.ts';

/** What `adapter_config.json` records, in PEFT's names. */
export interface PeftAdapterConfig {
  r: number;
  lora_alpha: number;
  target_modules: string[] | string;
  base_model_name_or_path: string;
}

/** A LoRA adapter in the PEFT layout: config plus `<module>.lora_A.weight` [r, in] / `.lora_B.weight` [out, r]. */
export interface PeftAdapter {
  config: PeftAdapterConfig;
  tensors: Map<string, TensorData>;
}

const peftPrefix = 'base_model.model.';

/** Writes `adapter_config.json` and `adapter_model.safetensors` into `dir`. */
export async function savePeftAdapter(dir: string, adapter: PeftAdapter): Promise<void> {
  await mkdir(dir, { recursive: true });
  const config = {
    peft_type: 'LORA',
    task_type: null,
    bias: 'none',
    lora_dropout: 0,
    fan_in_fan_out: false,
    inference_mode: true,
    ...adapter.config,
  };
  await saveSafetensors(join(dir, 'adapter_model.safetensors'), adapter.tensors, { format: 'pt' });
  writeFileAtomic(
    join(dir, 'adapter_config.json'),
    new TextEncoder().encode(`${JSON.stringify(config, null, 2)}\n`),
  );
}

/** Reads a PEFT adapter folder (keys with PEFT's `base_model.model.` prefix are accepted too), checking A/B shapes. */
export async function loadPeftAdapter(dir: string): Promise<PeftAdapter> {
  const configPath = join(dir, 'adapter_config.json');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await readFile(configPath, 'utf8'));
  } catch (cause) {
    throw new NnError('BAD_FILE', `${configPath}: cannot read adapter config (${(cause as Error).message})`, {
      cause,
    });
  }
  const r = raw.r;
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 1)
    throw new NnError('BAD_FILE', `${configPath}: r must be a positive integer, got ${r}`);
  const config: PeftAdapterConfig = {
    r,
    lora_alpha: typeof raw.lora_alpha === 'number' ? raw.lora_alpha : r,
    target_modules: raw.target_modules as string[] | string,
    base_model_name_or_path: String(raw.base_model_name_or_path ?? ''),
  };
  const file = join(dir, 'adapter_model.safetensors');
  const loaded = (await loadSafetensors(file)).tensors;
  const tensors = new Map(
    [...loaded].map(([k, v]) => [k.startsWith(peftPrefix) ? k.slice(peftPrefix.length) : k, v]),
  );
  for (const [key, t] of tensors) {
    const rankAxis = key.endsWith('.lora_A.weight') ? 0 : key.endsWith('.lora_B.weight') ? 1 : -1;
    if (rankAxis < 0)
      throw new NnError(
        'BAD_FILE',
        `${file}: unexpected tensor '${key}' (expected <module>.lora_A.weight / .lora_B.weight)`,
      );
    if (t.dims.length !== 2 || t.dims[rankAxis] !== r) {
      throw new NnError(
        'SHAPE_MISMATCH',
        `${file}: '${key}' expected rank ${r} on axis ${rankAxis}, got dims [${t.dims}]`,
      );
    }
  }
  return { config, tensors };
}
