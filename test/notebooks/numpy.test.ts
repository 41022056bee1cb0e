/** src/numpy: the NumPy subset the ported notebooks use (values as NumPy gives them). */
import { np } from '../../src/numpy';
import { NDArray } from '../../src/ndarray/ndarray';

const vals = (a: NDArray): number[] => Array.from(a.data);

describe('creation', () => {
  test('array keeps tf1-ts literal rule; zeros/ones default float64', () => {
    expect(np.array([[1, 2], [3, 4]]).dtype.name).toBe('int32');
    expect(np.array([0.5, 1]).dtype.name).toBe('float32');
    expect(np.array([1, 2], np.float64).dtype.name).toBe('float64');
    const src = np.array([1, 2]);
    const copy = np.array(src);
    copy.data[0] = 9;
    expect(src.data[0]).toBe(1);
    expect(np.zeros([2, 3]).shape).toEqual([2, 3]);
    expect(np.zeros(2).dtype.name).toBe('float64');
    expect(vals(np.ones([2]))).toEqual([1, 1]);
    expect(vals(np.full([3], 7, np.int32))).toEqual([7, 7, 7]);
  });

  test('arange', () => {
    expect(vals(np.arange(5))).toEqual([0, 1, 2, 3, 4]);
    expect(np.arange(5).dtype.name).toBe('int32');
    expect(vals(np.arange(2, 5))).toEqual([2, 3, 4]);
    expect(vals(np.arange(0, 1, 0.25))).toEqual([0, 0.25, 0.5, 0.75]);
    expect(np.arange(0, 1, 0.25).dtype.name).toBe('float64');
    expect(vals(np.arange(5, 0, -2))).toEqual([5, 3, 1]);
    expect(np.arange(3, 3).shape).toEqual([0]);
    expect(np.arange(0, 21, 1, { dtype: np.float64 }).dtype.name).toBe('float64');
  });

  test('linspace', () => {
    expect(vals(np.linspace(0, 1, 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(vals(np.linspace(0, 1, 4, { endpoint: false }))).toEqual([0, 0.25, 0.5, 0.75]);
    expect(vals(np.linspace(2, 3, 1))).toEqual([2]);
    expect(np.linspace(0, 1).shape).toEqual([50]);
    // the book's test window: 21 instants, last exactly 12.2 + 0.1 * 21
    const t = np.linspace(12.2, 12.2 + 0.1 * 21, 21);
    expect(t.data[20]).toBe(12.2 + 0.1 * 21);
    expect(t.data[1]).toBeCloseTo(12.305, 12);
  });
});

describe('shapes and indexing', () => {
  const a = np.reshape(np.arange(12), [3, 4]);

  test('reshape, ravel, transpose', () => {
    expect(np.reshape(a, [-1, 6]).shape).toEqual([2, 6]);
    expect(() => np.reshape(a, [5, -1])).toThrow();
    expect(np.ravel(a).shape).toEqual([12]);
    const t = np.transpose(a);
    expect(t.shape).toEqual([4, 3]);
    expect(vals(t).slice(0, 4)).toEqual([0, 4, 8, 1]);
    const b = np.transpose(np.reshape(np.arange(6), [1, 2, 3]), [1, 0, 2]);
    expect(b.shape).toEqual([2, 1, 3]);
    expect(vals(b)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('getitem: integers, slices, negative steps, None, ellipsis', () => {
    expect(vals(np.getitem(a, ':, :-1'))).toEqual([0, 1, 2, 4, 5, 6, 8, 9, 10]);
    expect(np.getitem(a, ':, :-1').shape).toEqual([3, 3]);
    expect(vals(np.getitem(a, ':, 1:'))).toEqual([1, 2, 3, 5, 6, 7, 9, 10, 11]);
    expect(vals(np.getitem(a, '1'))).toEqual([4, 5, 6, 7]);
    expect(np.getitem(a, '-1, -1').shape).toEqual([]);
    expect(np.getitem(a, '-1, -1').item()).toBe(11);
    expect(vals(np.getitem(a, '::-1, 0'))).toEqual([8, 4, 0]);
    expect(vals(np.getitem(a, '0, ::2'))).toEqual([0, 2]);
    expect(np.getitem(a, ':, None').shape).toEqual([3, 1, 4]);
    expect(vals(np.getitem(a, '..., 0'))).toEqual([0, 4, 8]);
    expect(vals(np.getitem(a, [0, [1, 3, null]]))).toEqual([1, 2]);
    expect(vals(np.getitem(np.arange(5), '10:'))).toEqual([]);
    expect(() => np.getitem(a, '3')).toThrow(/out of bounds for axis 0 with size 3/);
    expect(() => np.getitem(a, '0, 0, 0')).toThrow(/too many indices/);
    expect(() => np.getitem(a, 'x')).toThrow(/cannot read index/);
  });

  test('concatenate and stack', () => {
    const c = np.concatenate([np.zeros([2, 2]), np.ones([1, 2])]);
    expect(c.shape).toEqual([3, 2]);
    expect(vals(c)).toEqual([0, 0, 0, 0, 1, 1]);
    const d = np.concatenate([np.array([[1], [2]]), np.array([[3, 4], [5, 6]])], 1);
    expect(vals(d)).toEqual([1, 3, 4, 2, 5, 6]);
    expect(d.dtype.name).toBe('int32');
    expect(() => np.concatenate([np.zeros([2, 2]), np.zeros([2, 3])])).toThrow(/along dimension 1/);
    const s = np.stack([np.array([1, 2]), np.array([3, 4])], 1);
    expect(s.shape).toEqual([2, 2]);
    expect(vals(s)).toEqual([1, 3, 2, 4]);
  });

  test('take', () => {
    expect(vals(np.take(a, [2, 0]))).toEqual([8, 9, 10, 11, 0, 1, 2, 3]);
    expect(vals(np.take(a, [3], 1))).toEqual([3, 7, 11]);
  });
});

describe('arithmetic', () => {
  test('broadcasting and dtypes', () => {
    const col = np.reshape(np.array([0, 10], np.float64), [2, 1]);
    const row = np.arange(0, 3, 1, { dtype: np.float64 });
    const s = np.add(col, row);
    expect(s.shape).toEqual([2, 3]);
    expect(vals(s)).toEqual([0, 1, 2, 10, 11, 12]);
    expect(np.multiply(np.arange(3), 2).dtype.name).toBe('int32');
    expect(np.multiply(np.arange(3), 0.5).dtype.name).toBe('float64');
    expect(np.multiply(np.array([1.5], np.float32), 2).dtype.name).toBe('float32');
    expect(np.divide(np.arange(3), 2).dtype.name).toBe('float64');
    expect(vals(np.divide(np.arange(3), 2))).toEqual([0, 0.5, 1]);
    expect(vals(np.subtract(5, np.arange(3)))).toEqual([5, 4, 3]);
    expect(vals(np.power(np.arange(4), 2))).toEqual([0, 1, 4, 9]);
    expect(np.add(1, 2)).toBe(3);
    expect(() => np.add(np.zeros([2, 3]), np.zeros([3, 2]))).toThrow(/could not be broadcast together with shapes \(2,3\) \(3,2\)/);
  });

  test('unary functions', () => {
    expect(np.sin(0)).toBe(0);
    const x = np.sin(np.array([0, Math.PI / 2], np.float64));
    expect(x.data[1]).toBe(1);
    expect(np.sin(np.arange(2)).dtype.name).toBe('float64');
    expect(np.abs(np.array([-2, 3])).dtype.name).toBe('int32');
    expect(vals(np.round(np.array([0.5, 1.5, 2.5, -0.5], np.float64)))).toEqual([0, 2, 2, -0]);
    expect(vals(np.square(np.array([3])))).toEqual([9]);
  });

  test('the time series: t*sin(t)/3 + 2*sin(5t)', () => {
    const t = np.array([1.3, 12.2], np.float64);
    const y = np.add(np.divide(np.multiply(t, np.sin(t)), 3), np.multiply(2, np.sin(np.multiply(t, 5))));
    for (let k = 0; k < 2; k++) {
      const v = t.data[k];
      expect(y.data[k]).toBeCloseTo((v * Math.sin(v)) / 3 + 2 * Math.sin(5 * v), 12);
    }
  });
});

describe('reductions', () => {
  const a = np.reshape(np.arange(6), [2, 3]);
  test('sum, mean, std, var, max, min, argmax', () => {
    expect(np.sum(a)).toBe(15);
    expect(vals(np.sum(a, 0))).toEqual([3, 5, 7]);
    expect(np.sum(a, 1, { keepdims: true }).shape).toEqual([2, 1]);
    expect(np.mean(a)).toBe(2.5);
    expect(vals(np.mean(a, 1))).toEqual([1, 4]);
    expect(np.mean(a, -1).dtype.name).toBe('float64');
    expect(np.var(np.array([1, 2, 3, 4]))).toBe(1.25);
    expect(np.std(np.array([1, 2, 3, 4]))).toBeCloseTo(Math.sqrt(1.25), 15);
    expect(vals(np.std(a, 0))).toEqual([1.5, 1.5, 1.5]);
    expect(np.max(a)).toBe(5);
    expect(vals(np.min(a, 1))).toEqual([0, 3]);
    expect(np.argmax(np.array([1, 7, 7, 2]))).toBe(1);
    expect(vals(np.argmax(np.array([[1, 9], [8, 2]]), 1))).toEqual([1, 0]);
    expect(() => np.max(np.zeros([0]))).toThrow(/zero-size array/);
  });

  test('allclose, array_equal', () => {
    expect(np.allclose(np.array([1, 2]), np.array([1, 2.000001]))).toBe(true);
    expect(np.allclose(np.array([1, 2]), np.array([1, 2.1]))).toBe(false);
    expect(np.array_equal(np.array([1, 2]), np.array([1, 2]))).toBe(true);
    expect(np.array_equal(np.array([1, 2]), np.array([[1, 2]]))).toBe(false);
  });
});

describe('random', () => {
  test('seed(n) restarts the stream; shapes, ranges, dtypes', () => {
    np.random.seed(42);
    const a = np.random.rand(3, 2);
    const n = np.random.randn(4);
    np.random.seed(42);
    expect(vals(np.random.rand(3, 2))).toEqual(vals(a));
    expect(vals(np.random.randn(4))).toEqual(vals(n));
    expect(a.shape).toEqual([3, 2]);
    expect(a.dtype.name).toBe('float64');
    expect(a.data.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(typeof np.random.rand()).toBe('number');
    const r = np.random.randint(3, 7, [1000]);
    expect(r.dtype.name).toBe('int32');
    expect(Math.min(...r.data)).toBe(3);
    expect(Math.max(...r.data)).toBe(6);
    const u = np.random.uniform(-1, 1, [1000]);
    expect(u.data.every((v) => v >= -1 && v < 1)).toBe(true);
    const g = np.random.normal(5, 2, [20000]);
    expect(np.mean(g)).toBeCloseTo(5, 1);
    expect(np.std(g)).toBeCloseTo(2, 1);
    expect(vals(np.random.permutation(5)).sort()).toEqual([0, 1, 2, 3, 4]);
    const p = np.random.permutation(np.reshape(np.arange(6), [3, 2]));
    expect(p.shape).toEqual([3, 2]);
    expect(vals(np.random.choice(10, [4], { replace: false }) as NDArray).length).toBe(4);
  });

  test('a RandomState with the same seed repeats; different seeds differ', () => {
    const a = new np.RandomState(1).rand(5);
    const b = new np.RandomState(1).rand(5);
    const c = new np.RandomState(2).rand(5);
    expect(vals(a)).toEqual(vals(b));
    expect(vals(a)).not.toEqual(vals(c));
  });
});
