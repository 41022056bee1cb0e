import { at, lastAxisVectors, parseNumpyArrays, shapeText } from '../../cli/compare/numpy-text';

describe('NumPy print-format parser', () => {
  test('2-D float array as print() shows it', () => {
    const [a] = parseNumpyArrays('[[-0.9978484  -0.8388984 ]\n [-1.          0.30530632]\n [ 1.          1.        ]]');
    expect(a.shape).toEqual([3, 2]);
    expect(a.values).toEqual([-0.9978484, -0.8388984, -1, 0.30530632, 1, 1]);
    expect(a.summarized).toBe(false);
    expect(at(a, [1, 1])).toBe(0.30530632);
  });

  test('3-D array with blank lines between blocks', () => {
    const text = '[[[ 1.  2.]\n  [ 3.  4.]]\n\n [[ 5.  6.]\n  [ 0.  0.]]]';
    const [a] = parseNumpyArrays(text);
    expect(a.shape).toEqual([2, 2, 2]);
    expect(a.values).toEqual([1, 2, 3, 4, 5, 6, 0, 0]);
    expect(lastAxisVectors(a).map((v) => v.index)).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    expect(a.start).toBe(0);
    expect(a.end).toBe(text.length);
  });

  test('several arrays in one output, with text around them', () => {
    const arrays = parseNumpyArrays('Y0:\n[[1 2]\n [3 4]]\nY1: [5 6 7]\nloss 0.5\n');
    expect(arrays.map((a) => a.shape)).toEqual([[2, 2], [3]]);
    expect(arrays[1].values).toEqual([5, 6, 7]);
  });

  test('repr form, Python lists, booleans, exponents, nan and inf', () => {
    expect(parseNumpyArrays('array([[1., 2.],\n       [3., 4.]], dtype=float32)')[0].shape).toEqual([2, 2]);
    expect(parseNumpyArrays('[0.5, 1.0, -2]')[0].values).toEqual([0.5, 1, -2]);
    expect(parseNumpyArrays('[ True False  True]')[0].values).toEqual([1, 0, 1]);
    expect(parseNumpyArrays('[1.e-05 2.5e+03 -3E-2]')[0].values).toEqual([1e-5, 2500, -0.03]);
    const [s] = parseNumpyArrays('[nan inf -inf]');
    expect(s.values[0]).toBeNaN();
    expect(s.values.slice(1)).toEqual([Infinity, -Infinity]);
    expect(parseNumpyArrays('[]')[0].shape).toEqual([0]);
  });

  test("summarized printouts are flagged ('...')", () => {
    const [a] = parseNumpyArrays('[0. 1. 2. ... 7. 8. 9.]');
    expect(a.summarized).toBe(true);
    expect(a.values).toEqual([0, 1, 2, 7, 8, 9]);
    const [b] = parseNumpyArrays('[[0 1 ... 8 9]\n [1 2 ... 9 0]\n ...\n [5 6 ... 3 4]]');
    expect(b.summarized).toBe(true);
    expect(b.shape).toEqual([3, 4]);
  });

  test('brackets that are not numeric arrays are skipped', () => {
    expect(parseNumpyArrays("X_new = [...] #New sequences\n['a', 'b'] [batch_size, n_steps]")).toEqual([]);
    expect(parseNumpyArrays('[[1, 2], [3]]')).toEqual([]); // ragged
    expect(parseNumpyArrays('shape [2, 3] and [[1 2]]').map((a) => a.shape)).toEqual([[2], [1, 2]]);
  });

  test('shapeText prints like a Python tuple', () => {
    expect(shapeText([4, 5])).toBe('(4, 5)');
    expect(shapeText([3])).toBe('(3,)');
  });
});
