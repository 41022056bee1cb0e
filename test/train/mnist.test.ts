// MNIST end to end: TF1's softmax-regression tutorial (GradientDescent 0.5, batch 100, 1000
// steps, >= 0.91) and a two-layer fully_connected network trained with Adam. The Adam run is
// shortened here (600 steps, >= 0.95) to fit the suite's time budget; its full version (1500
// steps, >= 0.97) is notebooks-ported/extra_mnist_mlp.ts. Seeded (data shuffling and
// initializers), so each run gives the same accuracy.
import * as tf from 'tf1-ts';

const mnist = tf.examples.tutorials.mnist.input_data.read_data_sets('MNIST_data/', { one_hot: true, seed: 1, verbose: false });

beforeEach(() => tf.reset_default_graph());

function accuracyOf(logits: tf.Tensor, y_: tf.Tensor): tf.Tensor {
  const correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1));
  return tf.reduce_mean(tf.cast(correct, tf.float32));
}

test('softmax regression 784->10, GradientDescent(0.5), batch 100, 1000 steps: test accuracy >= 0.91', () => {
  const t0 = Date.now();
  const x = tf.placeholder(tf.float32, [null, 784]);
  const y_ = tf.placeholder(tf.float32, [null, 10]);
  const W = new tf.Variable(tf.zeros([784, 10]));
  const b = new tf.Variable(tf.zeros([10]));
  const y = tf.add(tf.matmul(x, W), b);
  const cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits({ labels: y_, logits: y }));
  const train_step = new tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy);
  const accuracy = accuracyOf(y, y_);
  using sess = new tf.Session();
  sess.run(tf.global_variables_initializer());
  for (let i = 0; i < 1000; i++) {
    const [batch_xs, batch_ys] = mnist.train.next_batch(100);
    sess.run(train_step, [
      [x, batch_xs],
      [y_, batch_ys],
    ]);
  }
  const acc = sess.run(accuracy, [
    [x, mnist.test.images],
    [y_, mnist.test.labels],
  ]).item();
  console.log(`softmax regression: test accuracy ${acc.toFixed(4)} after 1000 steps, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  expect(acc).toBeGreaterThanOrEqual(0.91);
});

test('784-128-10 fully_connected network, Adam, batch 100, 600 steps: test accuracy >= 0.95', () => {
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
  const accuracy = accuracyOf(logits, y_);
  using sess = new tf.Session();
  sess.run(tf.global_variables_initializer());
  const steps = 600;
  for (let i = 0; i < steps; i++) {
    // Step decay: 3e-3 for half the run, then 1e-3, then 3e-4.
    const rate = i < steps * 0.5 ? 3e-3 : i < steps * 0.8 ? 1e-3 : 3e-4;
    const [bx, by] = mnist.train.next_batch(100);
    sess.run(train_op, [
      [x, bx],
      [y_, by],
      [learning_rate, rate],
    ]);
  }
  expect(sess.run(global_step).item()).toBe(steps);
  const acc = sess.run(accuracy, [
    [x, mnist.test.images],
    [y_, mnist.test.labels],
  ]).item();
  console.log(`784-128-10 network (Adam): test accuracy ${acc.toFixed(4)} after ${steps} steps, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  expect(acc).toBeGreaterThanOrEqual(0.95);
});
