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
