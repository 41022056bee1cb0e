// Dense layers (TF1_SEMANTICS.md 5): tf.contrib.layers.fully_connected and tf.layers.dense.
import * as tf from 'tf1-ts';
import { DType } from 'tf1-ts/core/dtypes';
import { l2_regularizer } from 'tf1-ts/layers/regularizers';

beforeEach(() => tf.reset_default_graph());

const fc = tf.contrib.layers.fully_connected;

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

/** Host reference of act(x · W + b). */
function dense(x: number[][], W: tf.NDArray, b: tf.NDArray | null, act: (v: number) => number): number[][] {
  const [d, n] = W.shape;
  return x.map((row) =>
    Array.from({ length: n }, (_, j) => {
      let s = b ? b.data[j] : 0;
      for (let k = 0; k < d; k++) s += row[k] * W.data[k * n + j];
      return act(s);
    }),
  );
}

function expectRows(a: tf.NDArray, b: number[][]): void {
  expect(a.shape).toEqual([b.length, b[0].length]);
  b.flat().forEach((v, i) => expect(a.data[i]).toBeCloseTo(v, 5));
}

describe('tf.contrib.layers.fully_connected', () => {
  test('names, shapes, defaults (xavier weights, zero biases, ReLU)', () => {
    const x = tf.placeholder(tf.float32, [null, 4]);
    const y = fc(x, 3);
    expect(y.op.name).toBe('fully_connected/Relu');
    expect(y.shape.as_list()).toEqual([null, 3]);
    const [W, b] = tf.global_variables();
    expect(W.op.name).toBe('fully_connected/weights');
    expect(W.shape.as_list()).toEqual([4, 3]);
    expect(b.op.name).toBe('fully_connected/biases');
    expect(b.shape.as_list()).toEqual([3]);
    expect(tf.trainable_variables()).toEqual([W, b]);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const [wv, bv] = sess.run([W, b]);
    expect([...bv.data]).toEqual([0, 0, 0]);
    const limit = Math.sqrt(6 / 7);
    for (const v of wv.data) expect(Math.abs(v)).toBeLessThanOrEqual(limit);
    const xs = [
      [1, -2, 3, 0.5],
      [0, 1, -1, 2],
    ];
    expectRows(sess.run(y, [[x, xs]]), dense(xs, wv, bv, (v) => Math.max(0, v)));
  });

  test('later layers: fully_connected_1, ...; scope names; activation_fn null is linear', () => {
    const x = tf.placeholder(tf.float32, [null, 4]);
    const h = fc(x, 5);
    const y = fc(h, 2, { activation_fn: null });
    expect(y.op.name).toBe('fully_connected_1/BiasAdd');
    const z = fc(y, 2, { scope: 'out', activation_fn: tf.tanh });
    expect(z.op.name).toBe('out/Tanh');
    expect(tf.global_variables().map((v) => v.op.name)).toEqual([
      'fully_connected/weights',
      'fully_connected/biases',
      'fully_connected_1/weights',
      'fully_connected_1/biases',
      'out/weights',
      'out/biases',
    ]);
  });

  test('inside a variable scope; reuse=True with a scope shares the variables', () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    const a = tf.variable_scope('net', () => fc(x, 2, { scope: 'layer' }));
    const b = tf.variable_scope('net', () => fc(x, 2, { scope: 'layer', reuse: true }));
    expect(tf.global_variables().map((v) => v.op.name)).toEqual(['net/layer/weights', 'net/layer/biases']);
    expect(a.op.name).toBe('net/layer/Relu');
    expect(b.op.name).toBe('net_1/layer/Relu');
    expect(caught(() => fc(x, 2, { reuse: true })).message).toBe('reuse=True cannot be used without a name_or_scope');
    expect(caught(() => tf.variable_scope('net', () => fc(x, 2, { scope: 'layer' }))).message).toMatch(/^Variable net\/layer\/weights already exists, disallowed/);
  });

  test('rank > 2 inputs are multiplied on the last axis', () => {
    const x = tf.placeholder(tf.float32, [null, 2, 3]);
    const y = fc(x, 4, { activation_fn: null });
    expect(y.shape.as_list()).toEqual([null, 2, 4]);
    const xs = [
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [
        [-1, 0, 1],
        [2, -2, 0.5],
      ],
    ];
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const [W, b] = tf.global_variables().map((v) => sess.run(v));
    const out = sess.run(y, [[x, xs]]);
    expect(out.shape).toEqual([2, 2, 4]);
    const ref = dense(xs.flat(), W, b, (v) => v);
    ref.flat().forEach((v, i) => expect(out.data[i]).toBeCloseTo(v, 5));
  });

  test('biases_initializer null or a normalizer_fn: no biases; initializers and regularizers', () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    fc(x, 2, { biases_initializer: null });
    fc(x, 2, { normalizer_fn: (t) => tf.multiply(t, 2), normalizer_params: {} });
    expect(tf.global_variables().map((v) => v.op.name)).toEqual(['fully_connected/weights', 'fully_connected_1/weights']);
    const y = fc(x, 2, { weights_initializer: tf.ones_initializer(), biases_initializer: tf.constant_initializer(0.5), weights_regularizer: l2_regularizer(0.5) });
    expect(tf.losses.get_regularization_losses().length).toBe(1);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    expectRows(sess.run(y, [[x, [[1, 2, -4]]]]), [[0, 0]]);
    expectRows(sess.run(y, [[x, [[1, 2, 3]]]]), [[6.5, 6.5]]);
    expect(sess.run(tf.losses.get_regularization_losses()[0]).item()).toBeCloseTo(0.5 * 3, 6);
  });

  test('variables_collections and outputs_collections', () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    const y = fc(x, 2, { variables_collections: { weights: ['w'], biases: ['b'] }, outputs_collections: ['outs'] });
    fc(x, 2, { variables_collections: ['all'] });
    expect(tf.get_collection<tf.Variable>('w').map((v) => v.op.name)).toEqual(['fully_connected/weights']);
    expect(tf.get_collection<tf.Variable>('b').map((v) => v.op.name)).toEqual(['fully_connected/biases']);
    expect(tf.get_collection<tf.Variable>('all').map((v) => v.op.name)).toEqual(['fully_connected_1/weights', 'fully_connected_1/biases']);
    expect(tf.get_collection('outs')).toEqual([y]);
  });

  test('errors: num_outputs, input rank, unknown last dimension, options', () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    expect(caught(() => fc(x, 2.5)).message).toBe('num_outputs should be int or long, got 2.5.');
    expect(caught(() => fc(tf.placeholder(tf.float32, [3]), 2)).message).toBe(
      'Input 0 of layer fully_connected is incompatible with the layer: expected min_ndim=2, found ndim=1. Full shape received: [3]',
    );
    expect(caught(() => fc(tf.placeholder(tf.float32, [null, null]), 2)).message).toBe('The last dimension of the inputs to `Dense` should be defined. Found `None`.');
    expect(() => fc(x, 2, { activation: null } as never)).toThrow(/unexpected keyword argument 'activation'/);
  });

  test('float64 inputs give float64 variables', () => {
    const x = tf.placeholder(tf.float64, [null, 3]);
    fc(x, 2);
    expect(tf.global_variables().map((v) => v.dtype)).toEqual([DType.float64, DType.float64]);
  });
});

describe('tf.layers.dense', () => {
  test('names dense/kernel, dense/bias, dense_1/...; linear by default', () => {
    const x = tf.placeholder(tf.float32, [null, 4]);
    const h = tf.layers.dense(x, 3);
    expect(h.op.name).toBe('dense/BiasAdd');
    const y = tf.layers.dense(h, 2, { activation: tf.sigmoid });
    expect(y.op.name).toBe('dense_1/Sigmoid');
    expect(tf.global_variables().map((v) => `${v.op.name} ${v.shape.toString()}`)).toEqual([
      'dense/kernel (4, 3)',
      'dense/bias (3,)',
      'dense_1/kernel (3, 2)',
      'dense_1/bias (2,)',
    ]);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const [K, b] = tf.global_variables().map((v) => sess.run(v));
    expect([...b.data]).toEqual([0, 0, 0]);
    const xs = [[1, 2, 3, 4]];
    expectRows(sess.run(h, [[x, xs]]), dense(xs, K, b, (v) => v));
  });

  test('name, reuse, use_bias, kernel_initializer, rank 3', () => {
    const x = tf.placeholder(tf.float32, [null, 5, 3]);
    const a = tf.layers.dense(x, 2, { name: 'proj', use_bias: false, kernel_initializer: tf.ones_initializer() });
    const b = tf.layers.dense(x, 2, { name: 'proj', use_bias: false, reuse: true });
    expect(a.shape.as_list()).toEqual([null, 5, 2]);
    expect(tf.global_variables().map((v) => v.op.name)).toEqual(['proj/kernel']);
    expect(caught(() => tf.layers.dense(x, 2, { name: 'proj', use_bias: false })).message).toMatch(/^Variable proj\/kernel already exists, disallowed/);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const out = sess.run([a, b], [[x, [[[1, 2, 3], [0, 0, 1], [1, 1, 1], [2, 0, 0], [0, 0, 0]]]]]);
    expect(out[0].tolist()).toEqual([[[6, 6], [1, 1], [3, 3], [2, 2], [0, 0]]]);
    expect(out[1].tolist()).toEqual(out[0].tolist());
    // reuse=AUTO_REUSE without a name: the 'dense' scope, created once then shared.
    const c = tf.layers.dense(x, 2, { reuse: tf.AUTO_REUSE });
    const d = tf.layers.dense(x, 2, { reuse: tf.AUTO_REUSE });
    expect(tf.global_variables().map((v) => v.op.name)).toEqual(['proj/kernel', 'dense/kernel', 'dense/bias']);
    void c;
    void d;
  });

  test('the scope initializer applies to the kernel, not to the zero bias', () => {
    const x = tf.placeholder(tf.float32, [null, 2]);
    const y = tf.variable_scope('s', { initializer: tf.constant_initializer(0.5) }, () => tf.layers.dense(x, 1));
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    expect(sess.run(y, [[x, [[1, 3]]]]).item()).toBeCloseTo(2, 6);
  });

  test('trains with an optimizer', () => {
    const x = tf.placeholder(tf.float32, [null, 1]);
    const y = tf.layers.dense(x, 1);
    const loss = tf.losses.mean_squared_error([[3], [5], [7]], y);
    const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    for (let i = 0; i < 300; i++) sess.run(train, [[x, [[1], [2], [3]]]]);
    expect(sess.run(loss, [[x, [[1], [2], [3]]]]).item()).toBeLessThan(1e-4);
  });
});
