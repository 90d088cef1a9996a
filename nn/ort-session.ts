import * as ort from 'onnxruntime-node';
import type { TypedArray } from './dtype.ts';
import type { Dim, TensorData, ValueInfo } from './graph.ts';
import { NnError } from './nn-error.ts';

/** How a session is created; normalised once by `normalizeSessionOptions`. */
export interface OrtSessionOptions {
  /** Execution providers in order of preference, e.g. ['cuda', 'cpu']. */
  executionProviders: string[];
  /** Threads inside one op (the CPU provider's matmuls). */
  intraOpThreads: number;
  /** ORT's extended fusions (e.g. QuickGelu) have float32-only CPU kernels: run float64 graphs at 'basic'. */
  graphOptimization: 'disabled' | 'basic' | 'extended' | 'all';
}

/** Fills defaults: CPU provider, 2 intra-op threads, all graph optimisations. */
export function normalizeSessionOptions(options: Partial<OrtSessionOptions> = {}): OrtSessionOptions {
  return {
    executionProviders: options.executionProviders ?? ['cpu'],
    intraOpThreads: options.intraOpThreads ?? 2,
    graphOptimization: options.graphOptimization ?? 'all',
  };
}

/** The one wrapper around onnxruntime-node sessions: checked feeds in, checked outputs out. */
export class OrtSession {
  // ort.Tensor wrappers are cached per typed array so that stable feeds (parameters) are not re-wrapped.
  private readonly wrapped = new WeakMap<TypedArray, { dims: readonly number[]; tensor: ort.Tensor }>();

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly inputs: ValueInfo[],
    readonly outputs: ValueInfo[],
  ) {}

  /** Creates a session from ONNX bytes whose inputs and outputs are described by `io`. */
  static async create(
    onnx: Uint8Array,
    io: { inputs: ValueInfo[]; outputs: ValueInfo[] },
    options: Partial<OrtSessionOptions> = {},
  ): Promise<OrtSession> {
    const o = normalizeSessionOptions(options);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(onnx, {
        executionProviders: o.executionProviders,
        intraOpNumThreads: o.intraOpThreads,
        interOpNumThreads: 1,
        graphOptimizationLevel: o.graphOptimization,
      });
    } catch (cause) {
      throw new NnError('RUNTIME', `ONNX Runtime could not load the graph: ${(cause as Error).message}`, {
        cause,
      });
    }
    const missing = io.inputs.filter((v) => !session.inputNames.includes(v.name)).map((v) => v.name);
    if (missing.length > 0) throw new NnError('BAD_GRAPH', `session lacks inputs ${missing.join(', ')}`);
    return new OrtSession(session, io.inputs, io.outputs);
  }

  /** Runs the graph; feeds must match the graph's input names, dtypes and dims (symbolic dims match any). */
  async run(
    feeds: Readonly<Record<string, TensorData>>,
    outputNames?: string[],
  ): Promise<Record<string, TensorData>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const info of this.inputs) {
      const t = feeds[info.name];
      if (t === undefined)
        throw new NnError('BAD_ARGUMENT', `missing feed '${info.name}' (${info.dtype} [${info.dims}])`);
      checkTensor(`feed '${info.name}'`, info, t);
      ortFeeds[info.name] = this.wrap(t);
    }
    const extra = Object.keys(feeds).filter((k) => !this.inputs.some((v) => v.name === k));
    if (extra.length > 0)
      throw new NnError(
        'BAD_ARGUMENT',
        `unknown feeds ${extra.join(', ')}; graph inputs are ${this.inputs.map((v) => v.name).join(', ')}`,
      );
    const wanted = this.outputs.filter((v) => outputNames === undefined || outputNames.includes(v.name));
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await this.session.run(
        ortFeeds,
        wanted.map((v) => v.name),
      );
    } catch (cause) {
      throw new NnError('RUNTIME', `ONNX Runtime run failed: ${(cause as Error).message}`, { cause });
    }
    const out: Record<string, TensorData> = {};
    for (const info of wanted) {
      const r = results[info.name];
      const t: TensorData = {
        dtype: r.type as TensorData['dtype'],
        dims: [...r.dims],
        data: r.data as TypedArray,
      };
      checkTensor(`output '${info.name}'`, info, t);
      out[info.name] = t;
    }
    return out;
  }

  /** Frees the native session. */
  async release(): Promise<void> {
    await this.session.release();
  }

  private wrap(t: TensorData): ort.Tensor {
    const hit = this.wrapped.get(t.data);
    if (hit !== undefined && sameDims(hit.dims, t.dims)) return hit.tensor;
    const tensor = new ort.Tensor(t.dtype, t.data as ort.Tensor.DataType, t.dims);
    this.wrapped.set(t.data, { dims: [...t.dims], tensor });
    return tensor;
  }
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function dimsMatch(expected: readonly Dim[], got: readonly number[]): boolean {
  return expected.length === got.length && expected.every((d, i) => typeof d !== 'number' || d === got[i]);
}

/** Checks a tensor's dtype, dims and element count against a graph value. */
export function checkTensor(label: string, info: ValueInfo, t: TensorData): void {
  if (t.dtype !== info.dtype)
    throw new NnError('DTYPE_MISMATCH', `${label}: expected ${info.dtype}, got ${t.dtype}`);
  if (!dimsMatch(info.dims, t.dims)) {
    throw new NnError('SHAPE_MISMATCH', `${label}: expected dims [${info.dims}], got [${t.dims}]`);
  }
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (t.data.length !== n)
    throw new NnError(
      'SHAPE_MISMATCH',
      `${label}: dims [${t.dims}] need ${n} elements, got ${t.data.length}`,
    );
}
