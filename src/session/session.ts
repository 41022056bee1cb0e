/**
 * tf.Session: owns variable values and random streams for one graph on one backend, runs
 * fetches from a feed_dict, and is the default session while open (`using sess = ...`).
 */
import { Backend, BackendTensor } from '../backend/backend';
import { BackendName, getBackend } from '../backend/index';
import { FailedPreconditionError, RuntimeError, TFError, TFTypeError, ValueError } from '../core/errors';
import { flatten, isNested, pack_sequence_as } from '../core/nest';
import { checkOptions } from '../core/options';
import { RandomStream, entropySeed } from '../core/random';
import { ArrayLike, NDArray, isTypedArray, toNDArray } from '../ndarray/ndarray';
import { FuncGraph, Graph, Operation, Tensor, get_default_graph, runtimeHooks } from '../graph/graph';
import { tupleString } from '../graph/tensor_shape';
import { OpaqueValue, RunContext, TensorListValue, Value } from '../ops/registry';
import { cachedConstHandles, isTensorConvertible } from '../ops/common';
import { streamFor } from '../ops/random_ops';
import { Plan, addHeld, buildPlan, executePlan } from './executor';

export type Fetch = Tensor | Operation | string | { _asTensor(): Tensor };
export type FeedKey = Tensor | string | { _asTensor(): Tensor };
export type FeedDict = Map<FeedKey, ArrayLike> | readonly (readonly [FeedKey, ArrayLike])[] | { readonly [name: string]: ArrayLike };

/** What sess.run returns for a fetch structure: tensors become NDArrays, ops null. */
export type Fetched<F> = F extends Tensor | { _asTensor(): Tensor }
  ? NDArray
  : F extends Operation
    ? null
    : F extends string
      ? NDArray | null
      : F extends readonly unknown[]
        ? { [K in keyof F]: Fetched<F[K]> }
        : F extends object
          ? { [K in keyof F]: Fetched<F[K]> }
          : never;

export interface SessionOptions {
  graph?: Graph;
  /** 'cpu', 'gpu' (gpu.js), 'auto', or a Backend instance. */
  backend?: BackendName | Backend;
  config?: ConfigProto | null;
  target?: string;
}

/** The part of TF's ConfigProto we honour: the backend choice; the rest is accepted and ignored. */
export interface ConfigProto {
  backend?: BackendName;
  log_device_placement?: boolean;
  allow_soft_placement?: boolean;
  intra_op_parallelism_threads?: number;
  inter_op_parallelism_threads?: number;
  gpu_options?: Record<string, unknown>;
  device_count?: Record<string, number>;
}

const sessionStack: Session[] = [];

export function get_default_session(): Session | null {
  return sessionStack.length ? sessionStack[sessionStack.length - 1] : null;
}

export class Session implements Disposable {
  readonly graph: Graph;
  readonly backend: Backend;
  private closed = false;
  private readonly vars = new Map<Operation, BackendTensor>();
  private readonly streams = new Map<Operation, RandomStream>();
  private readonly plans = new Map<string, Plan>();
  /** runSubgraph's last plan per fetch array (see there). */
  private readonly subPlans = new WeakMap<readonly Tensor[], { graph: FuncGraph; fed: Tensor[]; plan: Plan; slots: Int32Array }>();
  private readonly planIds = new WeakMap<object, number>();
  private nextPlanId = 1;
  /** Variable writes of the run in progress (committed when it succeeds). */
  private pending: Map<Operation, BackendTensor> | null = null;
  private cancelRequested = false;
  /** One context object per session: kernels may cache per-session data on it. */
  private readonly ctx: RunContext;
  /** Leaves the session graph's default-graph block (see the constructor). */
  private readonly graphDefault: Disposable;

  constructor(opts: SessionOptions = {}) {
    opts = checkOptions('Session', opts, ['graph', 'backend', 'config', 'target']);
    if (opts.graph !== undefined && opts.graph !== null && !(opts.graph instanceof Graph)) {
      throw new TFTypeError(`Session: graph must be a tf.Graph, got ${typeName(opts.graph)}`);
    }
    if (opts.config !== undefined && opts.config !== null && (typeof opts.config !== 'object' || Array.isArray(opts.config))) {
      throw new TFTypeError(`Session: config must be a ConfigProto object, got ${typeName(opts.config)}`);
    }
    const given = opts.backend ?? opts.config?.backend;
    if (given !== undefined && given !== null && typeof given !== 'string' && (typeof given !== 'object' || typeof (given as Backend).fromHost !== 'function')) {
      throw new TFTypeError(`Session: backend must be 'cpu', 'gpu', 'auto' or a Backend, got ${typeName(given)}`);
    }
    this.graph = opts.graph ?? get_default_graph();
    const b = opts.backend ?? opts.config?.backend ?? (process.env.TF1TS_BACKEND as BackendName | undefined) ?? 'cpu';
    this.backend = typeof b === 'string' ? getBackend(b) : b;
    const self = this;
    this.ctx = {
      backend: this.backend,
      readVariable: (op) => self.readVariable(op),
      writeVariable: (op, v) => self.writeVariable(op, v),
      isInitialized: (op) => self.vars.has(op) || !!self.pending?.has(op),
      randomStream: (op) => self.randomStream(op),
      runSubgraph: (g, feeds, fetches, record) => self.runSubgraph(g, feeds, fetches, record ?? null),
      cancelled: () => self.cancelRequested,
      isPersistent: (v) => self.isPersistent(v),
    };
    sessionStack.push(this);
    // Like Python's `with tf.Session(graph=g):`, the session's graph is the default graph while
    // the session is open (this also counts as nesting for reset_default_graph).
    this.graphDefault = this.graph.as_default();
    announceBackend(this.backend);
  }

  /** Python's `with sess.as_default():`. */
  as_default(): Disposable {
    sessionStack.push(this);
    return {
      [Symbol.dispose]: () => {
        const i = sessionStack.lastIndexOf(this);
        if (i >= 0) sessionStack.splice(i, 1);
      },
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.vars.clear();
    this.streams.clear();
    this.plans.clear();
    for (let i = sessionStack.lastIndexOf(this); i >= 0; i = sessionStack.lastIndexOf(this)) sessionStack.splice(i, 1);
    this.graphDefault[Symbol.dispose]();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** Stops the run in progress at the next op (used by the CLI on Ctrl-C). */
  cancel(): void {
    this.cancelRequested = true;
  }

  // ---- variables and random streams ---------------------------------------------------------

  /** Variable values (committed or pending) and cached constants outlive a run. */
  private isPersistent(v: Value): boolean {
    if (cachedConstHandles.has(v as object)) return true;
    for (const x of this.vars.values()) if (x === v) return true;
    if (this.pending) for (const x of this.pending.values()) if (x === v) return true;
    return false;
  }

  private readVariable(op: Operation): BackendTensor {
    const v = this.pending?.get(op) ?? this.vars.get(op);
    if (!v) {
      throw new FailedPreconditionError(`Attempting to use uninitialized value ${op.name}\n\t [[{{node ${op.name}}}]]`, op.name);
    }
    return v;
  }

  private writeVariable(op: Operation, value: BackendTensor): void {
    if (!this.pending) throw new RuntimeError('variable written outside a run');
    this.pending.set(op, value);
  }

  private randomStream(op: Operation): RandomStream {
    let s = this.streams.get(op);
    if (!s) {
      s = streamFor(op.attrs.seed as number | null, op.attrs.seed2 as number | null, entropySeed);
      this.streams.set(op, s);
    }
    return s;
  }

  /** Host copies of variable values (for savers and tests). */
  variableValue(op: Operation): NDArray | null {
    const v = this.vars.get(op);
    return v ? this.backend.toHost(v) : null;
  }

  /** Sets a variable's value directly (used by Saver.restore). */
  setVariableValue(op: Operation, value: NDArray): void {
    this.vars.set(op, this.backend.fromHost(value));
  }

  // ---- running ------------------------------------------------------------------------------

  run<F>(fetches: F, feed_dict?: FeedDict | null, options?: unknown): Fetched<F> {
    if (this.closed) throw new RuntimeError('Attempted to use a closed Session.');
    void options;
    const isLeaf = (x: unknown): boolean => !isNested(x) || x instanceof Tensor || x instanceof Operation || isTensorConvertible(x);
    const flat = flatten<unknown>(fetches, isLeaf);
    const fetchTensors: Tensor[] = [];
    const targets: Operation[] = [];
    const resolved = flat.map((f) => this.resolveFetch(f));
    for (const r of resolved) {
      if (r instanceof Tensor) {
        if (!fetchTensors.includes(r)) fetchTensors.push(r);
      } else if (!targets.includes(r)) targets.push(r);
    }
    const feeds = this.prepareFeeds(feed_dict);
    const fed = [...feeds.keys()];
    const plan = this.planFor(this.graph, fetchTensors, targets, fed);
    const values: (Value | undefined)[] = new Array(plan.nSlots);
    // By slot, not by position: a cached plan may have been built with the feeds in another order.
    fed.forEach((t) => (values[plan.slotOf.get(t)!] = feeds.get(t)));
    this.pending = new Map();
    this.cancelRequested = false;
    let out: Value[] | null = null;
    const replaced: BackendTensor[] = [];
    try {
      out = executePlan(plan, values, this.ctx);
      for (const [op, v] of this.pending) {
        const old = this.vars.get(op);
        if (old && old !== v) replaced.push(old);
        this.vars.set(op, v);
      }
    } finally {
      this.pending = null;
      if (!out) this.releaseRun(values, []); // a failed run: what it computed is garbage
    }
    const byTensor = new Map<Tensor, NDArray>();
    try {
      fetchTensors.forEach((t, i) => byTensor.set(t, this.toHostValue(out[i], t)));
    } finally {
      this.releaseRun(values, replaced);
    }
    const results = resolved.map((r) => (r instanceof Tensor ? byTensor.get(r)! : null));
    if (!isNested(fetches) || isLeaf(fetches)) return results[0] as Fetched<F>;
    return pack_sequence_as<Fetched<F>>(fetches, results, isLeaf);
  }

  /**
   * On backends with device memory, frees what a finished run leaves behind: feeds, fetches,
   * replaced variable values, and every value held by lists and recorded loop/branch traces
   * (a synchronous training loop never lets gpu.js's finalizers run). Variables and cached
   * constants stay.
   */
  private releaseRun(values: readonly (Value | undefined)[], replaced: readonly BackendTensor[]): void {
    const dispose = this.backend.dispose?.bind(this.backend);
    if (!dispose) return;
    const all = new Set<Value>(replaced);
    for (const v of values) addHeld(v, all);
    const kept = new Set<unknown>(this.vars.values());
    for (const v of all) {
      if (v instanceof TensorListValue || v instanceof OpaqueValue || kept.has(v) || cachedConstHandles.has(v)) continue;
      dispose(v as BackendTensor);
    }
  }

  private toHostValue(v: Value, t: Tensor): NDArray {
    if (v instanceof TensorListValue) throw new TFTypeError(`Cannot fetch ${t.name}: it holds a list of tensors`);
    return this.backend.toHost(v as BackendTensor);
  }

  private resolveFetch(f: unknown): Tensor | Operation {
    let r: unknown = f;
    if (typeof f === 'string') {
      try {
        r = this.graph.as_graph_element(f);
      } catch (e) {
        if (e instanceof TFError) throw new ValueError(`Fetch argument '${f}' cannot be interpreted as a Tensor. (${e.message})`);
        throw e;
      }
    } else if (isTensorConvertible(f)) r = f._asTensor();
    if (!(r instanceof Tensor) && !(r instanceof Operation)) {
      throw new TFTypeError(`Fetch argument ${describe(f)} has invalid type ${typeName(f)}, must be a string or Tensor. (Can not convert a ${typeName(f)} into a Tensor or Operation.)`);
    }
    if (r.graph !== this.graph) {
      throw new ValueError(`Fetch argument ${r.toString()} cannot be interpreted as a Tensor. (${r instanceof Tensor ? 'Tensor' : 'Operation'} ${r.toString()} is not an element of this graph.)`);
    }
    return r;
  }

  private prepareFeeds(feed_dict: FeedDict | null | undefined): Map<Tensor, Value> {
    const out = new Map<Tensor, Value>();
    if (feed_dict === null || feed_dict === undefined) return out;
    let entries: [unknown, unknown][];
    if (feed_dict instanceof Map) entries = [...feed_dict.entries()];
    else if (Array.isArray(feed_dict)) {
      entries = feed_dict.map((p, i) => {
        if (!Array.isArray(p) || p.length !== 2) throw new TFTypeError(`feed_dict entry ${i} must be a [tensor, value] pair`);
        return [p[0], p[1]];
      });
    } else if (typeof feed_dict === 'object') entries = Object.entries(feed_dict);
    else throw new TFTypeError(`feed_dict must be a Map, an array of [tensor, value] pairs or an object keyed by tensor names, got ${typeof feed_dict}`);
    for (const [k, v] of entries) {
      let t: unknown = k;
      if (typeof k === 'string') {
        try {
          t = this.graph.get_tensor_by_name(k);
        } catch (e) {
          if (e instanceof TFError) throw new ValueError(`Cannot interpret feed_dict key as Tensor: ${e.message}`);
          throw e;
        }
      } else if (isTensorConvertible(k)) t = k._asTensor();
      if (!(t instanceof Tensor)) throw new TFTypeError(`The key of feed_dict must be a Tensor or a tensor name, got ${typeName(k)}.`);
      if (t.graph !== this.graph) throw new ValueError(`Cannot interpret feed_dict key as Tensor: Tensor ${t.toString()} is not an element of this graph.`);
      out.set(t, this.feedValue(t, v));
    }
    return out;
  }

  private feedValue(t: Tensor, v: unknown): Value {
    if (v instanceof Tensor) {
      throw new TFTypeError(`The value of a feed cannot be a tf.Tensor object. Acceptable feed values include Python scalars, strings, lists, numpy ndarrays, or TensorHandles. For reference, the tensor object was ${v.toString()} which was passed to the feed with key ${t.toString()}.`);
    }
    if (!(v instanceof NDArray) && !isTypedArray(v) && typeof v !== 'number' && typeof v !== 'boolean' && !Array.isArray(v)) {
      throw new TFTypeError(`Cannot feed ${typeName(v)} for Tensor '${t.name}': expected a number, boolean, nested array, typed array or NDArray`);
    }
    const arr = toNDArray(v as ArrayLike, t.dtype, `value fed for Tensor '${t.name}'`);
    if (t.dtype.isInteger && !(v instanceof NDArray && !v.dtype.isFloating)) {
      // A fractional value fed to an integer tensor would be truncated silently: refuse it.
      const src = v instanceof NDArray ? v.data : isTypedArray(v) ? v : typeof v === 'number' ? [v] : Array.isArray(v) ? (v as unknown[]).flat(Infinity as 1) : [];
      for (const x of src as Iterable<unknown>) {
        if (typeof x === 'number' && !Number.isInteger(x)) throw new ValueError(`Cannot feed non-integer value ${x} to Tensor '${t.name}' of dtype ${t.dtype.name}`);
      }
    }
    if (t.dtype.isInteger) for (const x of arr.data) if (!Number.isFinite(x)) throw new ValueError(`Cannot feed ${x} to Tensor '${t.name}' of dtype ${t.dtype.name}`);
    const dims = t.shape.dims;
    if (dims && (dims.length !== arr.shape.length || dims.some((d, i) => d !== null && d !== arr.shape[i]))) {
      throw new ValueError(`Cannot feed value of shape ${tupleString(arr.shape)} for Tensor '${t.name}', which has shape '${t.shape.toString()}'`);
    }
    // fromHost copies (the Backend contract), so later edits of the user's array cannot leak in
    return this.backend.fromHost(arr);
  }

  private planFor(graph: Graph, fetches: readonly Tensor[], targets: readonly Operation[], fed: readonly Tensor[]): Plan {
    const id = (o: object): number => {
      let i = this.planIds.get(o);
      if (i === undefined) this.planIds.set(o, (i = this.nextPlanId++));
      return i;
    };
    const key = `${id(graph)}|${fetches.map(id).join(',')}|${targets.map(id).join(',')}|${fed.map(id).sort((a, b) => a - b).join(',')}`;
    let plan = this.plans.get(key);
    if (!plan) {
      // Plans see feeds in a canonical order so that the key above is order-independent.
      plan = buildPlan(graph, fetches, targets, fed, { fuseMatMul: typeof this.backend.fusedMatMul === 'function' });
      this.plans.set(key, plan);
    }
    return plan;
  }

  /** Runs part of a subgraph (a loop body) inside the current run. */
  private runSubgraph(g: FuncGraph, feeds: Map<Tensor, Value>, fetches: readonly Tensor[], record: Map<Tensor, Value>[] | null): Value[] {
    // Loop kernels call this once per iteration with the same fetch array and the same feed
    // keys in the same order: then the last plan and its feed slots are reused as they are.
    let last = this.subPlans.get(fetches);
    if (!last || last.graph !== g || !sameKeys(last.fed, feeds)) {
      const fed = [...feeds.keys()];
      const p = this.planFor(g, fetches, [], fed);
      last = { graph: g, fed, plan: p, slots: Int32Array.from(fed, (t) => p.slotOf.get(t)!) };
      this.subPlans.set(fetches, last);
    }
    const plan = last.plan;
    const slots = last.slots;
    const values: (Value | undefined)[] = new Array(plan.nSlots);
    let i = 0;
    for (const v of feeds.values()) values[slots[i++]] = v;
    let rec: Map<Tensor, Value> | null = null;
    if (record) {
      rec = new Map(feeds);
      record.push(rec);
    }
    return executePlan(plan, values, this.ctx, rec);
  }
}

/** Whether the map's keys are exactly `keys`, in that order. */
function sameKeys(keys: readonly Tensor[], m: Map<Tensor, Value>): boolean {
  if (m.size !== keys.length) return false;
  let i = 0;
  for (const k of m.keys()) if (k !== keys[i++]) return false;
  return true;
}

function typeName(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

function describe(x: unknown): string {
  try {
    return typeof x === 'object' ? JSON.stringify(x)?.slice(0, 60) ?? String(x) : String(x);
  } catch {
    return String(x);
  }
}

let announced = false;
/** Under `rnn run`, the first session says which backend (and gpu.js mode) it runs on. */
function announceBackend(b: Backend): void {
  const script = process.env.TF1TS_BANNER;
  if (announced || !script) return;
  announced = true;
  const seed = process.env.TF1TS_SEED;
  process.stderr.write(`[rnn] ${script}: backend ${b.name}${seed ? `, seed ${seed}` : ''}\n`);
}

/** tf.InteractiveSession: a Session that is the default as soon as it exists. */
export class InteractiveSession extends Session {}

// eval() / run() on tensors and ops use the default session.
runtimeHooks.evalTensor = (t, feed, session) => {
  const s = (session as Session | undefined) ?? get_default_session();
  if (!s) {
    throw new ValueError(
      'Cannot evaluate tensor using `eval()`: No default session is registered. Use `with sess.as_default()` or pass an explicit session to `eval(session=sess)`',
    );
  }
  return s.run(t, feed as FeedDict | undefined);
};
runtimeHooks.runOperation = (op, feed, session) => {
  const s = (session as Session | undefined) ?? get_default_session();
  if (!s) {
    throw new ValueError(
      'Cannot execute operation using `run()`: No default session is registered. Use `with sess.as_default()` or pass an explicit session to `run(session=sess)`',
    );
  }
  s.run(op, feed as FeedDict | undefined);
};
