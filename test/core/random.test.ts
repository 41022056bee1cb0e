// Random ops: seeding rules of TF1 (graph seed + op seed), streams per session, distributions.
import * as tf from 'tf1-ts';
import { DEFAULT_GRAPH_SEED } from 'tf1-ts/ops/random_ops';
import { caught } from './helpers';

const MAXINT32 = 2 ** 31 - 1;

beforeEach(() => tf.reset_default_graph());

function values(t: tf.Tensor, sess: tf.Session): number[] {
  return Array.from(sess.run(t).data);
}

function stats(xs: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i];
    if (xs[i] < min) min = xs[i];
    if (xs[i] > max) max = xs[i];
  }
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / xs.length), min, max };
}

describe('seeds', () => {
  it('graph seed + op seed: same values in every new session and after rebuilding the graph; runs continue the stream', () => {
    const build = (): tf.Tensor => {
      tf.set_random_seed(1234);
      return tf.random_normal([5], { seed: 7 });
    };
    const r = build();
    expect(r.op.get_attr('seed')).toBe(1234);
    expect(r.op.get_attr('seed2')).toBe(7);
    let first: number[];
    let second: number[];
    {
      using sess = new tf.Session();
      first = values(r, sess);
      second = values(r, sess);
      expect(second).not.toEqual(first); // a new draw each run
    }
    {
      using sess = new tf.Session();
      expect(values(r, sess)).toEqual(first); // a new session restarts the stream
      expect(values(r, sess)).toEqual(second);
    }
    tf.reset_default_graph();
    const again = build();
    using sess = new tf.Session();
    expect(values(again, sess)).toEqual(first);
  });

  it('op seed only: the graph seed defaults to 87654321', () => {
    const a = tf.random_uniform([4], { seed: 3 });
    expect(DEFAULT_GRAPH_SEED).toBe(87654321);
    expect(a.op.get_attr('seed')).toBe(87654321);
    expect(a.op.get_attr('seed2')).toBe(3);
    let v: number[];
    {
      using sess = new tf.Session();
      v = values(a, sess);
    }
    tf.reset_default_graph();
    tf.constant(1); // construction order does not matter when the op seed is given
    const b = tf.random_uniform([4], { seed: 3 });
    using sess = new tf.Session();
    expect(values(b, sess)).toEqual(v);
  });

  it('graph seed only: op seeds come from the construction order (repeatable, distinct per op)', () => {
    const build = (extra: boolean): [tf.Tensor, tf.Tensor] => {
      tf.set_random_seed(42);
      if (extra) tf.constant(0);
      return [tf.random_normal([6]), tf.random_normal([6])];
    };
    const [a, b] = build(false);
    expect(a.op.get_attr('seed')).toBe(42);
    expect(a.op.get_attr('seed2')).not.toBe(b.op.get_attr('seed2'));
    let va: number[];
    let vb: number[];
    {
      using sess = new tf.Session();
      [va, vb] = [values(a, sess), values(b, sess)];
    }
    expect(va).not.toEqual(vb);
    tf.reset_default_graph();
    const [a2, b2] = build(false);
    {
      using sess = new tf.Session();
      expect(values(a2, sess)).toEqual(va);
      expect(values(b2, sess)).toEqual(vb);
    }
    // Another op created first shifts the op counter, hence the values.
    tf.reset_default_graph();
    const [a3] = build(true);
    using sess = new tf.Session();
    expect(values(a3, sess)).not.toEqual(va);
  });

  it('seeds are reduced modulo 2^31-1 and (0, 0) becomes (0, 2^31-1)', () => {
    tf.set_random_seed(0);
    const z = tf.random_normal([1], { seed: 0 });
    expect(z.op.get_attr('seed')).toBe(0);
    expect(z.op.get_attr('seed2')).toBe(MAXINT32);
    tf.reset_default_graph();
    tf.set_random_seed(MAXINT32 + 5);
    const m = tf.random_normal([1], { seed: MAXINT32 + 2 });
    expect(m.op.get_attr('seed')).toBe(5);
    expect(m.op.get_attr('seed2')).toBe(2);
  });

  it('reset_default_graph forgets the graph seed', () => {
    tf.set_random_seed(5);
    expect(tf.get_default_graph().seed).toBe(5);
    tf.reset_default_graph();
    const r = tf.random_normal([1]);
    if (process.env.TF1TS_SEED === undefined || process.env.TF1TS_SEED === '') {
      expect(tf.get_default_graph().seed).toBeNull();
      expect(r.op.get_attr('seed')).toBeNull();
    }
  });

  it('unseeded ops differ between sessions', () => {
    if (process.env.TF1TS_SEED) return; // `rnn run --seed` makes entropy deterministic
    const r = tf.random_normal([8]);
    let v: number[];
    {
      using sess = new tf.Session();
      v = values(r, sess);
    }
    using sess = new tf.Session();
    expect(values(r, sess)).not.toEqual(v);
  });

  it('a random op read twice in one run is drawn once', () => {
    const r = tf.random_uniform([3], { seed: 1 });
    const twice = r.add(0);
    using sess = new tf.Session();
    const [a, b, c] = sess.run([r, twice, r]);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(Array.from(c.data)).toEqual(Array.from(a.data));
  });

  it('a seeded random initial value gives the same variable in every session', () => {
    tf.set_random_seed(9);
    const v = new tf.Variable(tf.random_normal([2, 3], { stddev: 0.1 }));
    const init = tf.global_variables_initializer();
    let first: number[];
    {
      using sess = new tf.Session();
      sess.run(init);
      first = Array.from(sess.run(v).data);
      // Re-running the initializer draws again.
      sess.run(init);
      expect(Array.from(sess.run(v).data)).not.toEqual(first);
    }
    using sess = new tf.Session();
    sess.run(init);
    expect(Array.from(sess.run(v).data)).toEqual(first);
  });
});

describe('distributions (10000 draws)', () => {
  it('random_normal: mean + stddev * z', () => {
    const r = tf.random_normal([100, 100], { mean: 2, stddev: 3, seed: 11 });
    expect(r.dtype).toBe(tf.float32);
    expect(r.shape.as_list()).toEqual([100, 100]);
    expect(r.op.name).toBe('random_normal');
    using sess = new tf.Session();
    const v = sess.run(r);
    expect(v.shape).toEqual([100, 100]);
    const s = stats(v.data);
    expect(Math.abs(s.mean - 2)).toBeLessThan(0.12);
    expect(Math.abs(s.std - 3)).toBeLessThan(0.1);
    expect(s.max - s.min).toBeGreaterThan(6 * 3); // has tails beyond 2 stddev
  });

  it('truncated_normal: within two stddevs of the mean', () => {
    const r = tf.truncated_normal([10000], { mean: -1, stddev: 0.5, seed: 12 });
    expect(r.op.name).toBe('truncated_normal');
    using sess = new tf.Session();
    const s = stats(sess.run(r).data);
    expect(s.min).toBeGreaterThanOrEqual(-1 - 2 * 0.5 - 1e-6);
    expect(s.max).toBeLessThanOrEqual(-1 + 2 * 0.5 + 1e-6);
    expect(Math.abs(s.mean + 1)).toBeLessThan(0.03);
    // std of N(0,1) truncated to [-2, 2] is 0.8796
    expect(Math.abs(s.std - 0.8796 * 0.5)).toBeLessThan(0.02);
  });

  it('random_uniform: in [minval, maxval), default [0, 1)', () => {
    const r = tf.random_uniform([10000], { minval: -1, maxval: 3, seed: 13 });
    const d = tf.random_uniform([10000], { seed: 14 });
    expect(r.op.name).toBe('random_uniform');
    using sess = new tf.Session();
    const [rv, dv] = sess.run([r, d]);
    const s = stats(rv.data);
    expect(s.min).toBeGreaterThanOrEqual(-1);
    expect(s.max).toBeLessThan(3);
    expect(Math.abs(s.mean - 1)).toBeLessThan(0.06);
    expect(Math.abs(s.std - 4 / Math.sqrt(12))).toBeLessThan(0.05);
    const sd = stats(dv.data);
    expect(sd.min).toBeGreaterThanOrEqual(0);
    expect(sd.max).toBeLessThan(1);
    expect(Math.abs(sd.mean - 0.5)).toBeLessThan(0.02);
  });

  it('integer random_uniform needs maxval and stays in [minval, maxval)', () => {
    const e = caught(() => tf.random_uniform([3], { dtype: tf.int32 }));
    expect(e.name).toBe('ValueError');
    expect(e.message).toContain('Must specify maxval for integer dtype');
    const r = tf.random_uniform([10000], { minval: 2, maxval: 5, dtype: tf.int32, seed: 1 });
    expect(r.dtype).toBe(tf.int32);
    using sess = new tf.Session();
    const v = sess.run(r).data;
    const counts = [0, 0, 0];
    for (const x of v) if (Number.isInteger(x) && x >= 2 && x < 5) counts[x - 2]++;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10000);
    for (const c of counts) expect(Math.abs(c - 10000 / 3)).toBeLessThan(250);
  });

  it('float64 and a shape tensor', () => {
    const s = tf.placeholder(tf.int32, [2]);
    const r = tf.random_normal(s, { dtype: tf.float64, seed: 2 });
    expect(r.dtype).toBe(tf.float64);
    expect(r.shape.as_list()).toEqual([null, null]);
    using sess = new tf.Session();
    const v = sess.run(r, [[s, [3, 4]]]);
    expect(v.shape).toEqual([3, 4]);
    expect(v.dtype).toBe(tf.float64);
  });
});
