// What TF1 sequence models use around an RNN: tf.gather_nd (the last valid output per row),
// tf.reduce_logsumexp, tf.multinomial (sampling the next symbol) and
// tf.contrib.seq2seq.sequence_loss (masked per-step cross-entropy). Values, shapes, errors.
import * as tf from 'tf1-ts';

beforeEach(() => tf.reset_default_graph());

const f32 = { dtype: tf.float32 };

describe('tf.gather_nd', () => {
  it("TF's docstring examples and the last valid RNN output per row", () => {
    using sess = new tf.Session();
    const p = tf.constant([[1, 2], [3, 4]]); // TF's [['a', 'b'], ['c', 'd']] in numbers
    expect(sess.run(tf.gather_nd(p, [[0, 0], [1, 1]])).tolist()).toEqual([1, 4]);
    expect(sess.run(tf.gather_nd(p, [[1], [0]])).tolist()).toEqual([[3, 4], [1, 2]]);
    expect(sess.run(tf.gather_nd(p, [[[0, 1]], [[1, 0]]])).tolist()).toEqual([[2], [3]]);
    // outputs [B=3, T=4, 2]; lengths [2, 4, 1] -> outputs[b, length_b - 1]
    const outputs = tf.reshape(tf.range(24), [3, 4, 2]);
    const lengths = tf.constant([2, 4, 1]);
    const last = tf.gather_nd(outputs, tf.stack([tf.range(3), tf.subtract(lengths, 1)], 1));
    expect(last.shape.as_list()).toEqual([3, 2]);
    expect(sess.run(last).tolist()).toEqual([[2, 3], [14, 15], [16, 17]]);
  });

  it("raises TF's errors for tuples too long or out of range", () => {
    expect(() => tf.gather_nd(tf.zeros([2]), [[0, 0]])).toThrow(/^indices\.shape\[-1\] must be <= params\.rank, but saw indices shape: \[1,2\] and params shape: \[2\]/);
    const idx = tf.placeholder(tf.int32, [null, 2]);
    const r = tf.gather_nd(tf.zeros([2, 2]), idx);
    using sess = new tf.Session();
    expect(() => sess.run(r, [[idx, [[0, 1], [2, 0]]]])).toThrow(/^indices\[1\] = \[2, 0\] does not index into param shape \[2,2\]/);
  });
});

describe('tf.reduce_logsumexp', () => {
  it('is log(sum(exp(x))), stable for large values, with keepdims', () => {
    const x = tf.constant([[0, 0, 0], [1000, 1000, 1000]], f32);
    using sess = new tf.Session();
    const v = sess.run(tf.reduce_logsumexp(x, 1)).data;
    expect(v[0]).toBeCloseTo(Math.log(3), 5);
    expect(v[1]).toBeCloseTo(1000 + Math.log(3), 3);
    expect(tf.reduce_logsumexp(x, 1, { keepdims: true }).shape.as_list()).toEqual([2, 1]);
    expect(sess.run(tf.reduce_logsumexp(tf.constant([1, 2], f32))).item()).toBeCloseTo(Math.log(Math.E + Math.E ** 2), 5);
  });

  it('its gradient is the softmax', () => {
    const x = tf.constant([[1, 2, 3]], f32);
    const [g] = tf.gradients(tf.reduce_logsumexp(x, 1), [x]);
    using sess = new tf.Session();
    const e = [1, 2, 3].map((a) => Math.exp(a));
    const s = e.reduce((a, b) => a + b);
    Array.from(sess.run(g!).data).forEach((v, i) => expect(v).toBeCloseTo(e[i] / s, 6));
  });
});

describe('tf.multinomial', () => {
  it('draws classes by softmax(logits): frequencies, shape [batch, num_samples], int64, seeded', () => {
    tf.set_random_seed(11);
    const logits = tf.log(tf.constant([[0.2, 0.5, 0.3], [1, 0, 0]], f32));
    const s = tf.multinomial(logits, 4000);
    expect(s.dtype).toBe(tf.int64);
    expect(s.shape.as_list()).toEqual([2, 4000]);
    using sess = new tf.Session();
    const d = sess.run(s).data;
    const freq = [0, 1, 2].map((c) => Array.from(d.slice(0, 4000)).filter((x) => x === c).length / 4000);
    [0.2, 0.5, 0.3].forEach((p, c) => expect(Math.abs(freq[c] - p)).toBeLessThan(0.03));
    expect(Array.from(d.slice(4000)).every((x) => x === 0)).toBe(true); // p = [1, 0, 0]
    // Same seeds, same draws in a new session; a new run draws anew.
    const again = (() => {
      using s2 = new tf.Session();
      return s2.run(s).data;
    })();
    expect(Array.from(again.slice(0, 50))).toEqual(Array.from(d.slice(0, 50)));
    expect(Array.from(sess.run(s).data.slice(0, 50))).not.toEqual(Array.from(d.slice(0, 50)));
  });

  it('checks its arguments', () => {
    expect(() => tf.multinomial(tf.zeros([3]), 1)).toThrow(/^Shape must be rank 2 but is rank 1 for 'multinomial' \(op: 'Multinomial'\)/);
    expect(() => tf.multinomial(tf.zeros([1, 3]), 1, { output_dtype: tf.float32 })).toThrow('multinomial: output_dtype must be int32 or int64, got float32');
  });
});

describe('tf.contrib.seq2seq.sequence_loss', () => {
  // logits [B=2, T=3, C=2]; targets [2, 3]; the last step of row 1 is padding (weight 0).
  const L = [
    [[0, 1], [2, 0], [0, 0]],
    [[1, 1], [0, 3], [5, -5]],
  ];
  const T = [
    [1, 0, 1],
    [0, 1, 0],
  ];
  const W = [
    [1, 1, 1],
    [1, 1, 0],
  ];
  const xent = L.map((row, b) => row.map((l, t) => Math.log(Math.exp(l[0]) + Math.exp(l[1])) - l[T[b][t]]));

  it('averages the masked cross-entropy over both axes by default; over one or none on request', () => {
    const logits = tf.constant(L, f32);
    const targets = tf.constant(T);
    const weights = tf.constant(W, f32);
    using sess = new tf.Session();
    const masked = xent.map((r, b) => r.map((x, t) => x * W[b][t]));
    const total = masked.flat().reduce((a, b) => a + b);
    expect(sess.run(tf.contrib.seq2seq.sequence_loss(logits, targets, weights)).item()).toBeCloseTo(total / 5, 5);
    const perRow = sess.run(tf.contrib.seq2seq.sequence_loss(logits, targets, weights, { average_across_batch: false })).data;
    [0, 1].forEach((b) => expect(perRow[b]).toBeCloseTo(masked[b].reduce((a, c) => a + c) / W[b].reduce((a, c) => a + c), 5));
    const perStep = sess.run(tf.contrib.seq2seq.sequence_loss(logits, targets, weights, { average_across_timesteps: false })).data;
    [0, 1, 2].forEach((t) => expect(perStep[t]).toBeCloseTo((masked[0][t] + masked[1][t]) / (W[0][t] + W[1][t]), 5));
    const none = tf.contrib.seq2seq.sequence_loss(logits, targets, weights, { average_across_timesteps: false, average_across_batch: false });
    expect(none.shape.ndims).toBe(2);
    expect(sess.run(none).data[5]).toBe(0);
  });

  it('checks ranks with TF\'s messages', () => {
    const l = tf.zeros([2, 3, 4]);
    expect(() => tf.contrib.seq2seq.sequence_loss(tf.zeros([2, 4]), tf.zeros([2, 3], tf.int32), tf.ones([2, 3]))).toThrow('Logits must be a [batch_size x sequence_length x logits] tensor');
    expect(() => tf.contrib.seq2seq.sequence_loss(l, tf.zeros([6], tf.int32), tf.ones([2, 3]))).toThrow('Targets must be a [batch_size x sequence_length] tensor');
    expect(() => tf.contrib.seq2seq.sequence_loss(l, tf.zeros([2, 3], tf.int32), tf.ones([6]))).toThrow('Weights must be a [batch_size x sequence_length] tensor');
  });
});

describe('tf.nn.top_k', () => {
  it('the k largest along the last axis, largest first, ties by lower index; a (values, indices) tuple', () => {
    const x = tf.constant([[1, 3, 2, 3], [0, -1, 5, 4]], f32);
    const top = tf.nn.top_k(x, 2);
    const [values, indices] = top;
    expect(top.values).toBe(values);
    expect(indices.dtype).toBe(tf.int32);
    expect(values.shape.as_list()).toEqual([2, 2]);
    using sess = new tf.Session();
    expect(sess.run(values).tolist()).toEqual([[3, 3], [5, 4]]);
    expect(sess.run(indices).tolist()).toEqual([[1, 3], [2, 3]]);
    expect(sess.run(tf.nn.top_k(tf.constant([7, 9, 8], f32)).indices).tolist()).toEqual([1]);
  });

  it("raises TF's errors for k", () => {
    expect(() => tf.nn.top_k(tf.zeros([2, 3]), 5)).toThrow(/^input must have last dimension >= k = 5 but is 3 for 'TopKV2' \(op: 'TopKV2'\)/);
    expect(() => tf.nn.top_k(tf.zeros([2, 3]), -1)).toThrow(/^Need k >= 0, got -1/);
    const k = tf.placeholder(tf.int32, []);
    const t = tf.nn.top_k(tf.zeros([2, 3]), k);
    using sess = new tf.Session();
    expect(() => sess.run(t.values, [[k, 4]])).toThrow(/^input must have at least k columns\. Had 3, needed 4/);
  });
});
