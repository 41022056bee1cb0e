// tf.train optimizers (TF1_SEMANTICS.md 7): update rules on the spec's examples, Adam against
// TF1's formula computed by hand, slots and non-slot variables, global step, errors.
import * as tf from 'tf1-ts';
import { DType } from 'tf1-ts/core/dtypes';

beforeEach(() => tf.reset_default_graph());

const f32 = { dtype: tf.float32 };

function expectValues(a: tf.NDArray, b: number[], digits = 6): void {
  expect(a.data.length).toBe(b.length);
  b.forEach((v, i) => expect(a.data[i]).toBeCloseTo(v, digits));
}

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

/** The spec's two variables and constant gradients (TF's gradient_descent/momentum tests). */
function twoVars(): { var0: tf.Variable; var1: tf.Variable; grads0: tf.Tensor; grads1: tf.Tensor } {
  return {
    var0: new tf.Variable([1, 2], { ...f32, name: 'var0' }),
    var1: new tf.Variable([3, 4], { ...f32, name: 'var1' }),
    grads0: tf.constant([0.1, 0.1], f32),
    grads1: tf.constant([0.01, 0.01], f32),
  };
}

describe('GradientDescentOptimizer', () => {
  test('var -= lr * grad (spec 7.2)', () => {
    const { var0, var1, grads0, grads1 } = twoVars();
    const op = new tf.train.GradientDescentOptimizer(3.0).apply_gradients([
      [grads0, var0],
      [grads1, var1],
    ]);
    expect(op.name).toBe('GradientDescent');
    expect(op.type).toBe('NoOp');
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    sess.run(op);
    expectValues(sess.run(var0), [0.7, 1.7]);
    expectValues(sess.run(var1), [2.97, 3.97]);
  });

  test('learning rate may be a tensor fed at run time; options object form', () => {
    const v = new tf.Variable([1, 2], f32);
    const lr = tf.placeholder(tf.float32, []);
    const train = new tf.train.GradientDescentOptimizer({ learning_rate: lr }).minimize(tf.reduce_sum(tf.multiply(v, v)));
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    sess.run(train, [[lr, 0.25]]);
    expectValues(sess.run(v), [0.5, 1]);
  });

  test('minimize descends: a quadratic converges to its minimum', () => {
    const w = new tf.Variable([5, -3], f32);
    const loss = tf.reduce_sum(tf.square(tf.subtract(w, [1, 2])));
    const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    for (let i = 0; i < 100; i++) sess.run(train);
    expectValues(sess.run(w), [1, 2], 4);
  });
});

describe('MomentumOptimizer', () => {
  test('accum = m*accum + g; var -= lr*accum (spec 7.3)', () => {
    const { var0, var1, grads0, grads1 } = twoVars();
    const opt = new tf.train.MomentumOptimizer(2.0, 0.9);
    const op = opt.apply_gradients([
      [grads0, var0],
      [grads1, var1],
    ]);
    const slot0 = opt.get_slot(var0, 'momentum')!;
    const slot1 = opt.get_slot(var1, 'momentum')!;
    expect(slot0.op.name).toBe('var0/Momentum');
    expect(slot1.op.name).toBe('var1/Momentum');
    expect(slot0.trainable).toBe(false);
    expect(opt.get_slot_names()).toEqual(['momentum']);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    sess.run(op);
    expectValues(sess.run(slot0), [0.1, 0.1]);
    expectValues(sess.run(var0), [0.8, 1.8]);
    sess.run(op);
    expectValues(sess.run(slot0), [0.19, 0.19]);
    expectValues(sess.run(slot1), [0.019, 0.019]);
    expectValues(sess.run(var0), [0.42, 1.42]);
    expectValues(sess.run(var1), [2.942, 3.942]);
  });

  test('use_nesterov: var -= lr*grad + lr*momentum*accum', () => {
    const { var0, grads0 } = twoVars();
    const op = new tf.train.MomentumOptimizer({ learning_rate: 2.0, momentum: 0.9, use_nesterov: true }).apply_gradients([[grads0, var0]]);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    let accum = 0;
    let v = [1, 2];
    for (let step = 0; step < 3; step++) {
      sess.run(op);
      accum = 0.9 * accum + 0.1;
      v = v.map((x) => x - 2 * 0.1 - 2 * 0.9 * accum);
      expectValues(sess.run(var0), v, 5);
    }
  });
});

describe('AdamOptimizer', () => {
  /** TF1's Adam step in float64 (training/adam.py, ApplyAdam). */
  function adamReference(vars: number[][], grads: number[][], steps: number, lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): number[][][] {
    const out: number[][][] = [];
    const m = vars.map((v) => v.map(() => 0));
    const vv = vars.map((v) => v.map(() => 0));
    const cur = vars.map((v) => [...v]);
    let b1p = beta1;
    let b2p = beta2;
    for (let t = 0; t < steps; t++) {
      const lrT = (lr * Math.sqrt(1 - b2p)) / (1 - b1p);
      cur.forEach((v, k) =>
        v.forEach((x, i) => {
          const g = grads[k][i];
          m[k][i] += (g - m[k][i]) * (1 - beta1);
          vv[k][i] += (g * g - vv[k][i]) * (1 - beta2);
          v[i] = x - (lrT * m[k][i]) / (Math.sqrt(vv[k][i]) + eps);
        }),
      );
      b1p *= beta1;
      b2p *= beta2;
      out.push(cur.map((v) => [...v]));
    }
    return out;
  }

  test("three steps equal TF1's formula; beta powers advance after all updates", () => {
    const { var0, var1, grads0, grads1 } = twoVars();
    const opt = new tf.train.AdamOptimizer();
    const op = opt.apply_gradients([
      [grads0, var0],
      [grads1, var1],
    ]);
    const expected = adamReference(
      [
        [1, 2],
        [3, 4],
      ],
      [
        [0.1, 0.1],
        [0.01, 0.01],
      ],
      3,
    );
    const [b1p, b2p] = opt._get_beta_accumulators();
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    for (let t = 0; t < 3; t++) {
      expectValues(sess.run(b1p!), [0.9 ** (t + 1)]);
      expectValues(sess.run(b2p!), [0.999 ** (t + 1)]);
      sess.run(op);
      expectValues(sess.run(var0), expected[t][0]);
      expectValues(sess.run(var1), expected[t][1]);
    }
    // The spec's numbers: each step moves by about lr * sign(grad).
    expectValues(sess.run(var0), [0.997, 1.997], 5);
    expectValues(sess.run(var1), [2.997, 3.997], 5);
  });

  test('hyperparameters: learning_rate, betas, epsilon', () => {
    const v = new tf.Variable([1, -1, 0.5], f32);
    const g = tf.constant([0.3, -0.2, 0.05], f32);
    const op = new tf.train.AdamOptimizer({ learning_rate: 0.1, beta1: 0.8, beta2: 0.99, epsilon: 0.01 }).apply_gradients([[g, v]]);
    const expected = adamReference([[1, -1, 0.5]], [[0.3, -0.2, 0.05]], 3, 0.1, 0.8, 0.99, 0.01);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    for (let t = 0; t < 3; t++) {
      sess.run(op);
      expectValues(sess.run(v), expected[t][0], 5);
    }
  });

  test('slots <var>/Adam and <var>/Adam_1, zeros, non-trainable, global', () => {
    const { var0, var1, grads0, grads1 } = twoVars();
    const opt = new tf.train.AdamOptimizer();
    opt.apply_gradients([
      [grads0, var0],
      [grads1, var1],
    ]);
    expect(opt.get_slot(var0, 'm')!.op.name).toBe('var0/Adam');
    expect(opt.get_slot(var0, 'v')!.op.name).toBe('var0/Adam_1');
    expect(opt.get_slot(var1, 'm')!.op.name).toBe('var1/Adam');
    expect(opt.get_slot_names()).toEqual(['m', 'v']);
    expect(opt.variables().map((v) => v.op.name)).toEqual(['beta1_power', 'beta2_power', 'var0/Adam', 'var0/Adam_1', 'var1/Adam', 'var1/Adam_1']);
    const names = tf.global_variables().map((v) => v.op.name);
    expect(names).toEqual(['var0', 'var1', 'beta1_power', 'beta2_power', 'var0/Adam', 'var0/Adam_1', 'var1/Adam', 'var1/Adam_1']);
    expect(tf.trainable_variables().map((v) => v.op.name)).toEqual(['var0', 'var1']);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    expectValues(sess.run(opt.get_slot(var0, 'v')!), [0, 0]);
  });

  test('slots of scoped variables: rnn/basic_rnn_cell/kernel/Adam', () => {
    const k = tf.variable_scope('rnn', () => tf.variable_scope('basic_rnn_cell', () => tf.get_variable('kernel', [2, 2])));
    const opt = new tf.train.AdamOptimizer(0.01);
    opt.minimize(tf.reduce_sum(tf.square(k)));
    expect(opt.get_slot(k, 'm')!.op.name).toBe('rnn/basic_rnn_cell/kernel/Adam');
    expect(opt.get_slot(k, 'v')!.op.name).toBe('rnn/basic_rnn_cell/kernel/Adam_1');
  });

  test('beta1_power: one pair per optimizer per graph; a second Adam gets beta1_power_1', () => {
    const v = new tf.Variable([1, 2], f32);
    const loss = tf.reduce_sum(tf.square(v));
    const a = new tf.train.AdamOptimizer();
    a.minimize(loss);
    a.minimize(loss); // same optimizer again: no new beta powers
    const b = new tf.train.AdamOptimizer();
    b.minimize(loss);
    const powers = tf
      .global_variables()
      .map((x) => x.op.name)
      .filter((n) => n.startsWith('beta'));
    expect(powers).toEqual(['beta1_power', 'beta2_power', 'beta1_power_1', 'beta2_power_1']);
    const [b1] = b._get_beta_accumulators();
    expect(b1!.op.name).toBe('beta1_power_1');
    expect(b1!.trainable).toBe(false);
    // A new graph gets its own pair, named afresh.
    tf.reset_default_graph();
    const w = new tf.Variable([1], f32);
    a.minimize(tf.reduce_sum(w));
    expect(a._get_beta_accumulators()[0]!.op.name).toBe('beta1_power');
  });

  test('the returned op is named like the optimizer; ApplyAdam ops under Adam/update_<var>', () => {
    const { var0, grads0 } = twoVars();
    const op = new tf.train.AdamOptimizer().apply_gradients([[grads0, var0]]);
    expect(op.name).toBe('Adam');
    const names = tf.get_default_graph().get_operations().map((o) => o.name);
    expect(names).toContain('Adam/update_var0/ApplyAdam');
    expect(names).toContain('Adam/Assign');
    expect(names).toContain('Adam/Assign_1');
    const op2 = new tf.train.AdamOptimizer().apply_gradients([[grads0, var0]], { name: 'train' });
    expect(op2.name).toBe('train');
  });

  test('init created before minimize misses the slots (spec 7.1)', () => {
    const v = new tf.Variable([1, 2], { ...f32, name: 'w' });
    const init = tf.global_variables_initializer();
    const train = new tf.train.AdamOptimizer().minimize(tf.reduce_sum(tf.square(v)));
    using sess = new tf.Session();
    sess.run(init);
    const e = caught(() => sess.run(train));
    expect(e).toBeInstanceOf(tf.errors.FailedPreconditionError);
    expect(e.message).toMatch(/Attempting to use uninitialized value (beta1_power|beta2_power|w\/Adam)/);
  });
});

describe('global step', () => {
  test('get_or_create_global_step: int64 scalar, non-trainable, in GLOBAL_STEP', () => {
    expect(tf.train.get_global_step()).toBeNull();
    const gs = tf.train.get_or_create_global_step();
    expect(gs.op.name).toBe('global_step');
    expect(gs.dtype).toBe(DType.int64);
    expect(gs.shape.as_list()).toEqual([]);
    expect(gs.trainable).toBe(false);
    expect(tf.get_collection(tf.GraphKeys.GLOBAL_STEP)).toEqual([gs]);
    expect(tf.global_variables()).toContain(gs);
    expect(tf.train.get_or_create_global_step()).toBe(gs);
    expect(tf.train.get_global_step()).toBe(gs);
    expect(() => tf.train.create_global_step()).toThrow('"global_step" already exists.');
  });

  test('a plain tf.Variable named global_step is found by name', () => {
    const gs = new tf.Variable(0, { trainable: false, name: 'global_step' });
    expect(tf.train.get_global_step()).toBe(gs);
  });

  test('apply_gradients increments it once per run, after the updates', () => {
    const { var0, grads0 } = twoVars();
    const gs = tf.train.get_or_create_global_step();
    const op = new tf.train.GradientDescentOptimizer(1).apply_gradients([[grads0, var0]], { global_step: gs });
    expect(op.name).toBe('GradientDescent');
    expect(op.type).toBe('AssignAdd');
    // The increment depends on the group of all updates.
    const update = op.control_inputs[0];
    expect(update.name).toBe('GradientDescent/update');
    expect(update.control_inputs.map((o) => o.type)).toEqual(['ApplyGradientDescent']);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    for (let i = 0; i < 3; i++) sess.run(op);
    expect(sess.run(gs).item()).toBe(3);
    expect(tf.train.global_step(sess, gs)).toBe(3);
    expectValues(sess.run(var0), [0.7, 1.7]);
  });

  test('minimize with global_step (Adam)', () => {
    const v = new tf.Variable([1, 2], f32);
    const gs = tf.train.get_or_create_global_step();
    const train = new tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(tf.square(v)), { global_step: gs });
    expect(tf.get_collection('train_op')).toEqual([train]);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    sess.run(train);
    sess.run(train);
    expect(sess.run(gs).item()).toBe(2);
  });
});

describe('compute_gradients / apply_gradients / minimize protocol', () => {
  test('compute_gradients: (grad, var) pairs over the trainable variables, null when unconnected', () => {
    const a = new tf.Variable([1, 2], { ...f32, name: 'a' });
    const b = new tf.Variable([3], { ...f32, name: 'b' });
    new tf.Variable([0], { ...f32, name: 'frozen', trainable: false });
    const gv = new tf.train.GradientDescentOptimizer(0.1).compute_gradients(tf.reduce_sum(tf.square(a)));
    expect(gv.map(([, v]) => v.op.name)).toEqual(['a', 'b']);
    expect(gv[0][0]).not.toBeNull();
    expect(gv[1][0]).toBeNull();
    const only = new tf.train.GradientDescentOptimizer(0.1).compute_gradients(tf.reduce_sum(b), { var_list: [b] });
    expect(only.map(([, v]) => v)).toEqual([b]);
  });

  test('apply_gradients skips None and updates the rest', () => {
    const { var0, var1, grads0 } = twoVars();
    const op = new tf.train.GradientDescentOptimizer(1).apply_gradients([
      [grads0, var0],
      [null, var1],
    ]);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    sess.run(op);
    expectValues(sess.run(var0), [0.9, 1.9]);
    expectValues(sess.run(var1), [3, 4]);
  });

  test('all gradients None: the errors of apply_gradients and minimize', () => {
    const v = new tf.Variable([1, 2], { ...f32, name: 'x' });
    const opt = new tf.train.GradientDescentOptimizer(0.1);
    expect(caught(() => opt.apply_gradients([[null, v]])).message).toBe(
      "No gradients provided for any variable: ((None, <tf.Variable 'x:0' shape=(2,) dtype=float32_ref>),).",
    );
    const loss = tf.reduce_sum(tf.constant([1, 2], f32));
    const e = caught(() => opt.minimize(loss));
    expect(e).toBeInstanceOf(tf.ValueError);
    expect(e.message).toBe(
      `No gradients provided for any variable, check your graph for ops that do not support gradients, between variables ["<tf.Variable 'x:0' shape=(2,) dtype=float32_ref>"] and loss Tensor("Sum:0", shape=(), dtype=float32).`,
    );
    expect(() => opt.apply_gradients([])).toThrow('No variables provided.');
  });

  test('no trainable variables, bad gate_gradients, integer loss', () => {
    const opt = new tf.train.GradientDescentOptimizer(0.1);
    expect(() => opt.minimize(tf.reduce_sum(tf.constant([1, 2], f32)))).toThrow('No variables to optimize.');
    new tf.Variable([1], f32);
    expect(() => opt.compute_gradients(tf.constant(1, f32), { gate_gradients: 7 })).toThrow(/gate_gradients must be one of/);
    expect(() => opt.compute_gradients(tf.constant(1))).toThrow(/Invalid type tf.int32/);
  });

  test('GATE_GRAPH gives the same values', () => {
    const v = new tf.Variable([1, 2], f32);
    const opt = new tf.train.GradientDescentOptimizer(0.5);
    const gv = opt.compute_gradients(tf.reduce_sum(tf.square(v)), { gate_gradients: tf.train.Optimizer.GATE_GRAPH });
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    expectValues(sess.run(gv[0][0]!), [2, 4]);
  });

  test('unknown option keys throw', () => {
    expect(() => new tf.train.AdamOptimizer({ learning_rat: 0.1 } as never)).toThrow(/unexpected keyword argument 'learning_rat' \(did you mean 'learning_rate'\?\)/);
    expect(() => new tf.train.GradientDescentOptimizer({ learning_rate: 0.1, momentum: 0.9 } as never)).toThrow(/unexpected keyword argument 'momentum'/);
    const v = new tf.Variable([1], f32);
    const opt = new tf.train.GradientDescentOptimizer(0.1);
    expect(() => opt.minimize(tf.reduce_sum(v), { globalstep: null } as never)).toThrow(/unexpected keyword argument 'globalstep'/);
    expect(() => opt.apply_gradients([[tf.constant([1], f32), v]], { var_list: [] } as never)).toThrow(/unexpected keyword argument 'var_list'/);
    expect(() => new tf.train.MomentumOptimizer(0.1 as never)).toThrow(/missing 1 required positional argument: 'momentum'/);
  });
});
