/**
 * The `tf.nn` namespace: the neural-network ops of src/ops (softmax, losses, in_top_k,
 * bias_add, dropout, activations, embedding_lookup) plus the RNN library of this folder (`tf.nn.rnn_cell`,
 * `tf.nn.static_rnn` / `tf.nn.rnn`, `tf.nn.dynamic_rnn`, and their bidirectional variants).
 */
export {
  softmax,
  log_softmax,
  sparse_softmax_cross_entropy_with_logits,
  softmax_cross_entropy_with_logits,
  in_top_k,
  bias_add,
  l2_loss,
  dropout,
  top_k,
  TopKV2,
} from '../ops/nn_ops';
export { relu, tanh, sigmoid } from '../ops/math_ops';
export { embedding_lookup } from '../ops/embedding_ops';
export type { EmbeddingLookupOptions } from '../ops/embedding_ops';
export * as rnn_cell from './rnn_cell_namespace';
export { static_rnn, rnn, dynamic_rnn, bidirectional_dynamic_rnn, static_bidirectional_rnn } from './rnn';
export type { StaticRNNOptions, DynamicRNNOptions, BidirectionalDynamicRNNOptions, StaticBidirectionalRNNOptions } from './rnn';
