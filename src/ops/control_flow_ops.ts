/**
 * Functional control flow. tf.while_loop is one `While` op: its cond and body are subgraphs (FuncGraphs)
 * built once, so the graph does not grow with the number of iterations, and one graph runs
 * any number of them. Tensors of enclosing graphs used inside are captured as extra inputs.
 *
 * Gradients (backpropagation through time): the forward loop records each iteration's values
 * when its gradient is part of the run; `WhileGrad` runs the body's gradient subgraph (built
 * once with tf.gradients inside the body graph) over the recorded iterations in reverse.
 *
 * tf.cond is one `If` op the same way: its two branches are subgraphs, only the taken one runs,
 * and `IfGrad` runs that branch's gradient subgraph on the values it recorded.
 */
import { BackendTensor, Backend } from '../backend/backend';
import { DType } from '../core/dtypes';
import { InvalidArgumentError, TFTypeError, ValueError } from '../core/errors';
import { assert_same_structure, flatten, isNested, pack_sequence_as } from '../core/nest';
import { checkOptions } from '../core/options';
import { Attrs, FuncGraph, Operation, Tensor, get_default_graph, withDefaultGraph } from '../graph/graph';
import { TensorShape } from '../graph/tensor_shape';
import { KernelContext, OpaqueValue, OutputSpec, ShapeContext, TensorListValue, Value, captureInto, defineOp, makeOp } from './registry';
import { TensorLike, convert_to_tensor, isTensorConvertible } from './common';
import { TensorArray, addLists, isTensorArray } from './list_ops';

const bt = (v: Value): BackendTensor => v as BackendTensor;

interface WhileAttrs {
  cond: FuncGraph;
  body: FuncGraph;
  /** Number of loop variables (the first inputs); the rest are captures. */
  n: number;
  /** Inner capture tensors of cond/body, aligned with the op's capture inputs (null = unused there). */
  condCaps: (Tensor | null)[];
  bodyCaps: (Tensor | null)[];
  maximum_iterations: number | null;
  /** Built lazily by the gradient: per loop var / capture, the body's gradient tensors. */
  grad?: WhileGradInfo;
}

interface WhileGradInfo {
  /** grad_ys placeholders in the body graph, one per loop var (null for non-differentiable). */
  dys: (Tensor | null)[];
  /** d(body outputs)/d(body inputs), per loop var (null = no dependence). */
  dxs: (Tensor | null)[];
  /** d(body outputs)/d(captures), per capture (null = none). */
  dcs: (Tensor | null)[];
  /** WhileGrad's fetch lists, per mask of the capture gradients needed (see gradFetches). */
  fetchCache?: Map<string, { fetches: Tensor[]; fetchIdx: number[] }>;
}

interface LoopTrace {
  iterations: Map<Tensor, Value>[];
  /** Loop values on entry and on exit, and the captured values. */
  initials: readonly Value[];
  finals: Value[];
  caps: readonly Value[];
}

defineOp({
  type: 'Arg',
  inferShape: (ctx) => [{ dtype: ctx.attrs.dtype as DType, shape: ctx.attrs.shape as TensorShape }],
  kernel(ctx): Value[] {
    throw new InvalidArgumentError(`Loop argument '${ctx.op.name}' was not supplied`, ctx.op.name);
  },
  grad: null,
});

defineOp({
  type: 'Capture',
  inferShape: (ctx) => {
    const src = ctx.attrs.source as Tensor;
    return [{ dtype: src.dtype, shape: src.shape }];
  },
  kernel(ctx): Value[] {
    throw new InvalidArgumentError(`Captured value '${ctx.op.name}' was not supplied`, ctx.op.name);
  },
  grad: null,
});

function argIn(g: FuncGraph, t: Tensor, invariant: TensorShape | null, i: number): Tensor {
  const op = makeOp('Arg', [], { dtype: t.dtype, shape: invariant ?? t.shape, index: i }, { defaultName: 'Identity', graph: g });
  return op.outputs[0];
}

/** Converts one loop value to a tensor of graph `g` (capturing outer tensors). */
function inGraph(g: FuncGraph, x: TensorLike, dtype: DType | null): Tensor {
  const t = convert_to_tensor(x, dtype);
  return t.graph === g ? t : captureInto(g, t);
}

type LoopLeaf = Tensor | TensorArray;
const isLeaf = (x: unknown): boolean => !isNested(x) || x instanceof Tensor || isTensorArray(x) || isTensorConvertible(x);

export interface WhileLoopOptions {
  shape_invariants?: unknown;
  parallel_iterations?: number;
  back_prop?: boolean;
  swap_memory?: boolean;
  name?: string;
  maximum_iterations?: number | null;
  return_same_structure?: boolean;
}

/**
 * tf.while_loop(cond, body, loop_vars, {shape_invariants, maximum_iterations, ...}):
 * repeats `loop_vars = body(...loop_vars)` while `cond(...loop_vars)` is true.
 */
export function while_loop<T>(cond: (...args: never[]) => TensorLike, body: (...args: never[]) => unknown, loop_vars: T, opts: WhileLoopOptions = {}): T {
  opts = checkOptions('while_loop', opts, ['shape_invariants', 'parallel_iterations', 'back_prop', 'swap_memory', 'name', 'maximum_iterations', 'return_same_structure']);
  if (typeof cond !== 'function') throw new TFTypeError('cond must be callable.');
  if (typeof body !== 'function') throw new TFTypeError('body must be callable.');
  const single = !Array.isArray(loop_vars) && !isNested(loop_vars);
  const structure = single ? [loop_vars] : loop_vars;
  const leaves = flatten<LoopLeaf | TensorLike>(structure, isLeaf);
  if (leaves.length === 0) throw new ValueError('No loop variables provided');
  const invLeaves = opts.shape_invariants === undefined ? null : flatten<unknown>(single ? [opts.shape_invariants] : opts.shape_invariants, (x) => x === null || x instanceof TensorShape || (Array.isArray(x) && x.every((d) => d === null || typeof d === 'number')));
  if (invLeaves && invLeaves.length !== leaves.length) throw new ValueError('shape_invariants must have the same structure as loop_vars');
  const outer = get_default_graph();
  const scope = outer.nameScope(opts.name ?? 'while');
  try {
    // Loop values as tensors (TensorArrays travel as their flow).
    const entry: Tensor[] = leaves.map((l) => (isTensorArray(l) ? l.flow : convert_to_tensor(l as TensorLike)));
    const invariants = entry.map((t, i) => {
      const inv = invLeaves ? invLeaves[i] : null;
      if (inv === null || inv === undefined) return null;
      const s = TensorShape.of(inv as TensorShape);
      if (!s.isCompatibleWith(t.shape)) throw new ValueError(`The shape invariant specified for ${t.name} is not compatible with the initial shape of the loop variable. It enters the loop with shape ${t.shape.toString()}, but the specified shape invariant is ${s.toString()}.`);
      return s;
    });
    const rebuild = (g: FuncGraph, ts: Tensor[]): unknown[] => {
      const packedLeaves = ts.map((t, i) => {
        const l = leaves[i];
        return isTensorArray(l) ? new TensorArray(l.dtype, { flow: t, element_shape: l.element_shape, dynamic_size: l.dynamic_size }) : t;
      });
      void g;
      const packed = pack_sequence_as<unknown[]>(structure, packedLeaves, isLeaf);
      return single ? packed : (packed as unknown[]);
    };
    const argsFor = (g: FuncGraph): Tensor[] => entry.map((t, i) => argIn(g, t, invariants[i], i));

    // cond subgraph
    const condG = new FuncGraph(outer, 'cond');
    const condArgs = argsFor(condG);
    const condOut = withDefaultGraph(condG, () => {
      const packed = rebuild(condG, condArgs);
      const c = (cond as (...a: unknown[]) => TensorLike)(...(single ? packed : (packed as unknown[])));
      const t = inGraph(condG, c, null);
      if (t.dtype !== DType.bool) throw new TFTypeError(`while_loop: cond must return a boolean scalar, got ${t.dtype.name}`);
      if (t.shape.ndims !== null && t.shape.ndims !== 0) throw new ValueError(`Shape must be rank 0 but is rank ${t.shape.ndims} for the while_loop condition`);
      return t;
    });
    condG.inputs = condArgs;
    condG.outputs = [condOut];

    // body subgraph
    const bodyG = new FuncGraph(outer, 'body');
    const bodyArgs = argsFor(bodyG);
    const bodyOut = withDefaultGraph(bodyG, () => {
      const packed = rebuild(bodyG, bodyArgs);
      let r = (body as (...a: unknown[]) => unknown)(...(single ? packed : (packed as unknown[])));
      if (single && !(Array.isArray(r) && !isTensorArray(r))) r = [r];
      const outLeaves = flatten<LoopLeaf | TensorLike>(r, isLeaf);
      if (outLeaves.length !== entry.length) {
        throw new ValueError(`The two structures don't have the same number of elements. First structure: ${entry.length} loop variables, second structure (body output): ${outLeaves.length}.`);
      }
      return outLeaves.map((l, i) => {
        const t = inGraph(bodyG, isTensorArray(l) ? l.flow : (l as TensorLike), entry[i].dtype === DType.variant ? null : entry[i].dtype);
        if (t.dtype !== entry[i].dtype) throw new TFTypeError(`Loop variable ${i} enters the loop as ${entry[i].dtype.name} but the body returns ${t.dtype.name}`);
        const inv = invariants[i] ?? entry[i].shape;
        if (t.shape.dims && inv.dims && !isMoreGeneral(inv, t.shape)) {
          throw new ValueError(
            `Input tensor '${entry[i].name}' enters the loop with shape ${entry[i].shape.toString()}, but has shape ${t.shape.toString()} after one iteration. To allow the shape to vary across iterations, use the \`shape_invariants\` argument of tf.while_loop to specify a less-specific shape.`,
          );
        }
        return t;
      });
    });
    bodyG.inputs = bodyArgs;
    bodyG.outputs = bodyOut;

    // Captures of either subgraph become extra inputs, in one shared order.
    const caps: Tensor[] = [];
    for (const g of [condG, bodyG]) for (const o of g.captures.keys()) if (!caps.includes(o)) caps.push(o);
    const attrs: WhileAttrs = {
      cond: condG,
      body: bodyG,
      n: entry.length,
      condCaps: caps.map((c) => condG.captures.get(c) ?? null),
      bodyCaps: caps.map((c) => bodyG.captures.get(c) ?? null),
      maximum_iterations: opts.maximum_iterations ?? null,
    };
    const op = makeOp('While', [...entry, ...caps], attrs as unknown as Attrs, { defaultName: 'While' });
    op.subgraphs.push(condG, bodyG);
    const outs = op.outputs.slice(0, entry.length);
    const packed = pack_sequence_as<unknown[]>(
      structure,
      outs.map((t, i) => {
        const l = leaves[i];
        return isTensorArray(l) ? new TensorArray(l.dtype, { flow: t, element_shape: (l as TensorArray).element_shape, dynamic_size: l.dynamic_size }) : t;
      }),
      isLeaf,
    );
    return (single ? (packed as unknown[])[0] : packed) as T;
  } finally {
    scope[Symbol.dispose]();
  }
}

function* traceValues(t: LoopTrace): Iterable<Value> {
  for (const m of t.iterations) yield* m.values();
  yield* t.initials;
  yield* t.finals;
  yield* t.caps;
}

/**
 * Frees loop values one iteration replaced, on backends with device memory: not the op's inputs,
 * nothing the next iteration still holds (itself or as a list item: dynamic_rnn's state is also
 * the output it wrote), nothing the session keeps (variables, constants), and no lists (their
 * items live on in later lists).
 */
function freeSuperseded(ctx: KernelContext, old: readonly Value[], next: readonly Value[], inputs: readonly Value[]): void {
  const b = ctx.backend;
  if (!b.dispose) return;
  const keep = new Set<Value>([...next, ...inputs]);
  for (const v of next) if (v instanceof TensorListValue) for (const it of v.items) if (it) keep.add(it);
  for (const v of old) {
    if (v instanceof TensorListValue || v instanceof OpaqueValue || keep.has(v) || ctx.run.isPersistent?.(v)) continue;
    b.dispose(v as BackendTensor);
  }
}

/** True if `general` admits every shape `specific` admits (same rank, unknown or equal dims). */
function isMoreGeneral(general: TensorShape, specific: TensorShape): boolean {
  if (!general.dims) return true;
  if (!specific.dims || specific.dims.length !== general.dims.length) return false;
  return general.dims.every((d, i) => d === null || d === specific.dims![i]);
}

function feedsFor(g: FuncGraph, args: readonly Value[], inner: readonly (Tensor | null)[], capVals: readonly Value[]): Map<Tensor, Value> {
  const m = new Map<Tensor, Value>();
  g.inputs.forEach((t, i) => m.set(t, args[i]));
  inner.forEach((t, i) => {
    if (t) m.set(t, capVals[i]);
  });
  return m;
}

function truthy(backend: Backend, v: Value): boolean {
  const t = bt(v);
  const d = (t as unknown as { data?: ArrayLike<number> }).data;
  return (d && d.length === 1 ? d[0] : backend.toHost(t).data[0]) !== 0;
}

defineOp({
  type: 'While',
  inferShape(ctx): OutputSpec[] {
    const a = ctx.attrs as unknown as WhileAttrs;
    const outs: OutputSpec[] = a.body.inputs.map((t) => ({ dtype: t.dtype, shape: t.shape }));
    outs.push({ dtype: DType.variant, shape: TensorShape.scalar() }); // the recorded trace
    return outs;
  },
  kernel(ctx, inputs): Value[] {
    const a = ctx.attrs as unknown as WhileAttrs;
    let vals = inputs.slice(0, a.n);
    const caps = inputs.slice(a.n);
    const record = ctx.outputNeeded(a.n);
    const trace: LoopTrace = { iterations: [], initials: vals, finals: [], caps };
    let iter = 0;
    for (;;) {
      if (a.maximum_iterations !== null && iter >= a.maximum_iterations) break;
      const [c] = ctx.run.runSubgraph(a.cond, feedsFor(a.cond, vals, a.condCaps, caps), a.cond.outputs);
      const go = truthy(ctx.backend, c);
      if (!vals.includes(c) && !caps.includes(c)) freeSuperseded(ctx, [c], [], inputs);
      if (!go) break;
      const next = ctx.run.runSubgraph(a.body, feedsFor(a.body, vals, a.bodyCaps, caps), a.body.outputs, record ? trace.iterations : null);
      // Unrecorded, the previous iteration's values are garbage now (recorded, the trace holds them).
      if (!record) freeSuperseded(ctx, vals, next, inputs);
      vals = next;
      iter++;
    }
    trace.finals = vals;
    return [...vals, new OpaqueValue(trace, () => traceValues(trace))];
  },
  grad(op, grads) {
    const a = op.attrs as unknown as WhileAttrs;
    const n = a.n;
    if (grads.slice(0, n).every((g) => g === null)) return op.inputs.map(() => null);
    const info = buildBodyGradient(a);
    const gIn = grads.slice(0, n).map((g, i) => (g && info.dys[i] ? g : null));
    const present = gIn.map((g) => g !== null);
    const gradOp = makeOp('WhileGrad', [op.outputs[n], ...(gIn.filter((g) => g !== null) as Tensor[])], { while_op: op, present }, { defaultName: 'WhileGrad' });
    const out: (Tensor | null)[] = [];
    for (let i = 0; i < n; i++) out.push(info.dxs[i] ? gradOp.outputs[i] : null);
    for (let j = 0; j < op.inputs.length - n; j++) out.push(info.dcs[j] ? gradOp.outputs[n + j] : null);
    return out;
  },
});

/** Builds (once) the body's gradient subgraph: d(outputs)/d(inputs, captures) given grad_ys. */
function buildBodyGradient(a: WhileAttrs): WhileGradInfo {
  if (a.grad) return a.grad;
  // Imported lazily: gradients.ts imports the op registry users, not the other way round.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { gradients } = require('../autodiff/gradients') as typeof import('../autodiff/gradients');
  const body = a.body;
  const info = withDefaultGraph(body, () => {
    const dys = body.outputs.map((o, i) => (o.dtype.isDifferentiable ? makeOp('Arg', [], { dtype: o.dtype, shape: o.shape, index: -1 - i }, { defaultName: 'grad_y', graph: body }).outputs[0] : null));
    const ys = body.outputs.filter((_, i) => dys[i] !== null);
    const gys = dys.filter((d): d is Tensor => d !== null);
    const capInner = a.bodyCaps;
    const xs = [...body.inputs, ...(capInner.filter((c) => c !== null) as Tensor[])];
    const gs = ys.length ? gradients(ys, xs, gys) : xs.map(() => null);
    const dxs = gs.slice(0, body.inputs.length);
    let k = body.inputs.length;
    const dcs = capInner.map((c) => (c ? gs[k++] : null));
    return { dys, dxs, dcs };
  });
  a.grad = info;
  return info;
}

function zerosLikeValue(backend: Backend, v: Value): Value {
  if (v instanceof TensorListValue) {
    const like = v.items.find((x): x is BackendTensor => x !== null);
    return new TensorListValue(new Array(v.items.length).fill(null), like ? like.shape : v.elementShape, v.dtype);
  }
  const t = bt(v);
  return backend.fill(t.shape, t.dtype, 0);
}

function addValues(backend: Backend, x: Value, y: Value): Value {
  if (x instanceof TensorListValue && y instanceof TensorListValue) return addLists(backend, x, y);
  return backend.binary('add', bt(x), bt(y));
}

/** x0 + x1 + ... (left to right), or null for none. */
function sumValues(backend: Backend, xs: readonly Value[]): Value | null {
  if (xs.length === 0) return null;
  if (xs.length === 1) return xs[0];
  if (xs.every((x) => !(x instanceof TensorListValue))) return backend.addN(xs as BackendTensor[]);
  let acc = xs[0];
  for (let i = 1; i < xs.length; i++) acc = addValues(backend, acc, xs[i]);
  return acc;
}

/**
 * What WhileGrad fetches from the body's gradient subgraph: the loop variables' gradients, and
 * the captures' where `needCap` says so. fetchIdx[r] is the loop variable of fetch r, or
 * -1 - j for capture j. Cached per mask, so that the fetch list is the same array every run.
 */
function gradFetches(info: WhileGradInfo, needCap: readonly boolean[]): { fetches: Tensor[]; fetchIdx: number[] } {
  const key = needCap.map((x) => (x ? 1 : 0)).join('');
  const cache = (info.fetchCache ??= new Map());
  let f = cache.get(key);
  if (!f) {
    const fetches: Tensor[] = [];
    const fetchIdx: number[] = [];
    info.dxs.forEach((t, i) => {
      if (t) {
        fetches.push(t);
        fetchIdx.push(i);
      }
    });
    info.dcs.forEach((t, j) => {
      if (t && needCap[j]) {
        fetches.push(t);
        fetchIdx.push(-1 - j);
      }
    });
    f = { fetches, fetchIdx };
    cache.set(key, f);
  }
  return f;
}

/** A control-flow gradient op's outputs: one per input of the forward op in attr `key`, alike. */
const likeForwardInputs =
  (key: 'while_op' | 'if_op') =>
  (ctx: ShapeContext): OutputSpec[] =>
    (ctx.attrs[key] as Operation).inputs.map((t) => ({ dtype: t.dtype, shape: t.shape }));

defineOp({
  type: 'WhileGrad',
  inferShape: likeForwardInputs('while_op'),
  kernel(ctx, inputs): Value[] {
    const w = ctx.attrs.while_op as Operation;
    const a = w.attrs as unknown as WhileAttrs;
    const info = a.grad!;
    const trace = (inputs[0] as OpaqueValue<LoopTrace>).payload;
    const present = ctx.attrs.present as boolean[];
    const b = ctx.backend;
    // Upstream gradients of the final loop values (zeros where none flowed).
    let k = 1;
    let dy: (Value | null)[] = trace.finals.map((f, i) => (present[i] ? inputs[k++] : info.dys[i] ? zerosLikeValue(b, f) : null));
    // Gradients of captures nobody reads (e.g. of the inputs, when training) are not computed.
    const { fetches, fetchIdx } = gradFetches(info, a.bodyCaps.map((_, j) => ctx.outputNeeded(a.n + j)));
    const capParts: Value[][] = a.bodyCaps.map(() => []);
    for (let it = trace.iterations.length - 1; it >= 0; it--) {
      // The iteration's record is the feed: the grad_y placeholders are (re)set on it each time.
      const feeds = trace.iterations[it];
      info.dys.forEach((p, i) => {
        if (p) feeds.set(p, dy[i] ?? zerosLikeValue(b, feeds.get(a.body.outputs[i]) as Value));
      });
      const res = ctx.run.runSubgraph(a.body, feeds, fetches);
      const nextDy: (Value | null)[] = a.body.inputs.map(() => null);
      for (let r = 0; r < res.length; r++) {
        const i = fetchIdx[r];
        if (i >= 0) nextDy[i] = res[r];
        else capParts[-1 - i].push(res[r]);
      }
      dy = nextDy.map((v, i) => (v === null && info.dys[i] ? zerosLikeValue(b, feeds.get(a.body.inputs[i]) as Value) : v));
    }
    const out: Value[] = [];
    for (let i = 0; i < a.n; i++) out.push(dy[i] ?? zerosLikeValue(b, trace.initials[i]));
    // Each capture's gradient: the sum over iterations, last iteration first (as a chain of adds).
    trace.caps.forEach((c, j) => out.push(sumValues(b, capParts[j]) ?? zerosLikeValue(b, c)));
    // Summed per-iteration parts are temporaries (the trace frees the rest when the run ends).
    if (b.dispose) {
      const kept = new Set<Value>(out);
      for (const parts of capParts) if (parts.length > 1) for (const p of parts) if (!kept.has(p) && !(p instanceof TensorListValue)) b.dispose(p as BackendTensor);
    }
    return out;
  },
  grad: null,
});

// ---------------------------------------------------------------- tf.cond

interface IfAttrs {
  /** [false branch, true branch]: indexed by the predicate's value. */
  branches: [FuncGraph, FuncGraph];
  /** Per branch, the inner capture tensors aligned with the op's capture inputs (null = unused there). */
  caps: [(Tensor | null)[], (Tensor | null)[]];
  /** dtype and merged static shape of each output. */
  outs: OutputSpec[];
  /** Built lazily by the gradient, per branch. */
  grad?: [BranchGradInfo, BranchGradInfo];
}

interface BranchGradInfo {
  /** grad_ys placeholders in the branch graph, one per output (null for non-differentiable). */
  dys: (Tensor | null)[];
  /** d(branch outputs)/d(captures), per capture (null = none). */
  dcs: (Tensor | null)[];
}

interface IfTrace {
  branch: 0 | 1;
  /** Every value the taken branch computed (and was fed), for its gradient. */
  record: Map<Tensor, Value>;
  caps: readonly Value[];
}

export interface CondOptions {
  strict?: boolean;
  name?: string;
}

/** What tf.cond returns for branches returning R: an op (run for its effect) comes back as a tensor. */
export type CondResult<R> = R extends Operation ? Tensor : R;

const unpackIfSingleton = (x: unknown): unknown => (Array.isArray(x) && x.length === 1 ? x[0] : x);
const isCondLeaf = (x: unknown): boolean => isLeaf(x) || x instanceof Operation;

/**
 * tf.cond(pred, true_fn, false_fn, {strict, name}): true_fn() if the scalar boolean `pred` is
 * true at run time, else false_fn(). Each function is called once, here, to build its branch
 * as a subgraph; only the taken branch runs. Both must return the same structure of tensors of
 * the same dtypes; singleton lists are unpacked unless `strict`. Tensors from outside that a
 * branch uses run whichever branch is taken (TF1's dataflow semantics).
 */
export function cond<R>(pred: TensorLike | boolean, true_fn: () => R, false_fn: () => R, opts: CondOptions = {}): CondResult<R> {
  opts = checkOptions('cond', opts, ['strict', 'name']);
  if (true_fn === undefined || true_fn === null) throw new TFTypeError('cond(): true_fn argument required');
  if (false_fn === undefined || false_fn === null) throw new TFTypeError('cond(): false_fn argument required');
  if (typeof true_fn !== 'function') throw new TFTypeError('true_fn must be callable.');
  if (typeof false_fn !== 'function') throw new TFTypeError('false_fn must be callable.');
  const outer = get_default_graph();
  const scope = outer.nameScope(opts.name ?? 'cond');
  try {
    if (typeof pred === 'boolean') throw new TFTypeError('pred must not be a Python bool');
    const p = convert_to_tensor(pred);
    if (p.dtype !== DType.bool) throw new TFTypeError(`Input 'pred' of 'Switch' Op has type ${p.dtype.name} that does not match expected type of bool.`);
    if (p.shape.ndims !== null && p.shape.ndims !== 0) {
      throw new ValueError(`Shape must be rank 0 but is rank ${p.shape.ndims} for '${outer.currentNameScope}/Switch' (op: 'Switch') with input shapes: ${p.shape.toShortString()}, ${p.shape.toShortString()}.`);
    }
    const build = (fn: () => R, label: 'true_fn' | 'false_fn'): { g: FuncGraph; orig: unknown; leaves: Tensor[] } => {
      const g = new FuncGraph(outer, label);
      return withDefaultGraph(g, () => {
        const r: unknown = fn();
        if (r === undefined || r === null) throw new ValueError(`${label} must have a return value.`);
        const orig = opts.strict ? r : unpackIfSingleton(r);
        const leaves = flatten<unknown>(orig, isCondLeaf).map((l) => {
          if (isTensorArray(l)) return inGraph(g, l.flow, null);
          // An op stands for "run it": its output is the predicate, once the op has run (TF's pivot).
          if (l instanceof Operation) return makeOp('Identity', [captureInto(g, p)], {}, { defaultName: 'Identity', graph: g, controlInputs: [l] }).outputs[0];
          return inGraph(g, l as TensorLike, null);
        });
        g.outputs = leaves;
        return { g, orig, leaves };
      });
    };
    const t = build(true_fn, 'true_fn');
    const f = build(false_fn, 'false_fn');
    try {
      assert_same_structure(t.orig, f.orig, isCondLeaf);
    } catch (e) {
      if (e instanceof ValueError) throw new ValueError(`Incompatible return values of true_fn and false_fn: ${e.message}`);
      throw e;
    }
    if (t.leaves.length === 0) throw new ValueError('true_fn and false_fn must return at least one result.');
    const outs: OutputSpec[] = t.leaves.map((x, i) => {
      const y = f.leaves[i];
      if (x.dtype !== y.dtype) throw new ValueError(`Outputs of true_fn and false_fn must have the same type: ${x.dtype.name}, ${y.dtype.name}`);
      return { dtype: x.dtype, shape: mostSpecificCompatible(x.shape, y.shape) };
    });
    const caps: Tensor[] = [];
    for (const g of [f.g, t.g]) for (const o of g.captures.keys()) if (o !== p && !caps.includes(o)) caps.push(o);
    // The predicate is the op's first input; a branch that reads it gets it as a capture too.
    const allCaps = [p, ...caps];
    const attrs: IfAttrs = {
      branches: [f.g, t.g],
      caps: [allCaps.map((c) => f.g.captures.get(c) ?? null), allCaps.map((c) => t.g.captures.get(c) ?? null)],
      outs,
    };
    const op = makeOp('If', allCaps, attrs as unknown as Attrs, { defaultName: 'If' });
    op.subgraphs.push(f.g, t.g);
    // Named as TF1's Merge outputs ('cond/Merge:0', 'cond/Merge_1:0', ...).
    const merged = op.outputs.slice(0, outs.length).map((x) => makeOp('Identity', [x], {}, { defaultName: 'Merge' }).outputs[0]);
    const origLeaves = flatten<unknown>(t.orig, isCondLeaf);
    const packed = pack_sequence_as<unknown>(
      t.orig,
      merged.map((m, i) => {
        const l = origLeaves[i];
        return isTensorArray(l) ? new TensorArray(l.dtype, { flow: m, element_shape: l.element_shape, dynamic_size: l.dynamic_size }) : m;
      }),
      isCondLeaf,
    );
    return (opts.strict ? packed : unpackIfSingleton(packed)) as CondResult<R>;
  } finally {
    scope[Symbol.dispose]();
  }
}

/** The most specific shape both branches' outputs have (TF's Merge: unknown where they differ). */
function mostSpecificCompatible(a: TensorShape, b: TensorShape): TensorShape {
  if (!a.dims || !b.dims || a.dims.length !== b.dims.length) return new TensorShape(null);
  return new TensorShape(a.dims.map((d, i) => (d === b.dims![i] ? d : null)));
}

defineOp({
  type: 'If',
  inferShape(ctx): OutputSpec[] {
    const a = ctx.attrs as unknown as IfAttrs;
    return [...a.outs, { dtype: DType.variant, shape: TensorShape.scalar() }]; // + the taken branch's record
  },
  kernel(ctx, inputs): Value[] {
    const a = ctx.attrs as unknown as IfAttrs;
    const branch: 0 | 1 = truthy(ctx.backend, inputs[0]) ? 1 : 0;
    const g = a.branches[branch];
    const feeds = new Map<Tensor, Value>();
    a.caps[branch].forEach((t, i) => {
      if (t) feeds.set(t, inputs[i]);
    });
    const n = a.outs.length;
    const record: Map<Tensor, Value>[] | null = ctx.outputNeeded(n) ? [] : null;
    const outs = ctx.run.runSubgraph(g, feeds, g.outputs, record);
    const trace: IfTrace = { branch, record: record ? record[0] : feeds, caps: inputs };
    return [...outs, new OpaqueValue<IfTrace>(trace, () => [...trace.record.values(), ...trace.caps])];
  },
  grad(op, grads) {
    const a = op.attrs as unknown as IfAttrs;
    const n = a.outs.length;
    if (grads.slice(0, n).every((g) => g === null)) return op.inputs.map(() => null);
    const infos = buildBranchGradients(a);
    const gIn = grads.slice(0, n).map((g, i) => (g && (infos[0].dys[i] || infos[1].dys[i]) ? g : null));
    const present = gIn.map((g) => g !== null);
    const gradOp = makeOp('IfGrad', [op.outputs[n], ...(gIn.filter((g) => g !== null) as Tensor[])], { if_op: op, present }, { defaultName: 'IfGrad' });
    // The predicate (input 0) has no gradient; a capture has one if either branch depends on it.
    return op.inputs.map((_, j) => (j > 0 && (infos[0].dcs[j] || infos[1].dcs[j]) ? gradOp.outputs[j] : null));
  },
});

/** Builds (once) each branch's gradient subgraph: d(outputs)/d(captures) given grad_ys. */
function buildBranchGradients(a: IfAttrs): [BranchGradInfo, BranchGradInfo] {
  if (a.grad) return a.grad;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { gradients } = require('../autodiff/gradients') as typeof import('../autodiff/gradients');
  const one = (b: 0 | 1): BranchGradInfo =>
    withDefaultGraph(a.branches[b], () => {
      const g = a.branches[b];
      const dys = g.outputs.map((o, i) => (o.dtype.isDifferentiable ? makeOp('Arg', [], { dtype: o.dtype, shape: o.shape, index: -1 - i }, { defaultName: 'grad_y', graph: g }).outputs[0] : null));
      const ys = g.outputs.filter((_, i) => dys[i] !== null);
      const xs = a.caps[b].filter((c): c is Tensor => c !== null && c.dtype.isDifferentiable);
      const gs = ys.length && xs.length ? gradients(ys, xs, dys.filter((d): d is Tensor => d !== null)) : xs.map(() => null);
      const byCap = new Map(xs.map((x, k) => [x, gs[k]] as const));
      return { dys, dcs: a.caps[b].map((c) => (c ? (byCap.get(c) ?? null) : null)) };
    });
  a.grad = [one(0), one(1)];
  return a.grad;
}

defineOp({
  type: 'IfGrad',
  inferShape: likeForwardInputs('if_op'),
  kernel(ctx, inputs): Value[] {
    const op = ctx.attrs.if_op as Operation;
    const a = op.attrs as unknown as IfAttrs;
    const trace = (inputs[0] as OpaqueValue<IfTrace>).payload;
    const info = a.grad![trace.branch];
    const g = a.branches[trace.branch];
    const present = ctx.attrs.present as boolean[];
    const b = ctx.backend;
    const feeds = trace.record;
    let k = 1;
    info.dys.forEach((p, i) => {
      const dy = present[i] ? inputs[k++] : null;
      if (p) feeds.set(p, dy ?? zerosLikeValue(b, feeds.get(g.outputs[i]) as Value));
    });
    const fetches: Tensor[] = [];
    const fetchCap: number[] = [];
    info.dcs.forEach((t, j) => {
      if (t && ctx.outputNeeded(j)) {
        fetches.push(t);
        fetchCap.push(j);
      }
    });
    const res = fetches.length ? ctx.run.runSubgraph(g, feeds, fetches) : [];
    // Needed gradients the taken branch does not give are zeros; unneeded ones are skipped.
    return trace.caps.map((c, j) => {
      const r = fetchCap.indexOf(j);
      if (r >= 0) return res[r];
      return ctx.outputNeeded(j) ? zerosLikeValue(b, c) : (undefined as unknown as Value);
    });
  },
  grad: null,
});
