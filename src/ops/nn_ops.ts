/**
 * Neural-network ops: softmax / log_softmax, the softmax cross-entropy losses, in_top_k,
 * bias_add, l2_loss, dropout. Each op: shape inference, kernel, gradient, side by side.
 */
import { BackendTensor } from '../backend/backend';
import { DType } from '../core/dtypes';
import { InvalidArgumentError, TFTypeError, ValueError } from '../core/errors';
import { NamedTuple } from '../core/nest';
import { NDArray } from '../ndarray/ndarray';
import { checkOptions } from '../core/options';
import { Tensor, get_default_graph } from '../graph/graph';
import { TensorShape, UNKNOWN_SHAPE, tupleString } from '../graph/tensor_shape';
import { OutputSpec, Value, defineOp, make1, makeOp } from './registry';
import { TensorLike, convert_to_tensor, freeTemps, isTensorConvertible, requireIndexDType } from './common';
import { cast, expand_dims, gather, rank, reshape, shape, stack, stop_gradient, unbroadcast } from './array_ops';
import { add, divide, floor, multiply, range, reduce_prod, reduce_sum, square, subtract } from './math_ops';
import { random_uniform } from './random_ops';

const bt = (v: Value): BackendTensor => v as BackendTensor;

function requireFloat(t: Tensor, what: string, opType: string): void {
  if (!t.dtype.isFloating) throw new TFTypeError(`Value passed to parameter '${what}' has DataType ${t.dtype.name} not in list of allowed values: float16, float32, float64 (op ${opType})`);
}

// ---- softmax --------------------------------------------------------------------------------

for (const [type, log] of [
  ['Softmax', false],
  ['LogSoftmax', true],
] as const) {
  defineOp({
    type,
    inferShape(ctx): OutputSpec[] {
      const s = ctx.inputs[0].shape;
      if (s.ndims === 0) ctx.fail('Shape must be at least rank 1 but is rank 0');
      return [{ dtype: ctx.inputs[0].dtype, shape: s }];
    },
    kernel(ctx, inputs): Value[] {
      const x = bt(inputs[0]);
      const axis = ctx.attrs.axis as number;
      const r = x.shape.length;
      const a = axis < 0 ? axis + r : axis;
      if (a === r - 1) return [ctx.backend.softmax(x, log)];
      // Softmax over another axis: move it last, apply, move back.
      const perm = x.shape.map((_, i) => i);
      perm[a] = r - 1;
      perm[r - 1] = a;
      const moved = ctx.backend.transpose(x, perm);
      const sm = ctx.backend.softmax(moved, log);
      const out = ctx.backend.transpose(sm, perm);
      freeTemps(ctx.backend, [moved, sm], [out]);
      return [out];
    },
    grad(op, g) {
      if (!g[0]) return [null];
      const y = op.outputs[0];
      const axis = op.attrs.axis as number;
      if (!log) {
        // (g - sum(g*y, axis, keepdims)) * y
        const s = reduce_sum(multiply(g[0], y), axis, { keepdims: true });
        return [multiply(subtract(g[0], s), y)];
      }
      // g - exp(y) * sum(g, axis, keepdims)
      const s = reduce_sum(g[0], axis, { keepdims: true });
      return [subtract(g[0], multiply(make1('Exp', [y], {}, { defaultName: 'Exp' }), s))];
    },
  });
}

export function softmax(logits: TensorLike, axis: number | { axis?: number; name?: string; dim?: number } = -1, name?: string): Tensor {
  const o = typeof axis === 'object' ? checkOptions('softmax', axis, ['axis', 'name', 'dim']) : { axis, name };
  const x = convert_to_tensor(logits);
  requireFloat(x, 'logits', 'Softmax');
  return make1('Softmax', [x], { axis: o.axis ?? (o as { dim?: number }).dim ?? -1 }, { name: o.name, defaultName: 'Softmax' });
}

export function log_softmax(logits: TensorLike, axis: number | { axis?: number; name?: string } = -1, name?: string): Tensor {
  const o = typeof axis === 'object' ? checkOptions('log_softmax', axis, ['axis', 'name']) : { axis, name };
  const x = convert_to_tensor(logits);
  requireFloat(x, 'logits', 'LogSoftmax');
  return make1('LogSoftmax', [x], { axis: o.axis ?? -1 }, { name: o.name, defaultName: 'LogSoftmax' });
}

// ---- cross-entropy --------------------------------------------------------------------------

for (const [type, sparse] of [
  ['SparseSoftmaxCrossEntropyWithLogits', true],
  ['SoftmaxCrossEntropyWithLogits', false],
] as const) {
  defineOp({
    type,
    inferShape(ctx): OutputSpec[] {
      const logits = ctx.inputs[0].shape;
      const dt = ctx.inputs[0].dtype;
      if (logits.ndims !== null && logits.ndims !== 2) ctx.fail(`Shape must be rank 2 but is rank ${logits.ndims}`);
      const b = logits.dims ? logits.dims[0] : null;
      return [
        { dtype: dt, shape: new TensorShape([b]) },
        { dtype: dt, shape: logits.dims ? logits : new TensorShape([null, null]) },
      ];
    },
    kernel(ctx, inputs): Value[] {
      return ctx.backend.softmaxCrossEntropy(bt(inputs[0]), bt(inputs[1]), sparse);
    },
    grad(op, g) {
      // d loss / d logits = g[:, None] * (softmax - labels); no gradient to the labels.
      if (!g[0]) return [null, null];
      return [multiply(expand_dims(g[0], -1), op.outputs[1]), null];
    },
  });
}

function namedOnly(fn: string, first: unknown): void {
  if (first === undefined || first === null || typeof first !== 'object' || first instanceof Tensor || Array.isArray(first) || isTensorConvertible(first)) {
    throw new ValueError(`Only call \`${fn}\` with named arguments (labels=..., logits=..., ...)`);
  }
}

/** tf.nn.sparse_softmax_cross_entropy_with_logits({labels, logits, name}) */
export function sparse_softmax_cross_entropy_with_logits(args: { labels: TensorLike; logits: TensorLike; name?: string; _sentinel?: null }): Tensor {
  namedOnly('sparse_softmax_cross_entropy_with_logits', args);
  args = checkOptions('sparse_softmax_cross_entropy_with_logits', args, ['labels', 'logits', 'name', '_sentinel']);
  const logits = convert_to_tensor(args.logits);
  const labels = convert_to_tensor(args.labels);
  requireFloat(logits, 'logits', 'SparseSoftmaxCrossEntropyWithLogits');
  requireIndexDType(labels, 'labels');
  const ls = logits.shape;
  const ys = labels.shape;
  if (ls.ndims === 0) throw new ValueError(`Logits cannot be scalars - received shape ${ls.toString()}.`);
  if (ls.ndims !== null && ys.ndims !== null) {
    if (ys.ndims !== ls.ndims - 1) {
      throw new ValueError(`Rank mismatch: Rank of labels (received ${ys.ndims}) should equal rank of logits minus 1 (received ${ls.ndims}).`);
    }
    const ld = ls.dims!.slice(0, -1);
    if (ys.dims!.some((d, i) => d !== null && ld[i] !== null && d !== ld[i])) {
      throw new ValueError(`Shape mismatch: The shape of labels (received ${ys.toString()}) should equal the shape of logits except for the last dimension (received ${ls.toString()}).`);
    }
  }
  const g = get_default_graph();
  const scope = g.nameScope(args.name ?? 'SparseSoftmaxCrossEntropyWithLogits');
  try {
    if (ls.ndims === 2 || ls.ndims === null) {
      return makeOp('SparseSoftmaxCrossEntropyWithLogits', [logits, labels], {}, { defaultName: 'SparseSoftmaxCrossEntropyWithLogits' }).outputs[0];
    }
    // Higher rank: flatten to [N, C], compute, reshape back to labels' shape.
    const c = ls.dims![ls.dims!.length - 1];
    const flat = reshape(logits, [-1, c === null ? -1 : c]);
    const loss = makeOp('SparseSoftmaxCrossEntropyWithLogits', [flat, reshape(labels, [-1])], {}, { defaultName: 'SparseSoftmaxCrossEntropyWithLogits' }).outputs[0];
    return reshape(loss, shape(labels));
  } finally {
    scope[Symbol.dispose]();
  }
}

/** tf.nn.softmax_cross_entropy_with_logits({labels, logits, dim, name}) (v1: no gradient to labels). */
export function softmax_cross_entropy_with_logits(args: { labels: TensorLike; logits: TensorLike; dim?: number; axis?: number; name?: string; _sentinel?: null }): Tensor {
  namedOnly('softmax_cross_entropy_with_logits', args);
  args = checkOptions('softmax_cross_entropy_with_logits', args, ['labels', 'logits', 'dim', 'axis', 'name', '_sentinel']);
  const logits = convert_to_tensor(args.logits);
  const labels = stop_gradient(convert_to_tensor(args.labels, logits.dtype));
  requireFloat(logits, 'logits', 'SoftmaxCrossEntropyWithLogits');
  if (!logits.shape.isCompatibleWith(labels.shape)) {
    throw new ValueError(`Shapes ${labels.shape.toString()} and ${logits.shape.toString()} are incompatible`);
  }
  const dim = args.dim ?? args.axis ?? -1;
  if (dim !== -1 && dim !== (logits.shape.ndims ?? 0) - 1) throw new ValueError('softmax_cross_entropy_with_logits: only the last axis is supported as dim');
  const g = get_default_graph();
  const scope = g.nameScope(args.name ?? 'softmax_cross_entropy_with_logits');
  try {
    if (logits.shape.ndims === 2 || logits.shape.ndims === null) {
      return makeOp('SoftmaxCrossEntropyWithLogits', [logits, labels], {}, { defaultName: 'SoftmaxCrossEntropyWithLogits' }).outputs[0];
    }
    const c = logits.shape.dims![logits.shape.dims!.length - 1] ?? -1;
    const loss = makeOp('SoftmaxCrossEntropyWithLogits', [reshape(logits, [-1, c]), reshape(labels, [-1, c])], {}, { defaultName: 'SoftmaxCrossEntropyWithLogits' }).outputs[0];
    return reshape(loss, make1('ReducedShape', [shape(logits)], { axes: [-1] }, { defaultName: 'ReducedShape' }));
  } finally {
    scope[Symbol.dispose]();
  }
}

// ---- in_top_k -------------------------------------------------------------------------------

defineOp({
  type: 'InTopKV2',
  inferShape(ctx): OutputSpec[] {
    const p = ctx.inputs[0].shape;
    const t = ctx.inputs[1].shape;
    if (p.ndims !== null && p.ndims !== 2) ctx.fail(`Shape must be rank 2 but is rank ${p.ndims}`);
    if (t.ndims !== null && t.ndims !== 1) ctx.fail(`Shape must be rank 1 but is rank ${t.ndims}`);
    const b0 = p.dim(0);
    const b1 = t.dim(0);
    if (b0 !== null && b1 !== null && b0 !== b1) ctx.fail(`Dimensions must be equal, but are ${b0} and ${b1}`);
    return [{ dtype: DType.bool, shape: new TensorShape([b0 ?? b1]) }];
  },
  kernel(ctx, inputs): Value[] {
    const p = bt(inputs[0]);
    const t = bt(inputs[1]);
    if (p.shape[0] !== t.shape[0]) {
      throw new ValueError(`First dimension of predictions ${p.shape[0]} must match length of targets ${t.shape[0]}`);
    }
    return [ctx.backend.inTopK(p, t, ctx.attrs.k as number)];
  },
  grad: null,
});

/** tf.nn.in_top_k(predictions, targets, k) */
export function in_top_k(predictions: TensorLike, targets: TensorLike, k: number, name?: string): Tensor {
  const p = convert_to_tensor(predictions);
  const t = convert_to_tensor(targets);
  if (p.dtype !== DType.float32) throw new TFTypeError(`Input 'predictions' of 'InTopKV2' Op has type ${p.dtype.name} that does not match expected type of float32.`);
  requireIndexDType(t, 'targets');
  if (typeof k !== 'number' || !Number.isInteger(k)) throw new TFTypeError(`in_top_k: k must be an integer, got ${typeof k === 'number' ? k : typeof k}`);
  const g = get_default_graph();
  const scope = g.nameScope(name ?? 'in_top_k');
  try {
    return make1('InTopKV2', [p, t], { k }, { defaultName: 'InTopKV2' });
  } finally {
    scope[Symbol.dispose]();
  }
}

// ---- bias_add, l2_loss ----------------------------------------------------------------------

defineOp({
  type: 'BiasAdd',
  inferShape(ctx): OutputSpec[] {
    const x = ctx.inputs[0].shape;
    const b = ctx.inputs[1].shape;
    if (x.ndims !== null && x.ndims < 2) ctx.fail(`Shape must be at least rank 2 but is rank ${x.ndims}`);
    if (b.ndims !== null && b.ndims !== 1) ctx.fail(`Shape must be rank 1 but is rank ${b.ndims}`);
    const last = x.dim(-1);
    const bd = b.dim(0);
    if (last !== null && bd !== null && last !== bd) ctx.fail(`Dimensions must be equal, but are ${last} and ${bd}`);
    if (ctx.inputs[0].dtype !== ctx.inputs[1].dtype) {
      throw new TFTypeError(`Input 'bias' of 'BiasAdd' Op has type ${ctx.inputs[1].dtype.name} that does not match type ${ctx.inputs[0].dtype.name} of argument 'value'.`);
    }
    return [{ dtype: ctx.inputs[0].dtype, shape: x }];
  },
  kernel: (ctx, inputs) => [ctx.backend.binary('add', bt(inputs[0]), bt(inputs[1]))],
  grad: (op, g) => (g[0] ? [g[0], unbroadcast(g[0], op.inputs[1], op.inputs[0])] : [null, null]),
});

export function bias_add(value: TensorLike, bias: TensorLike, opts: { data_format?: string; name?: string } = {}): Tensor {
  opts = checkOptions('bias_add', opts, ['data_format', 'name']);
  return make1('BiasAdd', [convert_to_tensor(value), convert_to_tensor(bias)], {}, { name: opts.name, defaultName: 'BiasAdd' });
}

/** tf.nn.l2_loss(t) = sum(t ** 2) / 2 */
export function l2_loss(t: TensorLike, name?: string): Tensor {
  const x = convert_to_tensor(t);
  const g = get_default_graph();
  const scope = g.nameScope(name ?? 'L2Loss');
  try {
    return multiply(reduce_sum(square(x)), 0.5);
  } finally {
    scope[Symbol.dispose]();
  }
}

// ---- dropout --------------------------------------------------------------------------------

/**
 * tf.nn.dropout(x, keep_prob, noise_shape?, seed?): x / keep_prob * floor(keep_prob + U[0,1)).
 * keep_prob may be a tensor (e.g. placeholder_with_default(1.0, [])).
 */
export function dropout(x: TensorLike, keep_prob: TensorLike, opts: { noise_shape?: readonly number[] | Tensor | null; seed?: number | null; name?: string } = {}): Tensor {
  opts = checkOptions('dropout', opts, ['noise_shape', 'seed', 'name']);
  const t = convert_to_tensor(x);
  requireFloat(t, 'x', 'dropout');
  if (typeof keep_prob === 'number' && !(keep_prob > 0 && keep_prob <= 1)) {
    throw new ValueError(`keep_prob must be a scalar tensor or a float in the range (0, 1], got ${keep_prob}`);
  }
  const g = get_default_graph();
  const scope = g.nameScope(opts.name ?? 'dropout');
  try {
    const kp = convert_to_tensor(keep_prob, t.dtype, 'keep_prob');
    if (kp.shape.ndims !== null && kp.shape.ndims !== 0) throw new ValueError(`keep_prob must be a scalar, got shape ${kp.shape.toString()}`);
    const ns = opts.noise_shape ?? shape(t);
    const u = random_uniform(ns as readonly number[] | Tensor, { dtype: t.dtype, seed: opts.seed ?? null });
    const mask = floor(add(kp, u));
    return multiply(divide(t, kp), mask);
  } finally {
    scope[Symbol.dispose]();
  }
}

export { UNKNOWN_SHAPE, tupleString, cast };

// ---- top_k ----------------------------------------------------------------------------------

defineOp({
  type: 'TopKV2',
  inferShape(ctx): OutputSpec[] {
    const x = ctx.inputs[0];
    const kc = ctx.inputs[1].constValue;
    const k = kc ? kc.data[0] : null;
    if (k !== null && k < 0) ctx.fail(`Need k >= 0, got ${k}`);
    const d = x.shape.dims;
    if (d && d.length === 0) ctx.fail('Shape must be at least rank 1 but is rank 0');
    const last = d ? d[d.length - 1] : null;
    if (k !== null && last !== null && last < k) ctx.fail(`input must have last dimension >= k = ${k} but is ${last}`);
    const shape = d ? new TensorShape([...d.slice(0, -1), k]) : UNKNOWN_SHAPE;
    return [
      { dtype: x.dtype, shape },
      { dtype: DType.int32, shape },
    ];
  },
  kernel(ctx, inputs): Value[] {
    const x = ctx.backend.toHost(inputs[0] as BackendTensor);
    const k = ctx.backend.toHost(inputs[1] as BackendTensor).data[0];
    const C = x.shape[x.shape.length - 1];
    if (!Number.isInteger(k) || k < 0) throw new InvalidArgumentError(`Need k >= 0, got ${k}`, ctx.op.name);
    if (C < k) throw new InvalidArgumentError(`input must have at least k columns. Had ${C}, needed ${k}`, ctx.op.name);
    const rows = C === 0 ? 0 : x.size / C;
    const values = x.dtype.alloc(rows * k);
    const indices = new Int32Array(rows * k);
    const order = Array.from({ length: C }, (_, i) => i);
    for (let r = 0; r < rows; r++) {
      const v = (i: number): number => x.data[r * C + i];
      // Largest first; equal values keep the lower index first (TF's order).
      order.sort((a, b) => (v(b) > v(a) ? 1 : v(b) < v(a) ? -1 : a - b));
      for (let j = 0; j < k; j++) {
        indices[r * k + j] = order[j];
        values[r * k + j] = v(order[j]);
      }
      order.sort((a, b) => a - b);
    }
    const outShape = [...x.shape.slice(0, -1), k];
    return [ctx.backend.fromHost(new NDArray(values, outShape, x.dtype)), ctx.backend.fromHost(new NDArray(indices, outShape, DType.int32))];
  },
  grad(op, g) {
    if (!g[0]) return [null, null];
    // The values' gradient goes back to where they came from: a scatter-add into zeros of the
    // flattened input at row * columns + index (TF's _TopKGrad).
    const x = op.inputs[0];
    const inShape = shape(x);
    const cols = gather(inShape, subtract(rank(x), 1));
    const ind2d = reshape(op.outputs[1], stack([-1, op.inputs[1]]));
    const offsets = expand_dims(multiply(range(0, gather(shape(ind2d), 0)), cols), -1);
    const flatIdx = reshape(add(ind2d, offsets), [-1]);
    const total = reshape(reduce_prod(inShape), [1]);
    const scattered = make1('GatherGrad', [reshape(g[0], [-1]), flatIdx, total], { axis: 0 }, { defaultName: 'GatherGrad' });
    return [reshape(scattered, inShape), null];
  },
});

/** The (values, indices) pair tf.nn.top_k returns (TF's TopKV2 namedtuple). */
export class TopKV2 extends NamedTuple<Tensor> {
  constructor(
    readonly values: Tensor,
    readonly indices: Tensor,
  ) {
    super();
  }
  get _fields(): readonly string[] {
    return ['values', 'indices'];
  }
  toArray(): Tensor[] {
    return [this.values, this.indices];
  }
  _make(v: readonly unknown[]): TopKV2 {
    return new TopKV2(v[0] as Tensor, v[1] as Tensor);
  }
}

/**
 * tf.nn.top_k(input, k=1, sorted=true, name=None): the k largest entries along the last axis and
 * their int32 indices, largest first (ties: the lower index first). Destructures as
 * `const [values, indices] = tf.nn.top_k(x, 2)`.
 */
export function top_k(input: TensorLike, k: number | Tensor = 1, sorted = true, name?: string): TopKV2 {
  void sorted; // always sorted, as TF's CPU kernel is
  const x = convert_to_tensor(input);
  if (!x.dtype.isFloating && !x.dtype.isInteger) throw new TFTypeError(`top_k: input must be a real number tensor, got ${x.dtype.name}`);
  const op = makeOp('TopKV2', [x, convert_to_tensor(k, DType.int32)], {}, { name, defaultName: 'TopKV2' });
  return new TopKV2(op.outputs[0], op.outputs[1]);
}
