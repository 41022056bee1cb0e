// The notebook's models give the same results on the CPU backend and on gpu.js (each mode
// available here): the hand-built RNN, the variable-length dynamic_rnn example, the gated
// cells (LSTM, peepholes, GRU) in a bidirectional model, and a short MNIST training run. Tolerance: float32 on the device, rtol 1e-3 / atol 1e-4 after training
// steps (errors compound a little through Adam); 1e-4 / 1e-5 for single forward passes.
import * as tf from 'tf1-ts';
import { Backend } from '../../src/backend/backend';
import { CpuBackend } from '../../src/backend/cpu/index';
import { createGpuBackend, gpuAvailability } from '../../src/backend/gpu/index';
import { read_data_sets } from '../../src/data/mnist';
import { NDArray } from '../../src/ndarray/ndarray';

const avail = gpuAvailability();
const modes: ('headlessgl' | 'webasm')[] = [];
if (avail.headlessgl) modes.push('headlessgl');
else if (process.env.CI) {
  test('headless-gl is available in CI', () => {
    throw new Error(`gpu.js headless-gl is unavailable in CI (${avail.reasons.headlessgl ?? 'unknown reason'}): run the suite under xvfb-run -a with gl built`);
  });
}
if (avail.webasm) modes.push('webasm');

function expectClose(a: NDArray, b: NDArray, rtol: number, atol: number): void {
  expect(a.shape).toEqual(b.shape);
  for (let i = 0; i < a.size; i++) {
    const d = Math.abs(a.data[i] - b.data[i]);
    if (d > atol + rtol * Math.abs(b.data[i])) throw new Error(`element ${i}: ${a.data[i]} vs ${b.data[i]} (|diff| ${d})`);
  }
}

function manualRnn(backend: Backend): NDArray[] {
  tf.reset_default_graph();
  tf.set_random_seed(1);
  const X0 = tf.placeholder(tf.float32, [null, 3]);
  const X1 = tf.placeholder(tf.float32, [null, 3]);
  const Wx = new tf.Variable(tf.random_normal([3, 5]));
  const Wy = new tf.Variable(tf.random_normal([5, 5]));
  const b = new tf.Variable(tf.zeros([1, 5]));
  const Y0 = tf.tanh(tf.matmul(X0, Wx).add(b));
  const Y1 = tf.tanh(tf.matmul(Y0, Wy).add(tf.matmul(X1, Wx)).add(b));
  const init = tf.global_variables_initializer();
  using sess = new tf.Session({ backend });
  sess.run(init);
  return sess.run([Y0, Y1], [
    [X0, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 0, 1]]],
    [X1, [[9, 8, 7], [0, 0, 0], [6, 5, 4], [3, 2, 1]]],
  ]);
}

function variableLength(backend: Backend): NDArray[] {
  tf.reset_default_graph();
  tf.set_random_seed(2);
  const seq = tf.placeholder(tf.int32, [null]);
  const X = tf.placeholder(tf.float32, [null, 2, 3]);
  const cell = new tf.nn.rnn_cell.BasicRNNCell(5);
  const [outputs, states] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32, sequence_length: seq });
  using sess = new tf.Session({ backend });
  sess.run(tf.global_variables_initializer());
  const X_batch = [[[0, 1, 2], [9, 8, 7]], [[3, 4, 5], [0, 0, 0]], [[6, 7, 8], [6, 5, 4]], [[9, 0, 1], [3, 2, 1]]];
  return sess.run([outputs, states] as const, [[X, X_batch], [seq, [2, 1, 2, 2]]]) as unknown as NDArray[];
}

const mnist = read_data_sets('/tmp/data', { seed: 3, verbose: false });

function mnistSteps(backend: Backend, steps: number): NDArray[] {
  tf.reset_default_graph();
  tf.set_random_seed(3);
  const X = tf.placeholder(tf.float32, [null, 28, 28]);
  const y = tf.placeholder(tf.int32, [null]);
  const cell = new tf.nn.rnn_cell.BasicRNNCell(20);
  const [, states] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32 });
  const logits = tf.contrib.layers.fully_connected(states, 10, { activation_fn: null });
  const loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits({ labels: y, logits }));
  const train = new tf.train.AdamOptimizer(0.01).minimize(loss);
  using sess = new tf.Session({ backend });
  sess.run(tf.global_variables_initializer());
  const images = mnist.train.images.reshape([-1, 28, 28]);
  const batch = new NDArray(images.data.slice(0, 20 * 784), [20, 28, 28], tf.float32);
  const labels = new NDArray(mnist.train.labels.data.slice(0, 20), [20], tf.int32);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push((sess.run([train, loss], [[X, batch], [y, labels]])[1] as NDArray).item());
  return [new NDArray(Float32Array.from(losses), [steps], tf.float32), sess.run(logits, [[X, batch]]) as NDArray];
}

/**
 * The notebook's later cells (deep RNN, LSTM, peepholes, GRU) as one bidirectional model with
 * variable lengths: 3 SGD steps, then the outputs and states.
 */
function gatedCells(backend: Backend): NDArray[] {
  tf.reset_default_graph();
  tf.set_random_seed(4);
  const X = tf.placeholder(tf.float32, [null, 5, 3]);
  const seq = tf.placeholder(tf.int32, [null]);
  const rc = tf.nn.rnn_cell;
  const fw = new rc.MultiRNNCell([new rc.BasicLSTMCell(4), new rc.LSTMCell(4, { use_peepholes: true })]);
  const [[of, ob], [, sb]] = tf.nn.bidirectional_dynamic_rnn(fw, new rc.GRUCell(3), X, { dtype: tf.float32, sequence_length: seq });
  const loss = tf.reduce_mean(tf.square(tf.concat([of, ob], 2)));
  const train = new tf.train.GradientDescentOptimizer(0.5).minimize(loss);
  using sess = new tf.Session({ backend });
  sess.run(tf.global_variables_initializer());
  const xb = Array.from({ length: 4 }, (_, i) => Array.from({ length: 5 }, (_, t) => [Math.sin(i + t), Math.cos(2 * i - t), 0.3 * t - 0.5]));
  const feed: [tf.Tensor, unknown][] = [[X, xb], [seq, [5, 3, 1, 4]]];
  for (let i = 0; i < 3; i++) sess.run(train, feed as never);
  return sess.run([of, ob, sb as tf.Tensor] as const, feed as never) as unknown as NDArray[];
}

/** A small regression trained by each optimizer kernel (RMSProp plain/centered, Adagrad, Momentum): 4 steps. */
function optimizerKernels(backend: Backend): NDArray[] {
  tf.reset_default_graph();
  tf.set_random_seed(5);
  const X = tf.placeholder(tf.float32, [null, 3]);
  const y = tf.placeholder(tf.float32, [null, 1]);
  const out: tf.Tensor[] = [];
  const ops: tf.Operation[] = [];
  const opts = [
    new tf.train.RMSPropOptimizer({ learning_rate: 0.05, momentum: 0.5 }),
    new tf.train.RMSPropOptimizer({ learning_rate: 0.05, centered: true }),
    new tf.train.AdagradOptimizer(0.3),
    new tf.train.MomentumOptimizer({ learning_rate: 0.05, momentum: 0.9, use_nesterov: true }),
  ];
  opts.forEach((opt, i) => {
    const pred = tf.layers.dense(X, 1, { name: `d${i}` });
    const loss = tf.reduce_mean(tf.square(tf.subtract(pred, y)));
    ops.push(opt.minimize(loss, { var_list: tf.trainable_variables().filter((v) => v.name.startsWith(`d${i}/`)) }));
    out.push(loss);
  });
  using sess = new tf.Session({ backend });
  sess.run(tf.global_variables_initializer());
  const feed: [tf.Tensor, unknown][] = [[X, [[1, 2, 3], [0, -1, 2], [2, 0, -1], [1, 1, 1]]], [y, [[1], [0], [2], [-1]]]];
  for (let k = 0; k < 4; k++) sess.run(ops, feed as never);
  return sess.run(out, feed as never) as NDArray[];
}

const cpu = new CpuBackend();

describe.each(modes)('gpu.js %s gives the CPU backend results', (mode) => {
  const gpu = createGpuBackend(mode);

  it("the notebook's hand-built RNN", () => {
    const [a0, a1] = manualRnn(cpu);
    const [g0, g1] = manualRnn(gpu);
    expectClose(g0, a0, 1e-4, 1e-5);
    expectClose(g1, a1, 1e-4, 1e-5);
  });

  it('the variable-length dynamic_rnn example (zeros past the length, state = last valid output)', () => {
    const [ao, as] = variableLength(cpu);
    const [go, gs] = variableLength(gpu);
    expectClose(go, ao, 1e-4, 1e-5);
    expectClose(gs, as, 1e-4, 1e-5);
    for (let j = 0; j < 5; j++) expect(go.get(1, 1, j)).toBe(0);
  });

  it('LSTM (peepholes, stacked), GRU, bidirectional, variable lengths: 3 training steps', () => {
    const a = gatedCells(cpu);
    const g = gatedCells(gpu);
    a.forEach((x, i) => expectClose(g[i], x, 1e-3, 1e-4));
  });

  it('the optimizer kernels (RMSProp, centered RMSProp, Adagrad, Nesterov momentum): 4 steps', () => {
    const a = optimizerKernels(cpu);
    const g = optimizerKernels(gpu);
    a.forEach((x, i) => expectClose(g[i], x, 1e-4, 1e-5));
  });

  it('a short MNIST RNN training run (5 Adam steps)', () => {
    const [al, alog] = mnistSteps(cpu, 5);
    const [gl, glog] = mnistSteps(gpu, 5);
    expectClose(gl, al, 1e-3, 1e-4);
    expectClose(glog, alog, 1e-3, 1e-3);
    expect(gl.data[4]).toBeLessThan(gl.data[0]);
  });
});
