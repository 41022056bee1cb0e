// GRU Cell (Gated Recurrent Unit): a GRUCell of 100 units (original notebook In [62]).
//
//   rnn run notebooks-ported/gru.ts [--iterations N]
//
// The original only creates the cell. Beyond it, the port runs the cell over the time series
// with dynamic_rnn, projects its outputs as In [None]#4 does and trains it briefly
// (--iterations, default 500), logging to stderr only (the cell prints nothing).
import * as tf from 'tf1-ts';
import { In } from 'tf1-ts/notebook';
import { parseIntOptions } from './common/args';
import { reportTimeSeries, trainTimeSeries } from './common/train_time_series';

const opts = parseIntOptions('gru', { iterations: 500 }, { iterations: 'training iterations on the time series (beyond the original)' });

const fully_connected = tf.contrib.layers.fully_connected; // imported in In [28]

// Carried over from In [36] (time_series) and In [53] (deep_rnn).
const n_steps = 20;
const n_inputs = 1;
const n_outputs = 1;
const n_neurons = 100;

In(62);
const gru_cell = new tf.nn.rnn_cell.GRUCell(n_neurons); // num_units = n_neurons

// ---- beyond the original: run the GRU on the time series and train it ----
const X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);
const y = tf.placeholder(tf.float32, [null, n_steps, n_outputs]);
const [rnn_outputs] = tf.nn.dynamic_rnn(gru_cell, X, { dtype: tf.float32 });
const stacked_outputs = fully_connected(tf.reshape(rnn_outputs, [-1, n_neurons]), n_outputs,
                                        { activation_fn: null });
const outputs = tf.reshape(stacked_outputs, [-1, n_steps, n_outputs]);
const loss = tf.reduce_mean(tf.square(outputs.sub(y)));
const training_op = new tf.train.AdamOptimizer({ learning_rate: 0.001 }).minimize(loss);
{
  using sess = new tf.Session();
  tf.global_variables_initializer().run();
  const o = { X, y, outputs, loss, training_op, n_iterations: opts.iterations, label: 'gru' };
  const result = trainTimeSeries(sess, o); // logs on stderr
  reportTimeSeries(sess, 'gru', 'GRUCell', o, result);
}
