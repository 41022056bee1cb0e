// tf.train.RMSPropOptimizer (plain and centered), tf.train.AdagradOptimizer and
// tf.train.exponential_decay: TF1's slot names and initial values, updates against the formulas
// computed by hand in float64, errors. Hyperparameters given as numbers are float32 tensors cast
// to the variable's dtype, as in TF (0.1 becomes 0.10000000149...): the formulas use fround.
import * as tf from 'tf1-ts';

beforeEach(() => tf.reset_default_graph());

const f64 = { dtype: tf.float64 };

/** var0 = [1, 2] and var1 = [3, 4] with constant gradients [0.1, 0.1] and [0.01, 0.01]. */
function twoVars(): { vars: tf.Variable[]; grads: tf.Tensor[] } {
  return {
    vars: [new tf.Variable([1, 2], { ...f64, name: 'var0' }), new tf.Variable([3, 4], { ...f64, name: 'var1' })],
    grads: [tf.constant([0.1, 0.1], f64), tf.constant([0.01, 0.01], f64)],
  };
}

function expectClose(got: ArrayLike<number>, want: number[]): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
}

describe('RMSPropOptimizer', () => {
  it.each([false, true])('centered=%s: slots, then three updates by the formula', (centered) => {
    const { vars, grads } = twoVars();
    const opt = new tf.train.RMSPropOptimizer({ learning_rate: 0.01, decay: 0.9, momentum: 0.5, epsilon: 1e-3, centered });
    const step = opt.apply_gradients([[grads[0], vars[0]], [grads[1], vars[1]]]);
    expect(opt.get_slot_names().sort()).toEqual(centered ? ['mg', 'momentum', 'rms'] : ['momentum', 'rms']);
    expect(opt.get_slot(vars[0], 'rms')!.op.name).toBe('var0/RMSProp');
    expect(opt.get_slot(vars[0], 'momentum')!.op.name).toBe(centered ? 'var0/RMSProp_2' : 'var0/RMSProp_1');
    if (centered) expect(opt.get_slot(vars[0], 'mg')!.op.name).toBe('var0/RMSProp_1');
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    expect(Array.from(sess.run(opt.get_slot(vars[1], 'rms')!).data)).toEqual([1, 1]); // rms starts at ones
    // The formula, element by element (both elements of a variable see the same gradient).
    const [lr, rho, eps] = [0.01, 0.9, 1e-3].map(Math.fround);
    const want = [1, 2, 3, 4].map((x0, i) => {
      const g = i < 2 ? 0.1 : 0.01;
      let [x, ms, mg, mom] = [x0, 1, 0, 0];
      return () => {
        ms = ms + (g * g - ms) * (1 - rho);
        mg = mg + (g - mg) * (1 - rho);
        mom = 0.5 * mom + (lr * g) / Math.sqrt(ms - (centered ? mg * mg : 0) + eps);
        return (x -= mom);
      };
    });
    for (let k = 0; k < 3; k++) {
      sess.run(step);
      const expected = want.map((f) => f());
      expectClose(sess.run(vars[0]).data, expected.slice(0, 2));
      expectClose(sess.run(vars[1]).data, expected.slice(2));
    }
  });

  it('defaults are TF1\'s (decay 0.9, momentum 0, epsilon 1e-10) and minimize() trains', () => {
    const x = new tf.Variable(3, f64);
    const loss = tf.square(x);
    const train = new tf.train.RMSPropOptimizer(0.1).minimize(loss);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    sess.run(train);
    // ms = 1 + (36 - 1)(1 - 0.9) = 4.5; x = 3 - 0.1*6/sqrt(4.5 + 1e-10) (hyperparameters in float32)
    const [lr, rho, eps] = [0.1, 0.9, 1e-10].map(Math.fround);
    expect(sess.run(x).item()).toBeCloseTo(3 - (lr * 6) / Math.sqrt(1 + 35 * (1 - rho) + eps), 12);
    expect(() => new tf.train.RMSPropOptimizer(undefined as never)).toThrow("RMSPropOptimizer() missing 1 required positional argument: 'learning_rate'");
  });
});

describe('AdagradOptimizer', () => {
  it('slot accumulator <var>/Adagrad starts at initial_accumulator_value; updates by the formula', () => {
    const { vars, grads } = twoVars();
    const opt = new tf.train.AdagradOptimizer(3.0, 0.1);
    const step = opt.apply_gradients([[grads[0], vars[0]], [grads[1], vars[1]]]);
    expect(opt.get_slot(vars[1], 'accumulator')!.op.name).toBe('var1/Adagrad');
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    expect(Array.from(sess.run(opt.get_slot(vars[0], 'accumulator')!).data)).toEqual([0.1, 0.1]);
    const init = 0.1; // constant_initializer in the variable dtype (float64), as TF makes the slot
    let [x0, x1, a0, a1] = [[1, 2], [3, 4], init, init];
    for (let k = 0; k < 3; k++) {
      sess.run(step);
      a0 += 0.01;
      a1 += 0.0001;
      x0 = x0.map((x) => x - (3 * 0.1) / Math.sqrt(a0));
      x1 = x1.map((x) => x - (3 * 0.01) / Math.sqrt(a1));
      expectClose(sess.run(vars[0]).data, x0);
      expectClose(sess.run(vars[1]).data, x1);
    }
    // TF's own test (adagrad_test.py): after 3 steps var0 = [-1.6026098728179932, -0.6026098728179932]
    // (compared there with rtol = atol = 1e-6 in float64).
    expect(Math.abs(sess.run(vars[0]).data[0] - -1.6026098728179932)).toBeLessThan(1e-6);
  });

  it('rejects a non-positive initial accumulator', () => {
    expect(() => new tf.train.AdagradOptimizer(0.1, 0)).toThrow('initial_accumulator_value must be positive: 0');
  });
});

describe('tf.train.exponential_decay', () => {
  it('lr * rate ^ (step / steps), floored with staircase; named ExponentialDecay', () => {
    const step = new tf.Variable(0, { dtype: tf.int32, trainable: false, name: 'global_step' });
    const smooth = tf.train.exponential_decay(0.1, step, 100, 0.96);
    const stairs = tf.train.exponential_decay(0.1, step, 100, 0.96, true);
    expect(smooth.name).toBe('ExponentialDecay:0');
    expect(stairs.name).toBe('ExponentialDecay_1:0');
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    for (const s of [0, 50, 150, 250]) {
      sess.run(tf.assign(step, s));
      const [a, b] = sess.run([smooth, stairs] as const);
      expect(a.item()).toBeCloseTo(0.1 * 0.96 ** (s / 100), 7);
      expect(b.item()).toBeCloseTo(0.1 * 0.96 ** Math.floor(s / 100), 7);
    }
    expect(() => tf.train.exponential_decay(0.1, null, 100, 0.96)).toThrow('global_step is required for exponential_decay.');
  });

  it('drives an optimizer: the step size shrinks as the global step grows', () => {
    const gs = tf.train.get_or_create_global_step();
    const x = new tf.Variable(10, { dtype: tf.float32 });
    const lr = tf.train.exponential_decay(1.0, gs, 1, 0.5, true);
    const train = new tf.train.GradientDescentOptimizer(lr).minimize(x, { global_step: gs });
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const xs: number[] = [];
    for (let k = 0; k < 3; k++) xs.push((sess.run(train), sess.run(x).item()));
    expect(xs).toEqual([9, 8.5, 8.25]); // steps of 1, 0.5, 0.25 (d x / d x = 1)
  });
});
