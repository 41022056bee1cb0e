// Dynamic Unrolling Through Time: the same RNN built by tf.nn.dynamic_rnn, one while loop over
// the time steps of a [None, n_steps, n_inputs] input (original notebook In [20]).
// The cell only builds the graph; like the original it prints nothing.
import * as tf from 'tf1-ts';
import { In } from 'tf1-ts/notebook';

In(20);
tf.reset_default_graph();

const n_inputs = 3;
const n_neurons = 5;
const n_steps = 2;

const X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);

const basic_cell = new tf.nn.rnn_cell.BasicRNNCell(n_neurons); // num_units = n_neurons
const [outputs, states] = tf.nn.dynamic_rnn(basic_cell, X, { dtype: tf.float32 });
