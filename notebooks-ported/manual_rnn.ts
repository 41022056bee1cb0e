// Basic RNNs in TensorFlow: a hand-built RNN of five tanh neurons over two time steps
// (original notebook In [1] - In [4]), ported line by line.
import * as tf from 'tf1-ts';
import { np } from 'tf1-ts/numpy';
import { In } from 'tf1-ts/notebook';

In(2);
const n_inputs = 3;
const n_neurons = 5;

const X0 = tf.placeholder(tf.float32, [null, n_inputs]);
const X1 = tf.placeholder(tf.float32, [null, n_inputs]);

const Wx = new tf.Variable(tf.random_normal({ shape: [n_inputs, n_neurons], dtype: tf.float32 }));
const Wy = new tf.Variable(tf.random_normal({ shape: [n_neurons, n_neurons], dtype: tf.float32 }));
const b = new tf.Variable(tf.zeros([1, n_neurons], { dtype: tf.float32 }));

const Y0 = tf.tanh(tf.matmul(X0, Wx).add(b));
const Y1 = tf.tanh(tf.matmul(Y0, Wy).add(tf.matmul(X1, Wx)).add(b));

const init = tf.global_variables_initializer();

In(3);
// Mini-batch:     instance 0, instance 1, instance 2, instance 3
const X0_batch = np.array([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 0, 1]]); // t = 0
const X1_batch = np.array([[9, 8, 7], [0, 0, 0], [6, 5, 4], [3, 2, 1]]); // t = 1

let Y0_val, Y1_val;
{
  using sess = new tf.Session();
  init.run();
  [Y0_val, Y1_val] = sess.run([Y0, Y1], [[X0, X0_batch], [X1, X1_batch]]);
}

In(4);
// output (4 mini batches (row) x 5 neurons (columns)) x 2 time steps (t=0,1)
console.log(Y0_val); // output at t = 0
console.log(Y1_val); // output at t = 1
