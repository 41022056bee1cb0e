// Forward values of every core op on hand-computed cases, through the public API and a Session.
import * as tf from 'tf1-ts';
import { relu as nnRelu } from 'tf1-ts/ops/math_ops';
import { softmax as nnSoftmax } from 'tf1-ts/ops/nn_ops';
import { caught, expectClose, run, val } from './helpers';

// tf.nn is assembled by the RNN/training issues; use it when present, else the op modules.
const nn = ((tf as unknown as { nn?: { relu?: typeof nnRelu; softmax?: typeof nnSoftmax } }).nn ?? {}) as {
  relu?: typeof nnRelu;
  softmax?: typeof nnSoftmax;
};
const relu = nn.relu ?? nnRelu;
const softmax = nn.softmax ?? nnSoftmax;

const A = [
  [1, 2, 3],
  [4, 5, 6],
];
const B = [
  [1, 2],
  [3, 4],
  [5, 6],
];

beforeEach(() => tf.reset_default_graph());

describe('placeholder', () => {
  it('returns what is fed, converted to its dtype', () => {
    const x = tf.placeholder(tf.float32, [null, 2]);
    const r = run(x, [[x, [[1, 2], [3, 4]]]]);
    expect(r.dtype).toBe(tf.float32);
    expect(r.shape).toEqual([2, 2]);
    expect(r.tolist()).toEqual([[1, 2], [3, 4]]);
    const i = tf.placeholder(tf.int32);
    const ri = run(i, [[i, [1, 2, 3]]]);
    expect(ri.dtype).toBe(tf.int32);
    expect(ri.tolist()).toEqual([1, 2, 3]);
  });

  it('has unknown rank without a shape and accepts any feed', () => {
    const x = tf.placeholder(tf.float32);
    expect(x.shape.ndims).toBeNull();
    expect(run(x, [[x, 3]]).tolist()).toBe(3);
    expect(run(x, [[x, [[[1]]]]]).shape).toEqual([1, 1, 1]);
  });

  it('accepts an options object', () => {
    const x = tf.placeholder(tf.float32, { shape: [2], name: 'input' });
    expect(x.name).toBe('input:0');
    expect(x.shape.as_list()).toEqual([2]);
  });
});

describe('constant', () => {
  it('infers int32 for integers, float32 for non-integers, bool for booleans', () => {
    expect(tf.constant(3).dtype).toBe(tf.int32);
    expect(tf.constant([1, 2]).dtype).toBe(tf.int32);
    expect(tf.constant([1.5, 2]).dtype).toBe(tf.float32);
    expect(tf.constant(true).dtype).toBe(tf.bool);
    expect(tf.constant([[true, false]]).dtype).toBe(tf.bool);
    expect(tf.constant(Float64Array.of(1, 2)).dtype).toBe(tf.float64);
    expect(tf.constant(new tf.NDArray(Float64Array.of(1, 2), [2], 'float64')).dtype).toBe(tf.float64);
    expect(tf.constant(3, { dtype: tf.float32 }).dtype).toBe(tf.float32);
    // JS has one number type: 1.0 is the integer 1, so (unlike Python) it infers int32.
    expect(tf.constant(1.0).dtype).toBe(tf.int32);
    expect(tf.constant([]).shape.as_list()).toEqual([0]);
  });

  it('evaluates to its value with the right shape', () => {
    const c = tf.constant([[1.5, 2], [3, 4]]);
    expect(c.op.type).toBe('Const');
    expect(c.shape.as_list()).toEqual([2, 2]);
    const r = run(c);
    expect(r.dtype).toBe(tf.float32);
    expect(r.tolist()).toEqual([[1.5, 2], [3, 4]]);
    expect(val(tf.constant(true))).toBe(true);
    expect(run(tf.constant(7)).shape).toEqual([]);
  });

  it('fills a shape: a scalar is broadcast, a short list repeats its last element', () => {
    expect(val(tf.constant(5, { shape: [2, 3] }))).toEqual([[5, 5, 5], [5, 5, 5]]);
    expect(val(tf.constant([1, 2], { shape: [2, 3] }))).toEqual([[1, 2, 2], [2, 2, 2]]);
    expect(val(tf.constant([1, 2, 3, 4, 5, 6], { shape: [3, 2] }))).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(tf.constant(0, { shape: [4] }).shape.as_list()).toEqual([4]);
  });

  it("raises 'Too many elements provided...' as a ValueError", () => {
    const e = caught(() => tf.constant([1, 2, 3, 4, 5, 6, 7], { shape: [2, 3] }));
    expect(e.message).toBe('Too many elements provided. Needed at most 6, but received 7');
    expect(e.name).toBe('ValueError');
    expect(e).toBeInstanceOf(tf.ValueError);
  });

  it('verify_shape rejects a different shape (TypeError)', () => {
    const e = caught(() => tf.constant([1, 2], { shape: [2, 1], verify_shape: true }));
    expect(e.message).toBe("Expected Tensor's shape: (2, 1), got (2,).");
    expect(e.name).toBe('TypeError');
  });
});

describe('Variable', () => {
  it('creates VariableV2, initial_value, Assign and read ops with TF names', () => {
    const v = new tf.Variable([1, 2]);
    expect(v.name).toBe('Variable:0');
    expect(v.op.name).toBe('Variable');
    expect(v.op.type).toBe('VariableV2');
    expect(v.initializer.name).toBe('Variable/Assign');
    expect(v.initializer.type).toBe('Assign');
    expect(v.initial_value.name).toBe('Variable/initial_value:0');
    expect(v.value().name).toBe('Variable/read:0');
    expect(v.value().op.type).toBe('Identity');
    expect(v.dtype).toBe(tf.int32);
    expect(v.shape.as_list()).toEqual([2]);
    const w = new tf.Variable(tf.zeros([2, 2]));
    expect(w.op.name).toBe('Variable_1');
    expect(w.initializer.name).toBe('Variable_1/Assign');
    expect(w.value().name).toBe('Variable_1/read:0');
    expect(w.initial_value.name).toBe('zeros:0'); // a tensor initial value is used as is
    const n = new tf.Variable(1.5, { name: 'weights' });
    expect(n.op.name).toBe('weights');
    expect(n.value().name).toBe('weights/read:0');
    expect(n.dtype).toBe(tf.float32);
  });

  it('initializer, value, assign, assign_add', () => {
    const v = new tf.Variable([1.5, 2]);
    using sess = new tf.Session();
    sess.run(v.initializer);
    expect(sess.run(v).tolist()).toEqual([1.5, 2]);
    expect(sess.run(v.value()).tolist()).toEqual([1.5, 2]);
    const a = v.assign([5, 6]);
    expect(a.op.type).toBe('Assign');
    expect(sess.run(a).tolist()).toEqual([5, 6]);
    expect(sess.run(v).tolist()).toEqual([5, 6]);
    const inc = v.assign_add([1, 0.5]);
    expect(inc.op.type).toBe('AssignAdd');
    expect(sess.run(inc).tolist()).toEqual([6, 6.5]);
    expect(sess.run(inc).tolist()).toEqual([7, 7]);
    expect(sess.run(v).tolist()).toEqual([7, 7]);
    // Re-running the initializer resets the value.
    sess.run(v.initializer);
    expect(sess.run(v).tolist()).toEqual([1.5, 2]);
  });

  it('a variable made inside control_dependencies does not depend on them', () => {
    const counter = new tf.Variable(0);
    const bump = counter.assign_add(1);
    const v = tf.control_dependencies([bump], () => new tf.Variable([1.5]));
    expect(v.initializer.control_inputs).toEqual([]);
    expect(v.value().op.control_inputs).toEqual([]);
    const y = tf.control_dependencies([bump], () => v.value().mul(2));
    expect(y.op.control_inputs).toEqual([bump.op]);
    using sess = new tf.Session();
    sess.run([counter.initializer, v.initializer]);
    expect(sess.run(v).tolist()).toEqual([1.5]);
    expect(sess.run(counter).tolist()).toBe(0); // reading v did not run bump
    expect(sess.run(y).tolist()).toEqual([3]);
    expect(sess.run(counter).tolist()).toBe(1);
  });

  it('global_variables_initializer groups the initializers that exist at call time', () => {
    const a = new tf.Variable(1);
    const b = new tf.Variable(2);
    const init = tf.global_variables_initializer();
    expect(init.name).toBe('init');
    expect(init.type).toBe('NoOp');
    const c = new tf.Variable(3);
    using sess = new tf.Session();
    expect(sess.run(init)).toBeNull();
    expect(sess.run([a, b]).map((x) => x.tolist())).toEqual([1, 2]);
    expect(() => sess.run(c)).toThrow(tf.errors.FailedPreconditionError);
  });

  it('a variable used in arithmetic reads its value; tf.assign works', () => {
    const v = new tf.Variable([[1, 2], [3, 4]], { dtype: tf.float32 });
    const y = tf.matmul(v, v);
    const set = tf.assign(v, [[0, 1], [1, 0]]);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    expect(sess.run(y).tolist()).toEqual([[7, 10], [15, 22]]);
    sess.run(set);
    expect(sess.run(y).tolist()).toEqual([[1, 0], [0, 1]]);
  });
});

describe('zeros / ones / fill / zeros_like / ones_like', () => {
  it('values, dtypes and names', () => {
    const z = tf.zeros([2, 3]);
    expect(z.dtype).toBe(tf.float32);
    expect(z.op.name).toBe('zeros');
    expect(val(z)).toEqual([[0, 0, 0], [0, 0, 0]]);
    const o = tf.ones([2], tf.int32);
    expect(o.op.name).toBe('ones');
    expect(o.dtype).toBe(tf.int32);
    expect(val(o)).toEqual([1, 1]);
    expect(tf.ones([1, 2], { dtype: tf.float64 }).dtype).toBe(tf.float64);
    const f = tf.fill([2, 2], 7);
    expect(f.dtype).toBe(tf.int32);
    expect(f.shape.as_list()).toEqual([2, 2]);
    expect(val(f)).toEqual([[7, 7], [7, 7]]);
    expect(val(tf.fill([3], 0.5))).toEqual([0.5, 0.5, 0.5]);
    const c = tf.constant([[1, 2, 3]]);
    const zl = tf.zeros_like(c);
    expect(zl.dtype).toBe(tf.int32);
    expect(zl.shape.as_list()).toEqual([1, 3]);
    expect(val(zl)).toEqual([[0, 0, 0]]);
    const ol = tf.ones_like(c, { dtype: tf.float32 });
    expect(ol.dtype).toBe(tf.float32);
    expect(val(ol)).toEqual([[1, 1, 1]]);
  });

  it('take a shape tensor', () => {
    const s = tf.placeholder(tf.int32, [2]);
    const z = tf.zeros(s);
    expect(z.shape.as_list()).toEqual([null, null]);
    expect(run(z, [[s, [2, 1]]]).tolist()).toEqual([[0], [0]]);
    const x = tf.placeholder(tf.float32, [null, 3]);
    const ol = tf.ones_like(x);
    expect(ol.shape.toString()).toBe('(?, 3)');
    expect(run(ol, [[x, [[5, 6, 7]]]]).tolist()).toEqual([[1, 1, 1]]);
    expect(run(tf.fill(tf.shape(x), 2.5), [[x, [[0, 0, 0], [0, 0, 0]]]]).tolist()).toEqual([[2.5, 2.5, 2.5], [2.5, 2.5, 2.5]]);
  });
});

describe('matmul', () => {
  it('all transpose_a / transpose_b combinations', () => {
    const a = tf.constant(A, { dtype: tf.float32 });
    const b = tf.constant(B, { dtype: tf.float32 });
    const ab = tf.matmul(a, b);
    expect(ab.op.name).toBe('MatMul');
    expect(ab.shape.as_list()).toEqual([2, 2]);
    const aat = tf.matmul(a, a, { transpose_b: true });
    const ata = tf.matmul(a, a, { transpose_a: true });
    const btat = tf.matmul(b, a, { transpose_a: true, transpose_b: true });
    expect(aat.shape.as_list()).toEqual([2, 2]);
    expect(ata.shape.as_list()).toEqual([3, 3]);
    expect(btat.shape.as_list()).toEqual([2, 2]);
    const [r1, r2, r3, r4] = run([ab, aat, ata, btat]);
    expect(r1.tolist()).toEqual([[22, 28], [49, 64]]);
    expect(r2.tolist()).toEqual([[14, 32], [32, 77]]);
    expect(r3.tolist()).toEqual([[17, 22, 27], [22, 29, 36], [27, 36, 45]]);
    expect(r4.tolist()).toEqual([[22, 49], [28, 64]]);
  });

  it('int32 matmul and a placeholder with an unknown batch', () => {
    expect(val(tf.matmul(tf.constant(A), tf.constant(B)))).toEqual([[22, 28], [49, 64]]);
    const x = tf.placeholder(tf.float32, [null, 3]);
    const y = tf.matmul(x, tf.constant(B, { dtype: tf.float32 }));
    expect(y.shape.toString()).toBe('(?, 2)');
    expect(run(y, [[x, [[1, 0, 0], [0, 0, 1], [1, 1, 1]]]]).tolist()).toEqual([[1, 2], [5, 6], [9, 12]]);
  });
});

describe('broadcasting binary ops', () => {
  const x = () => tf.constant(A, { dtype: tf.float32 });

  it('[2,3] op [3]', () => {
    const v = tf.constant([10, 20, 30], { dtype: tf.float32 });
    const r = run([tf.add(x(), v), tf.subtract(x(), v), tf.multiply(x(), v), tf.divide(x(), v), tf.maximum(x(), tf.constant([2, 2, 7], { dtype: tf.float32 })), tf.minimum(x(), tf.constant([2, 2, 7], { dtype: tf.float32 }))]);
    expect(r[0].tolist()).toEqual([[11, 22, 33], [14, 25, 36]]);
    expect(r[1].tolist()).toEqual([[-9, -18, -27], [-6, -15, -24]]);
    expect(r[2].tolist()).toEqual([[10, 40, 90], [40, 100, 180]]);
    expectClose(r[3], [[0.1, 0.1, 0.1], [0.4, 0.25, 0.2]], 6);
    expect(r[4].tolist()).toEqual([[2, 2, 7], [4, 5, 7]]);
    expect(r[5].tolist()).toEqual([[1, 2, 3], [2, 2, 6]]);
  });

  it('[2,1] * [1,3] -> [2,3]', () => {
    const p = tf.multiply(tf.constant([[1], [2]]), tf.constant([[10, 20, 30]]));
    expect(p.shape.as_list()).toEqual([2, 3]);
    expect(val(p)).toEqual([[10, 20, 30], [20, 40, 60]]);
    const s = tf.add(tf.constant([[1], [2]]), tf.constant([[10, 20, 30]]));
    expect(val(s)).toEqual([[11, 21, 31], [12, 22, 32]]);
  });

  it('with a scalar (JS number takes the tensor dtype)', () => {
    const r = run([tf.add(x(), 1), tf.subtract(10, x()), tf.multiply(x(), 2), tf.divide(x(), 4), tf.maximum(x(), 3.5), tf.minimum(2, x())]);
    expect(r[0].tolist()).toEqual([[2, 3, 4], [5, 6, 7]]);
    expect(r[1].tolist()).toEqual([[9, 8, 7], [6, 5, 4]]);
    expect(r[2].tolist()).toEqual([[2, 4, 6], [8, 10, 12]]);
    expect(r[3].tolist()).toEqual([[0.25, 0.5, 0.75], [1, 1.25, 1.5]]);
    expect(r[4].tolist()).toEqual([[3.5, 3.5, 3.5], [4, 5, 6]]);
    expect(r[5].tolist()).toEqual([[1, 2, 2], [2, 2, 2]]);
    for (const t of r) expect(t.dtype).toBe(tf.float32);
  });

  it('divide on integers is true division in float64 (TF1 truediv)', () => {
    const a = tf.constant([1, 2, -7]);
    const b = tf.constant([2, 2, 2]);
    const d = tf.divide(a, b);
    expect(d.dtype).toBe(tf.float64);
    expect(d.op.name).toBe('truediv');
    expect(d.op.inputs.map((t) => t.op.name)).toEqual(['truediv/Cast', 'truediv/Cast_1']);
    expect(val(d)).toEqual([0.5, 1, -3.5]);
    const m = a.div(2);
    expect(m.dtype).toBe(tf.float64);
    expect(m.op.name).toBe('truediv_1');
    expect(val(m)).toEqual([0.5, 1, -3.5]);
    expect(val(tf.divide(tf.constant([1.5]), 0.5))).toEqual([3]);
  });

  it('default op names and types', () => {
    expect(tf.add(1, 2).op.name).toBe('Add');
    expect(tf.subtract(1, 2).op.name).toBe('Sub');
    expect(tf.multiply(1, 2).op.name).toBe('Mul');
    expect(tf.divide(1.5, 2).op.name).toBe('truediv');
    expect(tf.maximum(1, 2).op.type).toBe('Maximum');
    expect(tf.minimum(1, 2).op.type).toBe('Minimum');
  });
});

describe('unary ops', () => {
  it('negative, tanh, sigmoid, relu, exp, log, square, sqrt, abs', () => {
    const xs = [-2, -0.5, 0, 1, 3];
    const x = tf.constant(xs, { dtype: tf.float32 });
    const pos = tf.constant([0.25, 1, 4], { dtype: tf.float32 });
    const r = run({
      neg: tf.negative(x),
      tanh: tf.tanh(x),
      sigmoid: tf.sigmoid(x),
      relu: relu(x),
      exp: tf.exp(x),
      log: tf.log(pos),
      square: tf.square(x),
      sqrt: tf.sqrt(pos),
      abs: tf.abs(x),
    });
    expect(r.neg.tolist()).toEqual([2, 0.5, -0, -1, -3]);
    expectClose(r.tanh, xs.map(Math.tanh), 6);
    expectClose(r.sigmoid, xs.map((v) => 1 / (1 + Math.exp(-v))), 6);
    expect(r.relu.tolist()).toEqual([0, 0, 0, 1, 3]);
    expectClose(r.exp, xs.map(Math.exp), 5);
    expectClose(r.log, [Math.log(0.25), 0, Math.log(4)], 6);
    expect(r.square.tolist()).toEqual([4, 0.25, 0, 1, 9]);
    expect(r.sqrt.tolist()).toEqual([0.5, 1, 2]);
    expect(r.abs.tolist()).toEqual([2, 0.5, 0, 1, 3]);
  });

  it('integer unary ops keep int32', () => {
    const i = tf.constant([-3, 0, 2]);
    const r = run([tf.negative(i), tf.abs(i), tf.square(i), relu(i)]);
    expect(r.map((t) => t.dtype)).toEqual([tf.int32, tf.int32, tf.int32, tf.int32]);
    expect(r.map((t) => t.tolist())).toEqual([[3, 0, -2], [3, 0, 2], [9, 0, 4], [0, 0, 2]]);
  });

  it('default names', () => {
    const x = tf.constant([1.5]);
    expect(tf.tanh(x).op.name).toBe('Tanh');
    expect(tf.sigmoid(x).op.name).toBe('Sigmoid');
    expect(relu(x).op.name).toBe('Relu');
    expect(tf.square(x).op.name).toBe('Square');
    expect(tf.negative(x).op.type).toBe('Neg');
  });
});

describe('reductions', () => {
  const x = () => tf.constant(A, { dtype: tf.float32 });

  it('reduce_sum over all, int axis, list, negative axis, keepdims', () => {
    const r = run([
      tf.reduce_sum(x()),
      tf.reduce_sum(x(), 0),
      tf.reduce_sum(x(), 1),
      tf.reduce_sum(x(), -1),
      tf.reduce_sum(x(), [0, 1]),
      tf.reduce_sum(x(), null),
      tf.reduce_sum(x(), 1, { keepdims: true }),
      tf.reduce_sum(x(), { axis: 0, keep_dims: true }),
      tf.reduce_sum(x(), { reduction_indices: [1] }),
    ]);
    expect(r[0].tolist()).toBe(21);
    expect(r[0].shape).toEqual([]);
    expect(r[1].tolist()).toEqual([5, 7, 9]);
    expect(r[2].tolist()).toEqual([6, 15]);
    expect(r[3].tolist()).toEqual([6, 15]);
    expect(r[4].tolist()).toBe(21);
    expect(r[5].tolist()).toBe(21);
    expect(r[6].tolist()).toEqual([[6], [15]]);
    expect(r[7].tolist()).toEqual([[5, 7, 9]]);
    expect(r[8].tolist()).toEqual([6, 15]);
  });

  it('reduce_mean / reduce_max / reduce_min', () => {
    const r = run([
      tf.reduce_mean(x()),
      tf.reduce_mean(x(), 0),
      tf.reduce_mean(x(), -1, { keepdims: true }),
      tf.reduce_max(x()),
      tf.reduce_max(x(), 1),
      tf.reduce_min(x(), 0),
      tf.reduce_min(x(), [0, 1], { keepdims: true }),
    ]);
    expect(r[0].tolist()).toBe(3.5);
    expect(r[1].tolist()).toEqual([2.5, 3.5, 4.5]);
    expect(r[2].tolist()).toEqual([[2], [5]]);
    expect(r[3].tolist()).toBe(6);
    expect(r[4].tolist()).toEqual([3, 6]);
    expect(r[5].tolist()).toEqual([1, 2, 3]);
    expect(r[6].tolist()).toEqual([[1]]);
  });

  it('integer reduce_mean truncates like TF: reduce_mean([1, 2]) == 1', () => {
    const m = tf.reduce_mean(tf.constant([1, 2]));
    expect(m.dtype).toBe(tf.int32);
    expect(val(m)).toBe(1);
    expect(val(tf.reduce_mean(tf.constant([[1, 2], [3, 6]]), 1))).toEqual([1, 4]);
    expect(val(tf.reduce_mean(tf.constant([-1, -2])))).toBe(-1); // C++ integer division rounds toward zero
    expect(val(tf.reduce_sum(tf.constant([[1, 2], [3, 4]]), 0))).toEqual([4, 6]);
    expect(val(tf.reduce_max(tf.constant([[1, 9], [3, 4]]), 1))).toEqual([9, 4]);
  });

  it('default names', () => {
    expect(tf.reduce_sum(x()).op.name).toBe('Sum');
    expect(tf.reduce_mean(x()).op.name).toBe('Mean');
    expect(tf.reduce_max(x()).op.name).toBe('Max');
    expect(tf.reduce_min(x()).op.name).toBe('Min');
  });
});

describe('shape manipulation', () => {
  it('transpose with perm and by default', () => {
    const x = tf.constant(A);
    const t = tf.transpose(x);
    expect(t.op.name).toBe('transpose');
    expect(val(t)).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(val(tf.transpose(x, [1, 0]))).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(val(tf.transpose(x, { perm: [0, 1] }))).toEqual(A);
    const c = tf.constant([[[1, 2], [3, 4], [5, 6]]]); // [1,3,2]
    const p = tf.transpose(c, [2, 0, 1]);
    expect(p.shape.as_list()).toEqual([2, 1, 3]);
    expect(val(p)).toEqual([[[1, 3, 5]], [[2, 4, 6]]]);
    const d = tf.transpose(c); // reverses the axes
    expect(d.shape.as_list()).toEqual([2, 3, 1]);
    expect(val(d)).toEqual([[[1], [3], [5]], [[2], [4], [6]]]);
  });

  it('reshape with -1 and with a tensor shape', () => {
    const x = tf.constant(A);
    const r1 = tf.reshape(x, [-1]);
    expect(r1.op.name).toBe('Reshape');
    expect(r1.shape.as_list()).toEqual([6]);
    expect(val(r1)).toEqual([1, 2, 3, 4, 5, 6]);
    const r2 = tf.reshape(x, [3, -1]);
    expect(r2.shape.as_list()).toEqual([3, 2]);
    expect(val(r2)).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(val(tf.reshape(x, [1, 6]))).toEqual([[1, 2, 3, 4, 5, 6]]);
    const like = tf.constant([[0, 0], [0, 0], [0, 0]]);
    const r3 = tf.reshape(x, tf.shape(like));
    expect(r3.shape.as_list()).toEqual([3, 2]);
    expect(val(r3)).toEqual([[1, 2], [3, 4], [5, 6]]);
    const s = tf.placeholder(tf.int32, [2]);
    const r4 = tf.reshape(x, s);
    expect(r4.shape.as_list()).toEqual([null, null]);
    expect(run(r4, [[s, [6, 1]]]).tolist()).toEqual([[1], [2], [3], [4], [5], [6]]);
    expect(run(r4, [[s, [-1, 3]]]).shape).toEqual([2, 3]);
  });

  it('stack / unstack along an axis', () => {
    const a = tf.constant([1, 2]);
    const b = tf.constant([3, 4]);
    const s0 = tf.stack([a, b]);
    expect(s0.op.name).toBe('stack');
    expect(s0.shape.as_list()).toEqual([2, 2]);
    expect(val(s0)).toEqual([[1, 2], [3, 4]]);
    const s1 = tf.stack([a, b], 1);
    expect(val(s1)).toEqual([[1, 3], [2, 4]]);
    expect(val(tf.stack([a, b], { axis: -1 }))).toEqual([[1, 3], [2, 4]]);
    const x = tf.constant(A);
    const u0 = tf.unstack(x);
    expect(u0.length).toBe(2);
    expect(u0[0].op.name).toBe('unstack');
    expect(u0[1].name).toBe('unstack:1');
    expect(u0[0].shape.as_list()).toEqual([3]);
    expect(run(u0).map((t) => t.tolist())).toEqual([[1, 2, 3], [4, 5, 6]]);
    const u1 = tf.unstack(x, { axis: 1 });
    expect(u1.length).toBe(3);
    expect(run(u1).map((t) => t.tolist())).toEqual([[1, 4], [2, 5], [3, 6]]);
  });

  it('concat / split (num and sizes)', () => {
    const x = tf.constant(A);
    const y = tf.constant([[7, 8, 9]]);
    const c0 = tf.concat([x, y], 0);
    expect(c0.op.name).toBe('concat');
    expect(c0.shape.as_list()).toEqual([3, 3]);
    expect(val(c0)).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    const c1 = tf.concat([x, tf.constant([[0], [0]])], 1);
    expect(val(c1)).toEqual([[1, 2, 3, 0], [4, 5, 6, 0]]);
    expect(val(tf.concat([x, x], -1))).toEqual([[1, 2, 3, 1, 2, 3], [4, 5, 6, 4, 5, 6]]);
    const parts = tf.split(x, 3, 1);
    expect(parts.length).toBe(3);
    expect(parts.map((p) => p.shape.as_list())).toEqual([[2, 1], [2, 1], [2, 1]]);
    expect(run(parts).map((p) => p.tolist())).toEqual([[[1], [4]], [[2], [5]], [[3], [6]]]);
    const sized = tf.split(x, [1, 2], 1);
    expect(sized.map((p) => p.shape.as_list())).toEqual([[2, 1], [2, 2]]);
    expect(run(sized).map((p) => p.tolist())).toEqual([[[1], [4]], [[2, 3], [5, 6]]]);
    const rows = tf.split(x, 2);
    expect(run(rows).map((p) => p.tolist())).toEqual([[[1, 2, 3]], [[4, 5, 6]]]);
  });

  it('stack / concat convert JS values to the dtype of the first tensor', () => {
    const f = tf.constant([1.5, 2.5]);
    const s = tf.stack([f, [1, 2]]);
    expect(s.dtype).toBe(tf.float32);
    expect(val(s)).toEqual([[1.5, 2.5], [1, 2]]);
    const c = tf.concat([[0], f], 0);
    expect(c.dtype).toBe(tf.float32);
    expect(val(c)).toEqual([0, 1.5, 2.5]);
    expect(tf.stack([1, 2]).dtype).toBe(tf.int32);
    expect(() => tf.stack([f, tf.constant([1, 2])])).toThrow(
      "Input 'values_1' of 'Pack' Op has type int32 that does not match type float32 of argument 'values'.",
    );
  });

  it('slice', () => {
    const x = tf.constant([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    const s = tf.slice(x, [0, 1], [2, 2]);
    expect(s.shape.as_list()).toEqual([2, 2]);
    expect(val(s)).toEqual([[2, 3], [5, 6]]);
    const rest = tf.slice(x, [1, 0], [-1, 2]);
    expect(rest.shape.as_list()).toEqual([2, 2]);
    expect(val(rest)).toEqual([[4, 5], [7, 8]]);
  });

  it('gather on axis 0 and 1', () => {
    const x = tf.constant(A);
    const g0 = tf.gather(x, [1, 0, 1]);
    expect(g0.shape.as_list()).toEqual([3, 3]);
    expect(val(g0)).toEqual([[4, 5, 6], [1, 2, 3], [4, 5, 6]]);
    const g1 = tf.gather(x, [2, 0], 1);
    expect(g1.shape.as_list()).toEqual([2, 2]);
    expect(val(g1)).toEqual([[3, 1], [6, 4]]);
    expect(val(tf.gather(x, [[0], [1]], { axis: 1 }))).toEqual([[[1], [2]], [[4], [5]]]);
    expect(val(tf.gather(tf.constant([10, 20, 30]), 2))).toBe(30);
  });
});

describe('cast, argmax, comparisons, where, one_hot, softmax, identity', () => {
  it('cast: float -> int truncates toward zero; to and from bool', () => {
    const f = tf.constant([1.7, -1.7, 2.5, -0.5, 0]);
    const i = tf.cast(f, tf.int32);
    expect(i.op.name).toBe('Cast');
    expect(i.dtype).toBe(tf.int32);
    expect(val(i)).toEqual([1, -1, 2, 0, 0]);
    expect(val(tf.cast(f, tf.bool))).toEqual([true, true, true, true, false]);
    expect(val(tf.cast(tf.constant([true, false]), tf.float32))).toEqual([1, 0]);
    expect(val(tf.cast(tf.constant([3, -2]), tf.float32))).toEqual([3, -2]);
    // int64 storage is a Float64Array; compare with -0 normalized (the CPU cast keeps -0 for -0.5).
    expect((val(tf.cast(f, tf.int64)) as number[]).map((v) => v + 0)).toEqual([1, -1, 2, 0, 0]);
    expect(tf.cast(f, tf.float32)).toBe(f); // same dtype: no op
  });

  it('argmax: ties go to the smallest index; int64 output by default', () => {
    const x = tf.constant([[1, 3, 3], [5, 5, 1]]);
    const a1 = tf.argmax(x, 1);
    expect(a1.op.name).toBe('ArgMax');
    expect(a1.dtype).toBe(tf.int64);
    expect(a1.shape.as_list()).toEqual([2]);
    expect(val(a1)).toEqual([1, 0]);
    expect(val(tf.argmax(x, 0))).toEqual([1, 1, 0]);
    expect(val(tf.argmax(tf.constant([[4, 4], [4, 4]]), 0))).toEqual([0, 0]);
    expect(val(tf.argmax(tf.constant([2.5, 7, 7, -1]), 0))).toBe(1);
    const a32 = tf.argmax(x, { axis: 1, output_type: tf.int32 });
    expect(a32.dtype).toBe(tf.int32);
    expect(val(a32)).toEqual([1, 0]);
    expect(val(tf.argmin(x, 1))).toEqual([0, 2]);
  });

  it('equal / less / greater', () => {
    const a = tf.constant([1, 2, 3]);
    const b = tf.constant([3, 2, 1]);
    const eq = tf.equal(a, b);
    expect(eq.op.name).toBe('Equal');
    expect(tf.less(a, b).op.name).toBe('Less');
    const r = run([eq, tf.less(a, b), tf.greater(a, b), tf.equal(a, 2)]);
    for (const t of r) expect(t.dtype).toBe(tf.bool);
    expect(r.map((t) => t.tolist())).toEqual([
      [false, true, false],
      [true, false, false],
      [false, false, true],
      [false, true, false],
    ]);
  });

  it('where with three arguments broadcasts', () => {
    const c = tf.constant([[true, false], [false, true]]);
    const x = tf.constant([[1, 2], [3, 4]]);
    const w = tf.where(c, x, tf.constant(0));
    expect(w.shape.as_list()).toEqual([2, 2]);
    expect(val(w)).toEqual([[1, 0], [0, 4]]);
    const col = tf.constant([[true], [false]]);
    const w2 = tf.where(col, tf.constant([[1, 2, 3]]), tf.constant([[-1, -2, -3]]));
    expect(w2.shape.as_list()).toEqual([2, 3]);
    expect(val(w2)).toEqual([[1, 2, 3], [-1, -2, -3]]);
    expect(val(tf.where(tf.constant([true, false, true]), tf.constant([1.5, 2.5, 3.5]), tf.constant([0, 0, 0], { dtype: tf.float32 })))).toEqual([1.5, 0, 3.5]);
  });

  it('where with one argument gives the coordinates of true elements (int64)', () => {
    const w = tf.where(tf.constant([[true, false], [false, true], [true, true]]));
    expect(w.dtype).toBe(tf.int64);
    expect(w.shape.as_list()).toEqual([null, 2]);
    expect(val(w)).toEqual([[0, 0], [1, 1], [2, 0], [2, 1]]);
    const e = run(tf.where(tf.constant([false, false])));
    expect(e.shape).toEqual([0, 1]);
  });

  it('one_hot', () => {
    const o = tf.one_hot(tf.constant([0, 2, -1, 1]), 3);
    expect(o.dtype).toBe(tf.float32);
    expect(o.shape.as_list()).toEqual([4, 3]);
    expect(val(o)).toEqual([[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 1, 0]]);
    expect(val(tf.one_hot(tf.constant([1, 0]), 2, { on_value: 5, off_value: -1, dtype: tf.int32 }))).toEqual([[-1, 5], [5, -1]]);
    const ax0 = tf.one_hot(tf.constant([0, 2]), 3, { axis: 0 });
    expect(ax0.shape.as_list()).toEqual([3, 2]);
    expect(val(ax0)).toEqual([[1, 0], [0, 0], [0, 1]]);
  });

  it('softmax', () => {
    const x = tf.constant([[1, 2, 3], [0, 0, 0]], { dtype: tf.float32 });
    const s = softmax(x);
    expect(s.op.type).toBe('Softmax');
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const z = e[0] + e[1] + e[2];
    expectClose(run(s), [e.map((v) => v / z), [1 / 3, 1 / 3, 1 / 3]], 6);
    // Large logits do not overflow.
    expectClose(run(softmax(tf.constant([1000, 1000], { dtype: tf.float32 }))), [0.5, 0.5], 6);
  });

  it('identity', () => {
    const x = tf.placeholder(tf.float32, [2]);
    const i = tf.identity(x);
    expect(i.op.name).toBe('Identity');
    expect(i.op.type).toBe('Identity');
    expect(i.shape.as_list()).toEqual([2]);
    expect(run(i, [[x, [1, 2]]]).tolist()).toEqual([1, 2]);
    expect(tf.identity(x, 'y').name).toBe('y:0');
  });
});

describe('Tensor methods (Python operators)', () => {
  it('add/sub/mul/div are ops named add, sub, mul, truediv', () => {
    const x = tf.constant([[2, 4], [6, 8]], { dtype: tf.float32 });
    const y = tf.constant([1, 2], { dtype: tf.float32 });
    const a = x.add(y);
    const s = x.sub(y);
    const m = x.mul(y);
    const d = x.div(y);
    expect([a.op.name, s.op.name, m.op.name, d.op.name]).toEqual(['add', 'sub', 'mul', 'truediv']);
    expect([a.op.type, s.op.type, m.op.type, d.op.type]).toEqual(['Add', 'Sub', 'Mul', 'RealDiv']);
    const r = run([a, s, m, d, x.add(1), x.mul(0.5), x.sub(x)]);
    expect(r.map((t) => t.tolist())).toEqual([
      [[3, 6], [7, 10]],
      [[1, 2], [5, 6]],
      [[2, 8], [6, 16]],
      [[2, 2], [6, 4]],
      [[3, 5], [7, 9]],
      [[1, 2], [3, 4]],
      [[0, 0], [0, 0]],
    ]);
    // Later uses get unique names.
    expect(x.add(y).op.name).toBe('add_2');
    expect(x.div(y).op.name).toBe('truediv_1');
  });

  it('neg and reflected forms', () => {
    const x = tf.constant([1, 2], { dtype: tf.float32 });
    expect(val(x.neg())).toEqual([-1, -2]);
    expect(val(x.rsub(10))).toEqual([9, 8]);
    expect(val(x.rdiv(4))).toEqual([4, 2]);
  });
});
