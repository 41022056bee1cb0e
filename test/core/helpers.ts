// Small helpers shared by the test/core suites (not a test file itself).
import * as tf from 'tf1-ts';
import type { FeedDict } from 'tf1-ts';

/** Runs `fetches` in a fresh session on the default graph and closes it. */
export function run<F>(fetches: F, feed?: FeedDict | null): tf.Fetched<F> {
  using sess = new tf.Session();
  return sess.run(fetches, feed);
}

/** The value of one tensor as nested JS arrays. */
export function val(t: tf.Tensor, feed?: FeedDict | null): unknown {
  return run(t, feed).tolist();
}

/** Flattens nested arrays of numbers. */
export function flat(x: unknown): number[] {
  if (Array.isArray(x)) return x.flatMap(flat);
  if (typeof x === 'boolean') return [x ? 1 : 0];
  return [x as number];
}

/** Elementwise closeness of two nested arrays with the same shape. */
export function expectClose(actual: tf.NDArray | unknown, expected: unknown, digits = 5): void {
  const a = actual instanceof tf.NDArray ? actual.tolist() : actual;
  const fa = flat(a);
  const fe = flat(expected);
  expect(fa.length).toBe(fe.length);
  fe.forEach((e, i) => expect(fa[i]).toBeCloseTo(e, digits));
  if (actual instanceof tf.NDArray && Array.isArray(expected)) {
    const shape: number[] = [];
    let v: unknown = expected;
    while (Array.isArray(v)) {
      shape.push(v.length);
      v = v[0];
    }
    expect(actual.shape).toEqual(shape);
  }
}

/** Catches the error thrown by fn (fails the test if nothing is thrown). */
export function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error to be thrown');
}
