/**
 * Clipping by norm (TF's clip_ops): clip_by_norm, global_norm, clip_by_global_norm, the gradient
 * clipping of RNN training. Composites of other ops (their gradients come from those).
 * tf.clip_by_value lives with the elementwise ops in math_ops.ts.
 */
import { DType } from '../core/dtypes';
import { TFTypeError } from '../core/errors';
import { Tensor, get_default_graph } from '../graph/graph';
import { TensorLike, convert_to_tensor } from './common';
import { identity, ones_like, stack, where } from './array_ops';
import { divide, greater, maximum, minimum, multiply, reduce_sum, sqrt } from './math_ops';
import { l2_loss } from './nn_ops';

function inScope<T>(name: string | undefined, fallback: string, fn: () => T): T {
  const scope = get_default_graph().nameScope(name ?? fallback);
  try {
    return fn();
  } finally {
    scope[Symbol.dispose]();
  }
}

/**
 * tf.clip_by_norm(t, clip_norm, axes=None): t * clip_norm / max(l2norm(t), clip_norm), the
 * L2 norm taken over `axes` (all by default). An all-zero t stays zero (its norm's gradient is
 * kept finite, as TF does).
 */
export function clip_by_norm(t: TensorLike, clip_norm: TensorLike, axes: number | readonly number[] | null = null, name?: string): Tensor {
  return inScope(name, 'clip_by_norm', () => {
    const x = convert_to_tensor(t);
    const c = convert_to_tensor(clip_norm, x.dtype);
    const l2sum = reduce_sum(multiply(x, x), axes, { keepdims: true });
    const positive = greater(l2sum, 0);
    const l2sumSafe = where(positive, l2sum, ones_like(l2sum));
    const l2norm = where(positive, sqrt(l2sumSafe), l2sum);
    return identity(divide(multiply(x, c), maximum(l2norm, c)));
  });
}

type MaybeTensor = Tensor | null | undefined;

/** tf.global_norm(t_list): sqrt(sum over the list of sum(t ** 2)); null entries are skipped. */
export function global_norm(t_list: readonly MaybeTensor[], name?: string): Tensor {
  if (!Array.isArray(t_list)) throw new TFTypeError('t_list should be a sequence');
  const ts = t_list.filter((t): t is Tensor => t !== null && t !== undefined);
  return inScope(name, 'global_norm', () => {
    const half = ts.map((t) => l2_loss(t));
    const halfSum = reduce_sum(stack(half));
    return sqrt(multiply(halfSum, convert_to_tensor(2, halfSum.dtype)), 'global_norm');
  });
}

/**
 * tf.clip_by_global_norm(t_list, clip_norm, use_norm=None): every tensor scaled by
 * clip_norm / max(global_norm, clip_norm); returns [clipped list (null stays null), the global
 * norm]. An infinite norm makes every entry NaN (as TF documents).
 */
export function clip_by_global_norm(t_list: readonly MaybeTensor[], clip_norm: TensorLike, use_norm?: Tensor | null, name?: string): [(Tensor | null)[], Tensor] {
  if (!Array.isArray(t_list)) throw new TFTypeError('t_list should be a sequence');
  const present = t_list.filter((t): t is Tensor => t !== null && t !== undefined);
  const norm = use_norm ?? global_norm(present);
  return inScope(name, 'clip_by_global_norm', () => {
    const dtype = present[0]?.dtype ?? DType.float32;
    const c = convert_to_tensor(clip_norm, dtype);
    // clip_norm * min(1 / norm, 1 / clip_norm): the 1 / clip_norm is computed once, in the graph.
    const scale = multiply(c, minimum(divide(convert_to_tensor(1, norm.dtype), norm), divide(convert_to_tensor(1, dtype), c)));
    // TF names each result '<scope>_<i>' inside the scope: 'clip_by_global_norm/clip_by_global_norm/_0'.
    const scopeName = get_default_graph().currentNameScope;
    const clipped = t_list.map((t, i) => (t === null || t === undefined ? null : identity(multiply(t, scale), `${scopeName}/_${i}`)));
    return [clipped, norm];
  });
}
