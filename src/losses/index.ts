/**
 * tf.losses (TF1's losses_impl): per-example losses reduced with weights (default
 * SUM_BY_NONZERO_WEIGHTS: the weighted sum divided by the number of non-zero weights, i.e.
 * the mean for unit weights), each added to a loss collection.
 */
import { DType } from '../core/dtypes';
import { ValueError } from '../core/errors';
import { checkOptions } from '../core/options';
import { GraphKeys, Tensor, get_default_graph } from '../graph/graph';
import { TensorLike, convert_to_tensor } from '../ops/common';
import { cast, ones_like, size, squeeze, stop_gradient, where, zeros_like } from '../ops/array_ops';
import { abs, add, add_n, divide, equal, multiply, reduce_sum, squared_difference, subtract } from '../ops/math_ops';
import { softmax_cross_entropy_with_logits, sparse_softmax_cross_entropy_with_logits } from '../ops/nn_ops';
import { REGULARIZATION_LOSSES } from '../ops/variable_scope';

/** tf.losses.Reduction */
export const Reduction = {
  NONE: 'none',
  SUM: 'weighted_sum',
  SUM_OVER_BATCH_SIZE: 'weighted_sum_over_batch_size',
  MEAN: 'weighted_mean',
  SUM_BY_NONZERO_WEIGHTS: 'weighted_sum_by_nonzero_weights',
  SUM_OVER_NONZERO_WEIGHTS: 'weighted_sum_by_nonzero_weights',
} as const;
export type ReductionKey = (typeof Reduction)[keyof typeof Reduction];

const ALL_REDUCTIONS: readonly string[] = Object.values(Reduction);

export interface LossOptions {
  weights?: TensorLike;
  scope?: string | null;
  loss_collection?: string | null;
  reduction?: ReductionKey;
}

const LOSS_KEYS = ['weights', 'scope', 'loss_collection', 'reduction'];

function withScope<T>(scope: string | null | undefined, defaultName: string, fn: (scopeName: string) => T): T {
  const h = get_default_graph().nameScope(scope ?? defaultName);
  try {
    return fn(h.name);
  } finally {
    h[Symbol.dispose]();
  }
}

/** Static check that `weights` broadcasts to `values` (scalar, or same rank with 1s or equal dims). */
function assertBroadcastable(weights: Tensor, values: Tensor): void {
  const w = weights.shape.dims;
  const v = values.shape.dims;
  if (!w || !v || w.length === 0) return;
  const ok = w.length === v.length && w.every((d, i) => d === null || d === 1 || v[i] === null || d === v[i]);
  if (!ok) {
    throw new ValueError(
      `weights can not be broadcast to values. values.rank=${v.length}. weights.rank=${w.length}. values.shape=${values.shape.toString()}. weights.shape=${weights.shape.toString()}.`,
    );
  }
}

/** num / den, 0 where den == 0 (TF's div_no_nan), named 'value' as _safe_mean names it. */
function safeDiv(num: Tensor, den: Tensor): Tensor {
  const zero = equal(den, 0);
  const safe = where(zero, ones_like(den), den);
  return where(zero, zeros_like(num), divide(num, safe), 'value');
}

/** Number of elements of `losses` whose weight is non-zero (weights broadcast to losses). */
function numPresent(losses: Tensor, weights: TensorLike): Tensor {
  if (typeof weights === 'number' && weights !== 0) return cast(size(losses), DType.float32);
  const h = get_default_graph().nameScope('num_present');
  try {
    const w = cast(convert_to_tensor(weights), DType.float32);
    const present = where(equal(w, 0), zeros_like(w), ones_like(w));
    return reduce_sum(multiply(present, ones_like(losses)));
  } finally {
    h[Symbol.dispose]();
  }
}

/** tf.losses.compute_weighted_loss(losses, weights=1.0, scope, loss_collection, reduction) */
export function compute_weighted_loss(losses: TensorLike, opts: LossOptions = {}): Tensor {
  const o = checkOptions('compute_weighted_loss', opts, LOSS_KEYS);
  const reduction = o.reduction ?? Reduction.SUM_BY_NONZERO_WEIGHTS;
  if (!ALL_REDUCTIONS.includes(reduction)) throw new ValueError(`Invalid Reduction Key ${String(reduction)}.`);
  const weights = o.weights ?? 1.0;
  return withScope(o.scope, 'weighted_loss', () => {
    const l = convert_to_tensor(losses);
    const inputDType = l.dtype;
    const lf = cast(l, DType.float32);
    const w = cast(convert_to_tensor(weights, typeof weights === 'number' ? DType.float32 : null), DType.float32);
    assertBroadcastable(w, lf);
    const weighted = multiply(lf, w);
    let loss: Tensor;
    if (reduction === Reduction.NONE) loss = weighted;
    else {
      loss = reduce_sum(weighted);
      if (reduction === Reduction.MEAN) loss = safeDiv(loss, reduce_sum(multiply(ones_like(lf), w)));
      else if (reduction === Reduction.SUM_BY_NONZERO_WEIGHTS) loss = safeDiv(loss, numPresent(lf, weights));
      else if (reduction === Reduction.SUM_OVER_BATCH_SIZE) loss = safeDiv(loss, cast(size(lf), DType.float32));
    }
    loss = cast(loss, inputDType);
    const collection = o.loss_collection === undefined ? GraphKeys.LOSSES : o.loss_collection;
    if (collection) get_default_graph().add_to_collection(collection, loss);
    return loss;
  });
}

/** tf.losses.mean_squared_error(labels, predictions, { weights, scope, loss_collection, reduction }) */
export function mean_squared_error(labels: TensorLike, predictions: TensorLike, opts: LossOptions = {}): Tensor {
  const o = checkOptions('mean_squared_error', opts, LOSS_KEYS);
  if (labels === null || labels === undefined) throw new ValueError('labels must not be None.');
  if (predictions === null || predictions === undefined) throw new ValueError('predictions must not be None.');
  return withScope(o.scope, 'mean_squared_error', (scope) => {
    const p = cast(convert_to_tensor(predictions), DType.float32);
    const l = cast(convert_to_tensor(labels), DType.float32);
    if (!p.shape.isCompatibleWith(l.shape)) throw new ValueError(`Shapes ${p.shape.toString()} and ${l.shape.toString()} are incompatible`);
    const losses = squared_difference(p, l);
    return compute_weighted_loss(losses, { ...o, scope });
  });
}

/** tf.losses.absolute_difference(labels, predictions, ...) */
export function absolute_difference(labels: TensorLike, predictions: TensorLike, opts: LossOptions = {}): Tensor {
  const o = checkOptions('absolute_difference', opts, LOSS_KEYS);
  return withScope(o.scope, 'absolute_difference', (scope) => {
    const p = cast(convert_to_tensor(predictions), DType.float32);
    const l = cast(convert_to_tensor(labels), DType.float32);
    if (!p.shape.isCompatibleWith(l.shape)) throw new ValueError(`Shapes ${p.shape.toString()} and ${l.shape.toString()} are incompatible`);
    const losses = abs(subtract(p, l));
    return compute_weighted_loss(losses, { ...o, scope });
  });
}

export interface SoftmaxLossOptions extends LossOptions {
  label_smoothing?: number;
}

/**
 * tf.losses.softmax_cross_entropy(onehot_labels, logits, { weights, label_smoothing, scope,
 * loss_collection, reduction }): no gradient flows into the labels.
 */
export function softmax_cross_entropy(onehot_labels: TensorLike, logits: TensorLike, opts: SoftmaxLossOptions = {}): Tensor {
  const o = checkOptions('softmax_cross_entropy', opts, [...LOSS_KEYS, 'label_smoothing']);
  return withScope(o.scope, 'softmax_cross_entropy_loss', (scope) => {
    const lg = convert_to_tensor(logits);
    let labels = cast(convert_to_tensor(onehot_labels), lg.dtype);
    if (!lg.shape.isCompatibleWith(labels.shape)) throw new ValueError(`Shapes ${lg.shape.toString()} and ${labels.shape.toString()} are incompatible`);
    const smoothing = o.label_smoothing ?? 0;
    if (smoothing > 0) {
      const n = lg.shape.dim(-1);
      if (n === null) throw new ValueError('softmax_cross_entropy: label_smoothing needs a known number of classes');
      labels = add(multiply(labels, 1 - smoothing), smoothing / n);
    }
    labels = stop_gradient(labels, 'labels_stop_gradient');
    const losses = softmax_cross_entropy_with_logits({ labels, logits: lg, name: 'xentropy' });
    const { label_smoothing: _ls, ...rest } = o;
    void _ls;
    return compute_weighted_loss(losses, { ...rest, scope });
  });
}

/**
 * tf.losses.sparse_softmax_cross_entropy(labels, logits, { weights, scope, loss_collection,
 * reduction }): labels of rank rank(logits) - 1, or with a trailing dimension of 1.
 */
export function sparse_softmax_cross_entropy(labels: TensorLike, logits: TensorLike, opts: LossOptions = {}): Tensor {
  const o = checkOptions('sparse_softmax_cross_entropy', opts, LOSS_KEYS);
  return withScope(o.scope, 'sparse_softmax_cross_entropy_loss', (scope) => {
    const lg = convert_to_tensor(logits);
    let lb = convert_to_tensor(labels);
    // TF's _remove_squeezable_dimensions with expected_rank_diff=1.
    const lr = lb.shape.ndims;
    const gr = lg.shape.ndims;
    if (lr !== null && gr !== null && lr === gr && lb.shape.dim(-1) === 1) lb = squeeze(lb, [-1]);
    const losses = sparse_softmax_cross_entropy_with_logits({ labels: lb, logits: lg, name: 'xentropy' });
    return compute_weighted_loss(losses, { ...o, scope });
  });
}

/** tf.losses.add_loss(loss, loss_collection=LOSSES) */
export function add_loss(loss: Tensor, loss_collection: string | null = GraphKeys.LOSSES): void {
  if (loss_collection) get_default_graph().add_to_collection(loss_collection, loss);
}

/** tf.losses.get_losses(scope?, loss_collection=LOSSES) */
export function get_losses(scope?: string, loss_collection: string = GraphKeys.LOSSES): Tensor[] {
  return get_default_graph().get_collection<Tensor>(loss_collection, scope);
}

/** tf.losses.get_regularization_losses(scope?) */
export function get_regularization_losses(scope?: string): Tensor[] {
  return get_default_graph().get_collection<Tensor>(REGULARIZATION_LOSSES, scope);
}

/** tf.losses.get_regularization_loss(scope?, name='total_regularization_loss'): their sum, or 0. */
export function get_regularization_loss(scope?: string, name = 'total_regularization_loss'): Tensor {
  const l = get_regularization_losses(scope);
  if (l.length === 0) return convert_to_tensor(0.0, DType.float32);
  return add_n(l, name);
}

/** tf.losses.get_total_loss(add_regularization_losses=True, name='total_loss') */
export function get_total_loss(add_regularization_losses = true, name = 'total_loss'): Tensor {
  const l = get_losses();
  if (add_regularization_losses) l.push(...get_regularization_losses());
  if (l.length === 0) throw new ValueError('No losses found in the loss collections.');
  return add_n(l, name);
}
