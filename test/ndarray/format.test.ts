import { readFileSync } from 'fs';
import { join } from 'path';
import { DType, DTypeName, TypedArray, asDType } from '../../src/core/dtypes';
import { formatNumpy } from '../../src/ndarray/format';

/**
 * Expected strings are NumPy's own `str(arr)` output, recorded by the dev-only generator
 * fixtures/gen_format_fixtures.py (the tests need neither Python nor NumPy).
 */
interface Case {
  name: string;
  dtype: DTypeName;
  shape: number[];
  data: string; // base64 of the host layout, little-endian
  expected: string;
}

const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'format_cases.json'), 'utf8')) as {
  numpy: string;
  cases: Case[];
};

function decode(c: Case): TypedArray {
  const bytes = Buffer.from(c.data, 'base64');
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  switch (c.dtype) {
    case 'float32':
      return new Float32Array(buf);
    case 'int32':
      return new Int32Array(buf);
    case 'bool':
      return new Uint8Array(buf);
    default:
      return new Float64Array(buf); // float64 and int64
  }
}

describe(`formatNumpy matches NumPy ${fixture.numpy} print()`, () => {
  test.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(formatNumpy(decode(c), c.shape, asDType(c.dtype))).toBe(c.expected);
  });
});

describe('formatNumpy examples', () => {
  const f32 = (v: number[]) => Float32Array.from(v);

  test('float32 shortest round-trip digits', () => {
    expect(formatNumpy(f32([0.1, 0.2, 0.3]), [3], DType.float32)).toBe('[0.1 0.2 0.3]');
    expect(formatNumpy(f32([0.5]), [], DType.float32)).toBe('0.5');
  });

  test('float32 3-D block from the NumPy session this port follows', () => {
    const v = [
      0.85013986, 0.22620182, 0.09570671, 0.01165123, 0.41765642, 0.99999917, 0.92645323, 0.5786223, 0.8990805, 0.9251097,
      0.99981105, 0.8789149, 0.2906526, 0.49308833, 0.89505, -0.6515364, -0.7587294, 0.8698612, -0.672047, -0.8924125,
    ];
    expect(formatNumpy(f32(v), [2, 2, 5], DType.float32)).toBe(
      [
        '[[[ 0.85013986  0.22620182  0.09570671  0.01165123  0.41765642]',
        '  [ 0.99999917  0.92645323  0.5786223   0.8990805   0.9251097 ]]',
        '',
        ' [[ 0.99981105  0.8789149   0.2906526   0.49308833  0.89505   ]',
        '  [-0.6515364  -0.7587294   0.8698612  -0.672047   -0.8924125 ]]]',
      ].join('\n'),
    );
  });

  test('integral floats, padding and the sign column', () => {
    expect(formatNumpy(f32([1, 2]), [2], DType.float32)).toBe('[1. 2.]');
    expect(formatNumpy(f32([-1, 0.25]), [2], DType.float32)).toBe('[-1.    0.25]');
  });

  test('scientific notation, nan and inf', () => {
    expect(formatNumpy(new Float64Array([1e-5, 1.5]), [2], DType.float64)).toBe('[1.0e-05 1.5e+00]');
    expect(formatNumpy(new Float64Array([NaN, -Infinity, 1]), [3], DType.float64)).toBe('[ nan -inf   1.]');
  });

  test('ints, bools, empty', () => {
    expect(formatNumpy(Int32Array.from([1, -20, 3]), [3], DType.int32)).toBe('[  1 -20   3]');
    expect(formatNumpy(Uint8Array.from([1, 0]), [2], DType.bool)).toBe('[ True False]');
    expect(formatNumpy(new Float32Array(0), [0, 3], DType.float32)).toBe('[]');
    expect(formatNumpy(Uint8Array.from([1]), [], DType.bool)).toBe('True');
  });

  test('3-D blocks are separated by blank lines', () => {
    const out = formatNumpy(Int32Array.from({ length: 8 }, (_, i) => i), [2, 2, 2], DType.int32);
    expect(out).toBe('[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]');
  });

  test('summarizes arrays over 1000 elements', () => {
    const out = formatNumpy(Float64Array.from({ length: 2000 }, (_, i) => i), [2000], DType.int64);
    expect(out).toBe('[   0    1    2 ... 1997 1998 1999]');
  });
});
