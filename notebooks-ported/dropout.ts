// Applying Dropout: a DropoutWrapper drops each input of every layer of a 3-layer RNN with
// probability 0.5 (original notebook In [59]).
//
//   rnn run notebooks-ported/dropout.ts [--iterations N]
//
// The original only builds the graph, and its text names the flaw: a keep probability of 0.5
// applies dropout at test time too. Beyond it, the port builds the fix (a keep probability that
// is 1.0 unless fed: tf.placeholder_with_default), trains it briefly on the time series with
// keep_prob 0.5 (--iterations, default 500), and tests it with dropout off (the default) and, to
// show the difference, on. Logs go to stderr only (the cell prints nothing).
// Expect a poor fit: at keep_prob 0.5 the first layer loses its only input feature at half the
// time steps, and 500 iterations reach an MSE of about 3 (the same network without dropout,
// deep_rnn, about 0.1; trained with keep_prob 1.0 this script gets ~0.07, 0.9 gets ~0.3).
import * as tf from 'tf1-ts';
import { In, metric } from 'tf1-ts/notebook';
import { parseIntOptions } from './common/args';
import { next_batch } from './common/time_series_data';
import { reportTimeSeries, trainTimeSeries } from './common/train_time_series';

const opts = parseIntOptions('dropout', { iterations: 500 }, { iterations: 'training iterations on the time series (beyond the original)' });

const fully_connected = tf.contrib.layers.fully_connected; // imported in In [28]

// Carried over from In [36] (time_series) and In [53] (deep_rnn).
const n_steps = 20;
const n_inputs = 1;
const n_outputs = 1;
const n_neurons = 100;
const n_layers = 3;

In(59);
tf.reset_default_graph(); // reset graphs
let X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);

let keep_prob: number | tf.Tensor = 0.5;

let cell = new tf.nn.rnn_cell.BasicRNNCell(n_neurons); // num_units = n_neurons
let cell_drop = new tf.nn.rnn_cell.DropoutWrapper(cell, { input_keep_prob: keep_prob });
let multi_layer_cell = new tf.nn.rnn_cell.MultiRNNCell(new Array(n_layers).fill(cell_drop)); // [cell_drop]*n_layers
let [rnn_outputs, states] = tf.nn.dynamic_rnn(multi_layer_cell, X, { dtype: tf.float32 });

// ---- beyond the original: dropout only while training, then train on the time series ----
tf.reset_default_graph();
X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);
keep_prob = tf.placeholder_with_default(1.0, []); // no dropout unless fed (1.0 is a float here)
cell = new tf.nn.rnn_cell.BasicRNNCell(n_neurons);
cell_drop = new tf.nn.rnn_cell.DropoutWrapper(cell, { input_keep_prob: keep_prob });
multi_layer_cell = new tf.nn.rnn_cell.MultiRNNCell(new Array(n_layers).fill(cell_drop));
[rnn_outputs, states] = tf.nn.dynamic_rnn(multi_layer_cell, X, { dtype: tf.float32 });

const y = tf.placeholder(tf.float32, [null, n_steps, n_outputs]);
const stacked_outputs = fully_connected(tf.reshape(rnn_outputs, [-1, n_neurons]), n_outputs,
                                        { activation_fn: null });
const outputs = tf.reshape(stacked_outputs, [-1, n_steps, n_outputs]);
const loss = tf.reduce_mean(tf.square(outputs.sub(y)));
const training_op = new tf.train.AdamOptimizer({ learning_rate: 0.001 }).minimize(loss);
{
  using sess = new tf.Session();
  tf.global_variables_initializer().run();
  const o = { X, y, outputs, loss, training_op, n_iterations: opts.iterations, label: 'dropout',
              train_feeds: [[keep_prob, 0.5]] as [tf.Tensor, number][] }; // dropout on
  const result = trainTimeSeries(sess, o); // logs on stderr; its final_mse: dropout off
  const [X_test, y_test] = next_batch(500, n_steps);
  const mse_on = sess.run(loss, [[X, X_test], [y, y_test], [keep_prob, 0.5]]).item();
  process.stderr.write(`dropout: test mse with dropout off ${result.final_mse.toPrecision(4)}, ` +
                       `on (keep_prob 0.5) ${mse_on.toPrecision(4)}\n`);
  metric('mse_dropout_on_at_test', mse_on);
  reportTimeSeries(sess, 'dropout', 'Input dropout, off at test time', o, result);
}
