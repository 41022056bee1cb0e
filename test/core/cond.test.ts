// tf.cond: the functional If op. Only the taken branch runs; outputs are named as TF1's Merge;
// structures, shapes and TF1's errors; nesting with while_loop; training through a cond.
import * as tf from 'tf1-ts';
import { TFTypeError, ValueError } from 'tf1-ts/core/errors';

type T = tf.Tensor;

beforeEach(() => tf.reset_default_graph());

describe('tf.cond', () => {
  it("TF1's docstring example: r = f1() = 34, named cond/Merge:0", () => {
    const x = tf.constant(2);
    const y = tf.constant(5);
    const r = tf.cond(tf.less(x, y), () => tf.multiply(x, 17), () => tf.add(y, 23));
    expect(r.name).toBe('cond/Merge:0');
    expect(r.dtype).toBe(tf.int32);
    using sess = new tf.Session();
    expect(sess.run(r).item()).toBe(34);
  });

  it('picks the branch from the fed predicate on every run', () => {
    const p = tf.placeholder(tf.bool, []);
    const x = tf.placeholder(tf.float32, [null]);
    const r = tf.cond(p, () => tf.multiply(x, 2), () => tf.negative(x));
    using sess = new tf.Session();
    expect(Array.from(sess.run(r, [[p, true], [x, [1, 2]]]).data)).toEqual([2, 4]);
    expect(Array.from(sess.run(r, [[p, false], [x, [1, 2]]]).data)).toEqual([-1, -2]);
  });

  it('runs only the taken branch: its side effects happen, the other\'s do not', () => {
    const p = tf.placeholder(tf.bool, []);
    const v = new tf.Variable(0, { name: 'counter' });
    const r = tf.cond(p, () => tf.assign_add(v, 1), () => tf.assign_add(v, 10));
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    expect(sess.run(r, [[p, true]]).item()).toBe(1);
    expect(sess.run(r, [[p, false]]).item()).toBe(11);
    expect(sess.run(r, [[p, true]]).item()).toBe(12);
    expect(sess.run(v).item()).toBe(12);
  });

  it('a branch returning an op runs it and yields the predicate (TF1\'s pivot)', () => {
    const p = tf.placeholder(tf.bool, []);
    const v = new tf.Variable(0);
    const r = tf.cond(p, () => tf.assign(v, 100).op, () => tf.no_op());
    expect(r.dtype).toBe(tf.bool);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    expect(sess.run(r, [[p, false]]).item()).toBe(0);
    expect(sess.run(v).item()).toBe(0);
    expect(sess.run(r, [[p, true]]).item()).toBe(1);
    expect(sess.run(v).item()).toBe(100);
  });

  it('nested structures come back as built; singleton lists are unpacked unless strict', () => {
    const p = tf.placeholder(tf.bool, []);
    const x = tf.placeholder(tf.float32, [2, 3]);
    const d = tf.cond(p, () => ({ a: x, b: [x, tf.constant(1)] }), () => ({ a: tf.ones([2, 3]), b: [x, tf.constant(2)] }));
    expect(Object.keys(d)).toEqual(['a', 'b']);
    expect([d.a.name, d.b[0].name, d.b[1].name]).toEqual(['cond/Merge:0', 'cond/Merge_1:0', 'cond/Merge_2:0']);
    const state = tf.cond(p, () => new tf.nn.rnn_cell.LSTMStateTuple(x, x), () => new tf.nn.rnn_cell.LSTMStateTuple(x, tf.zeros([2, 3])));
    expect(state).toBeInstanceOf(tf.nn.rnn_cell.LSTMStateTuple);
    expect(tf.cond(p, () => [x], () => [x])).toBeInstanceOf(tf.Tensor);
    const strict = tf.cond(p, () => [x], () => [x], { strict: true });
    expect(Array.isArray(strict) && strict.length === 1).toBe(true);
    using sess = new tf.Session();
    const feed: [T, unknown][] = [[p, false], [x, [[1, 2, 3], [4, 5, 6]]]];
    const [a, b1, h] = sess.run([d.a, d.b[1], state.h] as const, feed as never);
    expect([Array.from(a.data), b1.item(), Array.from(h.data)]).toEqual([[1, 1, 1, 1, 1, 1], 2, [0, 0, 0, 0, 0, 0]]);
  });

  it('the static shape is what both branches agree on', () => {
    const p = tf.placeholder(tf.bool, []);
    const x = tf.placeholder(tf.float32, [2, 3]);
    expect(tf.cond(p, () => x, () => tf.zeros([2, 3])).shape.as_list()).toEqual([2, 3]);
    expect(tf.cond(p, () => x, () => tf.zeros([2, 1])).shape.as_list()).toEqual([2, null]);
    expect(tf.cond(p, () => x, () => tf.zeros([6])).shape.ndims).toBeNull();
  });

  it("raises TF1's errors", () => {
    const x = tf.constant(1);
    const f = (): T => x;
    expect(() => tf.cond(true as never, f, f)).toThrow(TFTypeError);
    expect(() => tf.cond(true as never, f, f)).toThrow('pred must not be a Python bool');
    expect(() => tf.cond(tf.constant(1.5), f, f)).toThrow("Input 'pred' of 'Switch' Op has type float32 that does not match expected type of bool.");
    expect(() => tf.cond(tf.constant([true, false]), f, f)).toThrow(/^Shape must be rank 0 but is rank 1 for 'cond_\d+\/Switch' \(op: 'Switch'\) with input shapes: \[2\], \[2\]\.$/);
    expect(() => tf.cond(tf.constant(true), 3 as never, f)).toThrow('true_fn must be callable.');
    expect(() => tf.cond(tf.constant(true), f, undefined as never)).toThrow('cond(): false_fn argument required');
    expect(() => tf.cond(tf.constant(true), () => undefined as never, f)).toThrow('true_fn must have a return value.');
    expect(() => tf.cond(tf.constant(true), f, () => tf.constant(1.5))).toThrow(ValueError);
    expect(() => tf.cond(tf.constant(true), f, () => tf.constant(1.5))).toThrow('Outputs of true_fn and false_fn must have the same type: int32, float32');
    expect(() => tf.cond(tf.constant(true), () => [x, x], () => [x])).toThrow(/^Incompatible return values of true_fn and false_fn: The two structures don't have the same nested structure\.[\s\S]*More specifically: Substructure "\[Const:0, Const:0\]" is a sequence, while substructure "Const:0" is not$/);
    expect(() => tf.cond(tf.constant(true), () => [], () => [])).toThrow('true_fn and false_fn must return at least one result.');
  });

  it('nests with while_loop both ways, gradients included', () => {
    const w = tf.placeholder(tf.float32, []);
    // h: 1 -> w -> w^2 -> w^2 + w -> w^2 + 2w; d/dw = 2w + 2
    const [, h] = tf.while_loop(
      (i: T) => tf.less(i, 4),
      (i: T, hh: T) => [tf.add(i, 1), tf.cond(tf.less(i, 2), () => tf.multiply(hh, w), () => tf.add(hh, w))],
      [tf.constant(0), tf.constant(1, { dtype: tf.float32 })],
    );
    const [gw] = tf.gradients(h, [w]);
    const n = tf.placeholder(tf.int32, []);
    const count = tf.cond(tf.greater(n, 0), () => tf.while_loop((k: T) => tf.less(k, n), (k: T) => tf.add(k, 1), tf.constant(0)), () => tf.constant(-1));
    using sess = new tf.Session();
    const [hv, gv] = sess.run([h, gw!] as const, [[w, 3]]);
    expect([hv.item(), gv.item()]).toEqual([15, 8]);
    expect([sess.run(count, [[n, 5]]).item(), sess.run(count, [[n, -2]]).item()]).toEqual([5, -1]);
  });

  it('trains through a cond: dropout only while is_training, as TF1 models switch it', () => {
    tf.set_random_seed(3);
    const is_training = tf.placeholder_with_default(false, []);
    const x = tf.placeholder(tf.float32, [null, 4]);
    const y = tf.placeholder(tf.float32, [null, 1]);
    const hidden = tf.layers.dense(x, 8, { activation: tf.nn.relu });
    const dropped = tf.cond(is_training, () => tf.nn.dropout(hidden, 0.5), () => hidden);
    const out = tf.layers.dense(dropped, 1);
    const loss = tf.reduce_mean(tf.square(tf.subtract(out, y)));
    const train = new tf.train.AdamOptimizer({ learning_rate: 0.05 }).minimize(loss);
    const X = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    const Y = [[1], [2], [3], [4]];
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const before = sess.run(loss, [[x, X], [y, Y]]).item();
    for (let i = 0; i < 300; i++) sess.run(train, [[x, X], [y, Y], [is_training, true]]);
    const after = sess.run(loss, [[x, X], [y, Y]]).item();
    expect(after).toBeLessThan(before / 10);
    // With is_training false (the default) the cond is the identity: two runs agree exactly.
    expect(sess.run(out, [[x, X]]).data).toEqual(sess.run(out, [[x, X]]).data);
  });
});
