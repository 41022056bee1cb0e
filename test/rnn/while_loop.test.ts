// tf.while_loop, the functional loop dynamic_rnn is built on: counting, shape invariants,
// maximum_iterations, TensorArrays as loop variables, and gradients through iterations.
import * as tf from 'tf1-ts';
import { fedGradCheck } from './helpers';

type T = tf.Tensor;

beforeEach(() => tf.reset_default_graph());

describe('tf.while_loop', () => {
  it('counts to 10', () => {
    const i = tf.while_loop((k: T) => tf.less(k, 10), (k: T) => tf.add(k, 1), tf.constant(0));
    using sess = new tf.Session();
    expect(sess.run(i).item()).toBe(10);
  });

  it('carries several loop variables and captures outer tensors', () => {
    const n = tf.placeholder(tf.int32, []);
    const [k, fact] = tf.while_loop((a: T) => tf.less(a, n), (a: T, f: T) => [tf.add(a, 1), tf.multiply(f, tf.cast(tf.add(a, 1), tf.float32))], [
      tf.constant(0),
      tf.constant(1, { dtype: tf.float32 }),
    ]);
    using sess = new tf.Session();
    const [kv, fv] = sess.run([k, fact] as const, [[n, 5]]);
    expect(kv.item()).toBe(5);
    expect(fv.item()).toBe(120);
    expect(sess.run(fact, [[n, 0]]).item()).toBe(1);
  });

  it('a shape that changes across iterations needs shape_invariants', () => {
    const cond = (i: T): T => tf.less(i, 3);
    const body = (i: T, x: T): [T, T] => [tf.add(i, 1), tf.concat([x, x], 0)];
    expect(() => tf.while_loop(cond, body, [tf.constant(0), tf.ones([2])])).toThrow(
      /^Input tensor 'ones:0' enters the loop with shape \(2,\), but has shape \(4,\) after one iteration\. To allow the shape to vary across iterations, use the `shape_invariants` argument of tf.while_loop to specify a less-specific shape\./,
    );
    const [, x] = tf.while_loop(cond, body, [tf.constant(0), tf.ones([2])], { shape_invariants: [new tf.TensorShape([]), new tf.TensorShape([null])] });
    expect(x.shape.as_list()).toEqual([null]);
    using sess = new tf.Session();
    expect(sess.run(x).shape).toEqual([16]);
  });

  it('an invariant incompatible with the entry shape is an error', () => {
    expect(() =>
      tf.while_loop((i: T) => tf.less(i, 3), (i: T) => tf.add(i, 1), tf.constant(0), { shape_invariants: new tf.TensorShape([2]) }),
    ).toThrow(/is not compatible with the initial shape of the loop variable/);
  });

  it('maximum_iterations stops the loop early', () => {
    const i = tf.while_loop((k: T) => tf.less(k, 100), (k: T) => tf.add(k, 1), tf.constant(0), { maximum_iterations: 3 });
    using sess = new tf.Session();
    expect(sess.run(i).item()).toBe(3);
  });

  it('TensorArray loop variables: write per step, stack after', () => {
    const ta0 = new tf.TensorArray(tf.float32, { size: 4 });
    const [, ta] = tf.while_loop((i: T) => tf.less(i, 4), (i: T, a: tf.TensorArray) => [tf.add(i, 1), a.write(i, tf.cast(tf.multiply(i, i), tf.float32))], [tf.constant(0), ta0]);
    using sess = new tf.Session();
    expect(Array.from(sess.run(ta.stack()).data)).toEqual([0, 1, 4, 9]);
  });

  it('the graph does not grow with the iteration count', () => {
    const n = tf.placeholder(tf.int32, []);
    const [, x] = tf.while_loop((i: T) => tf.less(i, n), (i: T, v: T) => [tf.add(i, 1), tf.multiply(v, 2)], [tf.constant(0), tf.constant(1)]);
    const ops = tf.get_default_graph().get_operations().length;
    using sess = new tf.Session();
    expect(sess.run(x, [[n, 10]]).item()).toBe(1024);
    expect(sess.run(x, [[n, 3]]).item()).toBe(8);
    expect(tf.get_default_graph().get_operations().length).toBe(ops);
  });

  it('gradient of x *= w five times: d/dx = w^5, d/dw = 5 x w^4', () => {
    const x = tf.placeholder(tf.float64, []);
    const w = tf.placeholder(tf.float64, []);
    const [, y] = tf.while_loop((i: T) => tf.less(i, 5), (i: T, v: T) => [tf.add(i, 1), tf.multiply(v, w)], [tf.constant(0), x]);
    const [gx, gw] = tf.gradients(y, [x, w]);
    using sess = new tf.Session();
    const [vy, vgx, vgw] = sess.run([y, gx!, gw!] as const, [
      [x, 1.5],
      [w, 0.8],
    ]);
    expect(vy.item()).toBeCloseTo(1.5 * 0.8 ** 5, 12);
    expect(vgx.item()).toBeCloseTo(0.8 ** 5, 12);
    expect(vgw.item()).toBeCloseTo(5 * 1.5 * 0.8 ** 4, 12);
    const r = fedGradCheck({
      ys: [y],
      xs: [
        [x, new tf.NDArray(new Float64Array([1.5]), [], tf.float64)],
        [w, new tf.NDArray(new Float64Array([0.8]), [], tf.float64)],
      ],
      sess,
    });
    expect(r.compared).toBe(2);
  });

  it('gradients through a variable read inside the body sum over iterations', () => {
    const W = new tf.Variable(tf.constant([[0.5, -0.2], [0.1, 0.3]], { dtype: tf.float64 }));
    const x = tf.placeholder(tf.float64, [null, 2]);
    const [, h] = tf.while_loop((i: T) => tf.less(i, 3), (i: T, v: T) => [tf.add(i, 1), tf.tanh(tf.matmul(v, W))], [tf.constant(0), x]);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    fedGradCheck({
      ys: [h],
      xs: [
        [x, new tf.NDArray(new Float64Array([0.3, -0.7, 1.1, 0.2]), [2, 2], tf.float64)],
        [W.value(), sess.run(W)],
      ],
      sess,
    });
  });
});
