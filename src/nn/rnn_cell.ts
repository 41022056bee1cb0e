/**
 * tf.nn.rnn_cell (also tf.contrib.rnn): the RNN cells of TF 1.2+ (TF1_SEMANTICS.md section 3).
 *
 * A cell is a factory for one time step. Python calls it as `cell(inputs, state)`; here that
 * is `cell.call(inputs, state, scope?)` (alias `cell.__call__`). Like TF 1.2+ cells (which are
 * Layers), a cell captures its variable scope on its first call (`<current scope>/<name>`,
 * name = snake_case class name uniquified, or `name`), creates its variables there once
 * (`build`), and reuses them on every later call, whatever scope is active then.
 *
 * Subclasses implement `build(inputs_shape)` (create variables with `add_variable`) and
 * `step(inputs, state)` (Python's `call`: one time step, no scoping).
 */
import { createHash } from 'crypto';
import { DType, DTypeLike, asDType } from '../core/dtypes';
import { TFTypeError, ValueError } from '../core/errors';
import { checkOptions } from '../core/options';
import { NamedTuple, flatten, isNested, pack_sequence_as } from '../core/nest';
import { Graph, Tensor, get_default_graph } from '../graph/graph';
import { TensorShape } from '../graph/tensor_shape';
import { TensorLike, convert_to_tensor } from '../ops/common';
import { concat, gather, reshape, slice, split, stack, zeros } from '../ops/array_ops';
import { add, clip_by_value, divide, floor, matmul, multiply, relu, sigmoid, subtract, tanh } from '../ops/math_ops';
import { bias_add, dropout } from '../ops/nn_ops';
import { random_uniform } from '../ops/random_ops';
import { Variable } from '../ops/state_ops';
import { AUTO_REUSE, InitializerLike, ReuseMode, VariableScope, get_variable, variable_scope } from '../ops/variable_scope';
import { Initializer, constant_initializer, random_uniform_initializer, zeros_initializer } from '../ops/init_ops';

// ---- types ----------------------------------------------------------------------------------

/** An activation: a function of one tensor (tf.tanh, tf.nn.relu, ...), or a Keras name (1.13+). */
export type Activation = ((x: Tensor) => Tensor) | 'tanh' | 'relu' | 'sigmoid' | 'linear';

/** A cell's state: one tensor, an LSTMStateTuple, or a tuple of states (one per layer). */
export type RNNState = Tensor | LSTMStateTuple | readonly RNNState[];

/** The static size of a state or output: an int, an LSTMStateTuple of ints, or a tuple of sizes. */
export type StateSize = number | LSTMStateTuple<number> | readonly StateSize[];

/** Where TF-style warnings go (TF logs them with logging.warning). Replaceable, e.g. in tests. */
export const rnnLogging = {
  warn: (message: string): void => console.warn(`WARNING:tensorflow:${message}`),
};

function resolveActivation(a: Activation | null | undefined, fallback: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  if (a === null || a === undefined) return fallback;
  if (typeof a === 'function') return a;
  switch (a) {
    case 'tanh':
      return (x) => tanh(x);
    case 'relu':
      return (x) => relu(x);
    case 'sigmoid':
      return (x) => sigmoid(x);
    case 'linear':
      return (x) => x;
    default:
      throw new ValueError(`Unknown activation function: ${String(a)}`);
  }
}

/** TF's generic_utils.to_snake_case: 'BasicRNNCell' -> 'basic_rnn_cell'. */
export function toSnakeCase(name: string): string {
  const intermediate = name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2');
  const insecure = intermediate.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return insecure[0] !== '_' ? insecure : `private${insecure}`;
}

function checkUnits(what: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new TFTypeError(`${what} must be an integer, got ${String(n)}`);
  if (n < 1) throw new ValueError(`${what} must be > 0, got ${n}`);
  return n;
}

/** Python's repr of a state or state size, for error texts. */
export function reprNest(x: unknown): string {
  if (x instanceof LSTMStateTuple) return `LSTMStateTuple(c=${reprNest(x.c)}, h=${reprNest(x.h)})`;
  if (Array.isArray(x)) return x.length === 1 ? `(${reprNest(x[0])},)` : `(${x.map(reprNest).join(', ')})`;
  return String(x);
}

// ---- LSTMStateTuple -------------------------------------------------------------------------

/** LSTMStateTuple(c, h): the (cell state, output) pair of LSTM cells, a namedtuple in that order. */
export class LSTMStateTuple<T = Tensor> extends NamedTuple<T> {
  constructor(
    readonly c: T,
    readonly h: T,
  ) {
    super();
  }
  get _fields(): readonly string[] {
    return ['c', 'h'];
  }
  toArray(): T[] {
    return [this.c, this.h];
  }
  _make(values: readonly unknown[]): LSTMStateTuple<unknown> {
    if (values.length !== 2) throw new TFTypeError(`Expected 2 arguments, got ${values.length}`);
    return new LSTMStateTuple(values[0], values[1]);
  }
  /** The dtype of c and h; TypeError when they differ. */
  get dtype(): DType {
    const c = this.c as unknown;
    const h = this.h as unknown;
    if (!(c instanceof Tensor) || !(h instanceof Tensor)) throw new TFTypeError('LSTMStateTuple.dtype: c and h are not tensors');
    if (c.dtype !== h.dtype) throw new TFTypeError(`Inconsistent internal state: ${c.dtype.toString()} vs ${h.dtype.toString()}`);
    return c.dtype;
  }
  override toString(): string {
    return reprNest(this);
  }
}

/** (c, h) of an LSTM state given as an LSTMStateTuple or a plain pair. */
function unpackPair(state: RNNState): [Tensor, Tensor] {
  if (state instanceof LSTMStateTuple) return [state.c, state.h];
  if (Array.isArray(state) && state.length === 2 && state[0] instanceof Tensor && state[1] instanceof Tensor) return [state[0], state[1]];
  throw new ValueError(`Expected state to be a tuple of length 2, but received: ${reprNest(state)}`);
}

function asTensorState(state: RNNState, cell: string): Tensor {
  if (!(state instanceof Tensor)) throw new ValueError(`${cell}: expected the state to be a single tensor, but received: ${reprNest(state)}`);
  return state;
}

// ---- zero states ----------------------------------------------------------------------------

/** zeros [batch_size, s] for every s of `size` (same nesting), TF's _zero_state_tensors. */
export function zeroStateTensors(size: StateSize, batch_size: number | Tensor, dtype: DType): RNNState {
  const one = (s: number): Tensor => {
    const z = zeros(typeof batch_size === 'number' ? [batch_size, s] : stack([batch_size, s]), dtype);
    z.set_shape([typeof batch_size === 'number' ? batch_size : (batch_size.constValue?.data[0] ?? null), s]);
    return z;
  };
  const flat = flatten<number>(size);
  return pack_sequence_as<RNNState>(size, flat.map(one));
}

// ---- the base class -------------------------------------------------------------------------

export interface RNNCellOptions {
  /** Reuse variables of an existing scope (TF's `reuse` / `_reuse`). */
  reuse?: ReuseMode | null;
  /** Layer name: the scope name under which the cell's variables live. */
  name?: string | null;
  dtype?: DTypeLike | null;
}

const LAYER_NAMES_KEY = 'tf1ts.rnn.layer_names';

/** Layer names are unique per graph at construction (TF's unique_layer_name). */
function uniqueLayerName(g: Graph, base: string): string {
  const root = g.root;
  let m = root.extras.get(LAYER_NAMES_KEY) as Map<string, number> | undefined;
  if (!m) root.extras.set(LAYER_NAMES_KEY, (m = new Map()));
  const n = m.get(base) ?? 0;
  m.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

export abstract class RNNCell<S extends RNNState = RNNState> {
  /** The layer's unique name (used in error texts). */
  readonly name: string;
  /** The name of the variable scope the cell creates on first call. */
  protected readonly _baseName: string;
  protected readonly _reuse: ReuseMode | null;
  protected _dtype: DType | null;
  private _scope: VariableScope | null = null;
  private readonly _variables: Variable[] = [];
  /** True once the variables exist. */
  built = false;

  constructor(opts: RNNCellOptions = {}) {
    this._baseName = opts.name ?? toSnakeCase(this.constructor.name);
    this.name = opts.name ?? uniqueLayerName(get_default_graph(), this._baseName);
    this._reuse = opts.reuse ?? null;
    this._dtype = opts.dtype === undefined || opts.dtype === null ? null : asDType(opts.dtype);
  }

  /** Size(s) of the state: an int, an LSTMStateTuple of ints, or a tuple of sizes. */
  abstract get state_size(): StateSize;
  /** Size of the output. */
  abstract get output_size(): number;

  /** Creates the variables (called once, inside the cell's scope, on the first call). */
  protected abstract build(inputs_shape: TensorShape): void;
  /** One time step (Python's `call`): `[output, new_state]`. */
  protected abstract step(inputs: Tensor, state: RNNState): [Tensor, S];

  /** The variable scope captured on the first call (null before). */
  get scope(): VariableScope | null {
    return this._scope;
  }
  /** Variables this cell (not its wrapped cells) created. */
  get variables(): Variable[] {
    return [...this._variables];
  }
  get trainable_variables(): Variable[] {
    return this._variables.filter((v) => v.trainable);
  }
  get trainable_weights(): Variable[] {
    return this.trainable_variables;
  }
  get weights(): Variable[] {
    return this.variables;
  }
  get dtype(): DType | null {
    return this._dtype;
  }

  /**
   * Python's `cell(inputs, state, scope=None)`: runs one step, building the variables on the
   * first call. Returns `[output, new_state]`.
   */
  call(inputs: TensorLike, state: RNNState, scope?: string | VariableScope | null): [Tensor, S] {
    const x = convert_to_tensor(inputs);
    this.checkInputs(x);
    if (this._dtype === null) this._dtype = x.dtype;
    if (this._scope === null) this._scope = this.captureScope(scope ?? null);
    const captured = this._scope;
    const reuse: ReuseMode | null = this.built ? true : this._reuse;
    return variable_scope(captured, { reuse, auxiliary_name_scope: false }, () => {
      // Ops of every call go to the name scope of the first call (TF's Layer._name_scope()).
      const ns = get_default_graph().nameScope(captured.original_name_scope || null);
      try {
        if (!this.built) {
          this.build(x.shape);
          this.built = true;
        }
        return this.step(x, state);
      } finally {
        ns[Symbol.dispose]();
      }
    });
  }

  /** Alias of `call` for code ported literally from Python's `cell.__call__(...)`. */
  __call__(inputs: TensorLike, state: RNNState, scope?: string | VariableScope | null): [Tensor, S] {
    return this.call(inputs, state, scope);
  }

  private captureScope(scope: string | VariableScope | null): VariableScope {
    if (scope !== null) return variable_scope(scope, {}, (s) => s);
    if (this._reuse === true || this._reuse === AUTO_REUSE) return variable_scope(this._baseName, {}, (s) => s);
    return variable_scope(null, { default_name: this._baseName }, (s) => s);
  }

  /** TF's input checks: rank 2, floating dtype, known depth. */
  protected checkInputs(x: Tensor): void {
    if (!x.dtype.isFloating) throw new ValueError(`RNN cell only supports floating point inputs, but saw dtype: ${x.dtype.name}`);
    const nd = x.shape.ndims;
    if (nd !== null && nd !== 2) {
      throw new ValueError(
        `Input 0 of layer ${this.name} is incompatible with the layer: expected ndim=2, found ndim=${nd}. Full shape received: [${x.shape.dims!.map((d) => (d === null ? 'None' : d)).join(', ')}]`,
      );
    }
    if (x.shape.dim(-1) === null) throw new ValueError(`Expected inputs.shape[-1] to be known, saw shape: ${x.shape.toString()}`);
  }

  /** zeros [batch_size, s] per state size, under name scope `<ClassName>ZeroState`. */
  zero_state(batch_size: number | Tensor, dtype: DTypeLike): S {
    const ns = get_default_graph().nameScope(`${this.constructor.name}ZeroState`);
    try {
      return this.zeroStateImpl(batch_size, asDType(dtype));
    } finally {
      ns[Symbol.dispose]();
    }
  }

  /** zero_state's body (inside the name scope); wrappers delegate to the wrapped cell. */
  protected zeroStateImpl(batch_size: number | Tensor, dtype: DType): S {
    return zeroStateTensors(this.state_size, batch_size, dtype) as S;
  }

  /** get_variable in the cell's scope, remembered as this cell's variable (Layer.add_variable). */
  protected add_variable(name: string, shape: readonly number[], initializer: InitializerLike | null = null): Variable {
    const v = get_variable(name, { shape, dtype: this._dtype ?? DType.float32, initializer });
    if (!this._variables.includes(v)) this._variables.push(v);
    return v;
  }

  /**
   * A new, unbuilt cell with the same configuration (wrapped cells cloned too). MultiRNNCell
   * uses it to give a repeated cell object its own weights per layer (TF 0.x rule).
   */
  abstract _cloneFresh(): RNNCell<S>;
  /** Cells this one wraps (for finding shared objects). */
  _innerCells(): readonly RNNCell[] {
    return [];
  }

  toString(): string {
    return `<${this.constructor.name} '${this.name}'>`;
  }
}

export function isRNNCell(x: unknown): x is RNNCell {
  return x instanceof RNNCell;
}

// ---- BasicRNNCell ---------------------------------------------------------------------------

export interface BasicRNNCellOptions extends RNNCellOptions {
  /** Default tanh. */
  activation?: Activation | null;
}

/** out = act([x, h] · kernel + bias); new state = out. Variables kernel [D+N, N], bias [N]. */
export class BasicRNNCell extends RNNCell<Tensor> {
  private readonly _numUnits: number;
  private readonly _activation: (x: Tensor) => Tensor;
  private _kernel: Variable | null = null;
  private _bias: Variable | null = null;

  constructor(
    num_units: number,
    private readonly _opts: BasicRNNCellOptions = {},
  ) {
    super(checkOptions('BasicRNNCell', _opts, ['activation', 'reuse', 'name', 'dtype']));
    this._numUnits = checkUnits('num_units', num_units);
    this._activation = resolveActivation(_opts.activation, (x) => tanh(x));
  }
  get state_size(): number {
    return this._numUnits;
  }
  get output_size(): number {
    return this._numUnits;
  }
  protected build(inputs_shape: TensorShape): void {
    const d = inputs_shape.dim(-1) as number;
    this._kernel = this.add_variable('kernel', [d + this._numUnits, this._numUnits]);
    this._bias = this.add_variable('bias', [this._numUnits], zeros_initializer(this._dtype ?? DType.float32));
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, Tensor] {
    const h = asTensorState(state, 'BasicRNNCell');
    const out = this._activation(bias_add(matmul(concat([inputs, h], 1), this._kernel!), this._bias!));
    return [out, out];
  }
  _cloneFresh(): BasicRNNCell {
    return new BasicRNNCell(this._numUnits, this._opts);
  }
}

// ---- BasicLSTMCell --------------------------------------------------------------------------

/** The state of an LSTM cell: an LSTMStateTuple, or one [c, h] tensor when state_is_tuple=false. */
export type LSTMState<T extends boolean> = T extends false ? Tensor : LSTMStateTuple;

export interface BasicLSTMCellOptions<T extends boolean = true> extends RNNCellOptions {
  forget_bias?: number;
  state_is_tuple?: T;
  activation?: Activation | null;
}

/**
 * The basic LSTM: i, j, f, o = split([x, h] · kernel + bias, 4); c' = c·σ(f + forget_bias) +
 * σ(i)·act(j); h' = act(c')·σ(o). Variables kernel [D+N, 4N], bias [4N].
 */
export class BasicLSTMCell<T extends boolean = true> extends RNNCell<LSTMState<T>> {
  private readonly _numUnits: number;
  private readonly _forgetBias: number;
  private readonly _stateIsTuple: boolean;
  private readonly _activation: (x: Tensor) => Tensor;
  private _kernel: Variable | null = null;
  private _bias: Variable | null = null;

  constructor(
    num_units: number,
    private readonly _opts: BasicLSTMCellOptions<T> = {},
  ) {
    super(checkOptions('BasicLSTMCell', _opts, ['forget_bias', 'state_is_tuple', 'activation', 'reuse', 'name', 'dtype']));
    this._numUnits = checkUnits('num_units', num_units);
    this._forgetBias = _opts.forget_bias ?? 1.0;
    this._stateIsTuple = _opts.state_is_tuple ?? true;
    if (!this._stateIsTuple) rnnLogging.warn(`${this.toString()}: Using a concatenated state is slower and will soon be deprecated.  Use state_is_tuple=True.`);
    this._activation = resolveActivation(_opts.activation, (x) => tanh(x));
  }
  get state_size(): StateSize {
    return this._stateIsTuple ? new LSTMStateTuple(this._numUnits, this._numUnits) : 2 * this._numUnits;
  }
  get output_size(): number {
    return this._numUnits;
  }
  protected build(inputs_shape: TensorShape): void {
    const d = inputs_shape.dim(-1) as number;
    this._kernel = this.add_variable('kernel', [d + this._numUnits, 4 * this._numUnits]);
    this._bias = this.add_variable('bias', [4 * this._numUnits], zeros_initializer(this._dtype ?? DType.float32));
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, LSTMState<T>] {
    const [c, h] = this._stateIsTuple ? unpackPair(state) : (split(asTensorState(state, 'BasicLSTMCell'), 2, 1) as [Tensor, Tensor]);
    const z = bias_add(matmul(concat([inputs, h], 1), this._kernel!), this._bias!);
    const [i, j, f, o] = split(z, 4, 1);
    const forget = convert_to_tensor(this._forgetBias, f.dtype);
    const newC = add(multiply(c, sigmoid(add(f, forget))), multiply(sigmoid(i), this._activation(j)));
    const newH = multiply(this._activation(newC), sigmoid(o));
    const newState = this._stateIsTuple ? new LSTMStateTuple(newC, newH) : concat([newC, newH], 1);
    return [newH, newState as LSTMState<T>];
  }
  _cloneFresh(): BasicLSTMCell<T> {
    return new BasicLSTMCell<T>(this._numUnits, this._opts);
  }
}

// ---- LSTMCell -------------------------------------------------------------------------------

export interface LSTMCellOptions<T extends boolean = true> extends RNNCellOptions {
  use_peepholes?: boolean;
  cell_clip?: number | null;
  /** Initializer of the kernel, the peepholes and the projection (else the scope's, else glorot). */
  initializer?: InitializerLike | null;
  num_proj?: number | null;
  proj_clip?: number | null;
  /** Deprecated sharding arguments: accepted and ignored. */
  num_unit_shards?: number | null;
  num_proj_shards?: number | null;
  forget_bias?: number;
  state_is_tuple?: T;
  activation?: Activation | null;
}

/**
 * The full LSTM: optional peepholes (w_f_diag, w_i_diag on the old c, w_o_diag on the new c),
 * cell clipping, and an output projection to num_proj units (projection/kernel [N, P], no bias).
 */
export class LSTMCell<T extends boolean = true> extends RNNCell<LSTMState<T>> {
  private readonly _numUnits: number;
  private readonly _numProj: number | null;
  private readonly _o: LSTMCellOptions<T>;
  private readonly _stateIsTuple: boolean;
  private readonly _activation: (x: Tensor) => Tensor;
  private _kernel: Variable | null = null;
  private _bias: Variable | null = null;
  private _wf: Variable | null = null;
  private _wi: Variable | null = null;
  private _wo: Variable | null = null;
  private _proj: Variable | null = null;

  constructor(num_units: number, opts: LSTMCellOptions<T> = {}) {
    const o = checkOptions('LSTMCell', opts, [
      'use_peepholes',
      'cell_clip',
      'initializer',
      'num_proj',
      'proj_clip',
      'num_unit_shards',
      'num_proj_shards',
      'forget_bias',
      'state_is_tuple',
      'activation',
      'reuse',
      'name',
      'dtype',
    ]);
    super(o);
    this._o = o;
    this._numUnits = checkUnits('num_units', num_units);
    this._numProj = o.num_proj === undefined || o.num_proj === null ? null : checkUnits('num_proj', o.num_proj);
    this._stateIsTuple = o.state_is_tuple ?? true;
    if (!this._stateIsTuple) rnnLogging.warn(`${this.toString()}: Using a concatenated state is slower and will soon be deprecated.  Use state_is_tuple=True.`);
    if (o.num_unit_shards != null || o.num_proj_shards != null) {
      rnnLogging.warn(`${this.toString()}: The num_unit_shards and proj_unit_shards parameters are deprecated and will be removed in Jan 2017.  Use a variable scope with a partitioner instead.`);
    }
    this._activation = resolveActivation(o.activation, (x) => tanh(x));
  }
  private get P(): number {
    return this._numProj ?? this._numUnits;
  }
  get state_size(): StateSize {
    return this._stateIsTuple ? new LSTMStateTuple(this._numUnits, this.P) : this._numUnits + this.P;
  }
  get output_size(): number {
    return this.P;
  }
  protected build(inputs_shape: TensorShape): void {
    const d = inputs_shape.dim(-1) as number;
    const N = this._numUnits;
    const init = this._o.initializer ?? null;
    this._kernel = this.add_variable('kernel', [d + this.P, 4 * N], init);
    this._bias = this.add_variable('bias', [4 * N], zeros_initializer(this._dtype ?? DType.float32));
    if (this._o.use_peepholes) {
      this._wf = this.add_variable('w_f_diag', [N], init);
      this._wi = this.add_variable('w_i_diag', [N], init);
      this._wo = this.add_variable('w_o_diag', [N], init);
    }
    if (this._numProj !== null) this._proj = this.add_variable('projection/kernel', [N, this._numProj], init);
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, LSTMState<T>] {
    const N = this._numUnits;
    let cPrev: Tensor;
    let mPrev: Tensor;
    if (this._stateIsTuple) [cPrev, mPrev] = unpackPair(state);
    else {
      const s = asTensorState(state, 'LSTMCell');
      cPrev = slice(s, [0, 0], [-1, N]);
      mPrev = slice(s, [0, N], [-1, this.P]);
    }
    const z = bias_add(matmul(concat([inputs, mPrev], 1), this._kernel!), this._bias!);
    const [i, j, f, o] = split(z, 4, 1);
    const fb = convert_to_tensor(this._o.forget_bias ?? 1.0, f.dtype);
    let c: Tensor;
    if (this._o.use_peepholes) {
      c = add(
        multiply(sigmoid(add(add(f, fb), multiply(this._wf!, cPrev))), cPrev),
        multiply(sigmoid(add(i, multiply(this._wi!, cPrev))), this._activation(j)),
      );
    } else c = add(multiply(sigmoid(add(f, fb)), cPrev), multiply(sigmoid(i), this._activation(j)));
    const cc = this._o.cell_clip;
    if (cc !== undefined && cc !== null) c = clip_by_value(c, -cc, cc);
    let m = this._o.use_peepholes ? multiply(sigmoid(add(o, multiply(this._wo!, c))), this._activation(c)) : multiply(sigmoid(o), this._activation(c));
    if (this._proj) {
      m = matmul(m, this._proj);
      const pc = this._o.proj_clip;
      if (pc !== undefined && pc !== null) m = clip_by_value(m, -pc, pc);
    }
    const newState = this._stateIsTuple ? new LSTMStateTuple(c, m) : concat([c, m], 1);
    return [m, newState as LSTMState<T>];
  }
  _cloneFresh(): LSTMCell<T> {
    return new LSTMCell<T>(this._numUnits, this._o);
  }
}

// ---- GRUCell --------------------------------------------------------------------------------

export interface GRUCellOptions extends RNNCellOptions {
  activation?: Activation | null;
  kernel_initializer?: InitializerLike | null;
  bias_initializer?: InitializerLike | null;
}

/**
 * The GRU: r, u = split(σ([x, h] · gates/kernel + gates/bias), 2); c = act([x, r·h] ·
 * candidate/kernel + candidate/bias); h' = u·h + (1 - u)·c. Gate biases start at 1.0.
 */
export class GRUCell extends RNNCell<Tensor> {
  private readonly _numUnits: number;
  private readonly _activation: (x: Tensor) => Tensor;
  private _gk: Variable | null = null;
  private _gb: Variable | null = null;
  private _ck: Variable | null = null;
  private _cb: Variable | null = null;

  constructor(
    num_units: number,
    private readonly _opts: GRUCellOptions = {},
  ) {
    super(checkOptions('GRUCell', _opts, ['activation', 'kernel_initializer', 'bias_initializer', 'reuse', 'name', 'dtype']));
    this._numUnits = checkUnits('num_units', num_units);
    this._activation = resolveActivation(_opts.activation, (x) => tanh(x));
  }
  get state_size(): number {
    return this._numUnits;
  }
  get output_size(): number {
    return this._numUnits;
  }
  protected build(inputs_shape: TensorShape): void {
    const d = inputs_shape.dim(-1) as number;
    const N = this._numUnits;
    const dt = this._dtype ?? DType.float32;
    const ki = this._opts.kernel_initializer ?? null;
    const bi = this._opts.bias_initializer ?? null;
    this._gk = this.add_variable('gates/kernel', [d + N, 2 * N], ki);
    this._gb = this.add_variable('gates/bias', [2 * N], bi ?? constant_initializer(1.0, { dtype: dt }));
    this._ck = this.add_variable('candidate/kernel', [d + N, N], ki);
    this._cb = this.add_variable('candidate/bias', [N], bi ?? zeros_initializer(dt));
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, Tensor] {
    const h = asTensorState(state, 'GRUCell');
    const value = sigmoid(bias_add(matmul(concat([inputs, h], 1), this._gk!), this._gb!));
    const [r, u] = split(value, 2, 1);
    const c = this._activation(bias_add(matmul(concat([inputs, multiply(r, h)], 1), this._ck!), this._cb!));
    const newH = add(multiply(u, h), multiply(subtract(1, u), c));
    return [newH, newH];
  }
  _cloneFresh(): GRUCell {
    return new GRUCell(this._numUnits, this._opts);
  }
}

// ---- MultiRNNCell ---------------------------------------------------------------------------

/** The state type of a cell. */
export type StateOf<C> = C extends RNNCell<infer S> ? S : never;

/** MultiRNNCell's state: one state per layer, or one concatenated tensor. */
export type MultiState<C extends RNNCell, T extends boolean> = T extends false ? Tensor : StateOf<C>[];

const MULTI_WARNED_KEY = 'tf1ts.rnn.multi_cell_shared_warned';

/** Every cell object in a cell's tree (the cell and the cells it wraps). */
function cellTree(c: RNNCell): RNNCell[] {
  return [c, ...c._innerCells().flatMap(cellTree)];
}

/**
 * Stacks cells: layer i runs under variable scope `cell_i`, its input the output of layer i-1.
 * The same cell object given for several layers (`new Array(n).fill(cell)`, Python's
 * `[cell] * n`) follows the TF 0.x rule (TF1_SEMANTICS.md 12): each layer gets its own
 * variables, as if n distinct cells had been given; one warning per graph says so.
 */
export class MultiRNNCell<C extends RNNCell = RNNCell, T extends boolean = true> extends RNNCell<MultiState<C, T>> {
  private readonly _cells: C[];
  private readonly _stateIsTuple: boolean;
  private readonly _mopts: { state_is_tuple?: T; reuse?: ReuseMode | null; name?: string | null };

  constructor(cells: readonly C[], opts: { state_is_tuple?: T; reuse?: ReuseMode | null; name?: string | null } = {}) {
    super(checkOptions('MultiRNNCell', opts, ['state_is_tuple', 'reuse', 'name']));
    this._mopts = opts;
    if (!Array.isArray(cells)) throw new TFTypeError(`cells must be a list or tuple, but saw: ${String(cells)}.`);
    if (cells.length === 0) throw new ValueError('Must specify at least one cell for MultiRNNCell.');
    for (const c of cells) if (!(c instanceof RNNCell)) throw new TFTypeError(`MultiRNNCell: every cell must be an RNNCell, got ${String(c)}`);
    this._stateIsTuple = opts.state_is_tuple ?? true;
    // TF 0.x rule: a cell object repeated across layers gets a fresh copy per extra layer.
    const seen = new Set<RNNCell>();
    let shared = false;
    this._cells = cells.map((c) => {
      const tree = cellTree(c);
      const dup = tree.some((x) => seen.has(x));
      tree.forEach((x) => seen.add(x));
      if (!dup) return c;
      shared = true;
      return c._cloneFresh() as C;
    });
    if (shared) {
      const root = get_default_graph().root;
      if (!root.extras.get(MULTI_WARNED_KEY)) {
        root.extras.set(MULTI_WARNED_KEY, true);
        rnnLogging.warn(
          'At least two cells provided to MultiRNNCell are the same object. tf1-ts follows TF 0.x here: each layer builds its own weights under cell_<i>, as if distinct cells had been given. TF 1.2+ would share one set of weights between those layers (and fail when the input depth differs from num_units).',
        );
      }
    }
    if (!this._stateIsTuple) {
      const sizes = this._cells.map((c) => c.state_size);
      if (sizes.some((s) => typeof s !== 'number')) {
        throw new ValueError(`Some cells return tuples of states, but the flag state_is_tuple is not set.  State sizes are: [${sizes.map(reprNest).join(', ')}]`);
      }
    }
  }
  /** The layers' cells (a repeated object appears as its per-layer copies). */
  get cells(): readonly C[] {
    return this._cells;
  }
  get state_size(): StateSize {
    const sizes = this._cells.map((c) => c.state_size);
    return this._stateIsTuple ? sizes : (sizes as number[]).reduce((a, b) => a + b, 0);
  }
  get output_size(): number {
    return this._cells[this._cells.length - 1].output_size;
  }
  protected override zeroStateImpl(batch_size: number | Tensor, dtype: DType): MultiState<C, T> {
    if (this._stateIsTuple) return this._cells.map((c) => c.zero_state(batch_size, dtype)) as MultiState<C, T>;
    return zeroStateTensors(this.state_size, batch_size, dtype) as MultiState<C, T>;
  }
  protected build(): void {
    // The layers build their own variables.
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, MultiState<C, T>] {
    let cur = inputs;
    let pos = 0;
    const newStates: RNNState[] = [];
    this._cells.forEach((cell, i) => {
      variable_scope(`cell_${i}`, {}, () => {
        let curState: RNNState;
        if (this._stateIsTuple) {
          if (!Array.isArray(state)) throw new ValueError(`Expected state to be a tuple of length ${this._cells.length}, but received: ${reprNest(state)}`);
          curState = (state as readonly RNNState[])[i];
        } else {
          const size = cell.state_size as number;
          curState = slice(asTensorState(state, 'MultiRNNCell'), [0, pos], [-1, size]);
          pos += size;
        }
        const [out, ns] = cell.call(cur, curState);
        cur = out;
        newStates.push(ns);
      });
    });
    return [cur, (this._stateIsTuple ? newStates : concat(newStates as Tensor[], 1)) as MultiState<C, T>];
  }
  _cloneFresh(): MultiRNNCell<C, T> {
    return new MultiRNNCell<C, T>(
      this._cells.map((c) => c._cloneFresh() as C),
      this._mopts,
    );
  }
  override _innerCells(): readonly RNNCell[] {
    return this._cells;
  }
}

// ---- wrappers -------------------------------------------------------------------------------

/** A keep probability: a number, or a scalar tensor (e.g. placeholder_with_default(1.0, [])). */
export type KeepProb = number | Tensor;

export interface DropoutWrapperOptions {
  input_keep_prob?: KeepProb;
  output_keep_prob?: KeepProb;
  state_keep_prob?: KeepProb;
  /** Same mask at every time step within one run (noise drawn once, shape [1, size]). */
  variational_recurrent?: boolean;
  /** Depth of the inputs, needed by variational_recurrent when input dropout may happen. */
  input_size?: StateSize | null;
  dtype?: DTypeLike | null;
  seed?: number | null;
  /**
   * Which parts of the state get state dropout: called on the state and its sub-structures;
   * returns a boolean for the whole sub-structure, or an LSTMStateTuple / array of booleans
   * for its direct parts. Default: everything but the `c` of LSTMStateTuples.
   */
  dropout_state_filter_visitor?: ((substate: RNNState) => boolean | LSTMStateTuple<boolean> | readonly boolean[]) | null;
}

function defaultStateFilter(s: RNNState): boolean | LSTMStateTuple<boolean> {
  return s instanceof LSTMStateTuple ? new LSTMStateTuple(false, true) : true;
}

/** Per leaf of `state`: does the filter say dropout applies? */
function filterLeaves(state: RNNState, visitor: (s: RNNState) => boolean | LSTMStateTuple<boolean> | readonly boolean[]): boolean[] {
  const r = visitor(state);
  const leaves = (s: RNNState): number => flatten<Tensor>(s).length;
  if (typeof r === 'boolean') {
    if (!isNested(state) || !r) return new Array<boolean>(leaves(state)).fill(r);
    const parts = state instanceof LSTMStateTuple ? state.toArray() : (state as readonly RNNState[]);
    return parts.flatMap((p) => filterLeaves(p, visitor));
  }
  const flags = r instanceof LSTMStateTuple ? r.toArray() : [...r];
  const parts = state instanceof LSTMStateTuple ? state.toArray() : Array.isArray(state) ? (state as readonly RNNState[]) : [state as RNNState];
  if (flags.length !== parts.length) throw new ValueError(`dropout_state_filter_visitor returned ${flags.length} flags for a state with ${parts.length} parts`);
  return parts.flatMap((p, i) => new Array<boolean>(leaves(p)).fill(flags[i]));
}

/**
 * A wrapper that is no variable scope of its own: state, output size and zero state are the
 * wrapped cell's, and `call` (overridden) does all the work.
 */
abstract class PassThroughWrapper<S extends RNNState = RNNState> extends RNNCell<S> {
  abstract readonly cell: RNNCell<S>;
  get state_size(): StateSize {
    return this.cell.state_size;
  }
  get output_size(): number {
    return this.cell.output_size;
  }
  protected override zeroStateImpl(batch_size: number | Tensor, dtype: DType): S {
    return this.cell.zero_state(batch_size, dtype);
  }
  protected build(): void {}
  protected step(inputs: Tensor, state: RNNState): [Tensor, S] {
    return this.call(inputs, state);
  }
  override _innerCells(): readonly RNNCell[] {
    return [this.cell];
  }
}

/**
 * Dropout on a cell's inputs, outputs and/or state (TF1_SEMANTICS.md 3.6). Not a variable
 * scope: the wrapped cell's variables keep their names. A keep probability statically equal
 * to 1 adds no dropout op; a tensor keep probability always does.
 */
export class DropoutWrapper<S extends RNNState = RNNState> extends PassThroughWrapper<S> {
  private readonly _probs: Record<'input' | 'output' | 'state', KeepProb>;
  private readonly _seed: number | null;
  private readonly _filter: (s: RNNState) => boolean | LSTMStateTuple<boolean> | readonly boolean[];
  private readonly _noise: Record<'input' | 'output' | 'state', Tensor[] | null> = { input: null, output: null, state: null };

  constructor(
    readonly cell: RNNCell<S>,
    private readonly _dopts: DropoutWrapperOptions = {},
  ) {
    super({});
    _dopts = checkOptions('DropoutWrapper', _dopts, [
      'input_keep_prob',
      'output_keep_prob',
      'state_keep_prob',
      'variational_recurrent',
      'input_size',
      'dtype',
      'seed',
      'dropout_state_filter_visitor',
    ]);
    if (!(cell instanceof RNNCell)) throw new TFTypeError('The parameter cell is not a RNNCell.');
    const probs = {} as Record<'input' | 'output' | 'state', KeepProb>;
    for (const which of ['input', 'state', 'output'] as const) {
      const attr = `${which}_keep_prob` as const;
      const p = _dopts[attr] ?? 1.0;
      const known = typeof p === 'number' ? p : p instanceof Tensor ? (p.constValue && p.constValue.size === 1 ? p.constValue.data[0] : null) : undefined;
      if (known === undefined) throw new TFTypeError(`Parameter ${attr} must be a number or a scalar tensor, got ${String(p)}`);
      if (known !== null) {
        // Python formats this with %d.
        if (known < 0 || known > 1) throw new ValueError(`Parameter ${attr} must be between 0 and 1: ${Math.trunc(known)}`);
        probs[which] = known;
      } else {
        // JS has no 1.0 distinct from 1: `placeholder_with_default(1.0, [])` is int32, and a fed
        // 0.5 would be truncated to 0. Say so instead of dividing by zero later.
        if (!(p as Tensor).dtype.isFloating) {
          throw new TFTypeError(
            `Parameter ${attr} must be a floating point tensor, got dtype ${(p as Tensor).dtype.name} (in JS 1.0 is the integer 1: write tf.placeholder_with_default(tf.constant(1, { dtype: tf.float32 }), []))`,
          );
        }
        probs[which] = p;
      }
    }
    this._probs = probs;
    this._seed = _dopts.seed ?? null;
    this._filter = _dopts.dropout_state_filter_visitor ?? defaultStateFilter;
    if (_dopts.variational_recurrent) {
      if (_dopts.dtype === undefined || _dopts.dtype === null) throw new ValueError('When variational_recurrent=True, dtype must be provided');
      const dtype = asDType(_dopts.dtype);
      const noise = (which: 'input' | 'state' | 'output', size: StateSize): Tensor[] =>
        flatten<number>(size).map((s, i) => random_uniform([1, s], { seed: this.genSeed(which, i), dtype }));
      if (typeof this._probs.input !== 'number' || this._probs.input < 1) {
        if (_dopts.input_size === undefined || _dopts.input_size === null) {
          throw new ValueError('When variational_recurrent=True and input_keep_prob < 1.0 or is unknown, input_size must be provided');
        }
        this._noise.input = noise('input', _dopts.input_size);
      }
      this._noise.state = noise('state', cell.state_size);
      this._noise.output = noise('output', cell.output_size);
    }
  }


  /** TF's _gen_seed: a per-op seed derived from the wrapper's seed by md5. */
  private genSeed(salt: string, index: number): number | null {
    if (this._seed === null) return null;
    const hex = createHash('md5').update(`${this._seed}${salt}_${index}`, 'utf8').digest('hex').slice(0, 8);
    return parseInt(hex, 16) & 0x7fffffff;
  }

  private shouldDropout(p: KeepProb): boolean {
    return typeof p !== 'number' || p < 1;
  }

  private dropLeaves(which: 'input' | 'output' | 'state', leaves: Tensor[], apply: boolean[]): Tensor[] {
    const p = this._probs[which];
    const noise = this._noise[which];
    return leaves.map((v, i) => {
      if (!apply[i]) return v;
      if (noise) {
        // Variational: the same [1, size] noise at every step; floor(keep + noise) is the mask.
        const keep = convert_to_tensor(p, v.dtype);
        const out = multiply(divide(v, keep), floor(add(keep, noise[i])));
        out.set_shape(v.shape);
        return out;
      }
      return dropout(v, p, { seed: this.genSeed(which, i) });
    });
  }

  override call(inputs: TensorLike, state: RNNState, scope?: string | VariableScope | null): [Tensor, S] {
    let x = convert_to_tensor(inputs);
    if (this.shouldDropout(this._probs.input)) x = this.dropLeaves('input', [x], [true])[0];
    let [out, newState] = this.cell.call(x, state, scope);
    if (this.shouldDropout(this._probs.state)) {
      const leaves = flatten<Tensor>(newState);
      newState = pack_sequence_as<S>(newState, this.dropLeaves('state', leaves, filterLeaves(newState, this._filter)));
    }
    if (this.shouldDropout(this._probs.output)) out = this.dropLeaves('output', [out], [true])[0];
    return [out, newState];
  }

  _cloneFresh(): DropoutWrapper<S> {
    return new DropoutWrapper<S>(this.cell._cloneFresh(), this._dopts);
  }
  override _innerCells(): readonly RNNCell[] {
    return [this.cell];
  }
}

export interface ProjectionWrapperOptions {
  activation?: Activation | null;
  reuse?: ReuseMode | null;
}

/** x · kernel + bias with the variables of TF's `_linear` (bias initialized to 0.0). */
function linear(owner: { addVar(name: string, shape: readonly number[], init: InitializerLike | null): Variable }, x: Tensor, size: number): Tensor {
  const d = x.shape.dim(-1);
  if (d === null) throw new ValueError(`linear is expecting 2D arguments: ${x.shape.toString()}`);
  const kernel = owner.addVar('kernel', [d, size], null);
  const bias = owner.addVar('bias', [size], constant_initializer(0.0, { dtype: x.dtype }));
  return bias_add(matmul(x, kernel), bias);
}

/**
 * Projects the wrapped cell's output to `output_size` (y = out · kernel + bias, then
 * `activation`), leaving the state untouched. Variables `output_projection_wrapper/kernel`,
 * `.../bias`; the wrapped cell's variables nest inside.
 */
export class OutputProjectionWrapper<S extends RNNState = RNNState> extends RNNCell<S> {
  private readonly _outputSize: number;
  private readonly _activation: ((x: Tensor) => Tensor) | null;
  private _vars: Map<string, Variable> | null = null;

  constructor(
    readonly cell: RNNCell<S>,
    output_size: number,
    private readonly _popts: ProjectionWrapperOptions = {},
  ) {
    super({ reuse: checkOptions('OutputProjectionWrapper', _popts, ['activation', 'reuse']).reuse });
    if (!(cell instanceof RNNCell)) throw new TFTypeError('The parameter cell is not RNNCell.');
    if (typeof output_size !== 'number') throw new TFTypeError(`Parameter output_size must be an integer, got ${String(output_size)}`);
    if (output_size < 1) throw new ValueError(`Parameter output_size must be > 0: ${Math.trunc(output_size)}.`);
    this._outputSize = output_size;
    this._activation = _popts.activation ? resolveActivation(_popts.activation, (x) => x) : null;
  }
  get state_size(): StateSize {
    return this.cell.state_size;
  }
  get output_size(): number {
    return this._outputSize;
  }
  protected override zeroStateImpl(batch_size: number | Tensor, dtype: DType): S {
    return this.cell.zero_state(batch_size, dtype);
  }
  protected build(): void {}
  protected step(inputs: Tensor, state: RNNState): [Tensor, S] {
    const [out, s] = this.cell.call(inputs, state);
    // The projection's variables come after the wrapped cell's, as TF creates them.
    const vars = (this._vars ??= new Map());
    let y = linear({ addVar: (n, shape, init) => vars.get(n) ?? vars.set(n, this.add_variable(n, shape, init)).get(n)! }, out, this._outputSize);
    if (this._activation) y = this._activation(y);
    return [y, s];
  }
  _cloneFresh(): OutputProjectionWrapper<S> {
    return new OutputProjectionWrapper<S>(this.cell._cloneFresh(), this._outputSize, this._popts);
  }
  override _innerCells(): readonly RNNCell[] {
    return [this.cell];
  }
}

/**
 * Projects the inputs to `num_proj` (x · kernel + bias, then `activation`) before the wrapped
 * cell. Variables `input_projection_wrapper/kernel`, `.../bias`.
 */
export class InputProjectionWrapper<S extends RNNState = RNNState> extends RNNCell<S> {
  private readonly _numProj: number;
  private readonly _activation: ((x: Tensor) => Tensor) | null;
  private _vars: Map<string, Variable> | null = null;

  constructor(
    readonly cell: RNNCell<S>,
    num_proj: number,
    private readonly _popts: ProjectionWrapperOptions & { input_size?: number | null } = {},
  ) {
    super({ reuse: checkOptions('InputProjectionWrapper', _popts, ['activation', 'reuse', 'input_size']).reuse });
    if (!(cell instanceof RNNCell)) throw new TFTypeError('The parameter cell is not RNNCell.');
    this._numProj = checkUnits('num_proj', num_proj);
    this._activation = _popts.activation ? resolveActivation(_popts.activation, (x) => x) : null;
  }
  get state_size(): StateSize {
    return this.cell.state_size;
  }
  get output_size(): number {
    return this.cell.output_size;
  }
  protected override zeroStateImpl(batch_size: number | Tensor, dtype: DType): S {
    return this.cell.zero_state(batch_size, dtype);
  }
  protected build(): void {}
  protected step(inputs: Tensor, state: RNNState): [Tensor, S] {
    const vars = (this._vars ??= new Map());
    let p = linear({ addVar: (n, shape, init) => vars.get(n) ?? vars.set(n, this.add_variable(n, shape, init)).get(n)! }, inputs, this._numProj);
    if (this._activation) p = this._activation(p);
    return this.cell.call(p, state);
  }
  _cloneFresh(): InputProjectionWrapper<S> {
    return new InputProjectionWrapper<S>(this.cell._cloneFresh(), this._numProj, this._popts);
  }
  override _innerCells(): readonly RNNCell[] {
    return [this.cell];
  }
}

/** out = inputs + cell(inputs, state) output; the state is untouched. Not a variable scope. */
export class ResidualWrapper<S extends RNNState = RNNState> extends PassThroughWrapper<S> {
  constructor(readonly cell: RNNCell<S>) {
    super({});
    if (!(cell instanceof RNNCell)) throw new TFTypeError('The parameter cell is not a RNNCell.');
  }
  override call(inputs: TensorLike, state: RNNState, scope?: string | VariableScope | null): [Tensor, S] {
    const x = convert_to_tensor(inputs);
    const [out, s] = this.cell.call(x, state, scope);
    if (!x.shape.isCompatibleWith(out.shape)) throw new ValueError(`Shapes ${x.shape.toString()} and ${out.shape.toString()} are incompatible`);
    return [add(x, out), s];
  }
  _cloneFresh(): ResidualWrapper<S> {
    return new ResidualWrapper<S>(this.cell._cloneFresh());
  }
  override _innerCells(): readonly RNNCell[] {
    return [this.cell];
  }
}

/**
 * Embeds integer ids ([B] or [B, 1]) before the wrapped cell: `embedding_wrapper/embedding`
 * [embedding_classes, embedding_size], initialized U(-√3, √3) unless `initializer` is given.
 */
export class EmbeddingWrapper<S extends RNNState = RNNState> extends RNNCell<S> {
  private _embedding: Variable | null = null;

  constructor(
    readonly cell: RNNCell<S>,
    private readonly _classes: number,
    private readonly _size: number,
    private readonly _eopts: { initializer?: InitializerLike | null; reuse?: ReuseMode | null } = {},
  ) {
    super({ reuse: checkOptions('EmbeddingWrapper', _eopts, ['initializer', 'reuse']).reuse });
    if (!(cell instanceof RNNCell)) throw new TFTypeError('The parameter cell is not RNNCell.');
    if (!(_classes > 0) || !(_size > 0)) throw new ValueError(`Both embedding_classes and embedding_size must be > 0: ${_classes}, ${_size}.`);
  }
  get state_size(): StateSize {
    return this.cell.state_size;
  }
  get output_size(): number {
    return this.cell.output_size;
  }
  protected override zeroStateImpl(batch_size: number | Tensor, dtype: DType): S {
    return this.cell.zero_state(batch_size, dtype);
  }
  protected override checkInputs(x: Tensor): void {
    if (!x.dtype.isInteger) throw new ValueError(`EmbeddingWrapper expects integer ids, but saw dtype: ${x.dtype.name}`);
  }
  protected build(): void {
    const init: Initializer | InitializerLike = this._eopts.initializer ?? random_uniform_initializer(-Math.sqrt(3), Math.sqrt(3));
    this._embedding = get_variable('embedding', { shape: [this._classes, this._size], dtype: DType.float32, initializer: init });
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, S] {
    const embedded = gather(this._embedding!, reshape(inputs, [-1]));
    return this.cell.call(embedded, state);
  }
  override call(inputs: TensorLike, state: RNNState, scope?: string | VariableScope | null): [Tensor, S] {
    // The layer's dtype is that of the embedding, not of the integer ids.
    if (this._dtype === null) this._dtype = DType.float32;
    return super.call(inputs, state, scope);
  }
  _cloneFresh(): EmbeddingWrapper<S> {
    return new EmbeddingWrapper<S>(this.cell._cloneFresh(), this._classes, this._size, this._eopts);
  }
  override _innerCells(): readonly RNNCell[] {
    return [this.cell];
  }
}

export { AUTO_REUSE };
