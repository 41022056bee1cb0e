/**
 * Stateful ops and tf.Variable: VariableV2, Assign/AssignAdd/AssignSub, the optimizers' apply
 * kernels, NoOp / group / control_dependencies, and global_variables_initializer.
 *
 * Variable values live in the Session (two sessions on one graph are independent). Writes
 * made during a run are committed only when the whole run succeeds.
 */
import { BackendTensor } from '../backend/backend';
import { DType, DTypeLike, asDType } from '../core/dtypes';
import { InvalidArgumentError, TFTypeError, ValueError } from '../core/errors';
import { checkOptions } from '../core/options';
import { FuncGraph, Graph, GraphKeys, Operation, Tensor, get_default_graph, withDefaultGraph } from '../graph/graph';
import { TensorShape } from '../graph/tensor_shape';
import { OutputSpec, Value, defineOp, make1, makeOp } from './registry';
import { TensorConvertible, TensorLike, convert_to_tensor, freeTemps } from './common';

const bt = (v: Value): BackendTensor => v as BackendTensor;

defineOp({
  type: 'VariableV2',
  inferShape: (ctx) => [{ dtype: ctx.attrs.dtype as DType, shape: ctx.attrs.shape as TensorShape }],
  kernel: (ctx) => [ctx.run.readVariable(ctx.op)],
  grad: null,
  stateful: true,
});

defineOp({
  type: 'IsVariableInitialized',
  inferShape: () => [{ dtype: DType.bool, shape: TensorShape.scalar() }],
  kernel: (ctx) => [ctx.backend.fill([], DType.bool, ctx.run.isInitialized(ctx.attrs.var as Operation) ? 1 : 0)],
  grad: null,
  stateful: true,
});

function checkAssignShape(varOp: Operation, value: BackendTensor, opName: string, validate: boolean): void {
  const s = (varOp.attrs.shape as TensorShape).dims;
  if (!validate || !s) return;
  if (s.length !== value.shape.length || s.some((d, i) => d !== null && d !== value.shape[i])) {
    throw new InvalidArgumentError(
      `Assign requires shapes of both tensors to match. lhs shape= [${s.map((d) => d ?? '?').join(',')}] rhs shape= [${value.shape.join(',')}]\n\t [[{{node ${opName}}}]]`,
      opName,
    );
  }
}

defineOp({
  type: 'Assign',
  inferShape(ctx): OutputSpec[] {
    const v = ctx.attrs.var as Operation;
    const vt = v.outputs[0];
    if (ctx.inputs[0].dtype !== vt.dtype) {
      throw new ValueError(`Assign: value of dtype ${ctx.inputs[0].dtype.name} cannot be assigned to variable ${v.name} of dtype ${vt.dtype.name}`);
    }
    if (ctx.attrs.validate_shape !== false && !vt.shape.isCompatibleWith(ctx.inputs[0].shape)) {
      ctx.fail(`Dimension 0 in both shapes must be equal, but shapes are ${vt.shape.toShortString()} and ${ctx.inputs[0].shape.toShortString()}`);
    }
    // As TF's shape function: the merged shape, or with validate_shape=False the value's shape (what the output holds).
    return [{ dtype: vt.dtype, shape: ctx.attrs.validate_shape !== false ? vt.shape.merge(ctx.inputs[0].shape) : ctx.inputs[0].shape }];
  },
  kernel(ctx, inputs): Value[] {
    const v = ctx.attrs.var as Operation;
    const value = bt(inputs[0]);
    checkAssignShape(v, value, ctx.op.name, ctx.attrs.validate_shape !== false);
    ctx.run.writeVariable(v, value);
    return [value];
  },
  grad: null,
  stateful: true,
});

for (const [type, prim] of [
  ['AssignAdd', 'add'],
  ['AssignSub', 'sub'],
] as const) {
  defineOp({
    type,
    inferShape(ctx): OutputSpec[] {
      const vt = (ctx.attrs.var as Operation).outputs[0];
      if (ctx.inputs[0].dtype !== vt.dtype) throw new ValueError(`${type}: dtype ${ctx.inputs[0].dtype.name} does not match variable dtype ${vt.dtype.name}`);
      if (!vt.shape.isCompatibleWith(ctx.inputs[0].shape)) ctx.fail(`Shapes must be equal rank, but are ${vt.shape.ndims} and ${ctx.inputs[0].shape.ndims}`);
      return [{ dtype: vt.dtype, shape: vt.shape }];
    },
    kernel(ctx, inputs): Value[] {
      const v = ctx.attrs.var as Operation;
      const cur = ctx.run.readVariable(v);
      const d = bt(inputs[0]);
      if (cur.shape.length !== d.shape.length || cur.shape.some((x, i) => x !== d.shape[i])) {
        throw new InvalidArgumentError(`${type} requires shapes of both tensors to match. lhs shape= [${cur.shape.join(',')}] rhs shape= [${d.shape.join(',')}]`, ctx.op.name);
      }
      const out = ctx.backend.binary(prim, cur, d);
      ctx.run.writeVariable(v, out);
      return [out];
    },
    grad: null,
    stateful: true,
  });
}

// ---- optimizer kernels (TF1 has these as ops too) -------------------------------------------

function sameShapeAsVar(ctx: { op: Operation }, v: BackendTensor, g: BackendTensor): void {
  if (v.shape.length !== g.shape.length || v.shape.some((d, i) => d !== g.shape[i])) {
    throw new InvalidArgumentError(`var and grad do not have the same shape[${v.shape.join(',')}] [${g.shape.join(',')}]`, ctx.op.name);
  }
}

defineOp({
  type: 'ApplyGradientDescent',
  inferShape: (ctx) => [{ dtype: ctx.inputs[1].dtype, shape: (ctx.attrs.var as Operation).outputs[0].shape }],
  kernel(ctx, inputs): Value[] {
    const v = ctx.attrs.var as Operation;
    const cur = ctx.run.readVariable(v);
    const lr = bt(inputs[0]);
    const g = bt(inputs[1]);
    sameShapeAsVar(ctx, cur, g);
    const step = ctx.backend.binary('mul', g, lr);
    const out = ctx.backend.binary('sub', cur, step);
    ctx.backend.dispose?.(step); // freed once `out` no longer needs it
    ctx.run.writeVariable(v, out);
    return [out];
  },
  grad: null,
  stateful: true,
});

defineOp({
  type: 'ApplyMomentum',
  inferShape: (ctx) => [{ dtype: ctx.inputs[1].dtype, shape: (ctx.attrs.var as Operation).outputs[0].shape }],
  kernel(ctx, inputs): Value[] {
    const b = ctx.backend;
    const v = ctx.attrs.var as Operation;
    const accumOp = ctx.attrs.accum as Operation;
    const cur = ctx.run.readVariable(v);
    const accum = ctx.run.readVariable(accumOp);
    const lr = bt(inputs[0]);
    const g = bt(inputs[1]);
    const mom = bt(inputs[2]);
    sameShapeAsVar(ctx, cur, g);
    const decayed = b.binary('mul', accum, mom);
    const acc2 = b.binary('add', decayed, g);
    const temps = [decayed];
    let step: BackendTensor;
    if (ctx.attrs.use_nesterov) {
      const t = [b.binary('mul', g, lr), b.binary('mul', acc2, mom)];
      const t2 = b.binary('mul', t[1], lr);
      step = b.binary('add', t[0], t2);
      temps.push(...t, t2);
    } else step = b.binary('mul', acc2, lr);
    const out = b.binary('sub', cur, step);
    freeTemps(b, [...temps, step], [out, acc2]);
    ctx.run.writeVariable(accumOp, acc2);
    ctx.run.writeVariable(v, out);
    return [out];
  },
  grad: null,
  stateful: true,
});

/**
 * RMSProp (TF's ApplyRMSProp / ApplyCenteredRMSProp): ms += (g^2 - ms)(1 - rho);
 * [centered: mg += (g - mg)(1 - rho)]; mom = momentum*mom + lr*g / sqrt(ms [- mg^2] + eps);
 * var -= mom. Inputs: lr, rho, momentum, epsilon, grad (scalars in var's dtype).
 */
for (const centered of [false, true]) {
  defineOp({
    type: centered ? 'ApplyCenteredRMSProp' : 'ApplyRMSProp',
    inferShape: (ctx) => [{ dtype: ctx.inputs[4].dtype, shape: (ctx.attrs.var as Operation).outputs[0].shape }],
    kernel(ctx, inputs): Value[] {
      const b = ctx.backend;
      const v = ctx.attrs.var as Operation;
      const [lr, rho, momentum, eps, g] = inputs.map(bt);
      const cur = ctx.run.readVariable(v);
      sameShapeAsVar(ctx, cur, g);
      const ms = ctx.run.readVariable(ctx.attrs.ms as Operation);
      const mom = ctx.run.readVariable(ctx.attrs.mom as Operation);
      const temps: BackendTensor[] = [];
      const t = (x: BackendTensor): BackendTensor => (temps.push(x), x);
      const oneMinusRho = t(b.binary('sub', t(b.fill([], rho.dtype, 1)), rho));
      // ms + (g^2 - ms) * (1 - rho)
      const ms2 = b.binary('add', ms, t(b.binary('mul', t(b.binary('sub', t(b.unary('square', g)), ms)), oneMinusRho)));
      let denom = t(b.binary('add', ms2, eps));
      let mg2: BackendTensor | null = null;
      if (centered) {
        const mg = ctx.run.readVariable(ctx.attrs.mg as Operation);
        mg2 = b.binary('add', mg, t(b.binary('mul', t(b.binary('sub', g, mg)), oneMinusRho)));
        denom = t(b.binary('sub', denom, t(b.unary('square', mg2))));
      }
      const mom2 = b.binary('add', t(b.binary('mul', mom, momentum)), t(b.binary('mul', t(b.binary('mul', g, lr)), t(b.unary('rsqrt', denom)))));
      const out = b.binary('sub', cur, mom2);
      freeTemps(b, temps, [out, ms2, mom2, mg2]);
      ctx.run.writeVariable(ctx.attrs.ms as Operation, ms2);
      ctx.run.writeVariable(ctx.attrs.mom as Operation, mom2);
      if (mg2) ctx.run.writeVariable(ctx.attrs.mg as Operation, mg2);
      ctx.run.writeVariable(v, out);
      return [out];
    },
    grad: null,
    stateful: true,
  });
}

/** Adagrad (TF's ApplyAdagrad): accum += g^2; var -= lr * g / sqrt(accum). Inputs: lr, grad. */
defineOp({
  type: 'ApplyAdagrad',
  inferShape: (ctx) => [{ dtype: ctx.inputs[1].dtype, shape: (ctx.attrs.var as Operation).outputs[0].shape }],
  kernel(ctx, inputs): Value[] {
    const b = ctx.backend;
    const v = ctx.attrs.var as Operation;
    const [lr, g] = inputs.map(bt);
    const cur = ctx.run.readVariable(v);
    sameShapeAsVar(ctx, cur, g);
    const accumOp = ctx.attrs.accum as Operation;
    const sq = b.unary('square', g);
    const accum2 = b.binary('add', ctx.run.readVariable(accumOp), sq);
    const lg = b.binary('mul', g, lr);
    const r = b.unary('rsqrt', accum2);
    const step = b.binary('mul', lg, r);
    const out = b.binary('sub', cur, step);
    freeTemps(b, [sq, lg, r, step], [out, accum2]);
    ctx.run.writeVariable(accumOp, accum2);
    ctx.run.writeVariable(v, out);
    return [out];
  },
  grad: null,
  stateful: true,
});

defineOp({
  type: 'ApplyAdam',
  inferShape: (ctx) => [{ dtype: ctx.inputs[0].dtype, shape: (ctx.attrs.var as Operation).outputs[0].shape }],
  kernel(ctx, inputs): Value[] {
    const v = ctx.attrs.var as Operation;
    const mOp = ctx.attrs.m as Operation;
    const vOp = ctx.attrs.v as Operation;
    const g = bt(inputs[0]);
    const scalars = inputs.slice(1).map((x) => ctx.backend.toHost(bt(x)).data[0]);
    const [b1p, b2p, lr, beta1, beta2, eps] = scalars;
    const cur = ctx.run.readVariable(v);
    sameShapeAsVar(ctx, cur, g);
    const [nv, nm, nvv] = ctx.backend.applyAdam(cur, ctx.run.readVariable(mOp), ctx.run.readVariable(vOp), g, {
      lr,
      beta1,
      beta2,
      epsilon: eps,
      beta1Power: b1p,
      beta2Power: b2p,
    });
    ctx.run.writeVariable(mOp, nm);
    ctx.run.writeVariable(vOp, nvv);
    ctx.run.writeVariable(v, nv);
    return [nv];
  },
  grad: null,
  stateful: true,
});

defineOp({
  type: 'NoOp',
  inferShape: () => [],
  kernel: () => [],
  grad: null,
});

/** tf.no_op */
export function no_op(name?: string): Operation {
  return makeOp('NoOp', [], {}, { name, defaultName: 'NoOp' });
}

/** tf.group(*inputs, name): one op that runs after all of `inputs`. */
export function group(inputs: readonly (Operation | Tensor | null | undefined)[], opts: { name?: string } = {}): Operation {
  opts = checkOptions('group', opts, ['name']);
  const ops = inputs.filter((x): x is Operation | Tensor => !!x).map((x) => (x instanceof Tensor ? x.op : x));
  return makeOp('NoOp', [], {}, { name: opts.name, defaultName: 'group_deps', controlInputs: ops });
}

/**
 * tf.control_dependencies(ops, fn?): ops created inside run after `ops`. With `fn`, runs it
 * inside and returns its result; otherwise returns a handle for `using`.
 */
export function control_dependencies<T>(ops: readonly (Operation | Tensor)[] | null, fn: () => T): T;
export function control_dependencies(ops: readonly (Operation | Tensor)[] | null): Disposable;
export function control_dependencies<T>(ops: readonly (Operation | Tensor)[] | null, fn?: () => T): T | Disposable {
  const h = get_default_graph().controlDependencies(ops);
  if (!fn) return h;
  try {
    return fn();
  } finally {
    h[Symbol.dispose]();
  }
}

// ---- tf.Variable ----------------------------------------------------------------------------

/**
 * Runs `fn` in the root graph with no control dependencies (TF's init_scope; TF1's variables
 * clear them too: `with ops.control_dependencies(None):`).
 */
export function initScope<T>(fn: () => T): T {
  const g = get_default_graph();
  const root = g.root;
  const saved = root.controlDependencyStack;
  root.controlDependencyStack = [];
  try {
    return root === g ? fn() : withDefaultGraph(root, fn);
  } finally {
    root.controlDependencyStack = saved;
  }
}

export interface VariableOptions {
  trainable?: boolean;
  collections?: readonly string[] | null;
  validate_shape?: boolean;
  name?: string;
  dtype?: DTypeLike;
  expected_shape?: readonly (number | null)[];
}

let variableCreatedHook: ((v: Variable) => void) | null = null;
/** Lets the variable-scope module learn of get_variable-created variables. */
export function setVariableCreatedHook(h: ((v: Variable) => void) | null): void {
  variableCreatedHook = h;
}

export class Variable implements TensorConvertible {
  readonly op: Operation;
  readonly initializer: Operation;
  readonly initial_value: Tensor;
  readonly trainable: boolean;
  /** The Identity op others read ('Variable/read'). */
  private readonly snapshot: Tensor;
  readonly graph: Graph;

  constructor(initial_value: TensorLike | (() => TensorLike), opts: VariableOptions = {}) {
    opts = checkOptions('Variable', opts, ['trainable', 'collections', 'validate_shape', 'name', 'dtype', 'expected_shape']);
    if (initial_value === undefined || initial_value === null) throw new ValueError('initial_value must be specified.');
    if (opts.name !== undefined && opts.name !== null && typeof opts.name !== 'string') throw new TFTypeError(`Variable: name must be a string, got ${typeof opts.name}`);
    for (const k of ['trainable', 'validate_shape'] as const) {
      if (opts[k] !== undefined && opts[k] !== null && typeof opts[k] !== 'boolean') throw new TFTypeError(`Variable: ${k} must be a boolean, got ${typeof opts[k]}`);
    }
    if (opts.collections !== undefined && opts.collections !== null && (!Array.isArray(opts.collections) || opts.collections.some((c) => typeof c !== 'string'))) {
      throw new TFTypeError('Variable: collections must be an array of collection names (strings)');
    }
    const built = initScope(() => {
      const g = get_default_graph();
      const scope = g.nameScope(opts.name ?? 'Variable');
      try {
        const baseName = scope.name.slice(0, -1);
        const raw = typeof initial_value === 'function' ? initial_value() : initial_value;
        const init = convert_to_tensor(raw, opts.dtype ?? null, 'initial_value');
        if (opts.validate_shape !== false && !init.shape.isFullyDefined()) {
          throw new ValueError(`initial_value must have a shape specified: ${init.toString()}`);
        }
        const varOp = makeOp('VariableV2', [], { dtype: init.dtype, shape: opts.validate_shape === false ? TensorShape.of(null) : init.shape }, { name: baseName, exactName: true });
        const assign = makeOp('Assign', [init], { var: varOp, validate_shape: opts.validate_shape !== false }, { defaultName: 'Assign' });
        const read = make1('Identity', [varOp.outputs[0]], {}, { defaultName: 'read' });
        return { g, varOp, assign, read, init };
      } finally {
        scope[Symbol.dispose]();
      }
    });
    this.graph = built.g.root;
    this.op = built.varOp;
    this.initializer = built.assign;
    this.initial_value = built.init;
    this.snapshot = built.read;
    this.trainable = opts.trainable ?? true;
    const collections = opts.collections ?? [GraphKeys.GLOBAL_VARIABLES];
    const cols = [...collections];
    if (this.trainable && !cols.includes(GraphKeys.TRAINABLE_VARIABLES)) cols.push(GraphKeys.TRAINABLE_VARIABLES);
    for (const c of cols) this.graph.add_to_collection(c, this);
    variableRegistry.set(this.op, this);
    variableCreatedHook?.(this);
  }

  get name(): string {
    return `${this.op.name}:0`;
  }
  get dtype(): DType {
    return this.snapshot.dtype;
  }
  get shape(): TensorShape {
    return this.op.outputs[0].shape;
  }
  get_shape(): TensorShape {
    return this.shape;
  }
  /** The variable's value as a tensor (its 'read' snapshot). */
  value(): Tensor {
    return this.snapshot;
  }
  /**
   * A new read of the variable (TF1's `identity(self._variable)`): it reads the value when it
   * runs, so inside control_dependencies it sees the effect of those ops.
   */
  read_value(): Tensor {
    return make1('Identity', [this.op.outputs[0]], { read_variable: this.op }, { defaultName: 'read' });
  }
  _asTensor(): Tensor {
    // Inside a subgraph (while body) the read is captured from the root graph.
    return this.snapshot;
  }
  /** The tensor of the VariableV2 op itself (TF's `_ref()`). */
  _ref(): Tensor {
    return this.op.outputs[0];
  }

  assign(value: TensorLike, opts: { use_locking?: boolean; name?: string; read_value?: boolean } = {}): Tensor {
    opts = checkOptions('assign', opts, ['use_locking', 'name', 'read_value']);
    const v = convert_to_tensor(value, this.dtype);
    return makeOp('Assign', [v], { var: this.op, validate_shape: true }, { name: opts.name, defaultName: 'Assign' }).outputs[0];
  }
  assign_add(delta: TensorLike, opts: { use_locking?: boolean; name?: string } = {}): Tensor {
    opts = checkOptions('assign_add', opts, ['use_locking', 'name']);
    return makeOp('AssignAdd', [convert_to_tensor(delta, this.dtype)], { var: this.op }, { name: opts.name, defaultName: 'AssignAdd' }).outputs[0];
  }
  assign_sub(delta: TensorLike, opts: { use_locking?: boolean; name?: string } = {}): Tensor {
    opts = checkOptions('assign_sub', opts, ['use_locking', 'name']);
    return makeOp('AssignSub', [convert_to_tensor(delta, this.dtype)], { var: this.op }, { name: opts.name, defaultName: 'AssignSub' }).outputs[0];
  }

  /** Evaluates the variable in the default session (or `session`). */
  eval(session?: unknown): import('../ndarray/ndarray').NDArray {
    return this.snapshot.eval(undefined, session);
  }

  /** An op that is true when the variable is initialized. */
  is_variable_initialized(): Tensor {
    return make1('IsVariableInitialized', [], { var: this.op }, { defaultName: 'IsVariableInitialized' });
  }

  toString(): string {
    return `<tf.Variable '${this.name}' shape=${this.shape.toString()} dtype=${this.dtype.name}_ref>`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** VariableV2 op -> its Variable object. */
export const variableRegistry = new WeakMap<Operation, Variable>();

export function isVariable(x: unknown): x is Variable {
  return x instanceof Variable;
}

export function global_variables(scope?: string): Variable[] {
  return get_default_graph().get_collection<Variable>(GraphKeys.GLOBAL_VARIABLES, scope);
}
export function trainable_variables(scope?: string): Variable[] {
  return get_default_graph().get_collection<Variable>(GraphKeys.TRAINABLE_VARIABLES, scope);
}
export function local_variables(scope?: string): Variable[] {
  return get_default_graph().get_collection<Variable>(GraphKeys.LOCAL_VARIABLES, scope);
}

/** tf.variables_initializer(var_list, name='init') */
export function variables_initializer(var_list: readonly Variable[], name = 'init'): Operation {
  return group(
    var_list.map((v) => v.initializer),
    { name },
  );
}

/** tf.global_variables_initializer(): initializers of the global variables existing now. */
export function global_variables_initializer(): Operation {
  return variables_initializer(global_variables(), 'init');
}
export function local_variables_initializer(): Operation {
  return variables_initializer(local_variables(), 'init');
}
export const initialize_all_variables = global_variables_initializer;

/** tf.assign(ref, value) */
/** tf.assign & co. take a Variable as `ref` (TF1: a ref tensor); anything else is a TypeError. */
function checkRef(ref: unknown, fn: string): asserts ref is Variable {
  if (!(ref instanceof Variable)) {
    const what = ref === null ? 'null' : typeof ref === 'object' ? (ref as object).constructor?.name ?? 'object' : typeof ref;
    throw new TFTypeError(`${fn}: 'ref' must be a tf.Variable, got ${what}${ref instanceof Tensor ? ` ${ref.toString()} (a tensor cannot be assigned to)` : ''}`);
  }
}

export function assign(ref: Variable, value: TensorLike, opts: { validate_shape?: boolean; use_locking?: boolean; name?: string } = {}): Tensor {
  checkRef(ref, 'assign');
  opts = checkOptions('assign', opts, ['validate_shape', 'use_locking', 'name']);
  return makeOp('Assign', [convert_to_tensor(value, ref.dtype)], { var: ref.op, validate_shape: opts.validate_shape !== false }, { name: opts.name, defaultName: 'Assign' }).outputs[0];
}
export function assign_add(ref: Variable, value: TensorLike, opts: { use_locking?: boolean; name?: string } = {}): Tensor {
  checkRef(ref, 'assign_add');
  return ref.assign_add(value, opts);
}
export function assign_sub(ref: Variable, value: TensorLike, opts: { use_locking?: boolean; name?: string } = {}): Tensor {
  checkRef(ref, 'assign_sub');
  return ref.assign_sub(value, opts);
}

/** tf.report_uninitialized_variables-like helper used by sessions' error messages. */
export function isFuncGraph(g: Graph): g is FuncGraph {
  return g instanceof FuncGraph;
}

export { asDType };
