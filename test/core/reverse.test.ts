// tf.reverse and tf.reverse_sequence: values (TF's docstring examples), static shapes, TF's errors.
import * as tf from 'tf1-ts';

beforeEach(() => tf.reset_default_graph());

const arange = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('tf.reverse', () => {
  it("TF's docstring example: t of shape [1, 2, 3, 4] along [3], [-3] and [2]", () => {
    const t = tf.reshape(tf.constant(arange(24)), [1, 2, 3, 4]);
    using sess = new tf.Session();
    expect(Array.from(sess.run(tf.reverse(t, [3])).data).slice(0, 8)).toEqual([3, 2, 1, 0, 7, 6, 5, 4]);
    expect(Array.from(sess.run(tf.reverse(t, [-3])).data).slice(0, 4)).toEqual([12, 13, 14, 15]);
    expect(Array.from(sess.run(tf.reverse(t, [2])).data).slice(0, 12)).toEqual([8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3]);
    expect(Array.from(sess.run(tf.reverse(t, [])).data)).toEqual(arange(24));
    expect(tf.reverse(t, [1, 2]).shape.as_list()).toEqual([1, 2, 3, 4]);
  });

  it("raises TF's errors for bad axes, at build time for constants and at run time for fed ones", () => {
    const x = tf.zeros([2, 3]);
    expect(() => tf.reverse(x, [2])).toThrow(/^'axis'\[0\] = 2 is out of valid range \[0, 1 for 'ReverseV2' \(op: 'ReverseV2'\)/);
    expect(() => tf.reverse(x, [1, -1])).toThrow(/^axis 1 specified more than once\./);
    const axis = tf.placeholder(tf.int32, [null]);
    const r = tf.reverse(x, axis);
    using sess = new tf.Session();
    expect(() => sess.run(r, [[axis, [0, -2]]])).toThrow(tf.errors.InvalidArgumentError);
    expect(() => sess.run(r, [[axis, [0, -2]]])).toThrow(/^axis 0 specified more than once\./);
  });
});

describe('tf.reverse_sequence', () => {
  it("TF's docstring example: seq_axis 1, batch_axis 0, lengths [7, 2, 3, 5]", () => {
    const input = tf.reshape(tf.constant(arange(4 * 8)), [4, 8, 1]);
    const out = tf.reverse_sequence(input, [7, 2, 3, 5], { seq_axis: 1, batch_axis: 0 });
    using sess = new tf.Session();
    const rows = sess.run(tf.squeeze(out, [2])).tolist() as number[][];
    expect(rows).toEqual([
      [6, 5, 4, 3, 2, 1, 0, 7],
      [9, 8, 10, 11, 12, 13, 14, 15],
      [18, 17, 16, 19, 20, 21, 22, 23],
      [28, 27, 26, 25, 24, 29, 30, 31],
    ]);
    // batch_axis after seq_axis, a trailing axis, the old argument names
    const t = tf.transpose(input, [1, 0, 2]);
    const out2 = tf.reverse_sequence(t, [7, 2, 3, 5], { seq_dim: 0, batch_dim: 1 });
    expect(sess.run(tf.transpose(out2, [1, 0, 2])).data).toEqual(sess.run(out).data);
  });

  it('infers the batch dimension from seq_lengths and checks shapes and lengths', () => {
    const x = tf.placeholder(tf.float32, [null, 5]);
    expect(tf.reverse_sequence(x, tf.constant([1, 2, 3]), { seq_axis: 1 }).shape.as_list()).toEqual([3, 5]);
    expect(() => tf.reverse_sequence(tf.zeros([2, 5]), [1, 2, 3], { seq_axis: 1 })).toThrow(/^Dimensions must be equal, but are 2 and 3 for 'ReverseSequence(_\d+)?' \(op: 'ReverseSequence'\) with input shapes: \[2,5\], \[3\]\.$/);
    expect(() => tf.reverse_sequence(tf.zeros([2, 5]), [[1, 2]], { seq_axis: 1 })).toThrow(/^Shape must be rank 1 but is rank 2/);
    expect(() => tf.reverse_sequence(tf.zeros([2, 5]), [1, 2], { seq_axis: 0 })).toThrow(/^batch_dim == seq_dim == 0/);
    expect(() => tf.reverse_sequence(tf.zeros([2, 5]), [1, 2], { seq_axis: 2 })).toThrow(/^seq_dim must be < input rank: 2 vs. 2/);
    expect(() => tf.reverse_sequence(tf.zeros([2, 5]), [1, 2], {})).toThrow("reverse_sequence() missing required argument: 'seq_axis'");
    const lens = tf.placeholder(tf.int32, [null]);
    const r = tf.reverse_sequence(tf.zeros([2, 5]), lens, { seq_axis: 1 });
    using sess = new tf.Session();
    expect(() => sess.run(r, [[lens, [1, 6]]])).toThrow(/^seq_lens\(1\) > input\.dims\(1\)/);
    expect(() => sess.run(r, [[lens, [-1, 2]]])).toThrow(/^seq_lens\(0\) < 0/);
    expect(() => sess.run(r, [[lens, [1, 2, 3]]])).toThrow(/^Length of seq_lengths != input\.dims\(0\), \(3 vs\. 2\)/);
  });
});
