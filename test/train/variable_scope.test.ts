// tf.variable_scope / tf.get_variable (TF1_SEMANTICS.md 2.4): names, reuse rules and their
// error texts, initializer precedence, default_name uniquification, name scopes.
import * as tf from 'tf1-ts';
import { DType } from 'tf1-ts/core/dtypes';
import { l2_regularizer } from 'tf1-ts/layers/regularizers';

beforeEach(() => tf.reset_default_graph());

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

function value(v: tf.Variable | tf.Tensor): tf.NDArray {
  using sess = new tf.Session();
  sess.run(tf.global_variables_initializer());
  return sess.run(v);
}

describe('get_variable names', () => {
  test('full name = scope / name, op name exactly the scoped name', () => {
    const k = tf.variable_scope('rnn', () => tf.variable_scope('basic_rnn_cell', () => tf.get_variable('kernel', [3, 4])));
    expect(k.op.name).toBe('rnn/basic_rnn_cell/kernel');
    expect(k.name).toBe('rnn/basic_rnn_cell/kernel:0');
    expect(k.op.type).toBe('VariableV2');
    expect(k.shape.as_list()).toEqual([3, 4]);
    expect(k.dtype).toBe(DType.float32);
    const names = tf.get_default_graph().get_operations().map((o) => o.name);
    expect(names).toContain('rnn/basic_rnn_cell/kernel/Initializer/random_uniform');
    expect(names).toContain('rnn/basic_rnn_cell/kernel/Assign');
    expect(names).toContain('rnn/basic_rnn_cell/kernel/read');
    expect(tf.global_variables()).toEqual([k]);
    expect(tf.trainable_variables()).toEqual([k]);
  });

  test('top level, and a using-handle scope', () => {
    expect(tf.get_variable('v', [2]).op.name).toBe('v');
    {
      using scope = tf.variable_scope('foo');
      expect(scope.name).toBe('foo');
      expect(tf.get_variable_scope()).toBe(scope);
      expect(tf.get_variable('v', [2]).op.name).toBe('foo/v');
    }
    expect(tf.get_variable_scope().name).toBe('');
  });

  test("re-entering a scope: ops in 'rnn_1/...' while variables stay 'rnn/...'", () => {
    const x = tf.constant([[1, 2]], { dtype: tf.float32 });
    const build = (): [tf.Variable, tf.Tensor] =>
      tf.variable_scope('rnn', { reuse: tf.AUTO_REUSE }, (scope) => {
        const w = tf.get_variable('w', [2, 2]);
        expect(scope.name).toBe('rnn');
        return [w, tf.matmul(x, w)];
      });
    const [w1, y1] = build();
    const [w2, y2] = build();
    expect(w2).toBe(w1);
    expect(w1.op.name).toBe('rnn/w');
    expect(y1.op.name).toBe('rnn/MatMul');
    expect(y2.op.name).toBe('rnn_1/MatMul');
  });

  test('a variable scope inside a name scope names variables by variable scope only', () => {
    const v = tf.name_scope('outer', () => tf.variable_scope('vs', () => tf.get_variable('v', [1])));
    expect(v.op.name).toBe('vs/v');
    const y = tf.name_scope('outer2', () => tf.variable_scope('vs2', () => tf.identity(tf.constant(1))));
    expect(y.op.name).toBe('outer2/vs2/Identity');
  });

  test('get_variable shape/opts forms and collections', () => {
    const a = tf.get_variable('a', { shape: [2], dtype: tf.float64 });
    expect(a.dtype).toBe(DType.float64);
    const b = tf.get_variable('b', [1], { trainable: false });
    expect(tf.trainable_variables()).toEqual([a]);
    expect(tf.global_variables()).toEqual([a, b]);
    const c = tf.get_variable('c', [1], { collections: ['mine'] });
    expect(tf.get_collection('mine')).toEqual([c]);
    expect(tf.global_variables()).not.toContain(c);
    expect(() => tf.get_variable('d', [1], { initialiser: null } as never)).toThrow(/unexpected keyword argument 'initialiser' \(did you mean 'initializer'\?\)/);
    expect(() => tf.variable_scope('s', { resue: true } as never)).toThrow(/unexpected keyword argument 'resue'/);
  });
});

describe('reuse rules and errors', () => {
  test('creating twice: already exists, with the creation site', () => {
    tf.variable_scope('foo', () => tf.get_variable('v', [1]));
    const e = caught(() => tf.variable_scope('foo', () => tf.get_variable('v', [1])));
    expect(e).toBeInstanceOf(tf.ValueError);
    expect(e.message.startsWith('Variable foo/v already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n\n')).toBe(true);
    expect(e.message).toMatch(/File ".*variable_scope\.test\.ts", line \d+, in /);
    expect(e.message).not.toMatch(/src[/\\]ops/);
  });

  test('reuse=True on a missing variable: does not exist', () => {
    const e = caught(() => tf.variable_scope('bar', { reuse: true }, () => tf.get_variable('v', [1])));
    expect(e.message).toBe('Variable bar/v does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?');
  });

  test('tf.Variable is not in the get_variable store', () => {
    new tf.Variable(1, { name: 'v' });
    expect(() => tf.get_variable('v', [], { reuse: true })).toThrow(/Variable v does not exist/);
  });

  test('reuse=True, scope.reuse_variables(), AUTO_REUSE and inheritance', () => {
    const v = tf.variable_scope('s', () => tf.get_variable('v', [2]));
    expect(tf.variable_scope('s', { reuse: true }, () => tf.get_variable('v', [2]))).toBe(v);
    tf.variable_scope('t', (scope) => {
      const a = tf.get_variable('a', [1]);
      scope.reuse_variables();
      expect(scope.reuse).toBe(true);
      expect(tf.get_variable('a', [1])).toBe(a);
    });
    const auto1 = tf.variable_scope('u', { reuse: tf.AUTO_REUSE }, () => tf.get_variable('w', [3]));
    const auto2 = tf.variable_scope('u', { reuse: tf.AUTO_REUSE }, () => tf.get_variable('w', [3]));
    expect(auto2).toBe(auto1);
    // Sub-scopes inherit reuse; reuse=False cannot switch an inherited True off.
    const inner = tf.variable_scope('p', () => tf.variable_scope('q', () => tf.get_variable('x', [1])));
    const again = tf.variable_scope('p', { reuse: true }, () => tf.variable_scope('q', { reuse: false }, (s) => {
      expect(s.reuse).toBe(true);
      return tf.get_variable('x', [1]);
    }));
    expect(again).toBe(inner);
    // get_variable(reuse=...) overrides the scope's.
    expect(tf.variable_scope('s', () => tf.get_variable('v', [2], { reuse: true }))).toBe(v);
  });

  test('jumping back to a captured scope object (reuse)', () => {
    let captured: tf.VariableScope | null = null;
    const v = tf.variable_scope('model', (s) => {
      captured = s;
      return tf.get_variable('w', [2]);
    });
    const again = tf.variable_scope(captured!, { reuse: true }, (s) => {
      expect(s.name).toBe('model');
      return tf.get_variable('w', [2]);
    });
    expect(again).toBe(v);
    // The root scope with reuse=True.
    const top = tf.get_variable('top', [1]);
    expect(tf.variable_scope(tf.get_variable_scope(), { reuse: true }, () => tf.get_variable('top', [1]))).toBe(top);
  });

  test('shape and dtype mismatches on reuse', () => {
    tf.variable_scope('rnn', () => tf.get_variable('kernel', [102, 100]));
    expect(caught(() => tf.variable_scope('rnn', { reuse: true }, () => tf.get_variable('kernel', [200, 100]))).message).toBe(
      'Trying to share variable rnn/kernel, but specified shape (200, 100) and found shape (102, 100).',
    );
    expect(caught(() => tf.variable_scope('rnn', { reuse: true }, () => tf.get_variable('kernel', [102, 100], { dtype: tf.float64 }))).message).toBe(
      'Trying to share variable rnn/kernel, but specified dtype float64 and found dtype float32.',
    );
    // No shape given: compatible with anything.
    expect(tf.variable_scope('rnn', { reuse: true }, () => tf.get_variable('kernel')).shape.as_list()).toEqual([102, 100]);
  });

  test('initializer/shape errors of new variables', () => {
    expect(caught(() => tf.get_variable('c', [2], { initializer: [1, 2] })).message).toBe('If initializer is a constant, do not specify shape.');
    expect(caught(() => tf.get_variable('x', [null, 3])).message).toBe('Shape of a new variable (x) must be fully defined, but instead was (?, 3).');
    expect(caught(() => tf.get_variable('y')).message).toBe('Shape of a new variable (y) must be fully defined, but instead was <unknown>.');
    expect(caught(() => tf.get_variable('z', { initializer: [1, 2], dtype: tf.float32 })).message).toBe("Initializer type 'int32' and explicit dtype 'float32' don't match.");
  });

  test('reuse=True without a name, bad name_or_scope, out-of-order exit', () => {
    expect(() => tf.variable_scope(null, { default_name: 'x', reuse: true })).toThrow('reuse=True cannot be used without a name_or_scope');
    expect(() => tf.variable_scope(null)).toThrow('If default_name is None then name_or_scope is required');
    const a = tf.variable_scope('a');
    const b = tf.variable_scope('b');
    expect(() => a[Symbol.dispose]()).toThrow(/out of order/);
    b[Symbol.dispose]();
    a[Symbol.dispose]();
    expect(tf.get_variable_scope().name).toBe('');
  });

  test('the store is per graph: reset_default_graph forgets it', () => {
    tf.variable_scope('rnn', () => tf.get_variable('kernel', [1]));
    tf.reset_default_graph();
    expect(tf.variable_scope('rnn', () => tf.get_variable('kernel', [1])).op.name).toBe('rnn/kernel');
  });
});

describe('initializers of get_variable', () => {
  test('default: Glorot uniform for floats, zeros for ints and bools', () => {
    const w = tf.get_variable('w', [200, 300]);
    const i = tf.get_variable('i', [3], { dtype: tf.int32 });
    const b = tf.get_variable('b', [2], { dtype: tf.bool });
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const limit = Math.sqrt(6 / 500);
    const wv = sess.run(w).data;
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of wv) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    expect(lo).toBeGreaterThanOrEqual(-limit);
    expect(hi).toBeLessThanOrEqual(limit);
    expect(lo).toBeLessThan(-0.99 * limit);
    expect(hi).toBeGreaterThan(0.99 * limit);
    expect([...sess.run(i).data]).toEqual([0, 0, 0]);
    expect([...sess.run(b).data]).toEqual([0, 0]);
  });

  test('precedence: explicit > scope initializer > default', () => {
    const [a, b, c] = tf.variable_scope('s', { initializer: tf.constant_initializer(0.5) }, () => [
      tf.get_variable('a', [2]),
      tf.get_variable('b', [2], { initializer: tf.zeros_initializer() }),
      tf.variable_scope('inner', () => tf.get_variable('c', [2])),
    ]);
    const d = tf.get_variable('d', [2], { initializer: tf.ones_initializer() });
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    expect([...sess.run(a).data]).toEqual([0.5, 0.5]);
    expect([...sess.run(b).data]).toEqual([0, 0]);
    expect([...sess.run(c).data]).toEqual([0.5, 0.5]);
    expect([...sess.run(d).data]).toEqual([1, 1]);
  });

  test('value initializers: shape and dtype from the value; scope dtype', () => {
    const v = tf.get_variable('v', { initializer: tf.constant([[1, 2, 3]], { dtype: tf.float32 }) });
    expect(v.shape.as_list()).toEqual([1, 3]);
    const n = tf.get_variable('n', { initializer: [1, 2] });
    expect(n.dtype).toBe(DType.int32);
    expect([...value(v).data]).toEqual([1, 2, 3]);
    const d = tf.variable_scope('dbl', { dtype: tf.float64 }, () => tf.get_variable('x', [2]));
    expect(d.dtype).toBe(DType.float64);
  });

  test('regularizer: loss in REGULARIZATION_LOSSES under <var>/Regularizer/', () => {
    const w = tf.get_variable('w', [2], { initializer: tf.constant_initializer([1, 2]), regularizer: l2_regularizer(0.1) });
    const losses = tf.losses.get_regularization_losses();
    expect(losses.length).toBe(1);
    expect(losses[0].op.name.startsWith('w/Regularizer/l2_regularizer')).toBe(true);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    expect(sess.run(losses[0]).item()).toBeCloseTo(0.1 * 2.5, 6);
    void w;
  });
});

describe('default_name uniquification', () => {
  test('siblings: x, x_1, x_2; counters live within the current parent entry', () => {
    const names = [0, 1, 2].map(() => tf.variable_scope(null, { default_name: 'fully_connected' }, (s) => s.name));
    expect(names).toEqual(['fully_connected', 'fully_connected_1', 'fully_connected_2']);
    // Children counters of a string scope reset when it is left.
    const inner = [0, 1].map(() => tf.variable_scope('rnn', () => tf.variable_scope(null, { default_name: 'basic_lstm_cell' }, (s) => s.name)));
    expect(inner).toEqual(['rnn/basic_lstm_cell', 'rnn/basic_lstm_cell']);
    // ...which is why a second dynamic_rnn with a new cell collides (spec 2.4).
    tf.variable_scope('rnn', () => tf.variable_scope(null, { default_name: 'cell' }, () => tf.get_variable('kernel', [1])));
    expect(() => tf.variable_scope('rnn', () => tf.variable_scope(null, { default_name: 'cell' }, () => tf.get_variable('kernel', [1])))).toThrow(
      /Variable rnn\/cell\/kernel already exists, disallowed/,
    );
  });

  test('default-named scopes open uniquified name scopes too', () => {
    const ops = [0, 1].map(() => tf.variable_scope(null, { default_name: 'layer' }, () => tf.identity(tf.constant(1)).op.name));
    expect(ops).toEqual(['layer/Identity', 'layer_1/Identity']);
  });

  test('auxiliary_name_scope=false opens no name scope', () => {
    const name = tf.variable_scope('quiet', { auxiliary_name_scope: false }, (s) => {
      expect(s.original_name_scope).toBe('');
      return tf.identity(tf.constant(1)).op.name;
    });
    expect(name).toBe('Identity');
  });
});

describe('get_variable inside a while loop body', () => {
  test('the variable lands in the root graph and is shared by every iteration', () => {
    const [, out] = tf.while_loop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor, x: tf.Tensor) => {
        const w = tf.get_variable('w', [], { initializer: tf.constant_initializer(2) });
        return [tf.add(i, 1), tf.multiply(x, w)];
      },
      [tf.constant(0), tf.constant(1, { dtype: tf.float32 })],
    );
    const w = tf.global_variables();
    expect(w.map((v) => v.op.name)).toEqual(['w']);
    expect(w[0].op.graph).toBe(tf.get_default_graph());
    expect(value(out).item()).toBe(8);
  });
});
