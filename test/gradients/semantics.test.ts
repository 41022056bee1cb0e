// tf.gradients semantics (TF1_SEMANTICS.md 8): sums over paths, shared parameters, None for
// unconnected xs, stop_gradient / stop_gradients, grad_ys, lists of ys; plus a self-test of
// the finite-difference checker.
import * as tf from 'tf1-ts';
import { DType } from 'tf1-ts/core/dtypes';
import { defineOp, make1 } from 'tf1-ts/ops/registry';
import { GradCheckError, checkGradients } from './gradcheck';

beforeEach(() => tf.reset_default_graph());

function run<F>(f: F, feed?: tf.FeedDict): tf.Fetched<F> {
  using sess = new tf.Session();
  return sess.run(f, feed);
}

const near = (a: tf.NDArray, b: number[], digits = 5): void => {
  expect(a.data.length).toBe(b.length);
  b.forEach((v, i) => expect(a.data[i]).toBeCloseTo(v, digits));
};

describe('tf.gradients', () => {
  test('contributions of several paths are summed', () => {
    const x = tf.constant([1, 2, 3], { dtype: tf.float32 });
    const y = tf.add(tf.multiply(x, x), tf.multiply(x, 3)); // dy/dx = 2x + 3
    const [g] = tf.gradients(y, x);
    near(run(g!), [5, 7, 9]);
  });

  test('a parameter used twice gets the sum of both uses', () => {
    const W = new tf.Variable([[1, 2], [3, 4]], { dtype: tf.float32 });
    const x1 = tf.constant([[1, 0]], { dtype: tf.float32 });
    const x2 = tf.constant([[0, 2]], { dtype: tf.float32 });
    const loss = tf.add(tf.reduce_sum(tf.matmul(x1, W)), tf.reduce_sum(tf.matmul(x2, W)));
    const [g] = tf.gradients(loss, W);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    // d/dW sum(x·W) = xᵀ·1 for each use: [[1,1],[0,0]] + [[0,0],[2,2]].
    near(sess.run(g!), [1, 1, 2, 2]);
    expect(g!.op.type).toBe('AddN');
  });

  test('xs that no y depends on get null, also through integer paths', () => {
    const x = tf.placeholder(tf.float32, [3]);
    const z = tf.placeholder(tf.float32, [3]);
    const y = tf.reduce_sum(tf.square(x));
    const viaInt = tf.cast(tf.argmax(z, 0), tf.float32);
    const [gx, gz] = tf.gradients(tf.add(y, viaInt), [x, z]);
    expect(gx).not.toBeNull();
    expect(gz).toBeNull();
    expect(tf.gradients(y, z)).toEqual([null]);
  });

  test('stop_gradient blocks its path', () => {
    const x = tf.constant([1, 2, 3], { dtype: tf.float32 });
    const y = tf.multiply(tf.stop_gradient(x), x); // only the second factor carries a gradient
    near(run(tf.gradients(y, x)[0]!), [1, 2, 3]);
    expect(tf.gradients(tf.stop_gradient(x), x)).toEqual([null]);
  });

  test('stop_gradients treats the listed tensors as constants', () => {
    const a = tf.constant(2, { dtype: tf.float32 });
    const b = tf.multiply(a, 3);
    const c = tf.add(b, a);
    const [ga, gb] = tf.gradients(c, [a, b], null, { stop_gradients: [a, b] });
    near(run(ga!), [1]);
    near(run(gb!), [1]);
    const [ga2] = tf.gradients(c, [a]);
    near(run(ga2!), [4]);
  });

  test('grad_ys weights each y', () => {
    const x = tf.constant([1, 2, 3], { dtype: tf.float32 });
    const y = tf.multiply(x, 2);
    near(run(tf.gradients(y, x, [[1, 10, 100]])[0]!), [2, 20, 200]);
    const gy = tf.placeholder(tf.float32, [3]);
    near(run(tf.gradients(y, x, gy)[0]!, [[gy, [1, 0, -1]]]), [2, 0, -2]);
  });

  test('several ys are summed, each seeded with ones', () => {
    const x = tf.constant([1, 2], { dtype: tf.float32 });
    const [g] = tf.gradients([tf.multiply(x, 2), tf.square(x)], x);
    near(run(g!), [4, 6]);
  });

  test('results have the shape and dtype of x, also with an unknown batch dimension', () => {
    const x = tf.placeholder(tf.float64, [null, 3]);
    const b = tf.placeholder(tf.float64, [3]);
    const y = tf.reduce_mean(tf.tanh(tf.add(x, b)));
    const [gx, gb] = tf.gradients(y, [x, b]);
    expect(gx!.dtype).toBe(DType.float64);
    expect(gx!.shape.as_list()).toEqual([null, 3]);
    expect(gb!.shape.as_list()).toEqual([3]);
    const [vx, vb] = run([gx!, gb!], [[x, [[0, 0, 0], [0, 0, 0]]], [b, [0, 0, 0]]]);
    expect(vx.shape).toEqual([2, 3]);
    near(vx, [1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6]);
    near(vb, [1 / 3, 1 / 3, 1 / 3]);
  });

  test("gradient ops live under 'gradients', 'gradients_1', ...", () => {
    const x = tf.constant([1, 2], { dtype: tf.float32 });
    const y = tf.square(x);
    const [g1] = tf.gradients(y, x);
    const [g2] = tf.gradients(y, x);
    expect(g1!.op.name.startsWith('gradients/')).toBe(true);
    expect(g2!.op.name.startsWith('gradients_1/')).toBe(true);
  });

  test('a Variable as x differentiates through its read', () => {
    const v = new tf.Variable([1, 2, 3], { dtype: tf.float32 });
    const [g] = tf.gradients(tf.reduce_sum(tf.square(v)), v);
    expect(g!.shape.as_list()).toEqual([3]);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    near(sess.run(g!), [2, 4, 6]);
  });
});

describe('gradcheck itself', () => {
  test('reports a wrong gradient', () => {
    // An op computing x² whose gradient is (wrongly) 3x·g.
    defineOp({
      type: 'WrongSquareForTest',
      inferShape: (ctx) => [{ dtype: ctx.inputs[0].dtype, shape: ctx.inputs[0].shape }],
      kernel: (ctx, inputs) => [ctx.backend.unary('square', inputs[0] as never)],
      grad: (op, g) => [tf.multiply(g[0]!, tf.multiply(op.inputs[0], 3))],
    });
    const c = { name: 'wrong square', inputs: [{ shape: [2, 3] }], build: ([x]: tf.Tensor[]) => make1('WrongSquareForTest', [x], {}) };
    expect(() => checkGradients(c)).toThrow(GradCheckError);
    expect(() => checkGradients(c)).toThrow(/analytic .* vs numeric/);
  });

  test('reports a missing gradient and a gradient that should be null', () => {
    expect(() => checkGradients({ name: 'cut', inputs: [{ shape: [2] }], build: ([x]) => tf.stop_gradient(tf.square(x)) })).toThrow(/gradient is null/);
    expect(() => checkGradients({ name: 'connected', inputs: [{ shape: [2] }], build: ([x]) => tf.square(x), expectNull: [0] })).toThrow(/expected no gradient/);
  });

  test('passes a correct gradient and says how much it compared', () => {
    const r = checkGradients({ name: 'tanh', inputs: [{ shape: [2, 3], static: [null, 3] }, { shape: [3] }], build: ([x, b]) => tf.tanh(tf.add(x, b)) });
    expect(r.compared).toBe(9);
    expect(r.maxAbsErr).toBeLessThan(1e-8);
  });
});
