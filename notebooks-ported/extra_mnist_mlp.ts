// Full-length MNIST check of the training stack (the test suite runs a 600-step version of it,
// test/train/mnist.test.ts): a 784-128-10 tf.contrib.layers.fully_connected network trained with
// Adam, batch 100, 1500 steps, must reach test accuracy >= 0.97. Exits 1 otherwise.
//   rnn run notebooks-ported/extra_mnist_mlp.ts        (or: npx tsx notebooks-ported/extra_mnist_mlp.ts)
import * as tf from 'tf1-ts';

const mnist = tf.examples.tutorials.mnist.input_data.read_data_sets('MNIST_data/', { one_hot: true, seed: 1 });
const t0 = Date.now();
tf.set_random_seed(1);

const x = tf.placeholder(tf.float32, [null, 784]);
const y_ = tf.placeholder(tf.float32, [null, 10]);
const learning_rate = tf.placeholder(tf.float32, []);
const hidden = tf.contrib.layers.fully_connected(x, 128);
const logits = tf.contrib.layers.fully_connected(hidden, 10, { activation_fn: null });
const loss = tf.losses.softmax_cross_entropy(y_, logits);
const global_step = tf.train.get_or_create_global_step();
const train_op = new tf.train.AdamOptimizer(learning_rate).minimize(loss, { global_step });
const accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1)), tf.float32));
const init = tf.global_variables_initializer();

const steps = 1500;
let acc = 0;
{
  using sess = new tf.Session();
  sess.run(init);
  for (let i = 0; i < steps; i++) {
    // Step decay: 3e-3 for half the run, then 1e-3, then 3e-4.
    const rate = i < steps * 0.5 ? 3e-3 : i < steps * 0.8 ? 1e-3 : 3e-4;
    const [bx, by] = mnist.train.next_batch(100);
    sess.run(train_op, [
      [x, bx],
      [y_, by],
      [learning_rate, rate],
    ]);
    if ((i + 1) % 500 === 0) {
      const a = sess.run(accuracy, [
        [x, mnist.test.images],
        [y_, mnist.test.labels],
      ]);
      console.log(`step ${i + 1}\ttest accuracy ${a.item().toFixed(4)}`);
    }
  }
  acc = sess.run(accuracy, [
    [x, mnist.test.images],
    [y_, mnist.test.labels],
  ]).item();
}
console.log(`784-128-10 network (Adam): test accuracy ${acc.toFixed(4)} after ${steps} steps, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (acc < 0.97) {
  console.error('FAILED: expected test accuracy >= 0.97');
  process.exitCode = 1;
}
