// tf.check_numerics / tf.add_check_numerics_ops: NaN and Infinity are reported with the op and
// the tensor that produced them, and a run that fails a check changes no variable.
import * as tf from 'tf1-ts';

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error to be thrown');
}

const open: tf.Session[] = [];
function session(): tf.Session {
  const s = new tf.Session();
  open.push(s);
  return s;
}
beforeEach(() => {
  for (const s of open.splice(0)) s.close();
  tf.reset_default_graph();
});
afterAll(() => {
  for (const s of open.splice(0)) s.close();
});

describe('tf.check_numerics', () => {
  test('passes finite values through unchanged', () => {
    const x = tf.placeholder(tf.float32, [null], 'x');
    const y = tf.check_numerics(tf.log(x), 'log of x');
    expect(Array.from(session().run(y, [[x, [1, 4]]]).data)).toEqual([0, Math.fround(Math.log(4))]);
  });

  test.each([
    ['NaN', [-1, 1], 'NaN'],
    ['-Infinity', [0, 1], 'Inf'],
    ['NaN and -Infinity', [-1, 0], 'Inf and NaN'],
  ])('log of %s: InvalidArgumentError naming the message, the tensor, its op and the check', (_what, feed, kind) => {
    const x = tf.placeholder(tf.float32, [null], 'x');
    const y = tf.log(x);
    const checked = tf.check_numerics(y, 'log of x', 'guard');
    const e = caught(() => session().run(checked, [[x, feed]])) as tf.TFError & { opName: string | null };
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e.message).toContain(`log of x : Tensor had ${kind} values`);
    expect(e.message).toContain("tensor 'Log:0' of shape [2], produced by op 'Log' (Log)");
    expect(e.message).toContain('[[{{node guard}}]]');
    expect(e.opName).toBe('guard');
  });

  test('NaN or Infinity fed straight into a guarded placeholder names the placeholder', () => {
    const x = tf.placeholder(tf.float64, [2, 2], 'inputs');
    const c = tf.check_numerics(x, 'inputs are finite');
    for (const [v, kind] of [
      [NaN, 'NaN'],
      [Infinity, 'Inf'],
    ] as const) {
      const e = caught(() => session().run(c, [[x, [[1, 2], [v, 4]]]]));
      expect(e.name).toBe('InvalidArgumentError');
      expect(e.message).toContain(`inputs are finite : Tensor had ${kind} values (tensor 'inputs:0' of shape [2,2], produced by op 'inputs' (Placeholder))`);
    }
  });

  test('the gradient flows through the check', () => {
    const x = tf.placeholder(tf.float32, [3], 'x');
    const y = tf.reduce_sum(tf.square(tf.check_numerics(x, 'x')));
    const [g] = tf.gradients(y, [x]);
    expect(Array.from(session().run(g!, [[x, [1, 2, 3]]]).data)).toEqual([2, 4, 6]);
  });

  test('bad arguments', () => {
    expect(caught(() => tf.check_numerics(tf.constant([1, 2]), 'ints'))).toMatchObject({ name: 'TypeError', message: 'check_numerics: tensor must be floating point, got int32' });
    expect(caught(() => tf.check_numerics(tf.constant([1.5]), 3 as never)).name).toBe('TypeError');
    expect(caught(() => tf.check_numerics('abc' as never, 'm')).name).toBe('TypeError');
  });
});

describe('tf.add_check_numerics_ops', () => {
  function model(): { x: tf.Tensor; y: tf.Tensor; w: tf.Variable; b: tf.Variable; loss: tf.Tensor; train: tf.Tensor[] } {
    const x = tf.placeholder(tf.float32, [null, 2], 'x');
    const y = tf.placeholder(tf.float32, [null, 1], 'y');
    const w = new tf.Variable([[0.5], [-0.25]], { name: 'w', dtype: tf.float32 });
    const b = new tf.Variable([0.1], { name: 'b', dtype: tf.float32 });
    const pred = tf.add(tf.matmul(x, w, { name: 'predict' }), b, 'logits');
    const loss = tf.reduce_mean(tf.square(tf.subtract(pred, y)), { name: 'loss' });
    const [gw, gb] = tf.gradients(loss, [w, b]);
    const train = [w.assign_sub(tf.multiply(gw!, 0.1)), b.assign_sub(tf.multiply(gb!, 0.1))];
    return { x, y, w, b, loss, train };
  }

  test('a NaN fed into the inputs fails the training run at the first op it reaches, and no variable changes', () => {
    const m = model();
    const check = tf.add_check_numerics_ops();
    expect(check.name).toBe('check_numerics');
    const sess = session();
    sess.run(tf.global_variables_initializer());
    const before = sess.run([m.w, m.b]).map((a) => Array.from(a.data));
    const e = caught(() =>
      sess.run([m.train, check], [
        [m.x, [[1, NaN]]],
        [m.y, [[1]]],
      ]),
    );
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    // The message names the guarded tensor and the op that produced it (the matmul sees the NaN first).
    expect(e.message).toMatch(/^predict:0 : Tensor had NaN values \(tensor 'predict:0' of shape \[1,1\], produced by op 'predict' \(MatMul\)\)/);
    expect(sess.run([m.w, m.b]).map((a) => Array.from(a.data))).toEqual(before);
    // Clean inputs: the same run trains.
    sess.run([m.train, check], [
      [m.x, [[1, 2]]],
      [m.y, [[1]]],
    ]);
    expect(sess.run([m.w, m.b]).map((a) => Array.from(a.data))).not.toEqual(before);
  });

  test('an overflow inside the graph (exp of a large value) is caught at the op that overflows', () => {
    const x = tf.placeholder(tf.float32, [2], 'x');
    const e1 = tf.exp(x, 'grow');
    const out = tf.reduce_sum(tf.multiply(e1, 2, 'double'), { name: 'total' });
    const check = tf.add_check_numerics_ops();
    const sess = session();
    expect((sess.run([out, check], [[x, [1, 2]]])[0] as tf.NDArray).item()).toBeCloseTo(2 * (Math.E + Math.E ** 2), 4);
    const e = caught(() => sess.run([out, check], [[x, [1, 100]]]));
    expect(e.message).toMatch(/^grow:0 : Tensor had Inf values \(tensor 'grow:0' of shape \[2\], produced by op 'grow' \(Exp\)\)/);
  });
});
