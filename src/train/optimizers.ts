/**
 * tf.train optimizers (TF1_SEMANTICS.md 7): the Optimizer protocol (compute_gradients,
 * apply_gradients, minimize, slots, non-slot variables) and GradientDescent, Momentum and
 * Adam on top of the ApplyGradientDescent / ApplyMomentum / ApplyAdam ops of state_ops.
 */
import { DType } from '../core/dtypes';
import { TFTypeError, ValueError } from '../core/errors';
import { checkOptions, isOptionsObject } from '../core/options';
import { Graph, Operation, Tensor, get_default_graph } from '../graph/graph';
import { gradients } from '../autodiff/gradients';
import { TensorLike, convert_to_tensor } from '../ops/common';
import { cast, identity } from '../ops/array_ops';
import { multiply } from '../ops/math_ops';
import { make1, makeOp } from '../ops/registry';
import { Variable, control_dependencies, group, initScope, trainable_variables, variableRegistry } from '../ops/state_ops';
import { get_variable, variable_scope } from '../ops/variable_scope';
import { Initializer, constant_initializer, ones_initializer, zeros_initializer } from '../ops/init_ops';

/** The collection apply_gradients adds its op to (tf.GraphKeys.TRAIN_OP). */
export const TRAIN_OP = 'train_op';

/** A learning rate (or other hyperparameter): a number, a tensor, or a function giving one. */
export type Hyper = number | Tensor | (() => number | Tensor);

export type GradAndVar = [Tensor | null, Variable];

export interface ComputeGradientsOptions {
  var_list?: readonly Variable[] | null;
  gate_gradients?: number;
  aggregation_method?: unknown;
  colocate_gradients_with_ops?: boolean;
  grad_loss?: TensorLike | null;
}

export interface ApplyGradientsOptions {
  global_step?: Variable | Tensor | null;
  name?: string | null;
}

export interface MinimizeOptions extends ComputeGradientsOptions, ApplyGradientsOptions {}

const COMPUTE_KEYS = ['var_list', 'gate_gradients', 'aggregation_method', 'colocate_gradients_with_ops', 'grad_loss'];
const APPLY_KEYS = ['global_step', 'name'];

/** Python's repr of a str: single quotes unless the text holds one and no double quote. */
function pyRepr(s: string): string {
  if (s.includes("'") && !s.includes('"')) return `"${s}"`;
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Python's repr of a tuple of items already in repr form. */
function pyTuple(items: readonly string[]): string {
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

function asVariable(v: unknown, what: string): Variable {
  if (v instanceof Variable) return v;
  if (v instanceof Tensor) {
    const found = variableRegistry.get(v.op);
    if (found) return found;
  }
  throw new TFTypeError(`${what}: trying to optimize unsupported type ${String(v)}`);
}

/** A NoOp grouping `ops`; a name ending in '/' is the exact op name (TF's group(name=scope)). */
function groupNamed(ops: readonly Operation[], name: string): Operation {
  if (name.endsWith('/')) return makeOp('NoOp', [], {}, { name: name.slice(0, -1), exactName: true, controlInputs: ops });
  return group(ops, { name });
}

export abstract class Optimizer {
  static readonly GATE_NONE = 0;
  static readonly GATE_OP = 1;
  static readonly GATE_GRAPH = 2;

  /** slot name -> primary variable -> slot variable. */
  private readonly slots = new Map<string, Map<Variable, Variable>>();
  /** Non-slot variables (Adam's beta powers), one set per graph. */
  private readonly nonSlot = new Map<Graph, Map<string, Variable>>();

  protected constructor(
    readonly use_locking: boolean,
    private readonly _name: string,
  ) {
    if (!_name) throw new ValueError('Must specify the optimizer name');
  }

  get_name(): string {
    return this._name;
  }

  /** [(gradient or null, variable)] of `loss` w.r.t. var_list (default: the trainable variables). */
  compute_gradients(lossArg: Tensor | Variable, opts: ComputeGradientsOptions = {}): GradAndVar[] {
    const o = checkOptions('compute_gradients', opts, COMPUTE_KEYS);
    // A variable is a loss too (TF converts it to its value).
    const loss = lossArg instanceof Variable ? lossArg.value() : lossArg;
    const gate = o.gate_gradients ?? Optimizer.GATE_OP;
    if (![Optimizer.GATE_NONE, Optimizer.GATE_OP, Optimizer.GATE_GRAPH].includes(gate)) {
      throw new ValueError(`gate_gradients must be one of: Optimizer.GATE_NONE, Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not ${gate}`);
    }
    if (!(loss instanceof Tensor)) throw new TFTypeError(`loss must be a Tensor, got ${String(loss)}`);
    assertValidDTypes([loss]);
    const gl = o.grad_loss ?? null;
    if (gl instanceof Tensor) assertValidDTypes([gl]);
    const varList = (o.var_list ? [...o.var_list] : trainable_variables()).map((v) => asVariable(v, 'compute_gradients'));
    if (varList.length === 0) throw new ValueError('No variables to optimize.');
    let grads = gradients(loss, varList, gl, {
      gate_gradients: gate === Optimizer.GATE_OP,
      aggregation_method: o.aggregation_method,
      colocate_gradients_with_ops: o.colocate_gradients_with_ops ?? false,
    });
    if (gate === Optimizer.GATE_GRAPH) grads = gateAll(grads);
    const out: GradAndVar[] = varList.map((v, i) => [grads[i], v]);
    assertValidDTypes(out.filter(([g]) => g !== null).map(([, v]) => v.value()));
    return out;
  }

  /**
   * Applies the gradients: creates slots (first call), one update op per (grad, var) with a
   * gradient, then increments `global_step` after all of them. Returns one op named like
   * the optimizer ('Adam', 'GradientDescent', or `name`).
   */
  apply_gradients(grads_and_vars: readonly (readonly [Tensor | TensorLike | null, Variable])[], opts: ApplyGradientsOptions = {}): Operation {
    const o = checkOptions('apply_gradients', opts, APPLY_KEYS);
    const pairs = [...grads_and_vars];
    if (pairs.length === 0) throw new ValueError('No variables provided.');
    const converted: GradAndVar[] = pairs.map((p) => {
      if (!Array.isArray(p) || p.length !== 2) throw new TFTypeError('apply_gradients: grads_and_vars must be a list of [gradient, variable] pairs');
      const [g, v] = p;
      const variable = asVariable(v, 'apply_gradients');
      if (g === null || g === undefined) return [null, variable];
      let t: Tensor;
      try {
        t = convert_to_tensor(g as TensorLike);
      } catch {
        throw new TFTypeError(`Gradient must be convertible to a Tensor or IndexedSlices, or None: ${String(g)}`);
      }
      return [t, variable];
    });
    const varList = converted.filter(([g]) => g !== null).map(([, v]) => v);
    if (varList.length === 0) {
      throw new ValueError(`No gradients provided for any variable: ${pyTuple(converted.map(([, v]) => `(None, ${v.toString()})`))}.`);
    }
    initScope(() => this._create_slots(varList));
    const g = get_default_graph();
    const scope = g.nameScope(o.name ?? this._name);
    try {
      this._prepare();
      const updates: Operation[] = [];
      for (const [grad, v] of converted) {
        if (grad === null) continue;
        const u = g.nameScope(`update_${v.op.name}`);
        try {
          updates.push(this._apply_dense(grad, v));
        } finally {
          u[Symbol.dispose]();
        }
      }
      let apply: Operation;
      const gs = o.global_step === undefined || o.global_step === null ? null : asVariable(o.global_step, 'apply_gradients(global_step)');
      if (gs === null) apply = this._finish(updates, scope.name);
      else {
        const finish = this._finish(updates, 'update');
        apply = control_dependencies([finish], () =>
          makeOp('AssignAdd', [convert_to_tensor(1, gs.dtype, 'value')], { var: gs.op, use_locking: this.use_locking }, { name: scope.name.slice(0, -1), exactName: true }),
        );
      }
      g.add_to_collection(TRAIN_OP, apply);
      return apply;
    } finally {
      scope[Symbol.dispose]();
    }
  }

  /** compute_gradients + apply_gradients. */
  minimize(loss: Tensor | Variable, opts: MinimizeOptions = {}): Operation {
    const o = checkOptions('minimize', opts, [...COMPUTE_KEYS, ...APPLY_KEYS]);
    const gv = this.compute_gradients(loss, {
      var_list: o.var_list,
      gate_gradients: o.gate_gradients,
      aggregation_method: o.aggregation_method,
      colocate_gradients_with_ops: o.colocate_gradients_with_ops,
      grad_loss: o.grad_loss,
    });
    if (gv.every(([g]) => g === null)) {
      throw new ValueError(
        `No gradients provided for any variable, check your graph for ops that do not support gradients, between variables [${gv
          .map(([, v]) => pyRepr(v.toString()))
          .join(', ')}] and loss ${loss.toString()}.`,
      );
    }
    return this.apply_gradients(gv, { global_step: o.global_step, name: o.name });
  }

  /** The slot `name` of `v` ('m', 'v', 'momentum'), or null. */
  get_slot(v: Variable, name: string): Variable | null {
    return this.slots.get(name)?.get(v) ?? null;
  }

  get_slot_names(): string[] {
    return [...this.slots.keys()].sort();
  }

  /** This optimizer's variables (slots and non-slot variables) in the default graph, by name. */
  variables(): Variable[] {
    const g = get_default_graph().root;
    const out: Variable[] = [...(this.nonSlot.get(g)?.values() ?? [])];
    for (const m of this.slots.values()) for (const s of m.values()) if (s.graph === g) out.push(s);
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  // ---- what subclasses implement ------------------------------------------------------------

  /** Creates slots for `var_list` (called inside an init scope, before the name scope). */
  protected _create_slots(var_list: readonly Variable[]): void {
    void var_list;
  }
  /** Converts hyperparameters to tensors (inside the optimizer's name scope). */
  protected _prepare(): void {}
  /** The update op of one variable. */
  protected abstract _apply_dense(grad: Tensor, v: Variable): Operation;
  /** One op after all updates; `name_scope` ending in '/' is its exact name. */
  protected _finish(update_ops: readonly Operation[], name_scope: string): Operation {
    return groupNamed(update_ops, name_scope);
  }

  /**
   * The zeros slot `slot_name` of `v`, created on first use as variable
   * `<v op name>/<op_name>` (non-trainable, in GLOBAL_VARIABLES).
   */
  protected _zeros_slot(v: Variable, slot_name: string, op_name: string): Variable {
    return this._slot_with_initializer(v, zeros_initializer(), slot_name, op_name);
  }

  /** The slot `slot_name` of `v` initialized by `initializer` (e.g. RMSProp's ones), like _zeros_slot. */
  protected _slot_with_initializer(v: Variable, initializer: Initializer, slot_name: string, op_name: string): Variable {
    let m = this.slots.get(slot_name);
    if (!m) this.slots.set(slot_name, (m = new Map()));
    let s = m.get(v);
    if (!s) {
      if (!v.shape.isFullyDefined()) throw new ValueError(`Cannot create slot ${op_name} for variable ${v.op.name} of shape ${v.shape.toString()}: the shape must be fully defined`);
      s = variable_scope(null, { default_name: `${v.op.name}/${op_name}` }, () =>
        // An empty name makes the variable name the scope's own ('x/Adam/' -> op 'x/Adam').
        get_variable('', { shape: v.shape, dtype: v.dtype, initializer, trainable: false }),
      );
      m.set(v, s);
    }
    return s;
  }

  /** A variable of this optimizer not tied to one primary variable; one per name per graph. */
  protected _create_non_slot_variable(initial_value: number, name: string, colocate_with: Variable): Variable {
    const g = colocate_with.graph;
    let m = this.nonSlot.get(g);
    if (!m) this.nonSlot.set(g, (m = new Map()));
    let v = m.get(name);
    if (!v) {
      v = new Variable(initial_value, { name, trainable: false });
      m.set(name, v);
    }
    return v;
  }

  protected _get_non_slot_variable(name: string, graph: Graph = get_default_graph().root): Variable | null {
    return this.nonSlot.get(graph)?.get(name) ?? null;
  }

  /** Resolves a hyperparameter to a tensor named `name` in the current scope. */
  protected hyperTensor(h: Hyper, name: string): Tensor {
    const v = typeof h === 'function' ? h() : h;
    return convert_to_tensor(v, null, name);
  }
}

function assertValidDTypes(ts: readonly Tensor[]): void {
  for (const t of ts) {
    if (!t.dtype.isFloating) {
      throw new ValueError(`Invalid type tf.${t.dtype.name} for ${t.name}, expected: [tf.float16, tf.bfloat16, tf.float32, tf.float64].`);
    }
  }
}

/** GATE_GRAPH: every gradient is available only once all of them are computed. */
function gateAll(grads: (Tensor | null)[]): (Tensor | null)[] {
  const present = grads.filter((g): g is Tensor => g !== null);
  if (present.length === 0) return grads;
  const gate = group(present, { name: 'tuple_gate' });
  return control_dependencies([gate], () => grads.map((g) => (g === null ? null : identity(g))));
}

/** Python-style arguments: positional values, or one options object as the first argument. */
function ctorArgs<T extends object>(fn: string, names: readonly (keyof T & string)[], given: readonly unknown[]): T {
  if (given.length >= 1 && isOptionsObject(given[0])) {
    if (given.length > 1) throw new TFTypeError(`${fn}() takes either positional arguments or one options object`);
    return checkOptions(fn, given[0] as T, names);
  }
  if (given.length > names.length) throw new TFTypeError(`${fn}() takes at most ${names.length} arguments (${given.length} given)`);
  const out: Record<string, unknown> = {};
  given.forEach((v, i) => {
    if (v !== undefined) out[names[i]] = v;
  });
  return out as T;
}

function checkHyper(fn: string, name: string, h: unknown): Hyper {
  if (typeof h === 'number' || h instanceof Tensor || typeof h === 'function') return h as Hyper;
  throw new TFTypeError(`${fn}: ${name} must be a number, a Tensor or a function, got ${String(h)}`);
}

// ---- GradientDescent ------------------------------------------------------------------------

export interface GradientDescentOptions {
  learning_rate: Hyper;
  use_locking?: boolean;
  name?: string;
}

/** tf.train.GradientDescentOptimizer(learning_rate, use_locking=False, name='GradientDescent'): var -= lr * grad. */
export class GradientDescentOptimizer extends Optimizer {
  private readonly lr: Hyper;
  private lrT: Tensor | null = null;

  constructor(...given: [GradientDescentOptions] | [Hyper, boolean?, string?]) {
    const o = ctorArgs<GradientDescentOptions>('GradientDescentOptimizer', ['learning_rate', 'use_locking', 'name'], given);
    if (o.learning_rate === undefined) throw new TFTypeError("GradientDescentOptimizer() missing 1 required positional argument: 'learning_rate'");
    super(o.use_locking ?? false, o.name ?? 'GradientDescent');
    this.lr = checkHyper('GradientDescentOptimizer', 'learning_rate', o.learning_rate);
  }

  protected override _prepare(): void {
    this.lrT = this.hyperTensor(this.lr, 'learning_rate');
  }

  protected _apply_dense(grad: Tensor, v: Variable): Operation {
    return make1('ApplyGradientDescent', [cast(this.lrT!, v.dtype), grad], { var: v.op, use_locking: this.use_locking }, { defaultName: 'ApplyGradientDescent' }).op;
  }
}

// ---- Momentum -------------------------------------------------------------------------------

export interface MomentumOptions {
  learning_rate: Hyper;
  momentum: Hyper;
  use_locking?: boolean;
  name?: string;
  use_nesterov?: boolean;
}

/**
 * tf.train.MomentumOptimizer(learning_rate, momentum, use_locking=False, name='Momentum',
 * use_nesterov=False): accum = momentum*accum + grad; var -= lr*accum (Nesterov:
 * var -= lr*grad + lr*momentum*accum). Slot 'momentum' is `<var>/Momentum`.
 */
export class MomentumOptimizer extends Optimizer {
  private readonly lr: Hyper;
  private readonly momentum: Hyper;
  private readonly nesterov: boolean;
  private lrT: Tensor | null = null;
  private momentumT: Tensor | null = null;

  constructor(...given: [MomentumOptions] | [Hyper, Hyper, boolean?, string?, boolean?]) {
    const o = ctorArgs<MomentumOptions>('MomentumOptimizer', ['learning_rate', 'momentum', 'use_locking', 'name', 'use_nesterov'], given);
    if (o.learning_rate === undefined) throw new TFTypeError("MomentumOptimizer() missing 1 required positional argument: 'learning_rate'");
    if (o.momentum === undefined) throw new TFTypeError("MomentumOptimizer() missing 1 required positional argument: 'momentum'");
    super(o.use_locking ?? false, o.name ?? 'Momentum');
    this.lr = checkHyper('MomentumOptimizer', 'learning_rate', o.learning_rate);
    this.momentum = checkHyper('MomentumOptimizer', 'momentum', o.momentum);
    this.nesterov = o.use_nesterov ?? false;
  }

  protected override _create_slots(var_list: readonly Variable[]): void {
    for (const v of var_list) this._zeros_slot(v, 'momentum', this.get_name());
  }

  protected override _prepare(): void {
    this.lrT = this.hyperTensor(this.lr, 'learning_rate');
    this.momentumT = this.hyperTensor(this.momentum, 'momentum');
  }

  protected _apply_dense(grad: Tensor, v: Variable): Operation {
    const accum = this.get_slot(v, 'momentum')!;
    return make1(
      'ApplyMomentum',
      [cast(this.lrT!, v.dtype), grad, cast(this.momentumT!, v.dtype)],
      { var: v.op, accum: accum.op, use_nesterov: this.nesterov, use_locking: this.use_locking },
      { defaultName: 'ApplyMomentum' },
    ).op;
  }
}

// ---- Adam -----------------------------------------------------------------------------------

export interface AdamOptions {
  learning_rate?: Hyper;
  beta1?: Hyper;
  beta2?: Hyper;
  epsilon?: Hyper;
  use_locking?: boolean;
  name?: string;
}

/**
 * tf.train.AdamOptimizer(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
 * use_locking=False, name='Adam'). Slots m (`<var>/Adam`) and v (`<var>/Adam_1`); non-slot
 * variables beta1_power / beta2_power (one pair per optimizer per graph), read by every
 * ApplyAdam of a step and multiplied by beta1 / beta2 only after all of them ran.
 */
export class AdamOptimizer extends Optimizer {
  private readonly lr: Hyper;
  private readonly beta1: Hyper;
  private readonly beta2: Hyper;
  private readonly epsilon: Hyper;
  private lrT: Tensor | null = null;
  private beta1T: Tensor | null = null;
  private beta2T: Tensor | null = null;
  private epsilonT: Tensor | null = null;

  constructor(...given: [AdamOptions?] | [Hyper, Hyper?, Hyper?, Hyper?, boolean?, string?]) {
    const o = ctorArgs<AdamOptions>('AdamOptimizer', ['learning_rate', 'beta1', 'beta2', 'epsilon', 'use_locking', 'name'], given);
    super(o.use_locking ?? false, o.name ?? 'Adam');
    this.lr = checkHyper('AdamOptimizer', 'learning_rate', o.learning_rate ?? 0.001);
    this.beta1 = checkHyper('AdamOptimizer', 'beta1', o.beta1 ?? 0.9);
    this.beta2 = checkHyper('AdamOptimizer', 'beta2', o.beta2 ?? 0.999);
    this.epsilon = checkHyper('AdamOptimizer', 'epsilon', o.epsilon ?? 1e-8);
  }

  /** [beta1_power, beta2_power] of the default graph (null before the first apply_gradients). */
  _get_beta_accumulators(): [Variable, Variable] | [null, null] {
    const b1 = this._get_non_slot_variable('beta1_power');
    const b2 = this._get_non_slot_variable('beta2_power');
    return b1 && b2 ? [b1, b2] : [null, null];
  }

  protected override _create_slots(var_list: readonly Variable[]): void {
    // TF colocates the beta powers with the alphabetically first variable.
    const first = [...var_list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0];
    const initial = (h: Hyper, what: string): number => {
      const x = typeof h === 'function' ? h() : h;
      if (typeof x !== 'number') throw new TFTypeError(`AdamOptimizer: ${what} must be a number to initialize ${what}_power`);
      return x;
    };
    this._create_non_slot_variable(initial(this.beta1, 'beta1'), 'beta1_power', first);
    this._create_non_slot_variable(initial(this.beta2, 'beta2'), 'beta2_power', first);
    for (const v of var_list) {
      this._zeros_slot(v, 'm', this.get_name());
      this._zeros_slot(v, 'v', `${this.get_name()}_1`);
    }
  }

  protected override _prepare(): void {
    this.lrT = this.hyperTensor(this.lr, 'learning_rate');
    this.beta1T = this.hyperTensor(this.beta1, 'beta1');
    this.beta2T = this.hyperTensor(this.beta2, 'beta2');
    this.epsilonT = this.hyperTensor(this.epsilon, 'epsilon');
  }

  protected _apply_dense(grad: Tensor, v: Variable): Operation {
    const m = this.get_slot(v, 'm')!;
    const vv = this.get_slot(v, 'v')!;
    const [b1p, b2p] = this._get_beta_accumulators();
    if (!b1p || !b2p) throw new ValueError('AdamOptimizer: beta accumulators missing (slots were not created)');
    const dt: DType = v.dtype;
    return make1(
      'ApplyAdam',
      [grad, cast(b1p, dt), cast(b2p, dt), cast(this.lrT!, dt), cast(this.beta1T!, dt), cast(this.beta2T!, dt), cast(this.epsilonT!, dt)],
      { var: v.op, m: m.op, v: vv.op, use_locking: this.use_locking, use_nesterov: false },
      { defaultName: 'ApplyAdam' },
    ).op;
  }

  /** After every variable's update: beta1_power *= beta1, beta2_power *= beta2. */
  protected override _finish(update_ops: readonly Operation[], name_scope: string): Operation {
    const [b1p, b2p] = this._get_beta_accumulators();
    if (!b1p || !b2p) return groupNamed(update_ops, name_scope);
    const [u1, u2] = control_dependencies(update_ops, () => [
      b1p.assign(multiply(b1p, this.beta1T!, 'mul'), { use_locking: this.use_locking }),
      b2p.assign(multiply(b2p, this.beta2T!, 'mul'), { use_locking: this.use_locking }),
    ]);
    return groupNamed([...update_ops, u1.op, u2.op], name_scope);
  }
}

// ---- RMSProp --------------------------------------------------------------------------------

export interface RMSPropOptions {
  learning_rate: Hyper;
  decay?: Hyper;
  momentum?: Hyper;
  epsilon?: Hyper;
  use_locking?: boolean;
  centered?: boolean;
  name?: string;
}

/**
 * tf.train.RMSPropOptimizer(learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10,
 * use_locking=False, centered=False, name='RMSProp'): ms = decay*ms + (1-decay)*g^2;
 * mom = momentum*mom + lr*g/sqrt(ms + epsilon); var -= mom (centered: the variance
 * ms - mg^2 with mg the mean gradient). Slots: rms `<var>/RMSProp` (starts at ones),
 * [mg `<var>/RMSProp_1` when centered], momentum `<var>/RMSProp_1` (`_2` when centered).
 */
export class RMSPropOptimizer extends Optimizer {
  private readonly h: Record<'lr' | 'decay' | 'momentum' | 'epsilon', Hyper>;
  private readonly centered: boolean;
  private t: Record<'lr' | 'decay' | 'momentum' | 'epsilon', Tensor> | null = null;

  constructor(...given: [RMSPropOptions] | [Hyper, Hyper?, Hyper?, Hyper?, boolean?, boolean?, string?]) {
    const o = ctorArgs<RMSPropOptions>('RMSPropOptimizer', ['learning_rate', 'decay', 'momentum', 'epsilon', 'use_locking', 'centered', 'name'], given);
    if (o.learning_rate === undefined) throw new TFTypeError("RMSPropOptimizer() missing 1 required positional argument: 'learning_rate'");
    super(o.use_locking ?? false, o.name ?? 'RMSProp');
    const c = (n: string, h: unknown): Hyper => checkHyper('RMSPropOptimizer', n, h);
    this.h = { lr: c('learning_rate', o.learning_rate), decay: c('decay', o.decay ?? 0.9), momentum: c('momentum', o.momentum ?? 0.0), epsilon: c('epsilon', o.epsilon ?? 1e-10) };
    this.centered = o.centered ?? false;
  }

  protected override _create_slots(var_list: readonly Variable[]): void {
    for (const v of var_list) {
      this._slot_with_initializer(v, ones_initializer(v.dtype), 'rms', this.get_name());
      if (this.centered) this._zeros_slot(v, 'mg', this.get_name());
      this._zeros_slot(v, 'momentum', this.get_name());
    }
  }

  protected override _prepare(): void {
    this.t = {
      lr: this.hyperTensor(this.h.lr, 'learning_rate'),
      decay: this.hyperTensor(this.h.decay, 'decay'),
      momentum: this.hyperTensor(this.h.momentum, 'momentum'),
      epsilon: this.hyperTensor(this.h.epsilon, 'epsilon'),
    };
  }

  protected _apply_dense(grad: Tensor, v: Variable): Operation {
    const t = this.t!;
    const dt = v.dtype;
    const attrs = { var: v.op, ms: this.get_slot(v, 'rms')!.op, mom: this.get_slot(v, 'momentum')!.op, use_locking: this.use_locking };
    const type = this.centered ? 'ApplyCenteredRMSProp' : 'ApplyRMSProp';
    return make1(
      type,
      [cast(t.lr, dt), cast(t.decay, dt), cast(t.momentum, dt), cast(t.epsilon, dt), grad],
      this.centered ? { ...attrs, mg: this.get_slot(v, 'mg')!.op } : attrs,
      { defaultName: type },
    ).op;
  }
}

// ---- Adagrad --------------------------------------------------------------------------------

export interface AdagradOptions {
  learning_rate: Hyper;
  initial_accumulator_value?: number;
  use_locking?: boolean;
  name?: string;
}

/**
 * tf.train.AdagradOptimizer(learning_rate, initial_accumulator_value=0.1, use_locking=False,
 * name='Adagrad'): accum += g^2; var -= lr*g/sqrt(accum). Slot accumulator `<var>/Adagrad`.
 */
export class AdagradOptimizer extends Optimizer {
  private readonly lr: Hyper;
  private readonly initial: number;
  private lrT: Tensor | null = null;

  constructor(...given: [AdagradOptions] | [Hyper, number?, boolean?, string?]) {
    const o = ctorArgs<AdagradOptions>('AdagradOptimizer', ['learning_rate', 'initial_accumulator_value', 'use_locking', 'name'], given);
    if (o.learning_rate === undefined) throw new TFTypeError("AdagradOptimizer() missing 1 required positional argument: 'learning_rate'");
    const init = o.initial_accumulator_value ?? 0.1;
    if (typeof init !== 'number' || !(init > 0)) throw new ValueError(`initial_accumulator_value must be positive: ${String(init)}`);
    super(o.use_locking ?? false, o.name ?? 'Adagrad');
    this.lr = checkHyper('AdagradOptimizer', 'learning_rate', o.learning_rate);
    this.initial = init;
  }

  protected override _create_slots(var_list: readonly Variable[]): void {
    for (const v of var_list) this._slot_with_initializer(v, constant_initializer(this.initial, { dtype: v.dtype }), 'accumulator', this.get_name());
  }

  protected override _prepare(): void {
    this.lrT = this.hyperTensor(this.lr, 'learning_rate');
  }

  protected _apply_dense(grad: Tensor, v: Variable): Operation {
    const accum = this.get_slot(v, 'accumulator')!;
    return make1('ApplyAdagrad', [cast(this.lrT!, v.dtype), grad], { var: v.op, accum: accum.op, use_locking: this.use_locking }, { defaultName: 'ApplyAdagrad' }).op;
  }
}
