// Static shape inference and TF1's exact build-time error texts.
import { inspect } from 'util';
import * as tf from 'tf1-ts';
import { caught } from './helpers';

beforeEach(() => tf.reset_default_graph());

describe('static shapes and printing', () => {
  it("a [None, 784] placeholder prints '(?, 784)' and lists [null, 784]", () => {
    const x = tf.placeholder(tf.float32, [null, 784]);
    expect(x.get_shape().toString()).toBe('(?, 784)');
    expect(x.shape.toString()).toBe('(?, 784)');
    expect(x.get_shape().as_list()).toEqual([null, 784]);
    expect(x.shape.ndims).toBe(2);
    expect(x.shape.is_fully_defined()).toBe(false);
    expect(x.shape.num_elements()).toBeNull();
    expect(x.toString()).toBe('Tensor("Placeholder:0", shape=(?, 784), dtype=float32)');
    expect(String(x)).toBe('Tensor("Placeholder:0", shape=(?, 784), dtype=float32)');
    expect(inspect(x)).toBe('Tensor("Placeholder:0", shape=(?, 784), dtype=float32)');
  });

  it('scalar, vector and unknown-rank shapes', () => {
    expect(tf.constant(1).shape.toString()).toBe('()');
    expect(tf.constant([1, 2, 3]).shape.toString()).toBe('(3,)');
    const u = tf.placeholder(tf.int32);
    expect(u.shape.toString()).toBe('<unknown>');
    expect(u.toString()).toBe('Tensor("Placeholder:0", shape=<unknown>, dtype=int32)');
    expect(() => u.shape.as_list()).toThrow('as_list() is not defined on an unknown TensorShape.');
    const c = tf.constant([[1, 2, 3], [4, 5, 6]]);
    expect(c.shape.is_fully_defined()).toBe(true);
    expect(c.shape.num_elements()).toBe(6);
    expect(c.toString()).toBe('Tensor("Const_2:0", shape=(2, 3), dtype=int32)');
    const b = tf.placeholder(tf.bool, [null]);
    expect(b.toString()).toBe('Tensor("Placeholder_1:0", shape=(?,), dtype=bool)');
    const d = tf.placeholder(tf.float64, []);
    expect(d.toString()).toBe('Tensor("Placeholder_2:0", shape=(), dtype=float64)');
  });

  it('TensorShape compatibility and set_shape', () => {
    const s = new tf.TensorShape([null, 3]);
    expect(s.is_compatible_with([5, 3])).toBe(true);
    expect(s.is_compatible_with([5, 4])).toBe(false);
    expect(s.is_compatible_with([5])).toBe(false);
    expect(s.merge_with([5, null]).as_list()).toEqual([5, 3]);
    expect(() => s.merge_with([5, 4])).toThrow(tf.ValueError);
    const x = tf.placeholder(tf.float32);
    x.set_shape([null, 2]);
    expect(x.shape.toString()).toBe('(?, 2)');
    x.set_shape([4, null]);
    expect(x.shape.toString()).toBe('(4, 2)');
    expect(() => x.set_shape([4, 3])).toThrow(tf.ValueError);
  });
});

describe('shape inference', () => {
  it('broadcasting', () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    expect(x.add(tf.constant([1, 2, 3], { dtype: tf.float32 })).shape.toString()).toBe('(?, 3)');
    expect(tf.multiply(tf.placeholder(tf.float32, [2, 1]), tf.placeholder(tf.float32, [1, 3])).shape.toString()).toBe('(2, 3)');
    expect(tf.add(x, tf.placeholder(tf.float32, [5, 1])).shape.toString()).toBe('(5, 3)');
    expect(tf.add(tf.placeholder(tf.float32, [null, 1]), tf.placeholder(tf.float32, [1, null])).shape.toString()).toBe('(?, ?)');
    expect(tf.add(x, 1).shape.toString()).toBe('(?, 3)');
    expect(tf.add(x, tf.placeholder(tf.float32)).shape.toString()).toBe('<unknown>');
    expect(tf.add(tf.placeholder(tf.float32, [4, 1, 3]), tf.placeholder(tf.float32, [2, 1])).shape.toString()).toBe('(4, 2, 3)');
    expect(tf.equal(x, 1).shape.toString()).toBe('(?, 3)');
  });

  it('matmul', () => {
    const x = tf.placeholder(tf.float32, [null, 784]);
    const w = tf.placeholder(tf.float32, [784, 10]);
    expect(tf.matmul(x, w).shape.toString()).toBe('(?, 10)');
    expect(tf.matmul(w, x, { transpose_a: true, transpose_b: true }).shape.toString()).toBe('(10, ?)');
    expect(tf.matmul(x, tf.placeholder(tf.float32)).shape.toString()).toBe('(?, ?)');
  });

  it('reductions', () => {
    const x = tf.placeholder(tf.float32, [null, 784]);
    expect(tf.reduce_sum(x, 1).shape.toString()).toBe('(?,)');
    expect(tf.reduce_sum(x, 0).shape.toString()).toBe('(784,)');
    expect(tf.reduce_mean(x, 1, { keepdims: true }).shape.toString()).toBe('(?, 1)');
    expect(tf.reduce_max(x, [0, 1], { keepdims: true }).shape.toString()).toBe('(1, 1)');
    expect(tf.reduce_mean(x).shape.toString()).toBe('()');
    expect(tf.reduce_min(x, -1).shape.toString()).toBe('(?,)');
    const u = tf.placeholder(tf.float32);
    expect(tf.reduce_sum(u).shape.toString()).toBe('()');
    expect(tf.reduce_sum(u, 0).shape.toString()).toBe('<unknown>');
    expect(tf.argmax(x, 1).shape.toString()).toBe('(?,)');
  });

  it('transpose, concat, stack, reshape, gather, slice', () => {
    const x = tf.placeholder(tf.float32, [null, 3, 5]);
    expect(tf.transpose(x).shape.toString()).toBe('(5, 3, ?)');
    expect(tf.transpose(x, [1, 0, 2]).shape.toString()).toBe('(3, ?, 5)');
    const a = tf.placeholder(tf.float32, [null, 3]);
    const b = tf.placeholder(tf.float32, [2, 3]);
    expect(tf.concat([a, b], 0).shape.toString()).toBe('(?, 3)');
    expect(tf.concat([b, b], 0).shape.toString()).toBe('(4, 3)');
    expect(tf.concat([b, tf.placeholder(tf.float32, [2, 4])], 1).shape.toString()).toBe('(2, 7)');
    expect(tf.concat([a, b], 1).shape.toString()).toBe('(2, 6)');
    expect(tf.stack([a, a], 1).shape.toString()).toBe('(?, 2, 3)');
    expect(tf.unstack(x, { axis: 1 }).map((t) => t.shape.toString())).toEqual(['(?, 5)', '(?, 5)', '(?, 5)']);
    const img = tf.placeholder(tf.float32, [null, 28, 28]);
    expect(tf.reshape(img, [-1, 784]).shape.toString()).toBe('(?, 784)');
    expect(tf.reshape(tf.placeholder(tf.float32, [null, 784]), [-1, 28, 28, 1]).shape.toString()).toBe('(?, 28, 28, 1)');
    expect(tf.reshape(b, [3, -1]).shape.toString()).toBe('(3, 2)');
    expect(tf.reshape(b, [-1]).shape.toString()).toBe('(6,)');
    expect(tf.reshape(b, tf.placeholder(tf.int32, [3])).shape.toString()).toBe('(?, ?, ?)');
    expect(tf.reshape(b, tf.stack([tf.constant(1), tf.constant(6)])).shape.toString()).toBe('(1, 6)');
    expect(tf.gather(a, tf.placeholder(tf.int32, [7])).shape.toString()).toBe('(7, 3)');
    expect(tf.gather(a, tf.constant([0, 1]), 1).shape.toString()).toBe('(?, 2)');
    expect(tf.slice(b, [0, 1], [-1, 2]).shape.toString()).toBe('(2, 2)');
    expect(tf.split(a, 3, 1).map((t) => t.shape.toString())).toEqual(['(?, 1)', '(?, 1)', '(?, 1)']);
    expect(tf.one_hot(tf.placeholder(tf.int32, [null]), 10).shape.toString()).toBe('(?, 10)');
    expect(tf.cast(a, tf.int32).shape.toString()).toBe('(?, 3)');
    expect(tf.shape(a).shape.toString()).toBe('(2,)');
  });

  it('reshape and concat shape errors', () => {
    const b = tf.constant([[1, 2, 3], [4, 5, 6]]);
    const e = caught(() => tf.reshape(b, [4]));
    expect(e.name).toBe('ValueError');
    expect(e.message).toContain("Cannot reshape a tensor with 6 elements to shape [4] (4 elements) for 'Reshape' (op: 'Reshape') with input shapes: [2,3], [1]");
    const c = caught(() => tf.concat([b, tf.constant([[1, 2, 3]])], 1));
    expect(c.name).toBe('ValueError');
    expect(c.message).toContain('Dimension 0 in both shapes must be equal, but are 2 and 1');
    expect(c.message).toContain("for 'concat' (op: 'ConcatV2')");
  });
});

describe("TF1's build-time error texts", () => {
  it('matmul inner dimensions', () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    const w = tf.placeholder(tf.float32, [4, 5]);
    const e = caught(() => tf.matmul(x, w));
    expect(e).toBeInstanceOf(tf.ValueError);
    expect(e.name).toBe('ValueError');
    expect(e.message).toBe("Dimensions must be equal, but are 3 and 4 for 'MatMul' (op: 'MatMul') with input shapes: [?,3], [4,5].");
    // With transpose_a the inner dimension is the first one; the failed name stays taken.
    const t = caught(() => tf.matmul(tf.placeholder(tf.float32, [2, 3]), tf.placeholder(tf.float32, [3, 3]), { transpose_a: true }));
    expect(t.message).toBe("Dimensions must be equal, but are 2 and 3 for 'MatMul_1' (op: 'MatMul') with input shapes: [2,3], [3,3].");
  });

  it('matmul rank', () => {
    const e = caught(() => tf.matmul(tf.constant([1, 2], { dtype: tf.float32 }), tf.placeholder(tf.float32, [2, 3])));
    expect(e.name).toBe('ValueError');
    expect(e.message).toBe("Shape must be rank 2 but is rank 1 for 'MatMul' (op: 'MatMul') with input shapes: [2], [2,3].");
  });

  it("broadcasting add: 'add' from the method, 'Add' from tf.add", () => {
    const a = tf.placeholder(tf.float32, [2, 3]);
    const b = tf.placeholder(tf.float32, [4]);
    const e1 = caught(() => a.add(b));
    expect(e1.name).toBe('ValueError');
    expect(e1.message).toBe("Dimensions must be equal, but are 3 and 4 for 'add' (op: 'Add') with input shapes: [2,3], [4].");
    // Names are compared case-insensitively (TF 1.x), so 'add' now blocks 'Add': use a new graph.
    tf.reset_default_graph();
    const e2 = caught(() => tf.add(tf.placeholder(tf.float32, [2, 3]), tf.placeholder(tf.float32, [4])));
    expect(e2.message).toBe("Dimensions must be equal, but are 3 and 4 for 'Add' (op: 'Add') with input shapes: [2,3], [4].");
    const a2 = tf.placeholder(tf.float32, [2, 3]);
    const e3 = caught(() => a2.mul(tf.placeholder(tf.float32, [null, 5])));
    expect(e3.message).toBe("Dimensions must be equal, but are 3 and 5 for 'mul' (op: 'Mul') with input shapes: [2,3], [?,5].");
  });

  it('dtype mismatch: no implicit casting', () => {
    const logits = tf.placeholder(tf.float32, [null, 10]);
    const y = tf.placeholder(tf.int32, [null]);
    const e = caught(() => tf.equal(tf.argmax(logits, 1), y));
    expect(e.name).toBe('TypeError');
    expect(e).toBeInstanceOf(tf.TFTypeError);
    expect(e.message).toBe("Input 'y' of 'Equal' Op has type int32 that does not match type int64 of argument 'x'.");
    const f = caught(() => tf.add(tf.placeholder(tf.float32), tf.placeholder(tf.int32)));
    expect(f.message).toBe("Input 'y' of 'Add' Op has type int32 that does not match type float32 of argument 'x'.");
  });

  it('a failed op is not added to the graph', () => {
    const a = tf.placeholder(tf.float32, [2, 3]);
    const n = tf.get_default_graph().get_operations().length;
    expect(() => tf.matmul(a, a)).toThrow(tf.ValueError);
    expect(tf.get_default_graph().get_operations().length).toBe(n);
  });
});
