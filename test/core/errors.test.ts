// Run-time errors: each names the op or tensor (and the shapes), with TF1's class and wording.
import * as tf from 'tf1-ts';
import { caught } from './helpers';

beforeEach(() => tf.reset_default_graph());

describe('placeholders', () => {
  it('not fed: InvalidArgumentError naming the placeholder, its dtype and shape', () => {
    const x = tf.placeholder(tf.float32, [null, 784]);
    const y = tf.reduce_sum(x);
    using sess = new tf.Session();
    const e = caught(() => sess.run(y));
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e).toBeInstanceOf(tf.errors.OpError);
    expect(e.name).toBe('InvalidArgumentError');
    expect(e.message.startsWith("You must feed a value for placeholder tensor 'Placeholder' with dtype float and shape [?,784]")).toBe(true);
    expect((e as InstanceType<typeof tf.errors.OpError>).opName).toBe('Placeholder');
    const i = tf.placeholder(tf.int32, null, 'ids');
    const e2 = caught(() => sess.run(i.add(1)));
    expect(e2.message.startsWith("You must feed a value for placeholder tensor 'ids' with dtype int32")).toBe(true);
    expect(e2.message).not.toContain('and shape');
    const s = tf.placeholder(tf.float64, []);
    expect(caught(() => sess.run(s)).message.split('\n')[0]).toBe("You must feed a value for placeholder tensor 'Placeholder_1' with dtype double");
    const b = tf.placeholder(tf.bool, [2]);
    expect(caught(() => sess.run(b)).message.split('\n')[0]).toBe("You must feed a value for placeholder tensor 'Placeholder_2' with dtype bool and shape [2]");
  });

  it('a fed value of the wrong shape fails before running (ValueError)', () => {
    const x = tf.placeholder(tf.float32, [null, 784]);
    using sess = new tf.Session();
    const e = caught(() => sess.run(x, [[x, [[1, 2, 3], [4, 5, 6]]]]));
    expect(e.name).toBe('ValueError');
    expect(e.message).toBe("Cannot feed value of shape (2, 3) for Tensor 'Placeholder:0', which has shape '(?, 784)'");
    const v = caught(() => sess.run(x, [[x, new Array(784).fill(0)]]));
    expect(v.message).toBe("Cannot feed value of shape (784,) for Tensor 'Placeholder:0', which has shape '(?, 784)'");
    const s = tf.placeholder(tf.int32, [], 'k');
    expect(caught(() => sess.run(s, [[s, [1]]])).message).toBe("Cannot feed value of shape (1,) for Tensor 'k:0', which has shape '()'");
  });

  it('a fed value of a wrong type: strings, objects, null, tensors (TypeError)', () => {
    const x = tf.placeholder(tf.float32, [2]);
    using sess = new tf.Session();
    for (const bad of ['abc', { a: 1 }, null, undefined, [1, 'b'], [{}, 2], () => 1]) {
      const e = caught(() => sess.run(x, [[x, bad as unknown as number]]));
      expect(e.name).toBe('TypeError');
      expect(e.message).toContain("'Placeholder:0'");
    }
    const t = caught(() => sess.run(x, [[x, tf.constant([1, 2]) as unknown as number]]));
    expect(t.name).toBe('TypeError');
    expect(t.message).toContain('The value of a feed cannot be a tf.Tensor object.');
  });

  it('ragged nested arrays are rejected (ValueError)', () => {
    const x = tf.placeholder(tf.float32, [null, 2]);
    using sess = new tf.Session();
    for (const bad of [[[1, 2], [3]], [[1, 2], 3], [1, [2, 3]], [[[1], [2]], [3, 4]]]) {
      const e = caught(() => sess.run(x, [[x, bad as number[][]]]));
      expect(e.name).toBe('ValueError');
      expect(e.message).toContain("Tensor 'Placeholder:0'");
      expect(e.message).toContain('ragged nested array');
    }
  });

  it('bad feed keys', () => {
    const x = tf.placeholder(tf.float32, [2]);
    using sess = new tf.Session();
    const e1 = caught(() => sess.run(x, { 'nope:0': [1, 2] }));
    expect(e1.name).toBe('ValueError');
    expect(e1.message).toContain('Cannot interpret feed_dict key as Tensor');
    expect(e1.message).toContain("'nope:0'");
    const e2 = caught(() => sess.run(x, new Map([[42 as unknown as tf.Tensor, [1, 2]]])));
    expect(e2.name).toBe('TypeError');
    const g = new tf.Graph();
    let other: tf.Tensor;
    {
      using _ = g.as_default();
      other = tf.placeholder(tf.float32, [2]);
    }
    const e3 = caught(() => sess.run(x, [[other, [1, 2]]]));
    expect(e3.name).toBe('ValueError');
    expect(e3.message).toContain('is not an element of this graph');
  });
});

describe('variables', () => {
  it('used before initialization: FailedPreconditionError naming the variable', () => {
    const v = new tf.Variable([1, 2]);
    const w = tf.name_scope('rnn', () => new tf.Variable(tf.zeros([2, 2]), { name: 'kernel' }));
    using sess = new tf.Session();
    const e = caught(() => sess.run(v));
    expect(e).toBeInstanceOf(tf.errors.FailedPreconditionError);
    expect(e.name).toBe('FailedPreconditionError');
    expect(e.message.startsWith('Attempting to use uninitialized value Variable')).toBe(true);
    const e2 = caught(() => sess.run(tf.matmul(w, w)));
    expect(e2.message.startsWith('Attempting to use uninitialized value rnn/kernel')).toBe(true);
    expect(caught(() => sess.run(v.assign_add([1, 1]))).message).toContain('Attempting to use uninitialized value Variable');
    sess.run(v.initializer);
    expect(sess.run(v).tolist()).toEqual([1, 2]);
  });

  it('a failed run leaves variables unchanged', () => {
    const v = new tf.Variable([1, 2, 3, 4, 5, 6]);
    const s = tf.placeholder(tf.int32, [null]);
    const assigned = v.assign([10, 20, 30, 40, 50, 60]);
    const bad = tf.reshape(assigned, s); // Assign runs first, then Reshape fails at run time
    const added = v.assign_add([1, 1, 1, 1, 1, 1]);
    const bad2 = tf.reshape(added, s);
    using sess = new tf.Session();
    sess.run(v.initializer);
    const e = caught(() => sess.run(bad, [[s, [7]]]));
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e.message).toContain('Input to reshape is a tensor with 6 values, but the requested shape has 7');
    expect(sess.run(v).tolist()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => sess.run(bad2, [[s, [4]]])).toThrow(tf.errors.InvalidArgumentError);
    expect(sess.run(v).tolist()).toEqual([1, 2, 3, 4, 5, 6]);
    // The same runs succeed with a good shape, and then the writes are kept.
    expect(sess.run(bad2, [[s, [2, 3]]]).tolist()).toEqual([[2, 3, 4], [5, 6, 7]]);
    expect(sess.run(v).tolist()).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('an initializer that fails leaves the variable uninitialized', () => {
    const p = tf.placeholder(tf.float32, [2]);
    const v = new tf.Variable(p.mul(2));
    using sess = new tf.Session();
    expect(() => sess.run(v.initializer)).toThrow(tf.errors.InvalidArgumentError);
    expect(() => sess.run(v)).toThrow('Attempting to use uninitialized value Variable');
    sess.run(v.initializer, [[p, [1, 2]]]);
    expect(sess.run(v).tolist()).toEqual([2, 4]);
  });
});

describe('fetches and sessions', () => {
  it('a fetch from another graph', () => {
    const a = tf.constant(1);
    tf.reset_default_graph();
    using sess = new tf.Session();
    const e = caught(() => sess.run(a));
    expect(e.name).toBe('ValueError');
    expect(e.message).toContain('Fetch argument');
    expect(e.message).toContain('is not an element of this graph');
    expect(e.message).toContain('Const:0');
  });

  it('a closed session', () => {
    const a = tf.constant(1);
    const sess = new tf.Session();
    sess.close();
    const e = caught(() => sess.run(a));
    expect(e).toBeInstanceOf(tf.RuntimeError);
    expect(e.name).toBe('RuntimeError');
    expect(e.message).toBe('Attempted to use a closed Session.');
    sess.close(); // closing twice is harmless
    {
      using s2 = new tf.Session();
      void s2;
    }
    expect(tf.get_default_session()).toBeNull();
  });

  it('unknown fetch names and invalid fetch types', () => {
    tf.constant(1, { name: 'x' });
    using sess = new tf.Session();
    const e = caught(() => sess.run('nope:0'));
    expect(e.name).toBe('ValueError');
    expect(e.message).toContain("Fetch argument 'nope:0' cannot be interpreted as a Tensor.");
    expect(e.message).toContain("The name 'nope:0' refers to a Tensor which does not exist. The operation, 'nope', does not exist in the graph.");
    const e2 = caught(() => sess.run('nope'));
    expect(e2.name).toBe('ValueError');
    expect(e2.message).toContain("Fetch argument 'nope' cannot be interpreted as a Tensor.");
    const e3 = caught(() => sess.run('x:3'));
    expect(e3.message).toContain("The operation, 'x', exists but only has 1 outputs.");
    const e4 = caught(() => sess.run(3 as unknown as tf.Tensor));
    expect(e4.name).toBe('TypeError');
    expect(e4.message).toContain('Fetch argument 3 has invalid type number, must be a string or Tensor.');
    const e5 = caught(() => sess.run([tf.constant(1), null] as unknown as tf.Tensor[]));
    expect(e5.name).toBe('TypeError');
    expect(e5.message).toContain('Fetch argument null has invalid type');
  });

  it('run-time shape errors name the op and the shapes', () => {
    const a = tf.placeholder(tf.float32);
    const b = tf.placeholder(tf.float32);
    const m = tf.matmul(a, b);
    const s = a.add(b);
    using sess = new tf.Session();
    const e = caught(() => sess.run(m, [[a, [[1, 2, 3], [4, 5, 6]]], [b, [[1], [2]]]]));
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e.message).toContain('Matrix size-incompatible: In[0]: [2,3], In[1]: [2,1]');
    expect(e.message).toContain('MatMul');
    const e2 = caught(() => sess.run(s, [[a, [[1, 2, 3], [4, 5, 6]]], [b, [1, 2, 3, 4]]]));
    expect(e2).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e2.message).toContain('Incompatible shapes: [2,3] vs. [4]');
    expect(e2.message).toContain('add');
    expect((e2 as InstanceType<typeof tf.errors.OpError>).opName).toBe('add');
  });
});
