/**
 * `tf.contrib`: the parts of TF1's contrib the reference notebooks use.
 *   contrib.layers: fully_connected, linear, xavier_initializer, variance_scaling_initializer,
 *                   l1_regularizer, l2_regularizer (issue: training)
 *   contrib.rnn:    the RNN issue adds it below as `rnn: <its namespace object>`, imported from
 *                   its module (cells, wrappers, static_rnn, ...).
 *   contrib.seq2seq: sequence_loss (src/losses/sequence_loss.ts).
 */
import { fully_connected, linear } from './layers/core';
import { l1_regularizer, l2_regularizer } from './layers/regularizers';
import { contrib_variance_scaling_initializer, xavier_initializer, xavier_initializer_conv2d } from './ops/init_ops';
import * as contribRnn from './nn/contrib_rnn';
import { sequence_loss } from './losses/sequence_loss';

export const contrib = {
  layers: {
    fully_connected,
    linear,
    xavier_initializer,
    xavier_initializer_conv2d,
    variance_scaling_initializer: contrib_variance_scaling_initializer,
    l1_regularizer,
    l2_regularizer,
  },
  /** tf.contrib.rnn: the cells and wrappers of tf.nn.rnn_cell, plus static_rnn (src/nn). */
  rnn: contribRnn,
  /** tf.contrib.seq2seq: the sequence loss of RNN language models. */
  seq2seq: { sequence_loss },
};
