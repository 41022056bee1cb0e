/**
 * What `tf.contrib.rnn` holds (TF 1.0–1.1's home of the RNN library, still there in 1.x):
 * the cells and wrappers of tf.nn.rnn_cell, plus static_rnn and static_bidirectional_rnn.
 */
export * from './rnn_cell_namespace';
export { static_rnn, static_bidirectional_rnn } from './rnn';
