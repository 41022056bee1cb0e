// tf.nn.bidirectional_dynamic_rnn and tf.nn.static_bidirectional_rnn: TF1's variable names,
// values against plain-JS arithmetic (the backward RNN reads each row's valid steps in reverse),
// agreement of the static and dynamic forms, gradients through both directions, errors.
import * as tf from 'tf1-ts';
import { RandomStream } from 'tf1-ts/core/random';
import { M, asM, expectClose, fedGradCheck, randomArray, rnnStep, zerosM } from './helpers';

const rc = tf.nn.rnn_cell;
type T = tf.Tensor;

beforeEach(() => tf.reset_default_graph());

// Inputs [B=2, T=4, D=2]; row 0 has 3 valid steps, row 1 has 2.
const X_VAL = [
  [[0.5, -1], [1, 0.25], [-0.5, 0.75], [9, 9]],
  [[0.2, 0.4], [-1, 0.3], [9, 9], [9, 9]],
];
const LENGTHS = [3, 2];
const N = 3;

/** The fw and bw BasicRNNCell(3) kernels ([D + N, N], constant-initialized) and biases. */
const K_FW: M = [[0.1, -0.2, 0.3], [0.05, 0.1, -0.1], [0.2, 0.1, 0], [-0.3, 0.2, 0.1], [0.1, 0, -0.2]];
const K_BW: M = [[-0.1, 0.2, 0.1], [0.3, -0.05, 0.2], [0.1, -0.2, 0.1], [0.2, 0.1, -0.1], [0, 0.3, 0.1]];
const B_FW = [0.01, -0.02, 0.03];
const B_BW = [-0.01, 0.02, 0];

/** Plain-JS reference: outputs [B][T][N] and the final state per row, one direction. */
function reference(K: M, b: number[], reverse: boolean): { outs: number[][][]; state: M } {
  const outs = X_VAL.map(() => X_VAL[0].map(() => new Array<number>(N).fill(0)));
  const state: M = [];
  X_VAL.forEach((row, r) => {
    let h: M = zerosM(1, N);
    const L = LENGTHS[r];
    for (let k = 0; k < L; k++) {
      const t = reverse ? L - 1 - k : k; // the backward RNN's k-th step reads step L-1-k, written back there
      h = rnnStep([row[t]], h, K, b);
      outs[r][t] = h[0];
    }
    state.push(h[0]);
  });
  return { outs, state };
}

/** Variables initialized with the constants above (by name), the rest as built. */
function assignConstants(sess: tf.Session): void {
  const byName: Record<string, number[] | M> = {
    'bidirectional_rnn/fw/basic_rnn_cell/kernel:0': K_FW,
    'bidirectional_rnn/fw/basic_rnn_cell/bias:0': B_FW,
    'bidirectional_rnn/bw/basic_rnn_cell/kernel:0': K_BW,
    'bidirectional_rnn/bw/basic_rnn_cell/bias:0': B_BW,
  };
  for (const v of tf.global_variables()) sess.run(tf.assign(v, tf.constant(byName[v.name] as number[][], { dtype: tf.float32 })));
}

describe('tf.nn.bidirectional_dynamic_rnn', () => {
  it("creates TF1's variables under bidirectional_rnn/fw and bidirectional_rnn/bw", () => {
    const X = tf.placeholder(tf.float32, [null, null, 3]);
    const [[ofw, obw], [sfw, sbw]] = tf.nn.bidirectional_dynamic_rnn(new rc.BasicLSTMCell(4), new rc.GRUCell(5), X, { dtype: tf.float32 });
    expect(tf.global_variables().map((v) => `${v.name} ${v.shape.toString()}`)).toEqual([
      'bidirectional_rnn/fw/basic_lstm_cell/kernel:0 (7, 16)',
      'bidirectional_rnn/fw/basic_lstm_cell/bias:0 (16,)',
      'bidirectional_rnn/bw/gru_cell/gates/kernel:0 (8, 10)',
      'bidirectional_rnn/bw/gru_cell/gates/bias:0 (10,)',
      'bidirectional_rnn/bw/gru_cell/candidate/kernel:0 (8, 5)',
      'bidirectional_rnn/bw/gru_cell/candidate/bias:0 (5,)',
    ]);
    expect([ofw.shape.as_list(), obw.shape.as_list(), tf.concat([ofw, obw], 2).shape.as_list()]).toEqual([[null, null, 4], [null, null, 5], [null, null, 9]]);
    expect(sfw).toBeInstanceOf(rc.LSTMStateTuple);
    expect((sbw as T).shape.as_list()).toEqual([null, 5]);
  });

  it('matches plain-JS arithmetic: the backward RNN reads each row\'s valid steps in reverse, outputs aligned with the inputs', () => {
    const X = tf.placeholder(tf.float32, [null, null, 2]);
    const L = tf.placeholder(tf.int32, [null]);
    const [[ofw, obw], [sfw, sbw]] = tf.nn.bidirectional_dynamic_rnn(new rc.BasicRNNCell(N), new rc.BasicRNNCell(N), X, { sequence_length: L, dtype: tf.float32 });
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    assignConstants(sess);
    const [fo, bo, fs, bs] = sess.run([ofw, obw, sfw as T, sbw as T] as const, [[X, X_VAL], [L, LENGTHS]]);
    const fw = reference(K_FW, B_FW, false);
    const bw = reference(K_BW, B_BW, true);
    expectClose(fo, fw.outs.flat(2));
    expectClose(bo, bw.outs.flat(2));
    expectClose(asM(fs), fw.state);
    expectClose(asM(bs), bw.state);
    // Past each row's length: zeros in both directions (row 1, steps 2 and 3).
    expect(Array.from(bo.data.slice(12 + 6, 24))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('without sequence_length, time_major, the backward RNN reads the whole sequence reversed', () => {
    const X = tf.placeholder(tf.float32, [4, 2, 2]); // time-major [T, B, D]
    const [[, obw], [, sbw]] = tf.nn.bidirectional_dynamic_rnn(new rc.BasicRNNCell(N), new rc.BasicRNNCell(N), X, { dtype: tf.float32, time_major: true });
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    assignConstants(sess);
    const xt = [0, 1, 2, 3].map((t) => [X_VAL[0][t], X_VAL[1][t]]);
    const [bo, bs] = sess.run([obw, sbw as T] as const, [[X, xt]]);
    let h: M = zerosM(2, N);
    const want: M[] = [];
    for (let t = 3; t >= 0; t--) want[t] = h = rnnStep(xt[t], h, K_BW, B_BW);
    expectClose(bo, want.flat(2));
    expectClose(asM(bs), h);
  });

  it('static_bidirectional_rnn gives the same values, each step [fw, bw] concatenated', () => {
    const X = tf.placeholder(tf.float32, [null, 4, 2]);
    const L = tf.placeholder(tf.int32, [null]);
    const steps = tf.unstack(tf.transpose(X, [1, 0, 2]), { num: 4 });
    const [outs, sfw, sbw] = tf.nn.static_bidirectional_rnn(new rc.BasicRNNCell(N), new rc.BasicRNNCell(N), steps, { sequence_length: L, dtype: tf.float32 });
    expect(tf.contrib.rnn.static_bidirectional_rnn).toBe(tf.nn.static_bidirectional_rnn);
    expect(outs.map((o) => o.shape.as_list())).toEqual([[null, 6], [null, 6], [null, 6], [null, 6]]);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    assignConstants(sess);
    const got = sess.run([tf.stack(outs, 1), sfw as T, sbw as T] as const, [[X, X_VAL], [L, LENGTHS]]);
    const fw = reference(K_FW, B_FW, false);
    const bw = reference(K_BW, B_BW, true);
    const want = fw.outs.map((row, r) => row.map((o, t) => [...o, ...bw.outs[r][t]]));
    expectClose(got[0], want.flat(2));
    expectClose(asM(got[1]), fw.state);
    expectClose(asM(got[2]), bw.state);
  });

  it('gradients flow through both directions (finite differences, with sequence_length)', () => {
    tf.set_random_seed(4);
    const X = tf.placeholder(tf.float64, [null, null, 2]);
    const L = tf.placeholder(tf.int32, [null]);
    const [[ofw, obw], [sfw, sbw]] = tf.nn.bidirectional_dynamic_rnn(new rc.GRUCell(2), new rc.BasicLSTMCell(2), X, { sequence_length: L, dtype: tf.float64 });
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const vars = tf.trainable_variables();
    const xs: [T, tf.NDArray][] = [[X, randomArray(new RandomStream(9, 1), [2, 4, 2], 1)], ...vars.map((v): [T, tf.NDArray] => [v.value(), sess.run(v)])];
    const bwState = sbw as tf.nn.rnn_cell.LSTMStateTuple;
    const r = fedGradCheck({ ys: [ofw, obw, sfw as T, bwState.c, bwState.h], xs, feeds: [[L, [3, 1]]], sess, atol: 1e-7, rtol: 1e-5 });
    expect(r.compared).toBe(16 + vars.reduce((n, v) => n + v.shape.num_elements()!, 0));
  });

  it("raises TF1's errors for things that are not cells", () => {
    const X = tf.placeholder(tf.float32, [null, 3, 2]);
    const cell = new rc.BasicRNNCell(2);
    expect(() => tf.nn.bidirectional_dynamic_rnn({} as never, cell, X, { dtype: tf.float32 })).toThrow('cell_fw must be an instance of RNNCell');
    expect(() => tf.nn.bidirectional_dynamic_rnn(cell, 3 as never, X, { dtype: tf.float32 })).toThrow('cell_bw must be an instance of RNNCell');
    expect(() => tf.nn.static_bidirectional_rnn(cell, cell, [] as never, { dtype: tf.float32 })).toThrow('inputs must not be empty');
  });
});
