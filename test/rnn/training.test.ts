// Short versions of the notebook's two training runs (the full runs are in test/rnn/scripts):
// the MNIST sequence classifier learns within 30 iterations (batches of 100), and the time-series model's MSE
// falls by two orders of magnitude within 300 iterations.
import * as tf from 'tf1-ts';
import { RandomStream } from 'tf1-ts/core/random';
import { next_batch } from './scripts/time_series_rnn';

beforeEach(() => tf.reset_default_graph());

test('MNIST sequence classifier: BasicRNNCell(150) + fully_connected + Adam learns in 30 iterations', () => {
  tf.set_random_seed(42);
  const n_steps = 28;
  const n_inputs = 28;
  const X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);
  const y = tf.placeholder(tf.int32, [null]);
  const basic_cell = new tf.nn.rnn_cell.BasicRNNCell(150);
  const [outputs, states] = tf.nn.dynamic_rnn(basic_cell, X, { dtype: tf.float32 });
  expect(outputs.shape.as_list()).toEqual([null, 28, 150]);
  const logits = tf.contrib.layers.fully_connected(states, 10, { activation_fn: null });
  const loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits({ labels: y, logits }));
  const training_op = new tf.train.AdamOptimizer({ learning_rate: 0.001 }).minimize(loss);
  const accuracy = tf.reduce_mean(tf.cast(tf.nn.in_top_k(logits, y, 1), tf.float32));
  const init = tf.global_variables_initializer();
  const mnist = tf.examples.tutorials.mnist.input_data.read_data_sets('tmp/data/', { seed: 1 });
  const nTest = 1000;
  const X_test = new tf.NDArray(mnist.test.images.data.slice(0, nTest * 784), [nTest, n_steps, n_inputs], tf.float32);
  const y_test = new tf.NDArray(mnist.test.labels.data.slice(0, nTest), [nTest], mnist.test.labels.dtype);
  using sess = new tf.Session();
  init.run();
  const before = accuracy.eval([[X, X_test], [y, y_test]]).item();
  for (let i = 0; i < 30; i++) {
    const [X_batch, y_batch] = mnist.train.next_batch(100);
    sess.run(training_op, [[X, X_batch.reshape(-1, n_steps, n_inputs)], [y, y_batch]]);
  }
  const after = accuracy.eval([[X, X_test], [y, y_test]]).item();
  console.log(`MNIST short run: test accuracy ${before} -> ${after}`);
  expect(before).toBeLessThan(0.3);
  expect(after).toBeGreaterThan(0.5);
}, 300_000);

test('time series: OutputProjectionWrapper(BasicRNNCell(100, relu), 1) + MSE + Adam falls below 0.3 within 300 iterations', () => {
  tf.set_random_seed(42);
  const X = tf.placeholder(tf.float32, [null, 20, 1]);
  const y = tf.placeholder(tf.float32, [null, 20, 1]);
  const cell = new tf.nn.rnn_cell.OutputProjectionWrapper(new tf.nn.rnn_cell.BasicRNNCell(100, { activation: tf.nn.relu }), 1);
  const [outputs] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32 });
  const loss = tf.reduce_mean(tf.square(tf.subtract(outputs, y)));
  const training_op = new tf.train.AdamOptimizer({ learning_rate: 0.001 }).minimize(loss);
  const init = tf.global_variables_initializer();
  const stream = new RandomStream(42, 7);
  using sess = new tf.Session();
  init.run();
  const [Xv, yv] = next_batch(new RandomStream(1, 1), 200, 20);
  const first = loss.eval([[X, Xv], [y, yv]]).item();
  for (let i = 0; i < 300; i++) {
    const [X_batch, y_batch] = next_batch(stream, 50, 20);
    sess.run(training_op, [[X, X_batch], [y, y_batch]]);
  }
  const last = loss.eval([[X, Xv], [y, yv]]).item();
  console.log(`time series short run: mse ${first} -> ${last}`);
  expect(first).toBeGreaterThan(3);
  expect(last).toBeLessThan(0.3);
}, 300_000);
