// Static Unrolling Through Time: the same two-step RNN as manual_rnn, built by tf.nn.rnn
// (TF 0.x's name of static_rnn) from a BasicRNNCell (original notebook In [5]).
// The cell only builds the graph; like the original it prints nothing.
import * as tf from 'tf1-ts';
import { In } from 'tf1-ts/notebook';

// Carried over from In [2] (manual_rnn), which this cell continues in the same graph.
const n_inputs = 3;
const n_neurons = 5;

In(5);
const X0 = tf.placeholder(tf.float32, [null, n_inputs]);
const X1 = tf.placeholder(tf.float32, [null, n_inputs]);

const basic_cell = new tf.nn.rnn_cell.BasicRNNCell(n_neurons); // num_units = n_neurons
const [output_seqs, states] = tf.nn.rnn(basic_cell, [X0, X1], { dtype: tf.float32 });

const [Y0, Y1] = output_seqs;
