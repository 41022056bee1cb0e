// A character-level language model as TF1 tutorials write it, end to end with the sequence
// helpers: embedding_lookup -> dynamic_rnn(LSTM) -> dense -> sequence_loss with Adam and
// gradient clipping, then generation with multinomial. Learns a short repeating text.
import * as tf from 'tf1-ts';

test('a char-RNN learns "hello world " and generates it back', () => {
  tf.reset_default_graph();
  tf.set_random_seed(7);
  const text = 'hello world '.repeat(4);
  const vocab = [...new Set(text)].sort();
  const id = (c: string): number => vocab.indexOf(c);
  const V = vocab.length;
  const steps = 12;

  const X = tf.placeholder(tf.int32, [null, null]);
  const Y = tf.placeholder(tf.int32, [null, null]);
  const embeddings = tf.get_variable('embeddings', { shape: [V, 8] });
  const cell = new tf.nn.rnn_cell.BasicLSTMCell(32);
  const [outputs] = tf.nn.dynamic_rnn(cell, tf.nn.embedding_lookup(embeddings, X), { dtype: tf.float32 });
  const logits = tf.layers.dense(outputs, V);
  const loss = tf.contrib.seq2seq.sequence_loss(logits, Y, tf.ones_like(tf.cast(Y, tf.float32)));
  const opt = new tf.train.AdamOptimizer(0.02);
  const gv = opt.compute_gradients(loss);
  const [clipped] = tf.clip_by_global_norm(gv.map(([g]) => g), 5);
  const train = opt.apply_gradients(gv.map(([, v], i) => [clipped[i], v] as [tf.Tensor | null, tf.Variable]));
  // The next-character distribution after the given prefix: row 0's logits at its last step.
  const lastStep = tf.subtract(tf.gather(tf.shape(X), 1), 1);
  const lastLogits = tf.gather_nd(logits, tf.expand_dims(tf.stack([tf.constant(0), lastStep]), 0));
  const sample = tf.multinomial(tf.multiply(lastLogits, 5), 1); // temperature 0.2

  const windows = Array.from({ length: text.length - steps }, (_, s) => s);
  const batch = (from: number): [number[][], number[][]] => {
    const xs = windows.slice(from, from + 8).map((s) => [...text.slice(s, s + steps)].map(id));
    const ys = windows.slice(from, from + 8).map((s) => [...text.slice(s + 1, s + steps + 1)].map(id));
    return [xs, ys];
  };
  using sess = new tf.Session();
  sess.run(tf.global_variables_initializer());
  const [x0, y0] = batch(0);
  const first = sess.run(loss, [[X, x0], [Y, y0]]).item();
  for (let i = 0; i < 120; i++) {
    const [xb, yb] = batch((i * 8) % (windows.length - 8));
    sess.run(train, [[X, xb], [Y, yb]]);
  }
  const last = sess.run(loss, [[X, x0], [Y, y0]]).item();
  expect(first).toBeGreaterThan(1.5); // about log(8) untrained
  expect(last).toBeLessThan(0.1);

  let generated = 'hel';
  for (let i = 0; i < 9; i++) {
    const s = sess.run(sample, [[X, [[...generated].map(id)]]]);
    generated += vocab[s.data[0]];
  }
  expect(generated).toBe('hello world ');
});
