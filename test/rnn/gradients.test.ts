// Backpropagation through time: finite-difference checks of the gradients w.r.t. the inputs
// and every cell variable, through static_rnn and through dynamic_rnn (the While loop's
// gradient), with and without sequence_length, for every cell type.
import * as tf from 'tf1-ts';
import { RandomStream } from 'tf1-ts/core/random';
import { RNNCell, RNNState, rnnLogging } from 'tf1-ts/nn/rnn_cell';
import { fedGradCheck, randomArray } from './helpers';

const rc = tf.nn.rnn_cell;
type T = tf.Tensor;

const cells: [string, () => RNNCell][] = [
  ['BasicRNNCell', () => new rc.BasicRNNCell(3)],
  ['BasicRNNCell relu', () => new rc.BasicRNNCell(3, { activation: tf.nn.relu })],
  ['BasicLSTMCell', () => new rc.BasicLSTMCell(3)],
  ['BasicLSTMCell state_is_tuple=false', () => new rc.BasicLSTMCell(2, { state_is_tuple: false })],
  ['LSTMCell peepholes + projection + cell_clip', () => new rc.LSTMCell(3, { use_peepholes: true, num_proj: 2, cell_clip: 0.8 })],
  ['GRUCell', () => new rc.GRUCell(3)],
  ['MultiRNNCell(LSTM, GRU)', () => new rc.MultiRNNCell([new rc.BasicLSTMCell(2), new rc.GRUCell(2)])],
  ['OutputProjectionWrapper(GRUCell)', () => new rc.OutputProjectionWrapper(new rc.GRUCell(3), 2)],
  ['InputProjectionWrapper(BasicRNNCell)', () => new rc.InputProjectionWrapper(new rc.BasicRNNCell(2), 3)],
];

const flatState = (s: RNNState): T[] => (Array.isArray(s) ? (s as RNNState[]).flatMap(flatState) : s instanceof rc.LSTMStateTuple ? [s.c, s.h] : [s as T]);

function check(make: () => RNNCell, mode: 'static' | 'dynamic', lengths: number[] | null): number {
  tf.reset_default_graph();
  tf.set_random_seed(21);
  const B = 2;
  const Tn = 3;
  const D = 2;
  const X = tf.placeholder(tf.float64, [null, mode === 'dynamic' ? null : Tn, D]);
  const seq = tf.placeholder(tf.int32, [null]);
  const cell = make();
  const sequence_length = lengths ? seq : null;
  let outputs: T;
  let state: RNNState;
  if (mode === 'static') {
    const [outs, st] = tf.nn.static_rnn(cell, tf.unstack(tf.transpose(X, [1, 0, 2]), { num: Tn }), { dtype: tf.float64, sequence_length });
    outputs = tf.stack(outs, 1);
    state = st;
  } else [outputs, state] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float64, sequence_length });
  using sess = new tf.Session();
  sess.run(tf.global_variables_initializer());
  const vars = tf.trainable_variables();
  const xs: [T, tf.NDArray][] = [[X, randomArray(new RandomStream(5, 6), [B, Tn, D], 1)], ...vars.map((v): [T, tf.NDArray] => [v.value(), sess.run(v)])];
  const r = fedGradCheck({ ys: [outputs, ...flatState(state)], xs, feeds: lengths ? [[seq, lengths]] : [], sess, atol: 1e-7, rtol: 1e-5 });
  return r.compared;
}

let savedWarn: (m: string) => void;
beforeAll(() => {
  savedWarn = rnnLogging.warn;
  rnnLogging.warn = () => undefined;
});
afterAll(() => {
  rnnLogging.warn = savedWarn;
});

describe.each(cells)('%s', (_name, make) => {
  test('static_rnn', () => expect(check(make, 'static', null)).toBeGreaterThan(12));
  test('static_rnn with sequence_length [3, 1]', () => expect(check(make, 'static', [3, 1])).toBeGreaterThan(12));
  test('dynamic_rnn', () => expect(check(make, 'dynamic', null)).toBeGreaterThan(12));
  test('dynamic_rnn with sequence_length [2, 0]', () => expect(check(make, 'dynamic', [2, 0])).toBeGreaterThan(12));
});

test('masked steps contribute nothing: d outputs / d x is zero past each length', () => {
  tf.reset_default_graph();
  const X = tf.placeholder(tf.float64, [null, null, 2]);
  const seq = tf.placeholder(tf.int32, [null]);
  const [outputs, state] = tf.nn.dynamic_rnn(new rc.GRUCell(3), X, { dtype: tf.float64, sequence_length: seq });
  const [gx] = tf.gradients([tf.reduce_sum(outputs), tf.reduce_sum(state)], X);
  using sess = new tf.Session();
  sess.run(tf.global_variables_initializer());
  const g = sess.run(gx!, [
    [X, randomArray(new RandomStream(1, 1), [2, 4, 2], 1)],
    [seq, [4, 2]],
  ]);
  for (let t = 2; t < 4; t++) for (let k = 0; k < 2; k++) expect(g.get(1, t, k)).toBe(0);
  expect(Math.abs(g.get(1, 1, 0)) + Math.abs(g.get(1, 1, 1))).toBeGreaterThan(0);
});

test('the shared kernel\'s gradient through dynamic_rnn is the sum over steps (equals static_rnn\'s)', () => {
  tf.reset_default_graph();
  const X = tf.placeholder(tf.float64, [null, 4, 2]);
  const cell = new rc.BasicLSTMCell(3);
  const [so] = tf.nn.static_rnn(cell, tf.unstack(tf.transpose(X, [1, 0, 2])), { dtype: tf.float64 });
  const [dout] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float64, scope: 'rnn' });
  const loss = (o: T): T => tf.reduce_mean(tf.square(o));
  const vars = tf.trainable_variables();
  const gs = tf.gradients(loss(tf.stack(so, 1)), vars) as T[];
  const gd = tf.gradients(loss(dout), vars) as T[];
  using sess = new tf.Session();
  sess.run(tf.global_variables_initializer());
  const xb = randomArray(new RandomStream(9, 9), [3, 4, 2], 1);
  const a = sess.run(gs, [[X, xb]]);
  const b = sess.run(gd, [[X, xb]]);
  a.forEach((v, i) => Array.from(v.data).forEach((x, j) => expect(b[i].data[j]).toBeCloseTo(x, 12)));
});
