// The notebook's hand-built RNN (In [2]-[4]) checked against the same arithmetic done here.
import * as tf from 'tf1-ts';

function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
}

describe('hand-built RNN', () => {
  beforeEach(() => tf.reset_default_graph());

  it('matches an independent computation of tanh(X0 Wx + b), tanh(Y0 Wy + X1 Wx + b)', () => {
    tf.set_random_seed(42);
    const n_inputs = 3;
    const n_neurons = 5;
    const X0 = tf.placeholder(tf.float32, [null, n_inputs]);
    const X1 = tf.placeholder(tf.float32, [null, n_inputs]);
    const Wx = new tf.Variable(tf.random_normal({ shape: [n_inputs, n_neurons], dtype: tf.float32 }));
    const Wy = new tf.Variable(tf.random_normal({ shape: [n_neurons, n_neurons], dtype: tf.float32 }));
    const b = new tf.Variable(tf.zeros([1, n_neurons], { dtype: tf.float32 }));
    const Y0 = tf.tanh(tf.matmul(X0, Wx).add(b));
    const Y1 = tf.tanh(tf.matmul(Y0, Wy).add(tf.matmul(X1, Wx)).add(b));
    const init = tf.global_variables_initializer();
    const X0_batch = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 0, 1]];
    const X1_batch = [[9, 8, 7], [0, 0, 0], [6, 5, 4], [3, 2, 1]];
    using sess = new tf.Session();
    init.run();
    const [y0, y1, wx, wy] = sess.run([Y0, Y1, Wx, Wy], [[X0, X0_batch], [X1, X1_batch]]);
    expect(y0.shape).toEqual([4, 5]);
    expect(y0.dtype).toBe(tf.float32);
    const WX = wx.tolist() as number[][];
    const WY = wy.tolist() as number[][];
    const e0 = matmul(X0_batch, WX).map((r) => r.map(Math.tanh));
    const e1 = matmul(e0, WY).map((r, i) => r.map((v, j) => Math.tanh(v + matmul(X1_batch, WX)[i][j])));
    const got0 = y0.tolist() as number[][];
    const got1 = y1.tolist() as number[][];
    e0.forEach((r, i) => r.forEach((v, j) => expect(got0[i][j]).toBeCloseTo(v, 5)));
    e1.forEach((r, i) => r.forEach((v, j) => expect(got1[i][j]).toBeCloseTo(v, 5)));
    // Same seed, same weights, run after run.
    const again = sess.run(Wx);
    expect(Array.from(again.data)).toEqual(Array.from(wx.data));
  });
});
