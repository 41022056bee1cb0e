/**
 * The notebook's time-series model (In [36]-[41], In [None]#1): OutputProjectionWrapper(
 * BasicRNNCell(100, relu), 1) over 20 steps, MSE loss, Adam(0.001), batches of 50 random
 * 20-step windows of t·sin(t)/3 + 2·sin(5t), t in [0, 30) at resolution 0.1. Prints the
 * training MSE every 100 iterations in the notebook's format, plus timings.
 *
 *   npx tsx test/rnn/scripts/time_series_rnn.ts [--iters 1500] [--seed 42]
 */
import * as tf from 'tf1-ts';
import { RandomStream } from 'tf1-ts/core/random';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const t_min = 0;
const t_max = 30;
const resolution = 0.1;
const time_series = (t: number): number => (t * Math.sin(t)) / 3 + 2 * Math.sin(t * 5);

/** batch_size windows of n_steps + 1 points starting at uniform t0: [inputs, targets shifted by one]. */
export function next_batch(stream: RandomStream, batch_size: number, n_steps: number): [tf.NDArray, tf.NDArray] {
  const xs = new Float32Array(batch_size * n_steps);
  const ys = new Float32Array(batch_size * n_steps);
  for (let b = 0; b < batch_size; b++) {
    const t0 = stream.uniform() * (t_max - t_min - n_steps * resolution);
    for (let k = 0; k < n_steps; k++) {
      xs[b * n_steps + k] = time_series(t0 + k * resolution);
      ys[b * n_steps + k] = time_series(t0 + (k + 1) * resolution);
    }
  }
  return [new tf.NDArray(xs, [batch_size, n_steps, 1], tf.float32), new tf.NDArray(ys, [batch_size, n_steps, 1], tf.float32)];
}

if (require.main === module) {
  const seed = arg('seed', 42);
  const n_iterations = arg('iters', 1500);
  tf.reset_default_graph();
  tf.set_random_seed(seed);
  const n_steps = 20;
  const n_inputs = 1;
  const n_neurons = 100;
  const n_outputs = 1;
  const X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);
  const y = tf.placeholder(tf.float32, [null, n_steps, n_outputs]);
  const cell = new tf.nn.rnn_cell.OutputProjectionWrapper(new tf.nn.rnn_cell.BasicRNNCell(n_neurons, { activation: tf.nn.relu }), n_outputs);
  const [outputs] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32 });
  const learning_rate = 0.001;
  const loss = tf.reduce_mean(tf.square(tf.subtract(outputs, y)));
  const optimizer = new tf.train.AdamOptimizer({ learning_rate });
  const training_op = optimizer.minimize(loss);
  const init = tf.global_variables_initializer();

  const batch_size = 50;
  const stream = new RandomStream(seed, 7);
  const sess = new tf.Session();
  init.run();
  const t0 = Date.now();
  let firstUnder: number | null = null;
  for (let iteration = 0; iteration < n_iterations; iteration++) {
    const [X_batch, y_batch] = next_batch(stream, batch_size, n_steps);
    sess.run(training_op, [[X, X_batch], [y, y_batch]]);
    if (iteration % 100 === 0 || iteration === n_iterations - 1) {
      const mse = loss.eval([[X, X_batch], [y, y_batch]]).item();
      if (firstUnder === null && mse < 0.01) firstUnder = iteration;
      console.log(`${iteration} \tmse ${mse}\t(${((Date.now() - t0) / (iteration + 1)).toFixed(1)} ms/iter)`);
    }
  }
  // A fresh batch of 1000 windows measures the fit without the luck of one batch.
  const [Xv, yv] = next_batch(stream, 1000, n_steps);
  console.log(`final mse on 1000 fresh windows: ${loss.eval([[X, Xv], [y, yv]]).item()}`);
  console.log(`first logged mse < 0.01 at iteration: ${firstUnder ?? 'never'}; total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  sess.close();
}
