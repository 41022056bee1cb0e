// NDArray as returned by sess.run: shape, dtype, indexing, tolist, reshape, NumPy printing.
import { Console } from 'console';
import { Writable } from 'stream';
import { inspect } from 'util';
import * as tf from 'tf1-ts';
import { caught, run } from './helpers';

beforeEach(() => tf.reset_default_graph());

function consoleLog(...args: unknown[]): string {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  new Console(sink).log(...args);
  return out;
}

const ARANGE_4x5_HALF = [
  '[[0.  0.5 1.  1.5 2. ]',
  ' [2.5 3.  3.5 4.  4.5]',
  ' [5.  5.5 6.  6.5 7. ]',
  ' [7.5 8.  8.5 9.  9.5]]',
].join('\n');

describe('NDArray results', () => {
  it('shape, dtype, size, get with negative indices, item', () => {
    const r = run(tf.constant([[1, 2, 3], [4, 5, 6]], { dtype: tf.float32 }));
    expect(r).toBeInstanceOf(tf.NDArray);
    expect(r.shape).toEqual([2, 3]);
    expect(r.dtype).toBe(tf.float32);
    expect(r.size).toBe(6);
    expect(r.ndim).toBe(2);
    expect(r.get(0, 0)).toBe(1);
    expect(r.get(1, 2)).toBe(6);
    expect(r.get(-1, -1)).toBe(6);
    expect(r.get(-2, 1)).toBe(2);
    expect(r.get(0, -3)).toBe(1);
    expect(() => r.get(2, 0)).toThrow('index 2 is out of bounds for axis 0 with size 2');
    expect(() => r.get(0, -4)).toThrow('index -4 is out of bounds for axis 1 with size 3');
    expect(() => r.get(0)).toThrow(tf.ValueError);
    expect(() => r.item()).toThrow('can only convert an array of size 1 to a Python scalar');
    const s = run(tf.constant(2.5));
    expect(s.shape).toEqual([]);
    expect(s.get()).toBe(2.5);
    expect(s.item()).toBe(2.5);
  });

  it('tolist for every dtype', () => {
    expect(run(tf.constant([[1, 2], [3, 4]])).tolist()).toEqual([[1, 2], [3, 4]]);
    expect(run(tf.constant([true, false])).tolist()).toEqual([true, false]);
    expect(run(tf.constant(7)).tolist()).toBe(7);
    expect(run(tf.argmax(tf.constant([[1, 5], [6, 2]]), 1)).tolist()).toEqual([1, 0]);
    expect(run(tf.zeros([2, 0])).tolist()).toEqual([[], []]);
  });

  it('reshape(-1) and friends', () => {
    const r = run(tf.constant([[1, 2, 3], [4, 5, 6]]));
    const f = r.reshape(-1);
    expect(f.shape).toEqual([6]);
    expect(f.tolist()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(f.dtype).toBe(tf.int32);
    expect(r.reshape(3, -1).tolist()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(r.reshape([1, 6]).shape).toEqual([1, 6]);
    expect(() => r.reshape(4, -1)).toThrow('cannot reshape array of size 6 into shape (4, -1)');
    expect(r.astype(tf.float32).dtype).toBe(tf.float32);
  });

  it('prints as NumPy: console.log, util.inspect, String', () => {
    const halves = tf.constant(Array.from({ length: 20 }, (_, i) => i * 0.5), { shape: [4, 5] });
    const r = run(halves);
    expect(r.shape).toEqual([4, 5]);
    expect(r.dtype).toBe(tf.float32);
    expect(r.toString()).toBe(ARANGE_4x5_HALF);
    expect(String(r)).toBe(ARANGE_4x5_HALF);
    expect(inspect(r)).toBe(ARANGE_4x5_HALF);
    expect(consoleLog(r)).toBe(ARANGE_4x5_HALF + '\n');
    // As part of a structure, each array prints as NumPy's would.
    expect(consoleLog(run(tf.constant([[1, 2, 3], [4, 5, 6]])))).toBe('[[1 2 3]\n [4 5 6]]\n');
    expect(consoleLog(run(tf.constant([true, false])))).toBe('[ True False]\n');
    expect(consoleLog(run(tf.constant(3.5)))).toBe('3.5\n');
    expect(consoleLog('loss:', run(tf.constant(0.25)))).toBe('loss: 0.25\n');
  });

  it('a computed [4,5] float32 result prints row by row', () => {
    const x = tf.placeholder(tf.float32, [null, 5]);
    const y = tf.matmul(x, tf.ones([5, 5]));
    const r = run(y, [[x, [[0, 0, 0, 0, 0.5], [1, 0, 0, 0, 0], [0, 0, 0, 2, 0.5], [1, 1, 1, 1, 0]]]]);
    const text = consoleLog(r);
    expect(text).toBe('[[0.5 0.5 0.5 0.5 0.5]\n [1.  1.  1.  1.  1. ]\n [2.5 2.5 2.5 2.5 2.5]\n [4.  4.  4.  4.  4. ]]\n');
  });

  it('construction errors', () => {
    const e = caught(() => new tf.NDArray(Float32Array.of(1, 2, 3), [2, 2], 'float32'));
    expect(e.name).toBe('ValueError');
    expect(() => new tf.NDArray(Float32Array.of(1), [1], 'float16' as unknown as 'float32')).toThrow('Unknown dtype');
  });
});
