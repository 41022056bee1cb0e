/**
 * tf.contrib.layers.l1_regularizer / l2_regularizer: functions from a weights variable to a
 * scalar penalty; get_variable adds it to the REGULARIZATION_LOSSES collection.
 */
import { ValueError } from '../core/errors';
import { Tensor, get_default_graph } from '../graph/graph';
import { convert_to_tensor } from '../ops/common';
import { abs, multiply, reduce_sum } from '../ops/math_ops';
import { l2_loss } from '../ops/nn_ops';
import { Variable } from '../ops/state_ops';
import { Regularizer } from '../ops/variable_scope';

function checkScale(scale: number): boolean {
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new ValueError(`scale must be a number, got ${String(scale)}`);
  if (scale < 0) throw new ValueError(`Setting a scale less than 0 on a regularizer: ${scale}.`);
  // A scale of 0 disables the regularizer (TF returns `lambda _: None`).
  return scale > 0;
}

function penalty(scope: string | null | undefined, defaultName: string, weights: Variable, scale: number, body: (w: Tensor) => Tensor): Tensor {
  const h = get_default_graph().nameScope(scope ?? defaultName);
  try {
    const s = convert_to_tensor(scale, weights.dtype, 'scale');
    return multiply(s, body(weights.value()));
  } finally {
    h[Symbol.dispose]();
  }
}

/** l1_regularizer(scale): scale * sum(|w|). */
export function l1_regularizer(scale: number, scope?: string | null): Regularizer {
  if (!checkScale(scale)) return () => null;
  return (w) => penalty(scope, 'l1_regularizer', w, scale, (x) => reduce_sum(abs(x)));
}

/** l2_regularizer(scale): scale * sum(w^2) / 2. */
export function l2_regularizer(scale: number, scope?: string | null): Regularizer {
  if (!checkScale(scale)) return () => null;
  return (w) => penalty(scope, 'l2_regularizer', w, scale, (x) => l2_loss(x));
}
