// Handling Variable Length Input Sequences: dynamic_rnn with sequence_length; outputs past a
// sequence's end are zero vectors and the state is the last valid output
// (original notebook In [22] - In [26]).
import * as tf from 'tf1-ts';
import { np } from 'tf1-ts/numpy';
import { In } from 'tf1-ts/notebook';

// Carried over from In [20] (dynamic_unrolling).
const n_inputs = 3;
const n_neurons = 5;
const n_steps = 2;

In(22);
tf.reset_default_graph();

const seq_length = tf.placeholder(tf.int32, [null]);

// ----same as before----
const X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);
const basic_cell = new tf.nn.rnn_cell.BasicRNNCell(n_neurons); // num_units = n_neurons
// ----------------------
const [outputs, states] = tf.nn.dynamic_rnn(basic_cell, X, {
  dtype: tf.float32,
  sequence_length: seq_length,
});

In(23);
const X_batch = np.array([
  // step 0   step 1
  [[0, 1, 2], [9, 8, 7]], // instance 0
  [[3, 4, 5], [0, 0, 0]], // instance 1 (padded with zero vector)
  [[6, 7, 8], [6, 5, 4]], // instance 2
  [[9, 0, 1], [3, 2, 1]], // instacne 3
]);

const seq_length_batch = np.array([2, 1, 2, 2]);

In(24);
const init = tf.global_variables_initializer();

let output_val, states_val;
{
  using sess = new tf.Session();
  init.run();
  [output_val, states_val] = sess.run(
    [outputs, states], [[X, X_batch], [seq_length, seq_length_batch]]);
}

In(25);
console.log(output_val);

In(26);
console.log(states_val);
