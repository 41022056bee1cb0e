/**
 * The notebook's MNIST sequence classifier (In [30]-[34]): BasicRNNCell(150) over 28 steps of
 * 28 pixels, fully_connected to 10 logits (activation_fn null), sparse softmax cross-entropy,
 * Adam(0.001), batches of 150. Prints the test accuracy every `--every` iterations and after
 * each epoch (366 iterations), plus timings.
 *
 *   npx tsx test/rnn/scripts/mnist_rnn.ts [--epochs 1] [--every 50] [--seed 42] [--backend cpu]
 */
import * as tf from 'tf1-ts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
function sarg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

const n_epochs = arg('epochs', 1);
const every = arg('every', 50);
const maxIters = arg('iters', Infinity);
const testSize = arg('test', 10000);
tf.reset_default_graph();
tf.set_random_seed(arg('seed', 42));

const n_steps = 28;
const n_inputs = 28;
const n_neurons = 150;
const n_outputs = 10;
const learning_rate = 0.001;

const X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);
const y = tf.placeholder(tf.int32, [null]);
const basic_cell = new tf.nn.rnn_cell.BasicRNNCell(n_neurons);
const [, states] = tf.nn.dynamic_rnn(basic_cell, X, { dtype: tf.float32 });
const logits = tf.contrib.layers.fully_connected(states, n_outputs, { activation_fn: null });
const xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits({ labels: y, logits });
const loss = tf.reduce_mean(xentropy);
const optimizer = new tf.train.AdamOptimizer({ learning_rate });
const training_op = optimizer.minimize(loss);
const correct = tf.nn.in_top_k(logits, y, 1);
const accuracy = tf.reduce_mean(tf.cast(correct, tf.float32));
const init = tf.global_variables_initializer();

const mnist = tf.examples.tutorials.mnist.input_data.read_data_sets('tmp/data/');
const X_test = mnist.test.images.reshape(-1, n_steps, n_inputs);
const y_test = mnist.test.labels;
const nTest = Math.min(testSize, X_test.shape[0]);

const batch_size = 150;
const sess = new tf.Session({ backend: sarg('backend', 'cpu') as 'cpu' });
init.run();
const testAcc = (): number => {
  // Evaluate in chunks to bound memory; weighted mean over the chunks.
  let correctSum = 0;
  const chunk = 2000;
  for (let s = 0; s < nTest; s += chunk) {
    const e = Math.min(nTest, s + chunk);
    const xs = new tf.NDArray(X_test.data.slice(s * 784, e * 784), [e - s, n_steps, n_inputs], tf.float32);
    const ys = new tf.NDArray(y_test.data.slice(s, e), [e - s], y_test.dtype);
    correctSum += (accuracy.eval([[X, xs], [y, ys]]).item() as number) * (e - s);
  }
  return correctSum / nTest;
};
const itersPerEpoch = Math.floor(mnist.train.num_examples / batch_size);
console.log(`iterations per epoch: ${itersPerEpoch}`);
let iter = 0;
const t0 = Date.now();
let trainMs = 0;
for (let epoch = 0; epoch < n_epochs; epoch++) {
  const te = Date.now();
  for (let it = 0; it < itersPerEpoch && iter < maxIters; it++, iter++) {
    const [X_batch, y_batch] = mnist.train.next_batch(batch_size);
    const ts = Date.now();
    sess.run(training_op, [[X, X_batch.reshape(-1, n_steps, n_inputs)], [y, y_batch]]);
    trainMs += Date.now() - ts;
    if ((iter + 1) % every === 0) {
      const tt = Date.now();
      const acc = testAcc();
      const l = loss.eval([[X, X_batch.reshape(-1, n_steps, n_inputs)], [y, y_batch]]).item();
      console.log(`iter ${iter + 1}\tloss ${l.toFixed(4)}\ttest accuracy ${acc.toFixed(4)}\t(${((Date.now() - t0) / 1000).toFixed(1)} s elapsed, eval ${(Date.now() - tt) / 1000} s, train ${(trainMs / (iter + 1)).toFixed(0)} ms/iter)`);
    }
  }
  const epochS = (Date.now() - te) / 1000;
  const acc = testAcc();
  console.log(`${epoch} Test accuracy: ${acc.toFixed(4)}  (epoch time ${epochS.toFixed(1)} s, ${(trainMs / iter).toFixed(0)} ms per training iteration)`);
}
sess.close();
