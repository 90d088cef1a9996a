import { createRng, type Rng } from '../common/rng.ts';
import type { DType } from './dtype.ts';
import type { Attr, Dim, Graph, GraphNode, TensorData } from './graph.ts';
import { type Init, initTensor } from './init.ts';
import { NnError } from './nn-error.ts';
import { inferNode, inferShapes } from './shape-inference.ts';
import type { ShapeInfo } from './shape-info.ts';
import { infoOfTensor } from './shape-rules-tensor.ts';
import { Tensor } from './tensor.ts';
import { scalar } from './tensor-data.ts';

/** A built model: its graph and the initial values of the parameters it takes as inputs. */
export interface Model {
  graph: Graph;
  params: Map<string, TensorData>;
}

/** Builds an ONNX graph op by op, inferring shapes as it goes; parameters become graph inputs. */
export class GraphBuilder {
  readonly graph: Graph;
  readonly params = new Map<string, TensorData>();
  readonly rng: Rng;
  /** Element type of parameters and float constants. */
  readonly dtype: DType;
  private readonly shapes: Map<string, ShapeInfo>;
  private readonly taken: Set<string>;
  private prefix = '';
  private counter = 0;

  constructor(name: string, options: { dtype?: DType; seed?: number } = {}) {
    this.graph = { name, nodes: [], inputs: [], outputs: [], initializers: new Map() };
    this.shapes = new Map();
    this.taken = new Set();
    this.dtype = options.dtype ?? 'float32';
    this.rng = createRng(options.seed ?? 0);
  }

  /** Continues building on a copy of an existing graph (e.g. to append a loss to an imported model). */
  static from(graph: Graph, options: { dtype?: DType; seed?: number } = {}): GraphBuilder {
    const b = new GraphBuilder(graph.name, options);
    Object.assign(b.graph, {
      nodes: [...graph.nodes],
      inputs: [...graph.inputs],
      outputs: [...graph.outputs],
      initializers: new Map(graph.initializers),
    });
    for (const node of graph.nodes) b.taken.add(node.name);
    for (const [k, v] of inferShapes(graph)) {
      b.shapes.set(k, v);
      b.taken.add(k);
    }
    return b;
  }

  /** Declares a graph input; dims may hold one symbolic batch dimension such as 'batch'. */
  input(name: string, dims: Dim[], dtype: DType = this.dtype): Tensor {
    this.claim(name);
    this.graph.inputs.push({ name, dtype, dims });
    return this.register(name, { dtype, dims });
  }

  /** Declares a trainable parameter (a graph input named `<scope>.<name>`) with its initial value. */
  param(name: string, dims: number[], init: Init): Tensor {
    const full = this.prefix + name;
    const t = this.input(full, dims, this.dtype);
    this.params.set(full, initTensor(full, this.dtype, dims, init, this.rng));
    return t;
  }

  /**
   * The parameter `<scope>.<name>` if this graph declared it already (with the same dims), else a new
   * one as `param` makes: one weight that several parts of a graph read.
   */
  sharedParam(name: string, dims: number[], init: Init): Tensor {
    const full = this.prefix + name;
    const existing = this.params.get(full);
    if (existing === undefined) return this.param(name, dims, init);
    if (existing.dims.join() !== dims.join())
      throw new NnError(
        'BAD_ARGUMENT',
        `shared parameter '${full}': dims [${dims}] differ from [${existing.dims}]`,
      );
    return new Tensor(this, full, existing.dtype, existing.dims);
  }

  /** Embeds a constant tensor (an initializer); numbers become scalars of the builder's dtype. */
  constant(value: TensorData | number, hint = 'const'): Tensor {
    const t: TensorData = typeof value === 'number' ? scalar(this.dtype, value) : value;
    const name = this.fresh(hint);
    this.graph.initializers.set(name, t);
    return this.register(name, infoOfTensor(t));
  }

  /** A 1-D int64 constant, for shapes, axes and indices. */
  ints(values: number[]): Tensor {
    return this.constant(
      { dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values, BigInt) },
      'ints',
    );
  }

  /** The handle of an existing value by name. */
  tensor(name: string): Tensor {
    const info = this.shapes.get(name);
    if (info === undefined)
      throw new NnError('BAD_ARGUMENT', `no value named '${name}' in graph '${this.graph.name}'`);
    return new Tensor(this, name, info.dtype, info.dims);
  }

  /** Shape info of a value (dims, dtype, known constant elements). */
  info(name: string): ShapeInfo {
    const info = this.shapes.get(name);
    if (info === undefined)
      throw new NnError('BAD_ARGUMENT', `no value named '${name}' in graph '${this.graph.name}'`);
    return info;
  }

  /** Appends one node, infers its outputs and returns their handles. */
  op(op: string, inputs: (Tensor | undefined)[], attrs: Record<string, Attr> = {}, outputs = 1): Tensor[] {
    const name = this.fresh(op);
    const node = {
      name,
      op,
      inputs: inputs.map((t) => t?.name ?? ''),
      outputs: Array.from({ length: outputs }, (_, i) => (outputs === 1 ? `${name}_out` : `${name}_out${i}`)),
      attrs,
    };
    const infos = inferNode(node, this.shapes);
    this.graph.nodes.push(node);
    return node.outputs.map((o, i) => {
      this.taken.add(o);
      return this.register(o, infos[i]);
    });
  }

  /** Replaces node `index` (e.g. to expose optional outputs) and registers its outputs. */
  replaceNode(index: number, node: GraphNode): void {
    const infos = inferNode(node, this.shapes);
    this.graph.nodes[index] = node;
    node.outputs.forEach((o, i) => {
      if (o === '' || infos[i] === undefined || this.shapes.has(o)) return;
      this.taken.add(o);
      this.shapes.set(o, infos[i]);
    });
  }

  /** Appends one single-output node. */
  op1(op: string, inputs: (Tensor | undefined)[], attrs: Record<string, Attr> = {}): Tensor {
    return this.op(op, inputs, attrs)[0];
  }

  /** Marks a value as a graph output under `name` (an Identity node renames it when needed). */
  output(name: string, t: Tensor): Tensor {
    let out = t;
    if (t.name !== name) {
      this.claim(name);
      const node = {
        name: this.fresh('Identity'),
        op: 'Identity',
        inputs: [t.name],
        outputs: [name],
        attrs: {},
      };
      this.graph.nodes.push(node);
      out = this.register(name, this.info(t.name));
    }
    this.graph.outputs.push({ name, dtype: out.dtype, dims: out.dims });
    return out;
  }

  /** Runs `body` with parameter names prefixed by `scope.` (nestable). */
  scope<T>(scope: string, body: () => T): T {
    const saved = this.prefix;
    this.prefix = `${saved}${scope}.`;
    try {
      return body();
    } finally {
      this.prefix = saved;
    }
  }

  /** The finished model. */
  build(): Model {
    return { graph: this.graph, params: this.params };
  }

  private register(name: string, info: ShapeInfo): Tensor {
    this.shapes.set(name, info);
    return new Tensor(this, name, info.dtype, info.dims);
  }

  private claim(name: string): void {
    if (this.taken.has(name))
      throw new NnError('BAD_ARGUMENT', `value name '${name}' is already used in graph '${this.graph.name}'`);
    this.taken.add(name);
  }

  private fresh(hint: string): string {
    let name: string;
    do name = `${this.prefix}${hint}_${this.counter++}`;
    while (this.taken.has(name));
    this.taken.add(name);
    return name;
  }
}
