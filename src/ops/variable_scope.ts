/**
 * tf.variable_scope / tf.get_variable (TF1_SEMANTICS.md 2.4): a per-graph store of variables
 * keyed by their scoped names, the reuse rules (None / True / AUTO_REUSE) with TF's error
 * texts, default initializers, and default_name uniquification.
 *
 * Variable scopes name variables; each entry also opens a (uniquified) name scope for ops, so
 * ops can live in 'rnn_1/...' while variables stay 'rnn/...'.
 */
import * as path from 'path';
import { DType, DTypeLike, asDType } from '../core/dtypes';
import { AssertionError, TFTypeError, ValueError } from '../core/errors';
import { checkOptions, isOptionsObject } from '../core/options';
import { NDArray, toNDArray } from '../ndarray/ndarray';
import { Graph, GraphKeys, ScopeHandle, Tensor, get_default_graph } from '../graph/graph';
import { ShapeLike, TensorShape } from '../graph/tensor_shape';
import { TensorLike, isTensorConvertible } from './common';
import { Variable, initScope } from './state_ops';
import { Initializer, glorot_uniform_initializer, isInitializer, zeros_initializer } from './init_ops';

/** tf.AUTO_REUSE: create the variable if missing, else reuse it. */
export const AUTO_REUSE: unique symbol = Symbol('AUTO_REUSE');
export type ReuseMode = boolean | typeof AUTO_REUSE;

/** The collection regularization losses go to (tf.GraphKeys.REGULARIZATION_LOSSES). */
export const REGULARIZATION_LOSSES = 'regularization_losses';

/** A regularizer maps a new variable to a scalar loss tensor (or null for none). */
export type Regularizer = (weights: Variable) => Tensor | null;

/** What may initialize a variable: an initializer callable or an initial value. */
export type InitializerLike = Initializer | TensorLike;

/** Per-graph state: the current scope, the default_name counters and the variable store. */
interface ScopeState {
  current: VariableScope;
  counts: Map<string, number>;
  vars: Map<string, Variable>;
  sites: WeakMap<Variable, string>;
}

const STATE_KEY = 'tf1ts.variable_scope';

function stateOf(g: Graph): ScopeState {
  const root = g.root;
  let st = root.extras.get(STATE_KEY) as ScopeState | undefined;
  if (!st) {
    st = { current: new VariableScope(false, '', null, null, DType.float32, ''), counts: new Map(), vars: new Map(), sites: new WeakMap() };
    root.extras.set(STATE_KEY, st);
  }
  return st;
}

/** Python's `a or b` on reuse values (None/False are falsy; True and AUTO_REUSE truthy). */
const orReuse = (a: ReuseMode | null, b: ReuseMode): ReuseMode => (a === true || a === AUTO_REUSE ? a : b);

export class VariableScope implements Disposable {
  private _reuse: ReuseMode;
  /** Set for scopes returned by variable_scope(): leaves the scope. */
  private _exit: (() => void) | null = null;

  constructor(
    reuse: ReuseMode,
    readonly name: string,
    private _initializer: InitializerLike | null,
    private _regularizer: Regularizer | null,
    private _dtype: DType,
    private readonly _nameScope: string,
  ) {
    this._reuse = reuse;
  }

  get reuse(): ReuseMode {
    return this._reuse;
  }
  get initializer(): InitializerLike | null {
    return this._initializer;
  }
  get regularizer(): Regularizer | null {
    return this._regularizer;
  }
  get dtype(): DType {
    return this._dtype;
  }
  /** The name scope opened when this scope was first entered ('rnn/', 'rnn_1/', or ''). */
  get original_name_scope(): string {
    return this._nameScope;
  }

  /** Sets reuse=True for the rest of this scope. */
  reuse_variables(): void {
    this._reuse = true;
  }
  set_initializer(initializer: InitializerLike | null): void {
    this._initializer = initializer;
  }
  set_regularizer(regularizer: Regularizer | null): void {
    this._regularizer = regularizer;
  }
  set_dtype(dtype: DTypeLike): void {
    this._dtype = asDType(dtype);
  }

  /** Variables of this scope in a collection (prefix match on the scope name). */
  get_collection<T = unknown>(key: string): T[] {
    return get_default_graph().get_collection<T>(key, this.name ? `${this.name}/` : undefined);
  }
  global_variables(): Variable[] {
    return this.get_collection<Variable>(GraphKeys.GLOBAL_VARIABLES);
  }
  trainable_variables(): Variable[] {
    return this.get_collection<Variable>(GraphKeys.TRAINABLE_VARIABLES);
  }

  /** get_variable relative to this scope. */
  get_variable(name: string, shape?: ShapeLike | GetVariableOptions, opts?: GetVariableOptions): Variable {
    const [s, o] = splitGetVariableArgs(name, shape, opts);
    return scopeGetVariable(this, name, s, o);
  }

  /** @internal */
  _setExit(exit: () => void): void {
    this._exit = exit;
  }

  /** Leaves the scope (the end of Python's `with` block). */
  [Symbol.dispose](): void {
    if (!this._exit) return;
    this._exit(); // throws (and stays open) when left out of order
    this._exit = null;
  }

  toString(): string {
    return `<tf.VariableScope '${this.name}'>`;
  }
}

export interface VariableScopeOptions {
  default_name?: string | null;
  values?: readonly unknown[] | null;
  initializer?: InitializerLike | null;
  regularizer?: Regularizer | null;
  reuse?: ReuseMode | null;
  dtype?: DTypeLike | null;
  auxiliary_name_scope?: boolean;
}

const SCOPE_OPTIONS = ['default_name', 'values', 'initializer', 'regularizer', 'reuse', 'dtype', 'auxiliary_name_scope'];

/**
 * tf.variable_scope(name_or_scope, { default_name, values, initializer, regularizer, reuse,
 * dtype, auxiliary_name_scope }, fn?). Without `fn`, returns the entered scope, to be left by
 * disposing it (`using scope = tf.variable_scope('rnn')`); with `fn`, runs `fn(scope)` inside
 * and returns its result.
 */
export function variable_scope<T>(name_or_scope: string | VariableScope | null, opts: VariableScopeOptions | null | undefined, fn: (scope: VariableScope) => T): T;
export function variable_scope<T>(name_or_scope: string | VariableScope | null, fn: (scope: VariableScope) => T): T;
export function variable_scope(name_or_scope: string | VariableScope | null, opts?: VariableScopeOptions | null): VariableScope;
export function variable_scope<T>(
  name_or_scope: string | VariableScope | null,
  optsOrFn?: VariableScopeOptions | null | ((scope: VariableScope) => T),
  fn?: (scope: VariableScope) => T,
): T | VariableScope {
  let opts: VariableScopeOptions;
  let body = fn;
  if (typeof optsOrFn === 'function') {
    body = optsOrFn;
    opts = {};
  } else opts = checkOptions('variable_scope', optsOrFn ?? {}, SCOPE_OPTIONS);
  const scope = enterScope(name_or_scope ?? null, opts);
  if (!body) return scope;
  try {
    return body(scope);
  } finally {
    scope[Symbol.dispose]();
  }
}

function enterScope(nameOrScope: string | VariableScope | null, opts: VariableScopeOptions): VariableScope {
  if (nameOrScope !== null && typeof nameOrScope !== 'string' && !(nameOrScope instanceof VariableScope)) {
    throw new TFTypeError('VariableScope: name_or_scope must be a string or VariableScope.');
  }
  const defaultName = opts.default_name ?? null;
  if (nameOrScope === null && defaultName === null) throw new TFTypeError('If default_name is None then name_or_scope is required');
  // reuse=False cannot switch off an inherited True: it means "inherit", like None.
  const reuse: ReuseMode | null = opts.reuse === false || opts.reuse === undefined ? null : opts.reuse;
  if (!(reuse === null || reuse === true || reuse === AUTO_REUSE)) throw new ValueError('The reuse parameter must be True or False or None.');
  if (opts.values !== undefined && opts.values !== null && !Array.isArray(opts.values)) throw new TFTypeError('variable_scope: values must be a list');
  const dtype = opts.dtype === undefined || opts.dtype === null ? null : asDType(opts.dtype);
  const g = get_default_graph();
  const st = stateOf(g);
  const old = st.current;
  const aux = opts.auxiliary_name_scope ?? true;
  const currentNs = g.currentNameScope ? `${g.currentNameScope}/` : '';

  let ns: ScopeHandle | null = null;
  let entered: VariableScope;
  let onExit: () => void;

  if (nameOrScope !== null) {
    const nsBase = typeof nameOrScope === 'string' ? nameOrScope : nameOrScope.name.split('/').pop() ?? '';
    let nsName = currentNs;
    if (aux && nsBase) {
      ns = g.nameScope(nsBase);
      nsName = ns.name;
    }
    if (nameOrScope instanceof VariableScope) {
      // Jumping to a captured scope: a copy of it, with reuse/initializer/dtype overridable.
      entered = new VariableScope(
        reuse ?? nameOrScope.reuse,
        nameOrScope.name,
        opts.initializer ?? nameOrScope.initializer,
        opts.regularizer ?? nameOrScope.regularizer,
        dtype ?? nameOrScope.dtype,
        nameOrScope.original_name_scope,
      );
      open(st, entered.name);
      const savedCounts = new Map(st.counts);
      onExit = () => {
        st.counts = savedCounts;
      };
    } else {
      const newName = old.name ? `${old.name}/${nameOrScope}` : nameOrScope;
      entered = new VariableScope(
        orReuse(reuse, old.reuse),
        newName,
        opts.initializer ?? old.initializer,
        opts.regularizer ?? old.regularizer,
        dtype ?? old.dtype,
        nsName,
      );
      open(st, newName);
      onExit = () => closeSubscopes(st, newName);
    }
  } else {
    if (reuse === true) throw new ValueError('reuse=True cannot be used without a name_or_scope');
    let nsName = currentNs;
    if (aux) {
      ns = g.nameScope(defaultName as string);
      nsName = ns.name;
    }
    const unique = uniqueScopeName(st, defaultName as string);
    const newName = old.name ? `${old.name}/${unique}` : unique;
    // As in TF, `reuse` is not passed on here: a default-named scope inherits its parent's.
    entered = new VariableScope(old.reuse, newName, opts.initializer ?? old.initializer, opts.regularizer ?? old.regularizer, dtype ?? old.dtype, nsName);
    open(st, newName);
    onExit = () => closeSubscopes(st, newName);
  }
  st.current = entered;
  entered._setExit(() => {
    if (st.current !== entered) {
      throw new AssertionError(`variable scope '${entered.name}' exited out of order (current scope is '${st.current.name}')`);
    }
    onExit();
    st.current = old;
    ns?.[Symbol.dispose]();
  });
  return entered;
}

function open(st: ScopeState, name: string): void {
  st.counts.set(name, (st.counts.get(name) ?? 0) + 1);
}

/** Leaving a string-named scope forgets its children's default_name counters. */
function closeSubscopes(st: ScopeState, name: string): void {
  for (const k of st.counts.keys()) if (k.startsWith(`${name}/`)) st.counts.set(k, 0);
}

/** TF's _get_unique_variable_scope: prefix, prefix_1, ... among the current scope's children. */
function uniqueScopeName(st: ScopeState, prefix: string): string {
  const parent = st.current.name;
  const full = parent ? `${parent}/${prefix}` : prefix;
  if ((st.counts.get(full) ?? 0) === 0) return prefix;
  let i = 1;
  while ((st.counts.get(`${full}_${i}`) ?? 0) > 0) i++;
  return `${prefix}_${i}`;
}

/** tf.get_variable_scope(): the current variable scope of the default graph. */
export function get_variable_scope(): VariableScope {
  return stateOf(get_default_graph()).current;
}

// ---- get_variable ---------------------------------------------------------------------------

export interface GetVariableOptions {
  shape?: ShapeLike;
  dtype?: DTypeLike | null;
  initializer?: InitializerLike | null;
  regularizer?: Regularizer | null;
  trainable?: boolean | null;
  collections?: readonly string[] | null;
  reuse?: ReuseMode | null;
  validate_shape?: boolean;
}

const GET_VARIABLE_OPTIONS = ['shape', 'dtype', 'initializer', 'regularizer', 'trainable', 'collections', 'reuse', 'validate_shape'];

function splitGetVariableArgs(name: string, shape: ShapeLike | GetVariableOptions | undefined, opts: GetVariableOptions | undefined): [ShapeLike, GetVariableOptions] {
  if (typeof name !== 'string') throw new TFTypeError(`get_variable: name must be a string, got ${typeof name}`);
  if (isOptionsObject(shape)) {
    if (opts !== undefined) throw new TFTypeError('get_variable() got its options twice');
    const o = checkOptions('get_variable', shape as GetVariableOptions, GET_VARIABLE_OPTIONS);
    return [o.shape ?? null, o];
  }
  const o = checkOptions('get_variable', opts ?? {}, GET_VARIABLE_OPTIONS);
  if (o.shape !== undefined && shape !== undefined && shape !== null) throw new TFTypeError("get_variable() got multiple values for argument 'shape'");
  return [(shape as ShapeLike) ?? o.shape ?? null, o];
}

/**
 * tf.get_variable(name, shape?, { dtype, initializer, regularizer, trainable, collections,
 * reuse, validate_shape }): the variable `<current scope>/<name>`, created or reused by the
 * scope's reuse rules.
 */
export function get_variable(name: string, shape?: ShapeLike | GetVariableOptions, opts?: GetVariableOptions): Variable {
  const [s, o] = splitGetVariableArgs(name, shape, opts);
  return scopeGetVariable(get_variable_scope(), name, s, o);
}

function scopeGetVariable(scope: VariableScope, name: string, shape: ShapeLike, o: GetVariableOptions): Variable {
  const reuse: ReuseMode = o.reuse === undefined || o.reuse === null ? scope.reuse : o.reuse;
  const fullName = scope.name ? `${scope.name}/${name}` : name;
  const g = get_default_graph();
  // Variable names depend on the variable scope only: the name scope is reset meanwhile.
  const ns = g.nameScope(null);
  try {
    if (o.dtype !== undefined && o.dtype !== null && o.initializer !== undefined && o.initializer !== null && !isInitializer(o.initializer)) {
      const initDType = valueDType(o.initializer);
      if (initDType !== asDType(o.dtype)) {
        throw new ValueError(`Initializer type '${initDType.name}' and explicit dtype '${asDType(o.dtype).name}' don't match.`);
      }
    }
    const initializer = o.initializer ?? scope.initializer;
    const dtype = o.dtype === undefined || o.dtype === null ? scope.dtype : asDType(o.dtype);
    const regularizer = o.regularizer ?? scope.regularizer;
    return storeGetVariable(stateOf(g), fullName, shape, dtype, initializer, regularizer, reuse, o);
  } finally {
    ns[Symbol.dispose]();
  }
}

/** The dtype an initial value would get, without adding a Const op to the graph. */
function valueDType(v: TensorLike): DType {
  if (v instanceof Tensor) return v.dtype;
  if (isTensorConvertible(v)) return v._asTensor().dtype;
  if (v instanceof NDArray) return v.dtype;
  return toNDArray(v).dtype;
}

function storeGetVariable(
  st: ScopeState,
  name: string,
  shapeArg: ShapeLike,
  dtype: DType,
  initializerArg: InitializerLike | null,
  regularizer: Regularizer | null,
  reuse: ReuseMode,
  o: GetVariableOptions,
): Variable {
  let initializer = initializerArg;
  const fromValue = initializer !== null && !isInitializer(initializer);
  if (shapeArg !== null && shapeArg !== undefined && fromValue) throw new ValueError('If initializer is a constant, do not specify shape.');
  const shape = TensorShape.of(shapeArg);

  const found = st.vars.get(name);
  if (found) {
    if (reuse !== true && reuse !== AUTO_REUSE) {
      throw new ValueError(
        `Variable ${name} already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n\n${st.sites.get(found) ?? ''}`,
      );
    }
    if (!shape.isCompatibleWith(found.shape)) {
      throw new ValueError(`Trying to share variable ${name}, but specified shape ${shape.toString()} and found shape ${found.shape.toString()}.`);
    }
    if (dtype !== found.dtype) {
      throw new ValueError(`Trying to share variable ${name}, but specified dtype ${dtype.name} and found dtype ${found.dtype.name}.`);
    }
    return found;
  }
  if (reuse === true) {
    throw new ValueError(`Variable ${name} does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?`);
  }

  if (initializer === null) initializer = defaultInitializer(name, dtype);
  if (!fromValue && !shape.isFullyDefined()) {
    throw new ValueError(`Shape of a new variable (${name}) must be fully defined, but instead was ${shape.toString()}.`);
  }
  const site = creationSite();
  let initial: TensorLike | (() => TensorLike);
  if (fromValue) initial = initializer as TensorLike;
  else {
    const init = initializer as Initializer;
    const dims = shape.toArray();
    // TF builds the initial value under '<var>/Initializer/'.
    initial = () => {
      const h = get_default_graph().nameScope('Initializer');
      try {
        return init(dims, dtype);
      } finally {
        h[Symbol.dispose]();
      }
    };
  }
  const v = new Variable(initial, {
    name,
    trainable: o.trainable ?? true,
    collections: o.collections ?? null,
    dtype: fromValue ? undefined : dtype,
    validate_shape: o.validate_shape ?? true,
  });
  st.vars.set(name, v);
  st.sites.set(v, site);

  if (regularizer) {
    initScope(() => {
      const h = get_default_graph().nameScope(`${name}/Regularizer/`);
      try {
        const loss = regularizer(v);
        if (loss) get_default_graph().add_to_collection(REGULARIZATION_LOSSES, loss);
      } finally {
        h[Symbol.dispose]();
      }
    });
  }
  return v;
}

/** get_variable's default: Glorot uniform for floats, zeros for ints and bools. */
function defaultInitializer(name: string, dtype: DType): Initializer {
  if (dtype.isFloating) return glorot_uniform_initializer();
  if (dtype.isInteger || dtype === DType.bool) return zeros_initializer();
  throw new ValueError(`An initializer for variable ${name} of ${dtype.name} is required`);
}

const LIB_DIR = path.resolve(__dirname, '..');

/**
 * A short creation site for 'Originally defined at:': up to five user frames, most recent
 * first, in Python's traceback format (library and Node-internal frames are left out).
 */
function creationSite(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const out: string[] = [];
  for (const line of stack.split('\n').slice(1)) {
    const m = /^\s*at (?:(.*?) \()?(.*?):(\d+):\d+\)?$/.exec(line);
    if (!m) continue;
    const file = m[2];
    if (file.startsWith('node:') || file.includes('node_modules') || path.resolve(file).startsWith(LIB_DIR + path.sep)) continue;
    out.push(`  File "${file}", line ${m[3]}, in ${m[1] ?? '<module>'}\n`);
    if (out.length === 5) break;
  }
  return out.join('');
}

/** All variables created by get_variable in the default graph, by full name (for tests and tools). */
export function _variableStore(): ReadonlyMap<string, Variable> {
  return stateOf(get_default_graph()).vars;
}
