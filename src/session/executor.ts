/**
 * Plans and executes a (sub)graph: prunes to what the fetches need (feeds cut the graph),
 * orders ops topologically, and runs each op's kernel. Plans are built once per
 * (graph, fetches, fed tensors) and cached by the Session.
 */
import { BackendTensor, FusedActivation } from '../backend/backend';
import { InternalError, OpError, ResourceExhaustedError, TFError } from '../core/errors';
import { Graph, Operation, Tensor } from '../graph/graph';
import { DType } from '../core/dtypes';
import { KernelContext, OpDef, OpaqueValue, RunContext, TensorListValue, Value, getOpDef } from '../ops/registry';

export interface PlanStep {
  readonly op: Operation;
  readonly def: OpDef;
  /** Slot of each input tensor. */
  readonly inputSlots: Int32Array;
  /** Slot of each output tensor. */
  readonly outputSlots: Int32Array;
  /** Slots whose last reader is this step (released after it unless kept). */
  readonly release: Int32Array;
  /** Per output: is it read later in the plan or fetched? */
  readonly outputUsed: readonly boolean[];
  /** The kernel context of the last run context this step ran in (reused: runs repeat). */
  kctx?: KernelContext;
}

export interface Plan {
  readonly graph: Graph;
  readonly steps: readonly PlanStep[];
  readonly slotOf: Map<Tensor, number>;
  readonly nSlots: number;
  readonly feedSlots: Int32Array;
  readonly fetchSlots: Int32Array;
}

export interface PlanOptions {
  /** Run MatMul -> BiasAdd -> Tanh/Relu chains through Backend.fusedMatMul (when it has one). */
  fuseMatMul?: boolean;
}

/** Builds the plan for `fetches` and `targets` with `fed` tensors supplied. */
export function buildPlan(graph: Graph, fetches: readonly Tensor[], targets: readonly Operation[], fed: readonly Tensor[], options: PlanOptions = {}): Plan {
  const fedSet = new Set(fed);
  const needed = new Set<Operation>();
  const order: Operation[] = [];
  // Iterative DFS post-order over inputs and control inputs.
  const visiting = new Set<Operation>();
  const roots: Operation[] = [...fetches.filter((t) => !fedSet.has(t)).map((t) => t.op), ...targets];
  for (const root of roots) {
    if (needed.has(root)) continue;
    const stack: [Operation, number][] = [[root, 0]];
    visiting.add(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [op, i] = top;
      const deps = op.inputs.length + op.control_inputs.length;
      if (i < deps) {
        top[1]++;
        let dep: Operation | null;
        if (i < op.inputs.length) {
          const t = op.inputs[i];
          dep = fedSet.has(t) ? null : t.op;
        } else dep = op.control_inputs[i - op.inputs.length];
        if (dep && !needed.has(dep)) {
          if (visiting.has(dep)) throw new InternalError(`Graph has a cycle through op '${dep.name}'`);
          visiting.add(dep);
          stack.push([dep, 0]);
        }
      } else {
        stack.pop();
        visiting.delete(op);
        needed.add(op);
        order.push(op);
      }
    }
  }
  const slotOf = new Map<Tensor, number>();
  let n = 0;
  const slot = (t: Tensor): number => {
    let s = slotOf.get(t);
    if (s === undefined) slotOf.set(t, (s = n++));
    return s;
  };
  const feedSlots = Int32Array.from(fed, slot);
  // A fed output of an op that still runs (for its other outputs) goes to a scratch slot, so
  // the kernel's value cannot overwrite the fed one.
  const outSlot = (t: Tensor): number => (fedSet.has(t) ? n++ : slot(t));
  const fusion = options.fuseMatMul ? findMatMulChains(order, fetches, fedSet) : null;
  const stepsRaw: { op: Operation; def: OpDef; inputSlots: Int32Array; outputSlots: Int32Array }[] = [];
  for (const op of order) {
    if (fusion?.absorbed.has(op)) continue;
    const chain = fusion?.chains.get(op);
    stepsRaw.push({
      op,
      def: chain ? chain.def : getOpDef(op.type),
      inputSlots: Int32Array.from(chain ? chain.inputs : op.inputs, slot),
      outputSlots: Int32Array.from(op.outputs, outSlot),
    });
  }
  const fetchSlots = Int32Array.from(fetches, slot);
  // Last reader of each slot; fetched and fed slots are kept to the end.
  const keep = new Set<number>([...fetchSlots, ...feedSlots]);
  const lastUse = new Map<number, number>();
  stepsRaw.forEach((s, i) => s.inputSlots.forEach((k) => lastUse.set(k, i)));
  const releases: number[][] = stepsRaw.map(() => []);
  for (const [k, i] of lastUse) if (!keep.has(k)) releases[i].push(k);
  const read = new Set<number>([...fetchSlots]);
  for (const s of stepsRaw) s.inputSlots.forEach((k) => read.add(k));
  const steps: PlanStep[] = stepsRaw.map((s, i) => ({
    ...s,
    release: Int32Array.from(releases[i]),
    outputUsed: Array.from(s.outputSlots, (k) => read.has(k)),
    kctx: undefined,
  }));
  return { graph, steps, slotOf, nSlots: n, feedSlots, fetchSlots };
}

// ---- fusion --------------------------------------------------------------------------------

const FUSABLE_ACTIVATIONS: Record<string, FusedActivation> = { Tanh: 'tanh', Relu: 'relu' };

interface Chain {
  /** The fused step's inputs: a, b, bias. */
  inputs: Tensor[];
  def: OpDef;
}

/**
 * Finds float32 MatMul -> BiasAdd [-> Tanh | Relu] chains, and MatMul -> SplitV along columns,
 * whose intermediate results nothing else in the plan reads (nor fetches, nor waits on by control
 * dependency), as TF's remapper does. Each becomes one step at the place of its last op, which
 * it stands for (its output slots and, for loop traces, its recorded values); the earlier ops of
 * the chain are absorbed. A value a fused step does not produce is not recorded, so a gradient
 * that needs it recomputes it.
 */
function findMatMulChains(order: readonly Operation[], fetches: readonly Tensor[], fedSet: ReadonlySet<Tensor>): { chains: Map<Operation, Chain>; absorbed: Set<Operation> } {
  const readers = new Map<Tensor, Operation[]>();
  const controlled = new Set<Operation>();
  for (const op of order) {
    for (const t of op.inputs) {
      const r = readers.get(t);
      if (r) r.push(op);
      else readers.set(t, [op]);
    }
    for (const c of op.control_inputs) controlled.add(c);
  }
  const fetched = new Set(fetches);
  const planned = new Set(order);
  /** The one op that reads t, when exactly one edge reads it and nothing else needs it. */
  const soleReader = (t: Tensor): Operation | null => {
    if (fetched.has(t) || fedSet.has(t) || controlled.has(t.op)) return null;
    const r = readers.get(t);
    return r && r.length === 1 && r[0].inputs.filter((x) => x === t).length === 1 ? r[0] : null;
  };
  const chains = new Map<Operation, Chain>();
  const absorbed = new Set<Operation>();
  for (const mm of order) {
    if (mm.type !== 'MatMul' || mm.outputs[0].dtype !== DType.float32 || !planned.has(mm)) continue;
    const next = soleReader(mm.outputs[0]);
    if (!next || next.inputs[0] !== mm.outputs[0]) continue;
    if (next.type === 'SplitV' && (next.attrs.axis === 1 || next.attrs.axis === -1)) {
      // Column blocks of a product: each block is the product with a block of op(B)'s columns,
      // so blocks nothing reads (e.g. the gradient of a loop's inputs) are never computed.
      chains.set(next, { inputs: [mm.inputs[0], mm.inputs[1], next.inputs[1]], def: splitMatMulDef(mm, next) });
      absorbed.add(mm);
      continue;
    }
    const ba = next;
    if (ba.type !== 'BiasAdd' || ba.outputs[0].dtype !== DType.float32) continue;
    const act = soleReader(ba.outputs[0]);
    const activation = act ? FUSABLE_ACTIVATIONS[act.type] : undefined;
    const ops = activation ? [mm, ba, act!] : [mm, ba];
    const last = ops[ops.length - 1];
    chains.set(last, { inputs: [mm.inputs[0], mm.inputs[1], ba.inputs[1]], def: fusedDef(ops, activation ?? 'none') });
    for (const op of ops) if (op !== last) absorbed.add(op);
  }
  return { chains, absorbed };
}

/** The step kernel of a fused chain; if the fused kernel fails, the ops run one by one (for their own errors). */
function fusedDef(ops: readonly Operation[], activation: FusedActivation): OpDef {
  const mm = ops[0];
  const ta = !!mm.attrs.transpose_a;
  const tb = !!mm.attrs.transpose_b;
  return {
    type: `_FusedMatMul(${ops.map((o) => o.type).join(',')})`,
    inferShape: () => [],
    grad: null,
    kernel(ctx, inputs): Value[] {
      const [a, b, bias] = inputs as BackendTensor[];
      const ka = a.shape.length === 2 ? a.shape[ta ? 0 : 1] : -1;
      const kb = b.shape.length === 2 ? b.shape[tb ? 1 : 0] : -2;
      const n = b.shape.length === 2 ? b.shape[tb ? 0 : 1] : -1;
      if (ka === kb && bias.shape.length === 1 && bias.shape[0] === n && a.dtype === b.dtype && b.dtype === bias.dtype) {
        return [ctx.backend.fusedMatMul!(a, b, ta, tb, bias, activation)];
      }
      let v: Value = inputs[0];
      for (const op of ops) v = runUnfused(ctx, op, op === mm ? [a, b] : op.type === 'BiasAdd' ? [v, bias] : [v])[0];
      return [v];
    },
  };
}

/** Runs the ops of a chain one by one (the fallback of fused steps, for the ops' own errors). */
function runUnfused(ctx: KernelContext, op: Operation, ins: Value[]): Value[] {
  const sub: KernelContext = { backend: ctx.backend, op, attrs: op.attrs, run: ctx.run, outputNeeded: () => true };
  try {
    return getOpDef(op.type).kernel(sub, ins);
  } catch (e) {
    throw annotate(e, op, ins);
  }
}

/**
 * MatMul then SplitV along columns: output i = op(A) . op(B)[:, cols of block i], computed only
 * for the blocks read (the others are left undefined). Each element is the same sum as in the
 * whole product, so the results are those of MatMul + SplitV.
 */
function splitMatMulDef(mm: Operation, split: Operation): OpDef {
  const ta = !!mm.attrs.transpose_a;
  const tb = !!mm.attrs.transpose_b;
  return {
    type: '_FusedMatMul(MatMul,SplitV)',
    inferShape: () => [],
    grad: null,
    kernel(ctx, inputs): Value[] {
      const [a, b, sz] = inputs as BackendTensor[];
      const be = ctx.backend;
      const sizes = sz.shape.length === 1 && sz.size === split.outputs.length ? Array.from(be.toHost(sz).data) : null;
      const n = b.shape.length === 2 ? b.shape[tb ? 0 : 1] : -1;
      const k = b.shape.length === 2 ? b.shape[tb ? 1 : 0] : -1;
      const ka = a.shape.length === 2 ? a.shape[ta ? 0 : 1] : -2;
      if (sizes && ka === k && a.dtype === b.dtype && sizes.every((x) => Number.isInteger(x) && x >= 0) && sizes.reduce((x, y) => x + y, 0) === n) {
        const out: Value[] = [];
        let off = 0;
        for (let i = 0; i < sizes.length; i++) {
          const s = sizes[i];
          if (!ctx.outputNeeded(i)) out.push(undefined as unknown as Value);
          else if (s === n) out.push(be.matmul(a, b, ta, tb));
          else out.push(be.matmul(a, tb ? be.slice(b, [off, 0], [s, k]) : be.slice(b, [0, off], [k, s]), ta, tb));
          off += s;
        }
        return out;
      }
      const [c] = runUnfused(ctx, mm, [a, b]);
      return runUnfused(ctx, split, [c, sz]);
    },
  };
}

/**
 * Runs a plan. `values` holds the fed slots on entry; returns the fetched values. If `record`
 * is given, every value computed is also stored there (for gradients through loops).
 */
export function executePlan(plan: Plan, values: (Value | undefined)[], run: RunContext, record?: Map<Tensor, Value> | null): Value[] {
  const backend = run.backend;
  let pinned: Set<Value> | null = null;
  for (const step of plan.steps) {
    if (run.cancelled()) throw new OpError('Run cancelled', step.op.name);
    const ins: Value[] = new Array(step.inputSlots.length);
    for (let i = 0; i < ins.length; i++) {
      const v = values[step.inputSlots[i]];
      if (v === undefined) throw new InternalError(`Input ${i} of op '${step.op.name}' was not computed`, step.op.name);
      ins[i] = v;
    }
    let kctx = step.kctx;
    if (kctx === undefined || kctx.run !== run || kctx.backend !== backend) kctx = step.kctx = kernelContext(step, run);
    let outs: Value[];
    try {
      outs = step.def.kernel(kctx, ins);
    } catch (e) {
      throw annotate(e, step.op, ins);
    }
    for (let i = 0; i < step.outputSlots.length; i++) {
      values[step.outputSlots[i]] = outs[i];
      // fed values stay; an output a kernel skipped (undefined: nothing reads it) is not recorded
      if (record && outs[i] !== undefined && !record.has(step.op.outputs[i])) record.set(step.op.outputs[i], outs[i]);
    }
    // Lists and loop traces hold the handles they were built from: those stay for this run. A
    // trace also holds the op's other outputs (a loop's final values are its last iteration's).
    if (backend.dispose && outs.some((o) => o instanceof TensorListValue || o instanceof OpaqueValue)) {
      for (const v of ins) (pinned ??= new Set()).add(v);
      if (outs.some((o) => o instanceof OpaqueValue)) for (const v of outs) if (v !== undefined) pinned!.add(v);
    }
    if (!record) {
      for (const k of step.release) {
        const v = values[k];
        // Lists, traces and what they hold stay in their slots until the run ends: the session
        // frees them then (Session.releaseRun), as later steps may still read them through a trace.
        if (backend.dispose && v !== undefined && (v instanceof TensorListValue || v instanceof OpaqueValue || pinned?.has(v))) continue;
        values[k] = undefined;
        // Backends with device memory (gpu.js textures) free intermediates as soon as their last
        // reader has run: a long synchronous training loop would otherwise hold every texture
        // until it yields to the event loop. A value still in another slot (passthrough ops,
        // feeds, fetches) or kept by the session (variables, constants) stays.
        if (backend.dispose && v !== undefined && !(v instanceof TensorListValue) && !(v instanceof OpaqueValue) && !values.includes(v) && !pinned?.has(v) && !run.isPersistent?.(v)) {
          backend.dispose(v as BackendTensor);
        }
      }
    }
  }
  const results = Array.from(plan.fetchSlots, (k) => values[k] as Value);
  if (!record && backend.dispose) freeUnreachable(values, results, plan.feedSlots, run, (t) => backend.dispose!(t));
  return results;
}

/** Adds `v` and, through lists and traces, every value it holds to `into`. */
export function addHeld(v: Value | undefined, into: Set<Value>): void {
  if (v === undefined || v === null || into.has(v)) return;
  into.add(v);
  if (v instanceof TensorListValue) for (const it of v.items) if (it) into.add(it);
  if (v instanceof OpaqueValue) for (const h of v.held()) addHeld(h, into);
}

/**
 * After a plan ran (unrecorded, on a backend with device memory): frees every tensor it still
 * holds (outputs nobody read, values pinned by lists and traces of this run) that neither the
 * results nor the feeds reach (they belong to the caller: a loop, a trace, the session) and the
 * session does not keep (variables, constants). A loop body's lists and branch traces die here.
 */
function freeUnreachable(values: readonly (Value | undefined)[], results: readonly Value[], feedSlots: Int32Array, run: RunContext, dispose: (t: BackendTensor) => void): void {
  const live = new Set<Value>();
  for (const r of results) addHeld(r, live);
  for (const k of feedSlots) addHeld(values[k], live);
  const all = new Set<Value>();
  for (const v of values) addHeld(v, all);
  for (const v of all) {
    if (live.has(v) || v instanceof TensorListValue || v instanceof OpaqueValue || run.isPersistent?.(v)) continue;
    dispose(v as BackendTensor);
  }
}

/** A step's kernel context; made once per (step, run context), as plans run again and again. */
function kernelContext(step: PlanStep, run: RunContext): KernelContext {
  const used = step.outputUsed;
  return { backend: run.backend, op: step.op, attrs: step.op.attrs, run, outputNeeded: (i: number): boolean => used[i] };
}

/** Adds the op's name to errors raised by kernels; foreign errors become InternalError. */
function annotate(e: unknown, op: Operation, ins: readonly Value[]): Error {
  if (e instanceof TFError) {
    // Errors that do not name a node yet (backend kernels name only their kernel type, e.g.
    // 'Add' for the op 'add') get the op's name, as TF's `[[node add]]` line.
    if (e instanceof OpError && !e.message.includes('[[')) {
      const C = e.constructor as new (m: string, o: string) => OpError;
      const wrapped = new C(`${e.message}\n\t [[node ${op.name} (${op.type})]]`, op.name);
      return wrapped;
    }
    return e;
  }
  const shapes = ins.map((v) => ((v as BackendTensor).shape ? `[${(v as BackendTensor).shape.join(',')}]` : '?')).join(', ');
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof RangeError && /Invalid typed array length|Array buffer allocation failed|Invalid array length/.test(msg)) {
    // TF's OOM: the requested tensor cannot be allocated.
    return new ResourceExhaustedError(`OOM when allocating the output of op '${op.name}' (${op.type}) on inputs ${shapes}: ${msg}`, op.name);
  }
  const err = new InternalError(`Kernel of op '${op.name}' (${op.type}) failed on inputs ${shapes}: ${msg}`, op.name);
  if (e instanceof Error && e.stack) err.stack = `${err.name}: ${err.message}\nCaused by: ${e.stack}`;
  return err;
}
