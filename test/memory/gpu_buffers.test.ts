// On gpu.js, device buffers must not pile up in a synchronous training loop (the garbage
// collector's finalizers never run inside one): the count of live buffers stays flat.
import * as tf from 'tf1-ts';
import { createGpuBackend } from '../../src/backend/gpu/index';

test('gpu.js (webasm): live device buffers stay flat over Adam training steps', () => {
  const backend = createGpuBackend('webasm');
  tf.reset_default_graph();
  tf.set_random_seed(1);
  const X = tf.placeholder(tf.float32, [null, 20]);
  const y = tf.placeholder(tf.int32, [null]);
  const h = tf.contrib.layers.fully_connected(X, 16);
  const logits = tf.contrib.layers.fully_connected(h, 5, { activation_fn: null });
  const loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits({ labels: y, logits }));
  const train = new tf.train.AdamOptimizer(0.01).minimize(loss);
  using sess = new tf.Session({ backend });
  sess.run(tf.global_variables_initializer());
  const xb = Array.from({ length: 8 }, (_, i) => Array.from({ length: 20 }, (_, j) => Math.sin(i * 20 + j)));
  const yb = Array.from({ length: 8 }, (_, i) => i % 5);
  const live: number[] = [];
  for (let i = 1; i <= 60; i++) {
    sess.run([train, loss], [[X, xb], [y, yb]]);
    if (i % 20 === 0) live.push(backend.stats.liveBuffers);
  }
  // Allow a couple of buffers of slack; a leak of even one buffer per step would add 20.
  expect(live[2] - live[0]).toBeLessThanOrEqual(2);
});

type T = tf.Tensor;

/** Live device buffers after runs 10, 20, ..., 40 of `fetch` (the graph built by `build`). */
function liveOver40Runs(build: () => { fetch: tf.Tensor | (tf.Tensor | tf.Operation)[]; feed: (run: number) => [tf.Tensor, unknown][] }): number[] {
  const backend = createGpuBackend('webasm');
  tf.reset_default_graph();
  tf.set_random_seed(2);
  const { fetch, feed } = build();
  using sess = new tf.Session({ backend });
  sess.run(tf.global_variables_initializer());
  const live: number[] = [];
  for (let i = 1; i <= 40; i++) {
    sess.run(fetch, feed(i) as never);
    if (i % 10 === 0) live.push(backend.stats.liveBuffers);
  }
  return live;
}

const seq = (b: number, t: number, d: number, f: (i: number, s: number, k: number) => number): number[][][] =>
  Array.from({ length: b }, (_, i) => Array.from({ length: t }, (_, s) => Array.from({ length: d }, (_, k) => f(i, s, k))));

// Loops, branches and lists keep their per-iteration values in traces until the run ends; the
// session frees them then, and loop kernels free superseded values as they go.
describe('gpu.js (webasm): live device buffers stay flat with control flow', () => {
  const X_B = seq(4, 5, 3, (i, s, k) => Math.sin(i + s * (k + 1)));
  const Y_B = seq(4, 5, 1, (i, s) => Math.cos(i + s));

  test.each([
    [
      'dynamic_rnn training (the time-series model: relu cell, output projection, Adam)',
      () => {
        const X = tf.placeholder(tf.float32, [null, 5, 3]);
        const y = tf.placeholder(tf.float32, [null, 5, 1]);
        const cell = new tf.nn.rnn_cell.OutputProjectionWrapper(new tf.nn.rnn_cell.BasicRNNCell(8, { activation: tf.nn.relu }), 1);
        const [out] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32 });
        const loss = tf.reduce_mean(tf.square(tf.subtract(out, y)));
        return { fetch: [new tf.train.AdamOptimizer(0.01).minimize(loss), loss], feed: () => [[X, X_B], [y, Y_B]] as [T, unknown][] };
      },
    ],
    [
      'dynamic_rnn inference with sequence_length',
      () => {
        const X = tf.placeholder(tf.float32, [null, null, 3]);
        const [out, state] = tf.nn.dynamic_rnn(new tf.nn.rnn_cell.GRUCell(6), X, { dtype: tf.float32, sequence_length: [5, 2, 3, 1] });
        return { fetch: [out, state as T], feed: () => [[X, X_B]] as [T, unknown][] };
      },
    ],
    [
      'bidirectional_dynamic_rnn training (LSTM both ways, reverse_sequence)',
      () => {
        const X = tf.placeholder(tf.float32, [null, 5, 3]);
        const [[fw, bw]] = tf.nn.bidirectional_dynamic_rnn(new tf.nn.rnn_cell.BasicLSTMCell(4), new tf.nn.rnn_cell.BasicLSTMCell(4), X, { dtype: tf.float32, sequence_length: [5, 4, 3, 2] });
        const loss = tf.reduce_mean(tf.square(tf.concat([fw, bw], 2)));
        return { fetch: [new tf.train.GradientDescentOptimizer(0.1).minimize(loss), loss], feed: () => [[X, X_B]] as [T, unknown][] };
      },
    ],
    [
      'tf.cond in training (the taken branch changes each run)',
      () => {
        const p = tf.placeholder(tf.bool, []);
        const X = tf.placeholder(tf.float32, [null, 3]);
        const w = new tf.Variable(tf.ones([3, 2]));
        const h = tf.cond(p, () => tf.tanh(tf.matmul(X, w)), () => tf.nn.dropout(tf.matmul(X, w), 0.5));
        const loss = tf.reduce_sum(tf.square(h));
        return { fetch: [new tf.train.GradientDescentOptimizer(0.01).minimize(loss), loss], feed: (i: number) => [[p, i % 2 === 0], [X, [[1, 2, 3], [4, 5, 6]]]] as [T, unknown][] };
      },
    ],
  ])('%s', (_name, build) => {
    const live = liveOver40Runs(build);
    // A leak of one buffer per run would add 10 between samples.
    expect(live[3] - live[1]).toBeLessThanOrEqual(2);
  });
});
