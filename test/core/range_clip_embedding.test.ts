// tf.range, tf.sequence_mask, tf.clip_by_norm / tf.global_norm / tf.clip_by_global_norm and
// tf.nn.embedding_lookup: values, TF1's names and dtypes, errors, and gradients through the
// clipping (finite differences).
import * as tf from 'tf1-ts';
import { fedGradCheck } from '../rnn/helpers';

beforeEach(() => tf.reset_default_graph());

const f32 = { dtype: tf.float32 };

describe('tf.range', () => {
  it("follows Python's range; dtype is the widest argument's; the op is named 'range'", () => {
    const a = tf.range(5);
    const b = tf.range(1, 2, 0.25);
    const c = tf.range(10, 2, -3);
    const d = tf.range(3, null, 1, { dtype: tf.float64 });
    expect([a.name, a.dtype, b.dtype, c.dtype, d.dtype]).toEqual(['range:0', tf.int32, tf.float32, tf.int32, tf.float64]);
    expect([a.shape.as_list(), b.shape.as_list(), c.shape.as_list()]).toEqual([[5], [4], [3]]);
    using sess = new tf.Session();
    expect(Array.from(sess.run(a).data)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(sess.run(b).data)).toEqual([1, 1.25, 1.5, 1.75]);
    expect(Array.from(sess.run(c).data)).toEqual([10, 7, 4]);
  });

  it('takes its length from the fed limit at run time, with TF\'s errors', () => {
    const n = tf.placeholder(tf.int32, []);
    const r = tf.range(0, n, 2);
    expect(r.shape.as_list()).toEqual([null]);
    using sess = new tf.Session();
    expect(Array.from(sess.run(r, [[n, 7]]).data)).toEqual([0, 2, 4, 6]);
    expect(() => sess.run(r, [[n, -1]])).toThrow(/^Requires start <= limit when delta > 0: 0\/-1/);
    expect(() => tf.range(0, 5, 0)).toThrow(/^Requires delta != 0: 0 for 'range_\d+' \(op: 'Range'\)/);
    expect(() => tf.range(5, 0, 1)).toThrow(/^Requires start <= limit when delta > 0: 5\/0/);
    expect(() => tf.range(0, 5, -1)).toThrow(/^Requires start >= limit when delta < 0: 0\/5/);
  });
});

describe('tf.sequence_mask', () => {
  it("TF's docstring examples", () => {
    using sess = new tf.Session();
    expect(sess.run(tf.sequence_mask([1, 3, 2], 5)).tolist()).toEqual([
      [true, false, false, false, false],
      [true, true, true, false, false],
      [true, true, false, false, false],
    ]);
    expect(sess.run(tf.sequence_mask([[1, 3], [2, 0]])).tolist()).toEqual([
      [[true, false, false], [true, true, true]],
      [[true, true, false], [false, false, false]],
    ]);
    const m = tf.sequence_mask([2, 1], 3, tf.float32);
    expect(m.dtype).toBe(tf.float32);
    expect(Array.from(sess.run(m).data)).toEqual([1, 1, 0, 1, 0, 0]);
  });
});

describe('clipping by norm', () => {
  it('clip_by_norm scales rows over the norm down to clip_norm, leaves the rest and zeros alone', () => {
    const t = tf.constant([[3, 4], [0.3, 0.4], [0, 0]], f32);
    using sess = new tf.Session();
    const rows = sess.run(tf.clip_by_norm(t, 1, [1])).tolist() as number[][];
    [[0.6, 0.8], [0.3, 0.4], [0, 0]].forEach((r, i) => r.forEach((v, j) => expect(rows[i][j]).toBeCloseTo(v, 6)));
    // over all axes: norm sqrt(25.25) > 1
    const all = sess.run(tf.clip_by_norm(t, 1)).data;
    expect(all[0]).toBeCloseTo(3 / Math.sqrt(25.25), 6);
  });

  it('clip_by_global_norm scales every tensor by clip_norm / max(global_norm, clip_norm); None stays None', () => {
    const a = tf.constant([[3, 0, 0], [0, 0, 0]], f32);
    const b = tf.constant([4, 0, 0], f32);
    const [clipped, norm] = tf.clip_by_global_norm([a, null, b], 2.0);
    expect(clipped[1]).toBeNull();
    expect(clipped[0]!.name).toBe('clip_by_global_norm/clip_by_global_norm/_0:0');
    expect(norm.name).toBe('global_norm/global_norm:0');
    using sess = new tf.Session();
    const [ca, cb, n] = sess.run([clipped[0]!, clipped[2]!, norm] as const);
    expect(n.item()).toBeCloseTo(5, 6);
    expect(ca.data[0]).toBeCloseTo(1.2, 6);
    expect(cb.data[0]).toBeCloseTo(1.6, 6);
    // Under the clip norm nothing changes.
    const [same] = tf.clip_by_global_norm([a, b], 10);
    expect(Array.from(sess.run(same[1]!).data)).toEqual([4, 0, 0]);
    expect(sess.run(tf.global_norm([a, b])).item()).toBeCloseTo(5, 6);
  });

  it('gradient clipping in training: compute_gradients, clip_by_global_norm, apply_gradients', () => {
    const x = new tf.Variable([30, 40], f32);
    const loss = tf.reduce_sum(tf.square(x)); // gradient 2x = [60, 80], norm 100
    const opt = new tf.train.GradientDescentOptimizer(0.1);
    const gv = opt.compute_gradients(loss);
    const [clipped] = tf.clip_by_global_norm(gv.map(([g]) => g), 5);
    const train = opt.apply_gradients(gv.map(([, v], i) => [clipped[i], v] as [tf.Tensor | null, tf.Variable]));
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    sess.run(train);
    const v = sess.run(x).data;
    expect(v[0]).toBeCloseTo(30 - 0.1 * 3, 5);
    expect(v[1]).toBeCloseTo(40 - 0.1 * 4, 5);
  });

  it('gradients through clip_by_norm and clip_by_global_norm match finite differences', () => {
    const x = tf.placeholder(tf.float64, [2, 3]);
    const y = tf.placeholder(tf.float64, [3]);
    const [c] = tf.clip_by_global_norm([x, tf.multiply(y, y)], 1.5);
    const n = tf.clip_by_norm(x, 0.7, [1]);
    using sess = new tf.Session();
    const xv = new tf.NDArray(Float64Array.from([0.5, -1, 0.25, 0.1, 0.2, -0.3]), [2, 3], tf.float64);
    const yv = new tf.NDArray(Float64Array.from([0.8, -0.6, 0.9]), [3], tf.float64);
    const r = fedGradCheck({ ys: [c[0]!, c[1]!, n], xs: [[x, xv], [y, yv]], sess });
    expect(r.compared).toBe(9);
  });
});

describe('tf.nn.embedding_lookup', () => {
  it('gathers rows by id into [...ids.shape, dim]; max_norm clips each row', () => {
    const E = tf.constant([[1, 2], [3, 4], [5, 6]], f32);
    const e = tf.nn.embedding_lookup(E, [[0, 2], [1, 1]]);
    expect(e.name).toBe('embedding_lookup:0');
    expect(e.shape.as_list()).toEqual([2, 2, 2]);
    using sess = new tf.Session();
    expect(sess.run(e).tolist()).toEqual([[[1, 2], [5, 6]], [[3, 4], [3, 4]]]);
    const clipped = sess.run(tf.nn.embedding_lookup([E], [2, 0], { max_norm: 1 })).data;
    expect(clipped[0]).toBeCloseTo(5 / Math.sqrt(61), 6);
    expect(clipped[2]).toBeCloseTo(1 / Math.sqrt(5), 6);
  });

  it('trains an embedding (the gather gradient scatters into the looked-up rows only)', () => {
    const E = new tf.Variable(tf.zeros([4, 2]), { name: 'embeddings' });
    const ids = tf.placeholder(tf.int32, [null]);
    const loss = tf.reduce_sum(tf.nn.embedding_lookup(E, ids));
    const train = new tf.train.GradientDescentOptimizer(1).minimize(loss);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    sess.run(train, [[ids, [1, 3, 1]]]);
    expect(sess.run(E).tolist()).toEqual([[0, 0], [-2, -2], [0, 0], [-1, -1]]);
  });

  it('refuses partitioned params with a clear error', () => {
    const E = tf.zeros([4, 2]);
    expect(() => tf.nn.embedding_lookup([E, E], [0])).toThrow('embedding_lookup: partitioned params (a list of 2 tensors) are not supported; pass one tensor');
  });
});
