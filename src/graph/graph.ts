/**
 * The symbolic graph: Graph, Operation, Tensor, the default-graph stack, name scopes,
 * control dependencies and collections. Nothing here computes values: ops are described by
 * their OpDef (src/ops/registry.ts) and evaluated by a Session.
 *
 * A FuncGraph is a subgraph (a while_loop's cond or body): it shares its root graph's name
 * space and scopes, captures tensors of enclosing graphs as inputs, and is run by the op that
 * owns it.
 */
import { DType } from '../core/dtypes';
import { AssertionError, TFTypeError, ValueError } from '../core/errors';
import { TensorShape } from './tensor_shape';
import { processSeed } from '../core/random';

export type AttrValue =
  | number
  | string
  | boolean
  | null
  | undefined
  | DType
  | readonly number[]
  | readonly (number | null)[]
  | readonly DType[]
  | TensorShape
  | Graph
  | object;

export type Attrs = Record<string, AttrValue>;

/** The standard collection keys (tf.GraphKeys). */
export const GraphKeys = {
  GLOBAL_VARIABLES: 'variables',
  LOCAL_VARIABLES: 'local_variables',
  TRAINABLE_VARIABLES: 'trainable_variables',
  GLOBAL_STEP: 'global_step',
  UPDATE_OPS: 'update_ops',
  SAVERS: 'savers',
  LOSSES: 'losses',
  SUMMARIES: 'summaries',
  REGULARIZATION_LOSSES: 'regularization_losses',
  TRAIN_OP: 'train_op',
} as const;

/** Hooks installed by the session module so tensors and ops can run themselves (eval/run). */
export const runtimeHooks: {
  evalTensor?: (t: Tensor, feedDict: unknown, session: unknown) => unknown;
  runOperation?: (op: Operation, feedDict: unknown, session: unknown) => void;
} = {};

export class Tensor {
  /** Static shape; may be refined with set_shape. */
  private _shape: TensorShape;
  /** Known value at graph-build time (constants), used by shape inference. */
  constValue: import('../ndarray/ndarray').NDArray | null = null;

  constructor(
    readonly op: Operation,
    readonly value_index: number,
    readonly dtype: DType,
    shape: TensorShape,
  ) {
    this._shape = shape;
  }

  get name(): string {
    return `${this.op.name}:${this.value_index}`;
  }
  get graph(): Graph {
    return this.op.graph;
  }
  get shape(): TensorShape {
    return this._shape;
  }
  get_shape(): TensorShape {
    return this._shape;
  }
  /** Refines the static shape (TF1's set_shape); incompatible shapes are a ValueError. */
  set_shape(shape: TensorShape | readonly (number | null)[]): void {
    const s = TensorShape.of(shape);
    if (!this._shape.isCompatibleWith(s)) {
      throw new ValueError(`Shapes ${this._shape.toString()} and ${s.toString()} are not compatible`);
    }
    this._shape = this._shape.merge(s);
  }

  /** Ops that take this tensor as an input. */
  consumers(): Operation[] {
    return this.op.graph.consumersOf(this);
  }

  /** Evaluates in the default session (or `session`), like Python's `tensor.eval()`. */
  eval(feed_dict?: unknown, session?: unknown): import('../ndarray/ndarray').NDArray {
    if (!runtimeHooks.evalTensor) throw new Error('session module not loaded');
    return runtimeHooks.evalTensor(this, feed_dict, session) as import('../ndarray/ndarray').NDArray;
  }

  toString(): string {
    return `Tensor("${this.name}", shape=${this._shape.toString()}, dtype=${this.dtype.name})`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export class Operation {
  readonly outputs: Tensor[] = [];
  /** Subgraphs an op owns (a while loop's cond and body). */
  readonly subgraphs: FuncGraph[] = [];

  constructor(
    readonly graph: Graph,
    readonly name: string,
    readonly type: string,
    readonly inputs: readonly Tensor[],
    readonly control_inputs: readonly Operation[],
    readonly attrs: Attrs,
    /** Creation order: also the op counter TF uses to derive op seeds. */
    readonly id: number,
  ) {}

  get node_def(): { name: string; op: string } {
    return { name: this.name, op: this.type };
  }

  get_attr(name: string): AttrValue {
    if (!(name in this.attrs)) throw new ValueError(`Operation '${this.name}' has no attr named '${name}'.`);
    return this.attrs[name];
  }

  /** Runs this op in the default session (or `session`), like Python's `op.run()`. */
  run(feed_dict?: unknown, session?: unknown): void {
    if (!runtimeHooks.runOperation) throw new Error('session module not loaded');
    runtimeHooks.runOperation(this, feed_dict, session);
  }

  toString(): string {
    return `<tf.Operation '${this.name}' type=${this.type}>`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A scope that is left when disposed: the `with` statement's counterpart for `using`. */
export interface ScopeHandle extends Disposable {
  readonly name: string;
}

export class Graph {
  protected readonly _ops: Operation[] = [];
  private readonly opsByName = new Map<string, Operation>();
  /** Lower-cased names in use with their next suffix (TF compares case-insensitively). */
  private readonly namesInUse = new Map<string, number>();
  private readonly consumerMap = new Map<Tensor, Operation[]>();
  private readonly collections = new Map<string, unknown[]>();
  /** Current name scope, '' at top level, else ending without '/'. */
  nameScopeStack: string[] = [];
  controlDependencyStack: Operation[][] = [];
  /** Graph-level random seed (tf.set_random_seed); `rnn run --seed` presets it. */
  seed: number | null = processSeed();
  private nextId = 0;
  /** Free-form per-graph state of library modules (variable store, warnings given, ...). */
  readonly extras = new Map<string, unknown>();
  finalized = false;
  /** Number of tf.Session / as_default blocks using this graph as default right now. */
  nestingDepth = 0;

  get root(): Graph {
    return this;
  }

  get operations(): readonly Operation[] {
    return this._ops;
  }
  get_operations(): Operation[] {
    return [...this._ops];
  }

  /** Allocates the next op id (TF's `_last_id`). */
  allocateId(): number {
    return this.root === this ? this.nextId++ : this.root.allocateId();
  }
  get lastId(): number {
    return this.root === this ? this.nextId : this.root.lastId;
  }

  addOperation(op: Operation): void {
    if (this.finalized) throw new ValueError('Graph is finalized and cannot be modified.');
    this._ops.push(op);
    this.opsByName.set(op.name, op);
    for (const t of op.inputs) {
      const list = this.consumerMap.get(t);
      if (list) list.push(op);
      else this.consumerMap.set(t, [op]);
    }
  }

  consumersOf(t: Tensor): Operation[] {
    return this.consumerMap.get(t) ?? [];
  }

  get_operation_by_name(name: string): Operation {
    const op = this.opsByName.get(name);
    if (!op) throw new KeyError(`The name '${name}' refers to an Operation not in the graph.`);
    return op;
  }

  get_tensor_by_name(name: string): Tensor {
    const m = /^(.*):(\d+)$/.exec(name);
    if (!m) {
      throw new ValueError(`The name '${name}' looks like an (invalid) Operation name, not a Tensor. Tensor names must be of the form "<op_name>:<output_index>".`);
    }
    const op = this.opsByName.get(m[1]);
    if (!op) throw new KeyError(`The name '${name}' refers to a Tensor which does not exist. The operation, '${m[1]}', does not exist in the graph.`);
    const idx = Number(m[2]);
    if (idx >= op.outputs.length) {
      throw new KeyError(`The name '${name}' refers to a Tensor which does not exist. The operation, '${m[1]}', exists but only has ${op.outputs.length} outputs.`);
    }
    return op.outputs[idx];
  }

  /** Resolves a name: 'x:0' is a tensor, 'init' an operation. */
  as_graph_element(name: string): Tensor | Operation {
    return name.includes(':') ? this.get_tensor_by_name(name) : this.get_operation_by_name(name);
  }

  /** The current name scope ('' or 'a/b'). */
  get currentNameScope(): string {
    const s = this.root.nameScopeStack;
    return s.length ? s[s.length - 1] : '';
  }

  /**
   * TF's unique_name: prefixes the name scope and appends _1, _2, ... until unused.
   * With mark=false only computes the name.
   */
  uniqueName(name: string, mark = true): string {
    const root = this.root;
    if (root !== this) return root.uniqueName(name, mark);
    const scope = this.currentNameScope;
    let full = scope ? `${scope}/${name}` : name;
    const key = full.toLowerCase();
    let i = this.namesInUse.get(key) ?? 0;
    if (mark) this.namesInUse.set(key, i + 1);
    if (i > 0) {
      const base = full;
      // Skip suffixes someone already took explicitly (e.g. a user-named 'x_1').
      while (this.namesInUse.has(`${base}_${i}`.toLowerCase())) {
        i++;
        if (mark) this.namesInUse.set(key, i + 1);
      }
      full = `${base}_${i}`;
      if (mark) this.namesInUse.set(full.toLowerCase(), 1);
    }
    return full;
  }

  /**
   * tf.name_scope: enters `name` (uniquified; a name ending in '/' re-enters exactly; '' or
   * null resets to the top). Returns a handle to leave it, or runs `fn` inside it.
   */
  nameScope(name: string | null): ScopeHandle {
    if (name !== null && name !== undefined && typeof name !== 'string') {
      throw new TFTypeError(`name_scope: the name must be a string or null, got ${typeof name}`);
    }
    const root = this.root;
    let scope: string;
    // TF's check: a scope name at the top level must also be a valid op name.
    const inner = root.nameScopeStack.length > 0 && root.nameScopeStack[root.nameScopeStack.length - 1] !== '';
    if (name && !(inner ? /^[A-Za-z0-9_.\-/>]*$/ : /^[A-Za-z0-9.][A-Za-z0-9_.\-/>]*$/).test(name)) {
      throw new ValueError(`'${name}' is not a valid scope name`);
    }
    if (name === null || name === undefined || name === '') scope = '';
    else if (name.endsWith('/')) scope = name.slice(0, -1);
    else scope = this.uniqueName(name);
    root.nameScopeStack.push(scope);
    const depth = root.nameScopeStack.length;
    let left = false;
    return {
      name: scope ? `${scope}/` : '',
      [Symbol.dispose]: () => {
        if (left) return;
        if (root.nameScopeStack.length !== depth) throw new AssertionError(`name scope '${scope}' exited out of order`);
        left = true;
        root.nameScopeStack.pop();
      },
    };
  }

  /** tf.control_dependencies: ops created while the handle is open run after `ops`. */
  controlDependencies(ops: readonly (Operation | Tensor)[] | null): Disposable {
    const list = ops === null ? null : ops.map((o) => (o instanceof Tensor ? o.op : o));
    const saved = this.controlDependencyStack;
    if (list === null) this.controlDependencyStack = [];
    else this.controlDependencyStack = [...saved, list];
    return {
      [Symbol.dispose]: () => {
        this.controlDependencyStack = saved;
      },
    };
  }

  /** Control inputs that a new op gets from enclosing control_dependencies blocks. */
  currentControlInputs(): Operation[] {
    const out: Operation[] = [];
    for (const l of this.controlDependencyStack) for (const o of l) if (!out.includes(o)) out.push(o);
    return out;
  }

  add_to_collection(key: string, value: unknown): void {
    const root = this.root;
    if (root !== this) return root.add_to_collection(key, value);
    let list = this.collections.get(key);
    if (!list) this.collections.set(key, (list = []));
    if (!list.includes(value)) list.push(value);
  }

  get_collection<T = unknown>(key: string, scope?: string): T[] {
    const root = this.root;
    if (root !== this) return root.get_collection<T>(key, scope);
    const list = (this.collections.get(key) ?? []) as T[];
    if (!scope) return [...list];
    const re = new RegExp(`^${scope}`);
    return list.filter((v) => {
      const n = (v as { name?: unknown }).name;
      return typeof n === 'string' && re.test(n);
    });
  }

  get_collection_ref<T = unknown>(key: string): T[] {
    const root = this.root;
    if (root !== this) return root.get_collection_ref<T>(key);
    let list = this.collections.get(key);
    if (!list) this.collections.set(key, (list = []));
    return list as T[];
  }

  get collectionKeys(): string[] {
    return [...this.root.collections.keys()];
  }

  /** Makes this graph the default until the handle is disposed (Python's `with g.as_default():`). */
  as_default(): Disposable {
    defaultGraphStack.push(this);
    this.nestingDepth++;
    let done = false;
    return {
      [Symbol.dispose]: () => {
        if (done) return;
        done = true;
        this.nestingDepth--;
        const i = defaultGraphStack.lastIndexOf(this);
        if (i >= 0) defaultGraphStack.splice(i, 1);
      },
    };
  }

  finalize(): void {
    this.finalized = true;
  }

  /** True if `g` is this graph or one of the graphs enclosing it. */
  isOrEncloses(g: Graph): boolean {
    return g === this;
  }
}

/** Python's KeyError, raised by name look-ups. */
export class KeyError extends ValueError {
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

/**
 * A subgraph run by an op of an enclosing graph (a while loop's cond or body). Tensors of
 * enclosing graphs used inside are captured: each becomes a placeholder-like input here.
 */
export class FuncGraph extends Graph {
  /** Outer tensor -> inner capture tensor. */
  readonly captures = new Map<Tensor, Tensor>();
  /** The subgraph's own inputs (loop variables), in order. */
  inputs: Tensor[] = [];
  outputs: Tensor[] = [];

  constructor(
    readonly outer: Graph,
    readonly funcName: string,
  ) {
    super();
  }

  override get root(): Graph {
    return this.outer.root;
  }

  /** Is `g` this graph or one enclosing it (so its tensors can be captured here)? */
  override isOrEncloses(g: Graph): boolean {
    return g === this;
  }

  enclosingGraphs(): Graph[] {
    const out: Graph[] = [];
    let g: Graph = this.outer;
    for (;;) {
      out.push(g);
      if (g instanceof FuncGraph) g = g.outer;
      else break;
    }
    return out;
  }
}

// ---- the default graph --------------------------------------------------------------------

let baseDefaultGraph = new Graph();
const defaultGraphStack: Graph[] = [];

export function get_default_graph(): Graph {
  return defaultGraphStack.length ? defaultGraphStack[defaultGraphStack.length - 1] : baseDefaultGraph;
}

/** Runs `fn` with `g` as the default graph (used to build subgraphs). */
export function withDefaultGraph<T>(g: Graph, fn: () => T): T {
  defaultGraphStack.push(g);
  try {
    return fn();
  } finally {
    const i = defaultGraphStack.lastIndexOf(g);
    if (i >= 0) defaultGraphStack.splice(i, 1);
  }
}

export function reset_default_graph(): void {
  if (defaultGraphStack.length > 0 || baseDefaultGraph.nestingDepth > 0) {
    throw new AssertionError(
      'Do not use tf.reset_default_graph() to clear nested graphs. If you need a cleared graph, exit the nesting and create a new graph.',
    );
  }
  baseDefaultGraph = new Graph();
}

/** Checks that every tensor belongs to one graph (or graphs enclosing it) and returns it. */
export function graphOf(tensors: readonly Tensor[], opName: string): Graph {
  let g: Graph | null = null;
  for (const t of tensors) {
    if (!(t instanceof Tensor)) throw new TFTypeError(`${opName}: expected a Tensor, got ${String(t)}`);
    if (g === null || (g !== t.graph && t.graph instanceof FuncGraph && t.graph.enclosingGraphs().includes(g))) g = t.graph;
  }
  return g ?? get_default_graph();
}
