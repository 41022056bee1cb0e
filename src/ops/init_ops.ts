/**
 * Initializers (TF1's init_ops, TF1_SEMANTICS.md 2.3): callables `(shape, dtype?,
 * partition_info?) => Tensor` that build the ops producing a variable's initial value.
 * Random initializers create their random op when called, so the op seed is derived then
 * (random_ops.get_seed), exactly as TF derives it.
 */
import { DType, DTypeLike, asDType } from '../core/dtypes';
import { TFTypeError, ValueError } from '../core/errors';
import { checkOptions, isOptionsObject } from '../core/options';
import { ArrayLike } from '../ndarray/ndarray';
import { Tensor } from '../graph/graph';
import { TensorShape } from '../graph/tensor_shape';
import { constant } from './common';
import { ones, zeros } from './array_ops';
import { random_normal, random_uniform, truncated_normal } from './random_ops';

/** What an initializer receives as `shape`. */
export type InitShape = readonly number[] | TensorShape;

export interface Initializer {
  (shape: InitShape, dtype?: DTypeLike | null, partition_info?: unknown): Tensor;
  /** TF's class name ('Zeros', 'GlorotUniform', ...). */
  readonly initializerName: string;
  /** The dtype used when the call gives none. */
  readonly dtype: DType;
  get_config(): Record<string, unknown>;
}

/** True for initializer callables (as opposed to initial values). */
export function isInitializer(x: unknown): x is Initializer {
  return typeof x === 'function';
}

function dims(shape: InitShape, what: string): number[] {
  const s = shape instanceof TensorShape ? shape : TensorShape.of(shape);
  if (!s.isFullyDefined()) throw new ValueError(`${what}: shape must be fully defined, got ${s.toString()}`);
  return s.toArray();
}

function makeInitializer(
  initializerName: string,
  dtype: DType,
  config: Record<string, unknown>,
  build: (shape: number[], dtype: DType) => Tensor,
): Initializer {
  const fn = (shape: InitShape, dt?: DTypeLike | null, partition_info?: unknown): Tensor => {
    void partition_info; // partitioned variables are not supported; accepted for TF's signature
    return build(dims(shape, initializerName), dt === undefined || dt === null ? dtype : asDType(dt));
  };
  return Object.assign(fn, {
    initializerName,
    dtype,
    get_config: () => ({ ...config, dtype: dtype.name }),
  });
}

function assertFloat(dt: DType): DType {
  if (!dt.isFloating) throw new ValueError(`Expected floating point type, got ${dt.name}.`);
  return dt;
}

/**
 * Python-style argument handling: `f(a, b)` or `f({ a, b })`. Returns the options object with
 * positional values filled in by name.
 */
function args<T extends object>(fn: string, names: readonly (keyof T & string)[], given: readonly unknown[]): T {
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

const dt = (d: DTypeLike | undefined | null): DType => asDType(d ?? DType.float32);

// ---- constant initializers ------------------------------------------------------------------

export interface DTypeOnly {
  dtype?: DTypeLike;
}

/** tf.zeros_initializer(dtype=tf.float32) */
export function zeros_initializer(dtype?: DTypeLike | DTypeOnly): Initializer {
  const o = args<DTypeOnly>('zeros_initializer', ['dtype'], dtype === undefined ? [] : [dtype]);
  return makeInitializer('Zeros', dt(o.dtype), {}, (s, d) => zeros(s, d));
}

/** tf.ones_initializer(dtype=tf.float32) */
export function ones_initializer(dtype?: DTypeLike | DTypeOnly): Initializer {
  const o = args<DTypeOnly>('ones_initializer', ['dtype'], dtype === undefined ? [] : [dtype]);
  return makeInitializer('Ones', dt(o.dtype), {}, (s, d) => ones(s, d));
}

export interface ConstantInitializerOptions {
  value?: ArrayLike;
  dtype?: DTypeLike;
  verify_shape?: boolean;
}

/**
 * tf.constant_initializer(value=0, dtype=tf.float32, verify_shape=False): a scalar fills
 * everything; a list follows tf.constant's fill rules for `shape` (padded with its last
 * element, too many elements is an error).
 */
export function constant_initializer(value: ArrayLike | ConstantInitializerOptions = 0, opts: Omit<ConstantInitializerOptions, 'value'> = {}): Initializer {
  let o: ConstantInitializerOptions;
  if (isOptionsObject(value)) o = checkOptions('constant_initializer', value as ConstantInitializerOptions, ['value', 'dtype', 'verify_shape']);
  else o = { ...checkOptions('constant_initializer', opts, ['dtype', 'verify_shape']), value: value as ArrayLike };
  const v = o.value ?? 0;
  return makeInitializer('Constant', dt(o.dtype), { value: v, verify_shape: !!o.verify_shape }, (s, d) =>
    constant(v, { dtype: d, shape: s, verify_shape: !!o.verify_shape }),
  );
}

// ---- random initializers --------------------------------------------------------------------

export interface RandomUniformInitializerOptions {
  minval?: number;
  maxval?: number | null;
  seed?: number | null;
  dtype?: DTypeLike;
}

/** tf.random_uniform_initializer(minval=0, maxval=None (1 for floats), seed=None, dtype=tf.float32) */
export function random_uniform_initializer(
  ...given: [RandomUniformInitializerOptions?] | [number, (number | null)?, (number | null)?, DTypeLike?]
): Initializer {
  const o = args<RandomUniformInitializerOptions>('random_uniform_initializer', ['minval', 'maxval', 'seed', 'dtype'], given);
  const minval = o.minval ?? 0;
  return makeInitializer('RandomUniform', dt(o.dtype), { minval, maxval: o.maxval ?? null, seed: o.seed ?? null }, (s, d) =>
    random_uniform(s, { minval, maxval: o.maxval ?? null, dtype: d, seed: o.seed ?? null }),
  );
}

export interface NormalInitializerOptions {
  mean?: number;
  stddev?: number;
  seed?: number | null;
  dtype?: DTypeLike;
}

/** tf.random_normal_initializer(mean=0.0, stddev=1.0, seed=None, dtype=tf.float32) */
export function random_normal_initializer(...given: [NormalInitializerOptions?] | [number, number?, (number | null)?, DTypeLike?]): Initializer {
  const o = args<NormalInitializerOptions>('random_normal_initializer', ['mean', 'stddev', 'seed', 'dtype'], given);
  const mean = o.mean ?? 0;
  const stddev = o.stddev ?? 1;
  return makeInitializer('RandomNormal', assertFloat(dt(o.dtype)), { mean, stddev, seed: o.seed ?? null }, (s, d) =>
    random_normal(s, { mean, stddev, dtype: assertFloat(d), seed: o.seed ?? null }),
  );
}

/** tf.truncated_normal_initializer(mean=0.0, stddev=1.0, seed=None, dtype=tf.float32): draws beyond 2 stddev are redrawn. */
export function truncated_normal_initializer(...given: [NormalInitializerOptions?] | [number, number?, (number | null)?, DTypeLike?]): Initializer {
  const o = args<NormalInitializerOptions>('truncated_normal_initializer', ['mean', 'stddev', 'seed', 'dtype'], given);
  const mean = o.mean ?? 0;
  const stddev = o.stddev ?? 1;
  return makeInitializer('TruncatedNormal', assertFloat(dt(o.dtype)), { mean, stddev, seed: o.seed ?? null }, (s, d) =>
    truncated_normal(s, { mean, stddev, dtype: assertFloat(d), seed: o.seed ?? null }),
  );
}

export interface UniformUnitScalingOptions {
  factor?: number;
  seed?: number | null;
  dtype?: DTypeLike;
}

/** tf.uniform_unit_scaling_initializer(factor=1.0): U(-l, l), l = sqrt(3 / input_size) * factor (TF 0.x's default). */
export function uniform_unit_scaling_initializer(...given: [UniformUnitScalingOptions?] | [number, (number | null)?, DTypeLike?]): Initializer {
  const o = args<UniformUnitScalingOptions>('uniform_unit_scaling_initializer', ['factor', 'seed', 'dtype'], given);
  const factor = o.factor ?? 1;
  return makeInitializer('UniformUnitScaling', assertFloat(dt(o.dtype)), { factor, seed: o.seed ?? null }, (s, d) => {
    // Input size: every dimension but the last (a scalar or vector counts as itself).
    let inputSize = 1;
    for (const x of s.slice(0, -1)) inputSize *= x;
    if (s.length === 1) inputSize = s[0];
    const limit = Math.sqrt(3 / Math.max(1, inputSize)) * factor;
    return random_uniform(s, { minval: -limit, maxval: limit, dtype: assertFloat(d), seed: o.seed ?? null });
  });
}

// ---- variance scaling (Glorot / Xavier / He) ------------------------------------------------

/**
 * TF's _compute_fans: rank 0 -> (1, 1); rank 1 [n] -> (n, n); rank 2 [a, b] -> (a, b);
 * rank k > 2 (conv kernels, [..., in, out]) -> receptive field = product of the leading dims.
 */
export function computeFans(shape: readonly number[]): [number, number] {
  if (shape.length < 1) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  let receptive = 1;
  for (const d of shape.slice(0, -2)) receptive *= d;
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';
export type VarianceDistribution = 'normal' | 'uniform' | 'truncated_normal' | 'untruncated_normal';

export interface VarianceScalingOptions {
  scale?: number;
  mode?: FanMode;
  distribution?: VarianceDistribution;
  seed?: number | null;
  dtype?: DTypeLike;
}

/** scipy.stats.truncnorm.std(a=-2, b=2): the stddev of a standard normal truncated at 2. */
const TRUNCATED_STD = 0.87962566103423978;

/**
 * tf.variance_scaling_initializer(scale=1.0, mode='fan_in', distribution='truncated_normal',
 * seed=None, dtype=tf.float32) (TF 1.15 rules): n = fan_in, fan_out or their mean (at least 1);
 * uniform: U(-sqrt(3*scale/n), +); truncated normal: stddev sqrt(scale/n)/0.8796...;
 * untruncated normal: stddev sqrt(scale/n).
 */
export function variance_scaling_initializer(
  ...given: [VarianceScalingOptions?] | [number, FanMode?, VarianceDistribution?, (number | null)?, DTypeLike?]
): Initializer {
  const o = args<VarianceScalingOptions>('variance_scaling_initializer', ['scale', 'mode', 'distribution', 'seed', 'dtype'], given);
  return varianceScaling('VarianceScaling', o);
}

function varianceScaling(name: string, o: VarianceScalingOptions): Initializer {
  const scale = o.scale ?? 1;
  const mode = o.mode ?? 'fan_in';
  const distribution = (o.distribution ?? 'truncated_normal').toLowerCase() as VarianceDistribution;
  if (!(scale > 0)) throw new ValueError('`scale` must be positive float.');
  if (!['fan_in', 'fan_out', 'fan_avg'].includes(mode)) throw new ValueError(`Invalid \`mode\` argument: ${String(mode)}`);
  if (!['normal', 'uniform', 'truncated_normal', 'untruncated_normal'].includes(distribution)) {
    throw new ValueError(`Invalid \`distribution\` argument: ${String(distribution)}`);
  }
  const seed = o.seed ?? null;
  return makeInitializer(name, assertFloat(dt(o.dtype)), { scale, mode, distribution, seed }, (s, d) => {
    assertFloat(d);
    const [fanIn, fanOut] = computeFans(s);
    const n = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const sc = scale / Math.max(1, n);
    if (distribution === 'normal' || distribution === 'truncated_normal') {
      return truncated_normal(s, { mean: 0, stddev: Math.sqrt(sc) / TRUNCATED_STD, dtype: d, seed });
    }
    if (distribution === 'untruncated_normal') return random_normal(s, { mean: 0, stddev: Math.sqrt(sc), dtype: d, seed });
    const limit = Math.sqrt(3 * sc);
    return random_uniform(s, { minval: -limit, maxval: limit, dtype: d, seed });
  });
}

export interface SeedDTypeOptions {
  seed?: number | null;
  dtype?: DTypeLike;
}

/** tf.glorot_uniform_initializer(seed=None, dtype=tf.float32): U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)). */
export function glorot_uniform_initializer(...given: [SeedDTypeOptions?] | [number | null, DTypeLike?]): Initializer {
  const o = args<SeedDTypeOptions>('glorot_uniform_initializer', ['seed', 'dtype'], given);
  return varianceScaling('GlorotUniform', { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: o.seed, dtype: o.dtype });
}

/** tf.glorot_normal_initializer(seed=None, dtype=tf.float32): truncated normal, stddev sqrt(2 / (fan_in + fan_out)) / 0.8796. */
export function glorot_normal_initializer(...given: [SeedDTypeOptions?] | [number | null, DTypeLike?]): Initializer {
  const o = args<SeedDTypeOptions>('glorot_normal_initializer', ['seed', 'dtype'], given);
  return varianceScaling('GlorotNormal', { scale: 1, mode: 'fan_avg', distribution: 'truncated_normal', seed: o.seed, dtype: o.dtype });
}

// ---- tf.contrib.layers initializers ---------------------------------------------------------

export interface ContribVarianceScalingOptions {
  factor?: number;
  mode?: 'FAN_IN' | 'FAN_OUT' | 'FAN_AVG';
  uniform?: boolean;
  seed?: number | null;
  dtype?: DTypeLike;
}

/**
 * tf.contrib.layers.variance_scaling_initializer(factor=2.0, mode='FAN_IN', uniform=False,
 * seed=None, dtype=tf.float32) (contrib's own rules: no max(1, n), truncated stddev
 * sqrt(1.3 * factor / n)).
 */
export function contrib_variance_scaling_initializer(
  ...given: [ContribVarianceScalingOptions?] | [number, ('FAN_IN' | 'FAN_OUT' | 'FAN_AVG')?, boolean?, (number | null)?, DTypeLike?]
): Initializer {
  const o = args<ContribVarianceScalingOptions>('variance_scaling_initializer', ['factor', 'mode', 'uniform', 'seed', 'dtype'], given);
  return contribVarianceScaling('VarianceScaling', o);
}

function contribVarianceScaling(name: string, o: ContribVarianceScalingOptions): Initializer {
  const factor = o.factor ?? 2;
  const mode = o.mode ?? 'FAN_IN';
  const uniform = o.uniform ?? false;
  const dtype = dt(o.dtype);
  if (!dtype.isFloating) throw new TFTypeError('Cannot create initializer for non-floating point type.');
  if (!['FAN_IN', 'FAN_OUT', 'FAN_AVG'].includes(mode)) throw new TFTypeError(`Unknown mode ${String(mode)} [FAN_IN, FAN_OUT, FAN_AVG]`);
  const seed = o.seed ?? null;
  return makeInitializer(name, dtype, { factor, mode, uniform, seed }, (s, d) => {
    if (!d.isFloating) throw new TFTypeError('Cannot create initializer for non-floating point type.');
    let fanIn = s.length ? (s.length > 1 ? s[s.length - 2] : s[s.length - 1]) : 1;
    let fanOut = s.length ? s[s.length - 1] : 1;
    for (const x of s.slice(0, -2)) {
      fanIn *= x;
      fanOut *= x;
    }
    const n = mode === 'FAN_IN' ? fanIn : mode === 'FAN_OUT' ? fanOut : (fanIn + fanOut) / 2;
    if (uniform) {
      const limit = Math.sqrt((3 * factor) / n);
      return random_uniform(s, { minval: -limit, maxval: limit, dtype: d, seed });
    }
    return truncated_normal(s, { mean: 0, stddev: Math.sqrt((1.3 * factor) / n), dtype: d, seed });
  });
}

export interface XavierOptions {
  uniform?: boolean;
  seed?: number | null;
  dtype?: DTypeLike;
}

/**
 * tf.contrib.layers.xavier_initializer(uniform=True, seed=None, dtype=tf.float32): contrib's
 * variance scaling with factor 1, FAN_AVG; uniform limit sqrt(6 / (fan_in + fan_out)).
 */
export function xavier_initializer(...given: [XavierOptions?] | [boolean, (number | null)?, DTypeLike?]): Initializer {
  const o = args<XavierOptions>('xavier_initializer', ['uniform', 'seed', 'dtype'], given);
  return contribVarianceScaling('Xavier', { factor: 1, mode: 'FAN_AVG', uniform: o.uniform ?? true, seed: o.seed, dtype: o.dtype });
}
export const xavier_initializer_conv2d = xavier_initializer;
