// Deep RNNs: three layers of 100 basic cells stacked in a MultiRNNCell (original notebook In [53]).
//
//   rnn run notebooks-ported/deep_rnn.ts [--iterations N]
//
// The original only builds the graph. Beyond it, the port puts the time-series section's
// projection and loss on top and trains it briefly (--iterations, default 500), logging to
// stderr only (the cell prints nothing); rnn compare gets the MSE curve and a prediction plot.
// `[basic_cell] * n_layers` follows TF 0.x (TF1_SEMANTICS.md 12): each layer gets its own weights
// (tf1-ts warns once that TF 1.2+ would share one cell, and fail here as n_inputs != n_neurons).
import * as tf from 'tf1-ts';
import { In } from 'tf1-ts/notebook';
import { parseIntOptions } from './common/args';
import { reportTimeSeries, trainTimeSeries } from './common/train_time_series';

const opts = parseIntOptions('deep_rnn', { iterations: 500 }, { iterations: 'training iterations on the time series (beyond the original)' });

const fully_connected = tf.contrib.layers.fully_connected; // imported in In [28]

// Carried over from In [36] (time_series).
const n_steps = 20;
const n_inputs = 1;
const n_outputs = 1;

In(53);
tf.reset_default_graph(); // reset graphs

const X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);

const n_neurons = 100;
const n_layers = 3;

const basic_cell = new tf.nn.rnn_cell.BasicRNNCell(n_neurons); // num_units = n_neurons
const multi_layer_cell = new tf.nn.rnn_cell.MultiRNNCell(new Array(n_layers).fill(basic_cell)); // [basic_cell]*n_layers
const [outputs, states] = tf.nn.dynamic_rnn(multi_layer_cell, X, { dtype: tf.float32 });

// ---- beyond the original: train it on the time series, as In [None]#1 - #4 do ----
const y = tf.placeholder(tf.float32, [null, n_steps, n_outputs]);
const stacked_outputs = fully_connected(tf.reshape(outputs, [-1, n_neurons]), n_outputs,
                                        { activation_fn: null });
const predictions = tf.reshape(stacked_outputs, [-1, n_steps, n_outputs]);
const loss = tf.reduce_mean(tf.square(predictions.sub(y)));
const training_op = new tf.train.AdamOptimizer({ learning_rate: 0.001 }).minimize(loss);
{
  using sess = new tf.Session();
  tf.global_variables_initializer().run();
  const o = { X, y, outputs: predictions, loss, training_op, n_iterations: opts.iterations,
              label: 'deep_rnn' };
  const result = trainTimeSeries(sess, o); // logs on stderr
  reportTimeSeries(sess, 'deep_rnn', `Deep RNN (${states.length} layers)`, o, result);
}
