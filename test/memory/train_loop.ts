/**
 * Child process of memory.test.ts (not a test itself), run as
 *   node --expose-gc -r tsx/cjs test/memory/train_loop.ts <iterations> [gd|adam]
 * Trains a small MLP on the CPU backend and prints, as one JSON line, heapUsed / RSS after full
 * garbage collections at iteration 100 and at the last iteration, with the graph's op count.
 */
import * as tf from 'tf1-ts';

const iterations = Number(process.argv[2] ?? 1000);
const mode = process.argv[3] ?? 'adam';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

tf.set_random_seed(7);
const x = tf.placeholder(tf.float32, [null, 16], 'x');
const y = tf.placeholder(tf.int32, [null], 'y');
const w1 = new tf.Variable(tf.random_normal([16, 32], { stddev: 0.1 }), { name: 'w1' });
const b1 = new tf.Variable(tf.zeros([32]), { name: 'b1' });
const w2 = new tf.Variable(tf.random_normal([32, 4], { stddev: 0.1 }), { name: 'w2' });
const b2 = new tf.Variable(tf.zeros([4]), { name: 'b2' });
const h = tf.tanh(tf.add(tf.matmul(x, w1), b1));
const logits = tf.add(tf.matmul(h, w2), b2);
const loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits({ labels: y, logits }));
let train: tf.Operation | tf.Tensor[];
if (mode === 'gd') {
  // GradientDescent written by hand: tf.gradients + assign_sub.
  const vars = [w1, b1, w2, b2];
  const grads = tf.gradients(loss, vars);
  train = vars.map((v, i) => v.assign_sub(tf.multiply(grads[i]!, 0.1)));
} else {
  train = new tf.train.AdamOptimizer({ learning_rate: 0.01 }).minimize(loss);
}
const accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1, { output_type: tf.int32 }), y), tf.float32));
const sess = new tf.Session({ backend: 'cpu' });
sess.run(tf.global_variables_initializer());

/** A fresh batch each step, as a data pipeline would produce (new arrays every time). */
function batch(i: number): { xs: number[][]; ys: number[] } {
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let r = 0; r < 32; r++) {
    const row = Array.from({ length: 16 }, (_, c) => Math.sin(i * 0.37 + r * 1.3 + c * 0.11));
    xs.push(row);
    ys.push((row[0] > 0 ? 2 : 0) + (row[5] > 0 ? 1 : 0)); // learnable: the signs of two features

  }
  return { xs, ys };
}

function measure(): { heapUsed: number; rss: number } {
  for (let k = 0; k < 4; k++) gc!();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss };
}

const samples: Record<string, { heapUsed: number; rss: number; ops: number; loss: number }> = {};
let last = 0;
for (let i = 1; i <= iterations; i++) {
  const { xs, ys } = batch(i);
  const feed: [tf.Tensor, unknown][] = [
    [x, xs],
    [y, ys],
  ];
  const [l] = sess.run([loss, train], feed as never) as [tf.NDArray, unknown];
  last = l.item();
  if (i % 50 === 0) sess.run(accuracy, feed as never); // an evaluation now and then
  if (i === 100 || i === iterations) samples[i] = { ...measure(), ops: tf.get_default_graph().operations.length, loss: last };
}
sess.close();
process.stdout.write(JSON.stringify({ iterations, mode, samples }) + '\n');
