/**
 * The op registry. Each op is defined once, in one OpDef: its static shape inference, its
 * kernel (written against the primitive Backend interface only), and its gradient (built from
 * other ops, in graph land). `makeOp` is the single place ops enter a graph.
 */
import { Backend, BackendTensor } from '../backend/backend';
import { DType } from '../core/dtypes';
import { TFTypeError, ValueError } from '../core/errors';
import { RandomStream } from '../core/random';
import { NDArray } from '../ndarray/ndarray';
import { Attrs, FuncGraph, Graph, Operation, Tensor, get_default_graph } from '../graph/graph';
import { TensorShape } from '../graph/tensor_shape';

/** A list of tensors living inside one value (TF's TensorList / TensorArray storage). */
export class TensorListValue {
  constructor(
    /** Items; null = never written (reads as zeros of elementShape). */
    readonly items: (BackendTensor | null)[],
    readonly elementShape: readonly number[] | null,
    readonly dtype: DType,
  ) {}
}

/** An opaque runtime value passed between ops (e.g. a while loop's recorded iterations). */
export class OpaqueValue<T = unknown> {
  constructor(
    readonly payload: T,
    /** The runtime values the payload keeps alive: the session frees them when the run ends. */
    readonly held: () => Iterable<Value> = () => [],
  ) {}
}

export type Value = BackendTensor | TensorListValue | OpaqueValue;

export interface InputInfo {
  readonly tensor: Tensor;
  readonly dtype: DType;
  readonly shape: TensorShape;
  /** Value known at build time (constants and what folds from them). */
  readonly constValue: NDArray | null;
}

export interface OutputSpec {
  dtype: DType;
  shape: TensorShape;
  constValue?: NDArray | null;
}

export interface ShapeContext {
  readonly opName: string;
  readonly type: string;
  readonly inputs: readonly InputInfo[];
  readonly attrs: Attrs;
  /** Throws ValueError in TF's words: `<msg> for '<name>' (op: '<type>') with input shapes: [..], [..].` */
  fail(message: string): never;
}

/** What a running session offers to kernels. */
export interface RunContext {
  readonly backend: Backend;
  /** Variable storage of the session. */
  readVariable(op: Operation): BackendTensor;
  writeVariable(op: Operation, value: BackendTensor): void;
  isInitialized(op: Operation): boolean;
  /** The random stream of a stateful random op (per session, per op). */
  randomStream(op: Operation): RandomStream;
  /** Evaluates `fetches` of a subgraph with `feeds` (used by control-flow kernels). */
  runSubgraph(graph: FuncGraph, feeds: Map<Tensor, Value>, fetches: readonly Tensor[], record?: Map<Tensor, Value>[] | null): Value[];
  /** Values of this run so far (control-flow gradient kernels look up recorded traces). */
  readonly cancelled: () => boolean;
  /** Values the session keeps beyond this run (variables, cached constants): never disposed by the executor. */
  isPersistent?(v: Value): boolean;
}

export interface KernelContext {
  readonly backend: Backend;
  readonly op: Operation;
  readonly attrs: Attrs;
  readonly run: RunContext;
  /** Whether output i is read by anything in this run (ops may skip work for unread outputs). */
  outputNeeded(i: number): boolean;
}

/** Gradient function: given the op and the gradients of its outputs, gradients of its inputs. */
export type GradFn = (op: Operation, grads: readonly (Tensor | null)[]) => (Tensor | null)[];

export interface OpDef {
  readonly type: string;
  inferShape(ctx: ShapeContext): OutputSpec[];
  kernel(ctx: KernelContext, inputs: readonly Value[]): Value[];
  /** Gradient; `null` declares the op not differentiable (gradients stop here). */
  readonly grad: GradFn | null;
  /** Stateful ops (variables, random, assign) must run every time and are never folded. */
  readonly stateful?: boolean;
  /** Inputs allowed to have any dtype without matching each other (default: all free). */
}

const registry = new Map<string, OpDef>();

export function defineOp(def: OpDef): OpDef {
  if (registry.has(def.type)) throw new Error(`op ${def.type} defined twice`);
  registry.set(def.type, def);
  return def;
}

export function getOpDef(type: string): OpDef {
  const d = registry.get(type);
  if (!d) throw new ValueError(`No op registered for type '${type}'`);
  return d;
}

export function allOpDefs(): OpDef[] {
  return [...registry.values()];
}

export interface MakeOpOptions {
  name?: string | null;
  /** Name used when the user gives none (TF's default op names). */
  defaultName?: string;
  /** Extra control inputs. */
  controlInputs?: readonly Operation[];
  /** Build in this graph (default: the inputs' graph, else the default graph). */
  graph?: Graph;
  /** Use `name` verbatim as the full op name (TF's name-from-scope for variables). */
  exactName?: boolean;
}

/** Finds the innermost graph among the inputs' graphs and the default graph. */
function pickGraph(inputs: readonly Tensor[], opType: string, explicit?: Graph): Graph {
  const dflt = explicit ?? get_default_graph();
  let g: Graph = dflt;
  for (const t of inputs) {
    if (!(t instanceof Tensor)) throw new TFTypeError(`Expected a Tensor as input of '${opType}', got ${describe(t)}`);
    if (t.graph === g) continue;
    if (g instanceof FuncGraph && g.enclosingGraphs().includes(t.graph)) continue; // captured below
    if (t.graph instanceof FuncGraph && t.graph.enclosingGraphs().includes(g)) {
      g = t.graph;
      continue;
    }
    throw new ValueError(`Tensor("${t.name}", shape=${t.shape.toString()}, dtype=${t.dtype.name}) must be from the same graph as the other inputs of '${opType}' (or the default graph).`);
  }
  for (const t of inputs) {
    if (t.graph !== g && !(g instanceof FuncGraph && g.enclosingGraphs().includes(t.graph))) {
      throw new ValueError(`Tensor("${t.name}", shape=${t.shape.toString()}, dtype=${t.dtype.name}) must be from the same graph as Tensor("${inputs[0].name}", shape=${inputs[0].shape.toString()}, dtype=${inputs[0].dtype.name}).`);
    }
  }
  return g;
}

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'object') return `an object (${(x as object).constructor?.name ?? 'Object'})`;
  return `${typeof x} ${String(x)}`;
}

/** The tensor standing for `outer` inside FuncGraph `g` (capturing through nested subgraphs). */
export function captureInto(g: FuncGraph, outer: Tensor): Tensor {
  if (outer.graph === g) return outer;
  const existing = g.captures.get(outer);
  if (existing) return existing;
  const src = g.outer === outer.graph ? outer : captureInto(g.outer as FuncGraph, outer);
  const op = new Operation(g, g.uniqueName(`${outer.op.name.split('/').pop()}_capture`), 'Capture', [], [], { source: src }, g.allocateId());
  const t = new Tensor(op, 0, outer.dtype, outer.shape);
  t.constValue = outer.constValue;
  op.outputs.push(t);
  g.addOperation(op);
  g.captures.set(outer, t);
  return t;
}

/** Creates an op in the graph: picks the graph, names it, infers shapes, wires it. */
export function makeOp(type: string, inputs: readonly Tensor[], attrs: Attrs, opts: MakeOpOptions = {}): Operation {
  const def = getOpDef(type);
  const graph = pickGraph(inputs, type, opts.graph);
  const ins = inputs.map((t) => (t.graph !== graph && graph instanceof FuncGraph ? captureInto(graph, t) : t));
  const requested = opts.name ?? opts.defaultName ?? type;
  if (typeof requested !== 'string' || !/^[A-Za-z0-9.][A-Za-z0-9_.\-/]*$/.test(requested)) {
    throw new ValueError(`'${String(requested)}' is not a valid scope name`);
  }
  const name = opts.exactName ? requested : graph.uniqueName(requested);
  const infos: InputInfo[] = ins.map((t) => ({ tensor: t, dtype: t.dtype, shape: t.shape, constValue: t.constValue }));
  const ctx: ShapeContext = {
    opName: name,
    type,
    inputs: infos,
    attrs,
    fail(message: string): never {
      const shapes = infos.map((i) => i.shape.toShortString()).join(', ');
      throw new ValueError(`${message} for '${name}' (op: '${type}') with input shapes: ${shapes}.`);
    },
  };
  const specs = def.inferShape(ctx);
  const control = [...graph.currentControlInputs(), ...(opts.controlInputs ?? [])];
  const op = new Operation(graph, name, type, ins, control, attrs, graph.allocateId());
  specs.forEach((s, i) => {
    const t = new Tensor(op, i, s.dtype, s.shape);
    t.constValue = s.constValue ?? null;
    op.outputs.push(t);
  });
  graph.addOperation(op);
  return op;
}

/** Shorthand: creates an op and returns its only (or first) output. */
export function make1(type: string, inputs: readonly Tensor[], attrs: Attrs, opts: MakeOpOptions = {}): Tensor {
  return makeOp(type, inputs, attrs, opts).outputs[0];
}
