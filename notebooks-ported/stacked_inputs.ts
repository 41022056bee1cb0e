// Static unrolling over a single [None, n_steps, n_inputs] placeholder: transpose + unstack
// into per-step inputs, tf.nn.rnn, then stack + transpose back (original notebook In [16] - In [18]).
import * as tf from 'tf1-ts';
import { np } from 'tf1-ts/numpy';
import { In } from 'tf1-ts/notebook';

In(16);
tf.reset_default_graph(); // stop getting reuse error

const n_steps = 2;
const n_inputs = 3;
const n_neurons = 5;

const X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);
const X_seqs = tf.unstack(tf.transpose(X, { perm: [1, 0, 2] }));
const basic_cell = new tf.nn.rnn_cell.BasicRNNCell(n_neurons); // num_units = n_neurons

const [output_seqs, states] = tf.nn.rnn(basic_cell, X_seqs, { dtype: tf.float32 });

const outputs = tf.transpose(tf.stack(output_seqs), { perm: [1, 0, 2] });

In(17);
const X_batch = np.array([
  [[0, 1, 2], [9, 6, 7]], // instance 0
  [[3, 4, 5], [0, 0, 0]], // instance 1
  [[6, 7, 8], [6, 5, 4]], // instance 2
  [[9, 0, 1], [3, 2, 1]], // instance 3
]);

const init = tf.global_variables_initializer();

let outputs_val;
{
  using sess = new tf.Session();
  init.run();
  outputs_val = outputs.eval([[X, X_batch]]);
}

In(18);
console.log(outputs_val);
