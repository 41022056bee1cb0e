/**
 * Random ops and TF1's seeding rules (graph seed + op seed, TF1_SEMANTICS.md 2.2).
 * Numbers are drawn on the host from a per-session, per-op RandomStream and uploaded, so
 * every backend sees the same values for the same seeds.
 */
import { DType, DTypeLike, asDType } from '../core/dtypes';
import { InvalidArgumentError, TFTypeError, ValueError } from '../core/errors';
import { checkOptions } from '../core/options';
import { NDArray, checkShape, sizeOf } from '../ndarray/ndarray';
import { Tensor, get_default_graph } from '../graph/graph';
import { TensorShape } from '../graph/tensor_shape';
import { BackendTensor } from '../backend/backend';
import { OutputSpec, Value, defineOp, make1 } from './registry';
import { constantValueAsShape, convert_to_tensor } from './common';
import { RandomStream } from '../core/random';

export const DEFAULT_GRAPH_SEED = 87654321;
const MAXINT32 = 2 ** 31 - 1;

/** TF1's get_seed: the (graph seed, op seed) pair for a new random op, or nulls for entropy. */
export function get_seed(op_seed: number | null | undefined): [number | null, number | null] {
  const g = get_default_graph();
  let gs: number | null = g.root.seed;
  let os: number | null = op_seed ?? null;
  if (gs !== null) {
    if (os === null) os = g.lastId;
  } else if (os !== null) gs = DEFAULT_GRAPH_SEED;
  if (gs !== null && os !== null) {
    gs %= MAXINT32;
    os %= MAXINT32;
    if (gs === 0 && os === 0) os = MAXINT32;
  }
  return [gs, os];
}

/** tf.set_random_seed(seed): the default graph's seed. */
export function set_random_seed(seed: number | null): void {
  if (seed !== null && !Number.isInteger(seed)) throw new ValueError(`seed must be an integer, got ${seed}`);
  get_default_graph().root.seed = seed;
}

/** A fresh stream for (seed, seed2); called once per session per op. */
export function streamFor(seed: number | null, seed2: number | null, entropy: () => number): RandomStream {
  if (seed === null || seed2 === null) return new RandomStream(entropy(), entropy());
  return new RandomStream(seed, seed2);
}

type Dist = 'normal' | 'uniform' | 'truncated_normal';

function sample(stream: RandomStream, dist: Dist, n: number, dtype: DType, a: number, b: number): NDArray {
  const out = dtype.alloc(n);
  for (let i = 0; i < n; i++) {
    if (dist === 'uniform') {
      if (dtype.isInteger) out[i] = a + Math.floor(stream.uniform() * (b - a));
      else {
        out[i] = a + stream.uniform() * (b - a);
        // Storing into float32 may round up to maxval itself; keep the range half-open.
        if (out[i] >= b && b > a) out[i] = nextBelow(dtype, b);
      }
    } else if (dist === 'normal') out[i] = a + b * stream.normal();
    else {
      let z = stream.normal();
      while (z < -2 || z > 2) z = stream.normal();
      out[i] = a + b * z;
    }
  }
  return new NDArray(out, [n], dtype);
}

/** The largest value of `dtype` (float32 or float64) below `b`. */
function nextBelow(dtype: DType, b: number): number {
  if (dtype === DType.float32) {
    const f = Float32Array.of(b);
    const i = new Int32Array(f.buffer);
    if (b > 0) i[0]--;
    else if (b < 0) i[0]++;
    else return -1.401298464324817e-45;
    return f[0];
  }
  const f = Float64Array.of(b);
  const i = new BigInt64Array(f.buffer);
  if (b > 0) i[0]--;
  else if (b < 0) i[0]++;
  else return -Number.MIN_VALUE;
  return f[0];
}

for (const [type, dist] of [
  ['RandomStandardNormal', 'normal'],
  ['RandomUniform', 'uniform'],
  ['TruncatedNormal', 'truncated_normal'],
  ['RandomUniformInt', 'uniform'],
] as const) {
  defineOp({
    type,
    inferShape(ctx): OutputSpec[] {
      const dims = constantValueAsShape(ctx.inputs[0].tensor);
      return [{ dtype: ctx.attrs.dtype as DType, shape: dims ? new TensorShape(dims) : TensorShape.of(null) }];
    },
    kernel(ctx, inputs): Value[] {
      const dims = Array.from(ctx.backend.toHost(inputs[0] as BackendTensor).data);
      for (const d of dims) {
        if (!Number.isInteger(d) || d < 0) throw new ValueError(`${type}: shape must be non-negative integers, got [${dims.join(',')}]`);
      }
      const dt = ctx.attrs.dtype as DType;
      const host = sample(ctx.run.randomStream(ctx.op), dist, sizeOf(dims), dt, ctx.attrs.a as number, ctx.attrs.b as number);
      return [ctx.backend.fromHost(host.reshape(dims))];
    },
    grad: null,
    stateful: true,
  });
}

function shapeInput(shape: readonly number[] | Tensor): Tensor {
  if (shape instanceof Tensor) {
    if (shape.dtype !== DType.int32 && shape.dtype !== DType.int64) throw new TFTypeError(`shape must be an int32 or int64 tensor, got ${shape.dtype.name}`);
    if (shape.shape.ndims !== null && shape.shape.ndims !== 1) throw new ValueError(`shape must be a vector, got a tensor of shape ${shape.shape.toString()}`);
    return shape;
  }
  if (!Array.isArray(shape)) throw new ValueError(`shape must be an array of integers or an int32 tensor, got ${typeof shape}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw new ValueError(`Dimension ${String(d)} must be >= 0 (shape [${shape.map(String).join(',')}])`);
  }
  checkShape(shape, 'shape');
  return convert_to_tensor([...shape], DType.int32, 'shape');
}

export interface RandomOptions {
  mean?: number;
  stddev?: number;
  minval?: number;
  maxval?: number | null;
  dtype?: DTypeLike;
  seed?: number | null;
  name?: string;
  shape?: readonly number[] | Tensor;
}

function splitArgs(fn: string, shape: readonly number[] | Tensor | RandomOptions, opts: RandomOptions, allowed: string[]): [readonly number[] | Tensor, RandomOptions] {
  if (shape instanceof Tensor || Array.isArray(shape)) return [shape as readonly number[] | Tensor, checkOptions(fn, opts, allowed)];
  const o = checkOptions(fn, shape as RandomOptions, ['shape', ...allowed]);
  if (o.shape === undefined) throw new ValueError(`${fn}() missing required argument 'shape'`);
  return [o.shape, o];
}

function randomOp(type: string, name: string, shape: readonly number[] | Tensor, dtype: DType, a: number, b: number, seed: number | null | undefined): Tensor {
  const [s1, s2] = get_seed(seed);
  return make1(type, [shapeInput(shape)], { dtype, a, b, seed: s1, seed2: s2 }, { defaultName: name });
}

/** tf.random_normal(shape, mean=0, stddev=1, dtype=float32, seed=None, name=None) */
export function random_normal(shape: readonly number[] | Tensor | RandomOptions, opts: RandomOptions = {}): Tensor {
  const [s, o] = splitArgs('random_normal', shape, opts, ['mean', 'stddev', 'dtype', 'seed', 'name']);
  const dt = asDType(o.dtype ?? DType.float32);
  if (!dt.isFloating) throw new ValueError(`Invalid dtype ${dt.name} for random_normal: must be a floating type`);
  return randomOp('RandomStandardNormal', o.name ?? 'random_normal', s, dt, o.mean ?? 0, o.stddev ?? 1, o.seed);
}

/** tf.truncated_normal(shape, mean=0, stddev=1, ...): redraws samples beyond two stddevs. */
export function truncated_normal(shape: readonly number[] | Tensor | RandomOptions, opts: RandomOptions = {}): Tensor {
  const [s, o] = splitArgs('truncated_normal', shape, opts, ['mean', 'stddev', 'dtype', 'seed', 'name']);
  const dt = asDType(o.dtype ?? DType.float32);
  return randomOp('TruncatedNormal', o.name ?? 'truncated_normal', s, dt, o.mean ?? 0, o.stddev ?? 1, o.seed);
}

/** tf.random_uniform(shape, minval=0, maxval=None, dtype=float32, seed=None, name=None) */
export function random_uniform(shape: readonly number[] | Tensor | RandomOptions, opts: RandomOptions = {}): Tensor {
  const [s, o] = splitArgs('random_uniform', shape, opts, ['minval', 'maxval', 'dtype', 'seed', 'name']);
  const dt = asDType(o.dtype ?? DType.float32);
  const lo = o.minval ?? 0;
  if (dt.isInteger) {
    if (o.maxval === undefined || o.maxval === null) throw new ValueError(`Must specify maxval for integer dtype ${dt.name}`);
    if (o.maxval <= lo) throw new ValueError(`Need minval < maxval, got ${lo} >= ${o.maxval}`);
    return randomOp('RandomUniformInt', o.name ?? 'random_uniform', s, dt, lo, o.maxval, o.seed);
  }
  return randomOp('RandomUniform', o.name ?? 'random_uniform', s, dt, lo, o.maxval ?? 1, o.seed);
}

// ---- multinomial ----------------------------------------------------------------------------

defineOp({
  type: 'Multinomial',
  inferShape(ctx): OutputSpec[] {
    const l = ctx.inputs[0];
    if (!l.dtype.isFloating) throw new TFTypeError(`Value passed to parameter 'logits' has DataType ${l.dtype.name} not in list of allowed values: float32, float64`);
    if (l.shape.ndims !== null && l.shape.ndims !== 2) ctx.fail(`Shape must be rank 2 but is rank ${l.shape.ndims}`);
    const n = ctx.inputs[1].constValue ? ctx.inputs[1].constValue.data[0] : null;
    return [{ dtype: ctx.attrs.output_dtype as DType, shape: new TensorShape([l.shape.ndims === 2 ? l.shape.dim(0) : null, n]) }];
  },
  kernel(ctx, inputs): Value[] {
    const logits = ctx.backend.toHost(inputs[0] as BackendTensor);
    const n = ctx.backend.toHost(inputs[1] as BackendTensor).data[0];
    const [B, C] = logits.shape;
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`num_samples should be nonnegative, got ${n}`, ctx.op.name);
    if (C === 0 && n > 0) throw new InvalidArgumentError('num_classes should be positive, got 0', ctx.op.name);
    const stream = ctx.run.randomStream(ctx.op);
    const out = (ctx.attrs.output_dtype as DType).alloc(B * n);
    const w = new Float64Array(C);
    for (let b = 0; b < B; b++) {
      // Sampling from softmax(logits[b]): cumulative weights exp(l - max), then one uniform each.
      let max = -Infinity;
      for (let c = 0; c < C; c++) if (Number.isFinite(logits.data[b * C + c])) max = Math.max(max, logits.data[b * C + c]);
      let total = 0;
      for (let c = 0; c < C; c++) {
        const l = logits.data[b * C + c];
        total += Number.isFinite(l) ? Math.exp(l - max) : 0;
        w[c] = total;
      }
      for (let s = 0; s < n; s++) {
        const u = stream.uniform() * total;
        let c = 0;
        while (c < C - 1 && w[c] <= u) c++;
        out[b * n + s] = c;
      }
    }
    return [ctx.backend.fromHost(new NDArray(out, [B, n], ctx.attrs.output_dtype as DType))];
  },
  grad: null,
  stateful: true,
});

/**
 * tf.multinomial(logits, num_samples, seed=None, name=None, output_dtype=tf.int64): for each row
 * of logits [batch, classes], num_samples class indices drawn from softmax(row) (the usual way
 * to sample the next character of a generative RNN). Seeded like every random op.
 */
export function multinomial(logits: Tensor | number[][], num_samples: number | Tensor, opts: { seed?: number | null; name?: string; output_dtype?: DTypeLike } = {}): Tensor {
  opts = checkOptions('multinomial', opts, ['seed', 'name', 'output_dtype']);
  const dt = asDType(opts.output_dtype ?? DType.int64);
  if (dt !== DType.int32 && dt !== DType.int64) throw new TFTypeError(`multinomial: output_dtype must be int32 or int64, got ${dt.name}`);
  const [s1, s2] = get_seed(opts.seed);
  const l = convert_to_tensor(logits as Tensor, typeof logits === 'object' && !(logits instanceof Tensor) ? DType.float32 : null);
  return make1('Multinomial', [l, convert_to_tensor(num_samples, DType.int32)], { output_dtype: dt, seed: s1, seed2: s2 }, { name: opts.name, defaultName: 'multinomial' });
}
