/**
 * tf.contrib.seq2seq.sequence_loss: the weighted cross-entropy of a sequence of logits, the
 * loss of character- and word-level RNN language models.
 */
import { ValueError } from '../core/errors';
import { checkOptions } from '../core/options';
import { Tensor, get_default_graph } from '../graph/graph';
import { TensorLike, convert_to_tensor } from '../ops/common';
import { reshape, shape } from '../ops/array_ops';
import { add, divide, multiply, reduce_sum } from '../ops/math_ops';
import { sparse_softmax_cross_entropy_with_logits } from '../ops/nn_ops';

export interface SequenceLossOptions {
  average_across_timesteps?: boolean;
  average_across_batch?: boolean;
  softmax_loss_function?: ((args: { labels: Tensor; logits: Tensor }) => Tensor) | null;
  name?: string | null;
}

/**
 * sequence_loss(logits [B, T, C], targets [B, T] ints, weights [B, T], {average_across_timesteps
 * = true, average_across_batch = true, softmax_loss_function, name}): the per-step sparse
 * softmax cross-entropy times the weights (0 masks padding), summed over the averaged axes and
 * divided by the sum of the weights over them (+ 1e-12). Both averages: a scalar; one of them:
 * [T] or [B]; neither: [B, T].
 */
export function sequence_loss(logits: TensorLike, targets: TensorLike, weights: TensorLike, opts: SequenceLossOptions = {}): Tensor {
  opts = checkOptions('sequence_loss', opts, ['average_across_timesteps', 'average_across_batch', 'softmax_loss_function', 'name']);
  const l = convert_to_tensor(logits);
  const t = convert_to_tensor(targets, null);
  const w = convert_to_tensor(weights, l.dtype);
  if (l.shape.ndims !== null && l.shape.ndims !== 3) throw new ValueError('Logits must be a [batch_size x sequence_length x logits] tensor');
  if (t.shape.ndims !== null && t.shape.ndims !== 2) throw new ValueError('Targets must be a [batch_size x sequence_length] tensor');
  if (w.shape.ndims !== null && w.shape.ndims !== 2) throw new ValueError('Weights must be a [batch_size x sequence_length] tensor');
  const acrossT = opts.average_across_timesteps ?? true;
  const acrossB = opts.average_across_batch ?? true;
  const scope = get_default_graph().nameScope(opts.name ?? 'sequence_loss');
  try {
    const C = l.shape.dim(-1);
    const flatLogits = reshape(l, [-1, C ?? -1]);
    const flatTargets = reshape(t, [-1]);
    const xent = opts.softmax_loss_function
      ? opts.softmax_loss_function({ labels: flatTargets, logits: flatLogits })
      : sparse_softmax_cross_entropy_with_logits({ labels: flatTargets, logits: flatLogits });
    let loss = multiply(xent, reshape(w, [-1]));
    const eps = convert_to_tensor(1e-12, l.dtype);
    if (acrossT && acrossB) return divide(reduce_sum(loss), add(reduce_sum(w), eps));
    loss = reshape(loss, shape(w));
    if (acrossT) return divide(reduce_sum(loss, 1), add(reduce_sum(w, 1), eps));
    if (acrossB) return divide(reduce_sum(loss, 0), add(reduce_sum(w, 0), eps));
    return loss;
  } finally {
    scope[Symbol.dispose]();
  }
}
