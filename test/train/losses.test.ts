// tf.losses (TF1_SEMANTICS.md 6): mean_squared_error with weights and reductions, the
// softmax cross-entropies, loss collections.
import * as tf from 'tf1-ts';
import { checkGradients } from '../gradients/gradcheck';

beforeEach(() => tf.reset_default_graph());

function run(t: tf.Tensor): number[] {
  using sess = new tf.Session();
  return [...sess.run(t).data];
}

const close = (a: number[], b: number[], digits = 5): void => {
  expect(a.length).toBe(b.length);
  b.forEach((v, i) => expect(a[i]).toBeCloseTo(v, digits));
};

const labels = [
  [1, 2],
  [3, 4],
];
const preds = [
  [1.5, 2],
  [2, 6],
];
// squared errors: 0.25, 0, 1, 4

describe('mean_squared_error', () => {
  test('default reduction is the mean; name and LOSSES collection', () => {
    const loss = tf.losses.mean_squared_error(labels, preds);
    expect(loss.name).toBe('mean_squared_error/value:0');
    expect(loss.shape.as_list()).toEqual([]);
    close(run(loss), [5.25 / 4]);
    expect(tf.get_collection(tf.GraphKeys.LOSSES)).toEqual([loss]);
    expect(tf.losses.get_losses()).toEqual([loss]);
  });

  test('weights: scalar, per example, with zeros (SUM_BY_NONZERO_WEIGHTS)', () => {
    close(run(tf.losses.mean_squared_error(labels, preds, { weights: 2 })), [(2 * 5.25) / 4]);
    // [2,1] weights broadcast over columns; a zero weight drops its row from the count.
    close(run(tf.losses.mean_squared_error(labels, preds, { weights: [[0], [3]] })), [(3 * 5) / 2]);
    close(run(tf.losses.mean_squared_error(labels, preds, { weights: [[1, 0], [2, 0]] })), [(0.25 + 2) / 2]);
    expect(() => tf.losses.mean_squared_error(labels, preds, { weights: [1, 2, 3] })).toThrow(/weights can not be broadcast to values/);
  });

  test('reductions', () => {
    const R = tf.losses.Reduction;
    const w = { weights: [[1], [2]] as number[][] };
    close(run(tf.losses.mean_squared_error(labels, preds, { ...w, reduction: R.NONE })), [0.25, 0, 2, 8]);
    close(run(tf.losses.mean_squared_error(labels, preds, { ...w, reduction: R.SUM })), [10.25]);
    close(run(tf.losses.mean_squared_error(labels, preds, { ...w, reduction: R.MEAN })), [10.25 / 6]);
    close(run(tf.losses.mean_squared_error(labels, preds, { ...w, reduction: R.SUM_OVER_BATCH_SIZE })), [10.25 / 4]);
    close(run(tf.losses.mean_squared_error(labels, preds, { ...w, reduction: R.SUM_BY_NONZERO_WEIGHTS })), [10.25 / 4]);
    expect(() => tf.losses.mean_squared_error(labels, preds, { reduction: 'mean' as never })).toThrow('Invalid Reduction Key mean.');
    // All weights zero: 0, not NaN.
    close(run(tf.losses.mean_squared_error(labels, preds, { weights: 0 })), [0]);
  });

  test('scope, loss_collection, shape check, unknown options', () => {
    const l = tf.losses.mean_squared_error(labels, preds, { scope: 'mse', loss_collection: 'mine' });
    expect(l.op.name).toBe('mse/value');
    expect(tf.get_collection('mine')).toEqual([l]);
    expect(tf.get_collection(tf.GraphKeys.LOSSES)).toEqual([]);
    tf.losses.mean_squared_error(labels, preds, { loss_collection: null });
    expect(tf.get_collection(tf.GraphKeys.LOSSES)).toEqual([]);
    expect(() => tf.losses.mean_squared_error([1, 2, 3], [1, 2])).toThrow(/are incompatible/);
    expect(() => tf.losses.mean_squared_error(labels, preds, { weight: 1 } as never)).toThrow(/unexpected keyword argument 'weight' \(did you mean 'weights'\?\)/);
  });

  test('gradient w.r.t. predictions matches finite differences (unknown batch)', () => {
    checkGradients({
      name: 'mse',
      inputs: [{ shape: [3, 2], static: [null, 2] }, { shape: [3, 2], static: [null, 2] }],
      build: ([p, l]) => tf.cast(tf.losses.mean_squared_error(tf.cast(l, tf.float32), tf.cast(p, tf.float32)), tf.float64),
      eps: 1e-2,
      atol: 1e-4,
      rtol: 1e-3,
    });
  });
});

describe('cross-entropy losses', () => {
  const logits = [
    [1, 1, 1, 1],
    [1, 2, 3, 4],
  ];
  test('sparse_softmax_cross_entropy: mean of the spec example', () => {
    const l = tf.losses.sparse_softmax_cross_entropy([3, 0], tf.constant(logits, { dtype: tf.float32 }));
    expect(l.op.name).toBe('sparse_softmax_cross_entropy_loss/value');
    close(run(l), [(1.3862944 + 3.4401897) / 2]);
    // Labels with a trailing dimension of 1 are squeezed.
    close(run(tf.losses.sparse_softmax_cross_entropy([[3], [0]], tf.constant(logits, { dtype: tf.float32 }))), [(1.3862944 + 3.4401897) / 2]);
    close(run(tf.losses.sparse_softmax_cross_entropy([3, 0], tf.constant(logits, { dtype: tf.float32 }), { weights: [1, 0] })), [1.3862944]);
  });

  test('softmax_cross_entropy: one-hot labels, label smoothing, no gradient to labels', () => {
    const lg = tf.constant(logits, { dtype: tf.float32 });
    const onehot = tf.constant(
      [
        [0, 0, 0, 1],
        [1, 0, 0, 0],
      ],
      { dtype: tf.float32 },
    );
    const l = tf.losses.softmax_cross_entropy(onehot, lg);
    expect(l.op.name).toBe('softmax_cross_entropy_loss/value');
    close(run(l), [(1.3862944 + 3.4401897) / 2]);
    expect(tf.gradients(l, onehot)).toEqual([null]);
    // Smoothing 0.4 over 4 classes: targets 0.1 / 0.7.
    const s = tf.losses.softmax_cross_entropy(onehot, lg, { label_smoothing: 0.4 });
    const lse2 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(4));
    const row2 = 0.7 * (lse2 - 1) + 0.1 * (lse2 - 2) + 0.1 * (lse2 - 3) + 0.1 * (lse2 - 4);
    close(run(s), [(Math.log(4) + row2) / 2]);
  });

  test('get_total_loss adds the regularization losses', () => {
    const a = tf.losses.mean_squared_error(labels, preds);
    tf.get_variable('w', [2], { initializer: tf.constant_initializer([1, 2]), regularizer: tf.contrib.layers.l2_regularizer(1.0) });
    const total = tf.losses.get_total_loss();
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    expect(sess.run(total).item()).toBeCloseTo(sess.run(a).item() + 2.5, 5);
    expect(sess.run(tf.losses.get_regularization_loss()).item()).toBeCloseTo(2.5, 5);
  });
});
