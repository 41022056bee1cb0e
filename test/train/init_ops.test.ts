// Initializers (TF1_SEMANTICS.md 2.3): values, fan rules, limits (checked empirically), seeding.
import * as tf from 'tf1-ts';
import { DType } from 'tf1-ts/core/dtypes';
import { computeFans } from 'tf1-ts/ops/init_ops';

beforeEach(() => tf.reset_default_graph());

function run(t: tf.Tensor): tf.NDArray {
  using sess = new tf.Session();
  return sess.run(t);
}

function stats(a: tf.NDArray): { min: number; max: number; mean: number; std: number } {
  let min = Infinity;
  let max = -Infinity;
  let s = 0;
  let s2 = 0;
  for (const x of a.data) {
    min = Math.min(min, x);
    max = Math.max(max, x);
    s += x;
    s2 += x * x;
  }
  const mean = s / a.size;
  return { min, max, mean, std: Math.sqrt(s2 / a.size - mean * mean) };
}

describe('constant initializers', () => {
  test('zeros, ones, constant scalar', () => {
    expect([...run(tf.zeros_initializer()([2, 2])).data]).toEqual([0, 0, 0, 0]);
    expect([...run(tf.ones_initializer()([3], tf.int32)).data]).toEqual([1, 1, 1]);
    expect(run(tf.ones_initializer()([3], tf.int32)).dtype).toBe(DType.int32);
    expect([...run(tf.constant_initializer(0.5)([2])).data]).toEqual([0.5, 0.5]);
    expect(tf.zeros_initializer().dtype).toBe(DType.float32);
  });

  test("constant list: tf.constant's fill rules", () => {
    expect(run(tf.constant_initializer([1, 2, 3, 4, 5, 6])([2, 3])).tolist()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    // Shorter lists are padded with their last element (TF1).
    expect(run(tf.constant_initializer([1, 2])([2, 2])).tolist()).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(() => tf.constant_initializer([1, 2, 3, 4, 5, 6, 7])([2, 3])).toThrow('Too many elements provided. Needed at most 6, but received 7');
    expect(() => tf.constant_initializer([1, 2, 3], { verify_shape: true })([2, 2])).toThrow(/Expected Tensor's shape/);
    expect(tf.constant_initializer({ value: 3, dtype: tf.float64 })([1]).dtype).toBe(DType.float64);
  });
});

describe('random initializers', () => {
  test('random_uniform_initializer: values in [minval, maxval)', () => {
    const s = stats(run(tf.random_uniform_initializer(-3, 5)([10000])));
    expect(s.min).toBeGreaterThanOrEqual(-3);
    expect(s.max).toBeLessThan(5);
    expect(s.mean).toBeCloseTo(1, 1);
    const d = stats(run(tf.random_uniform_initializer()([1000])));
    expect(d.min).toBeGreaterThanOrEqual(0);
    expect(d.max).toBeLessThan(1);
  });

  test('random_normal_initializer: mean and stddev', () => {
    const s = stats(run(tf.random_normal_initializer({ mean: 2, stddev: 0.5 })([20000])));
    expect(s.mean).toBeCloseTo(2, 1);
    expect(s.std).toBeCloseTo(0.5, 1);
  });

  test('truncated_normal_initializer: nothing beyond two stddevs', () => {
    const s = stats(run(tf.truncated_normal_initializer(1, 0.1)([20000])));
    expect(s.min).toBeGreaterThanOrEqual(0.8);
    expect(s.max).toBeLessThanOrEqual(1.2);
    expect(s.std).toBeCloseTo(0.088, 2); // truncated at 2σ: σ * 0.8796
  });

  test('floating dtypes only', () => {
    expect(() => tf.random_normal_initializer({ dtype: tf.int32 })).toThrow('Expected floating point type, got int32.');
    expect(() => tf.glorot_uniform_initializer()([2, 2], tf.int32)).toThrow('Expected floating point type, got int32.');
  });

  test('seeds: same seed same values, in every session; graph seed makes unseeded ones repeatable', () => {
    const a = tf.random_uniform_initializer({ seed: 7 })([5]);
    const b = tf.random_uniform_initializer({ seed: 7 })([5]);
    const c = tf.random_uniform_initializer({ seed: 8 })([5]);
    const [va, vb, vc] = (() => {
      using sess = new tf.Session();
      return sess.run([a, b, c]);
    })();
    expect([...va.data]).toEqual([...vb.data]);
    expect([...va.data]).not.toEqual([...vc.data]);
    expect([...run(a).data]).toEqual([...va.data]);

    const draw = (): number[][] => {
      tf.reset_default_graph();
      tf.set_random_seed(42);
      const x = tf.glorot_uniform_initializer()([3, 3]);
      const y = tf.glorot_uniform_initializer()([3, 3]);
      using sess = new tf.Session();
      return sess.run([x, y]).map((r) => [...r.data]);
    };
    const first = draw();
    const second = draw();
    expect(second).toEqual(first);
    expect(first[0]).not.toEqual(first[1]);
  });
});

describe('variance scaling', () => {
  test('fans: rank 0, 1, 2 and conv kernels', () => {
    expect(computeFans([])).toEqual([1, 1]);
    expect(computeFans([7])).toEqual([7, 7]);
    expect(computeFans([3, 5])).toEqual([3, 5]);
    expect(computeFans([2, 3, 4, 5])).toEqual([4 * 6, 5 * 6]);
  });

  test('glorot_uniform: U(-limit, limit), limit = sqrt(6/(fan_in+fan_out)), empirically reached', () => {
    for (const shape of [[200, 300], [1000], [3, 3, 20, 30]]) {
      const [fi, fo] = computeFans(shape);
      const limit = Math.sqrt(6 / (fi + fo));
      const s = stats(run(tf.glorot_uniform_initializer({ seed: 1 })(shape)));
      expect(s.min).toBeGreaterThanOrEqual(-limit);
      expect(s.max).toBeLessThanOrEqual(limit);
      expect(s.min).toBeLessThan(-0.98 * limit);
      expect(s.max).toBeGreaterThan(0.98 * limit);
    }
    // Rank 1 [n]: limit sqrt(3/n).
    const s = stats(run(tf.glorot_uniform_initializer(3)([12])));
    expect(s.max).toBeLessThanOrEqual(0.5);
  });

  test('glorot_normal: truncated normal with stddev sqrt(2/(fan_in+fan_out))', () => {
    const s = stats(run(tf.glorot_normal_initializer({ seed: 2 })([400, 600])));
    const target = Math.sqrt(2 / 1000);
    expect(s.std).toBeCloseTo(target, 3);
    expect(s.max).toBeLessThanOrEqual((2 * target) / 0.87962566103423978 + 1e-7);
  });

  test('variance_scaling_initializer modes and distributions', () => {
    const shape = [100, 400];
    const uni = (mode: 'fan_in' | 'fan_out' | 'fan_avg', n: number): void => {
      const s = stats(run(tf.variance_scaling_initializer({ scale: 2, mode, distribution: 'uniform', seed: 3 })(shape)));
      const limit = Math.sqrt((3 * 2) / n);
      expect(s.max).toBeLessThanOrEqual(limit);
      expect(s.max).toBeGreaterThan(0.98 * limit);
    };
    uni('fan_in', 100);
    uni('fan_out', 400);
    uni('fan_avg', 250);
    const un = stats(run(tf.variance_scaling_initializer(1, 'fan_in', 'untruncated_normal', 4)([200, 200])));
    expect(un.std).toBeCloseTo(Math.sqrt(1 / 200), 3);
    expect(() => tf.variance_scaling_initializer({ mode: 'fan_sum' as never })).toThrow(/Invalid `mode` argument/);
    expect(() => tf.variance_scaling_initializer({ scale: 0 })).toThrow('`scale` must be positive float.');
    expect(() => tf.variance_scaling_initializer({ distribution: 'cauchy' as never })).toThrow(/Invalid `distribution` argument/);
  });

  test('contrib xavier_initializer: limit sqrt(6/(fan_in+fan_out)) (uniform), truncated otherwise', () => {
    const x = tf.contrib.layers.xavier_initializer;
    const s = stats(run(x({ seed: 5 })([300, 200])));
    const limit = Math.sqrt(6 / 500);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.max).toBeGreaterThan(0.98 * limit);
    const n = stats(run(x(false, 6)([300, 200])));
    expect(n.std).toBeLessThan(Math.sqrt(1.3 / 250));
    expect(n.max).toBeLessThanOrEqual(2 * Math.sqrt(1.3 / 250) + 1e-7);
    // contrib's variance scaling: FAN_IN, factor 2 (He) by default.
    const he = stats(run(tf.contrib.layers.variance_scaling_initializer({ uniform: true, seed: 1 })([50, 10])));
    expect(he.max).toBeLessThanOrEqual(Math.sqrt((3 * 2) / 50));
    expect(() => x({ dtype: tf.int32 })).toThrow('Cannot create initializer for non-floating point type.');
  });

  test('get_config and argument checking', () => {
    expect(tf.glorot_uniform_initializer({ seed: 3 }).get_config()).toEqual({ scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: 3, dtype: 'float32' });
    expect(() => tf.random_normal_initializer({ std: 1 } as never)).toThrow(/unexpected keyword argument 'std'/);
    expect(() => tf.glorot_uniform_initializer()([null, 3] as never)).toThrow(/must be fully defined/);
  });
});
