/**
 * Learning-rate schedules of tf.train (TF's learning_rate_decay): tensors computed from the
 * global step, passed as an optimizer's learning_rate.
 */
import { DType } from '../core/dtypes';
import { TFTypeError, ValueError } from '../core/errors';
import { Tensor, get_default_graph } from '../graph/graph';
import { TensorLike, convert_to_tensor } from '../ops/common';
import { cast } from '../ops/array_ops';
import { divide, floor, pow } from '../ops/math_ops';
import { make1 } from '../ops/registry';

/**
 * tf.train.exponential_decay(learning_rate, global_step, decay_steps, decay_rate,
 * staircase=False, name=None): learning_rate * decay_rate ^ (global_step / decay_steps), the
 * exponent floored when `staircase`. Ops in the name scope 'ExponentialDecay'; the result is
 * named after it.
 */
export function exponential_decay(
  learning_rate: TensorLike,
  global_step: TensorLike | null | undefined,
  decay_steps: TensorLike,
  decay_rate: TensorLike,
  staircase = false,
  name?: string,
): Tensor {
  if (global_step === null || global_step === undefined) throw new ValueError('global_step is required for exponential_decay.');
  if (typeof staircase !== 'boolean') throw new TFTypeError(`exponential_decay: staircase must be a boolean, got ${typeof staircase}`);
  const g = get_default_graph();
  const scope = g.nameScope(name ?? 'ExponentialDecay');
  try {
    // A JS number is Python's float here (JS cannot tell 1.0 from 1): float32, as TF makes it.
    const lr = convert_to_tensor(learning_rate, typeof learning_rate === 'number' ? DType.float32 : null, 'learning_rate');
    const dtype = lr.dtype;
    const step = cast(convert_to_tensor(global_step), dtype);
    const steps = cast(convert_to_tensor(decay_steps), dtype);
    const rate = cast(convert_to_tensor(decay_rate), dtype);
    let p = divide(step, steps);
    if (staircase) p = floor(p);
    // Named exactly as the scope ('ExponentialDecay'), as TF names it.
    return make1('Mul', [lr, pow(rate, p)], {}, { name: g.currentNameScope, exactName: true });
  } finally {
    scope[Symbol.dispose]();
  }
}
