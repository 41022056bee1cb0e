/**
 * A small NumPy subset for ported notebooks (np.array, np.arange, np.linspace, np.sin,
 * np.random, ...), returning NDArrays. Not a numerical library: just what notebooks do around a
 * graph (build inputs, generate data, slice predictions, average a few numbers).
 *
 * Conventions:
 * - Functions take NumPy's positional arguments in order; Python keyword arguments become a
 *   trailing options object (`np.linspace(0, 1, 5, { endpoint: false })`).
 * - Arithmetic broadcasts as NumPy does. TypeScript has no operator overloading, so
 *   `t * np.sin(t) / 3` is written `np.divide(np.multiply(t, np.sin(t)), 3)`.
 * - dtypes: computed results are float64 (NumPy's default) unless every input is an integer
 *   array and the operation keeps integers (add, subtract, multiply, ...). `np.array` keeps
 *   tf1-ts's rule for literals (all-integer -> int32, else float32); pass a dtype to choose.
 * - A function of plain numbers only returns a plain number (NumPy returns a scalar).
 * - Indexing: `np.getitem(a, ':, :-1')` is `a[:, :-1]` (integers, slices, `None`/`np.newaxis`
 *   and `...`); `a.get(0, -1, 0)` (NDArray) reads one element.
 * - `np.random` is one seeded stream (src/core/random.ts). Under `rnn run --seed N`
 *   (TF1TS_SEED) it starts from that seed, so a whole run repeats; `np.random.seed(n)` restarts
 *   it, as NumPy's does. The values differ from NumPy's Mersenne Twister.
 */
import { DTypeLike, DType, asDType, coerce } from '../core/dtypes';
import { ValueError } from '../core/errors';
import { RandomStream, entropySeed, processSeed } from '../core/random';
import { ArrayLike, NDArray, Nested, resolveReshape, sizeOf, stridesOf, toNDArray } from '../ndarray/ndarray';

export { NDArray };
export type { ArrayLike };

export const float32 = DType.float32;
export const float64 = DType.float64;
export const int32 = DType.int32;
export const int64 = DType.int64;
export const bool_ = DType.bool;
export const pi = Math.PI;
export const e = Math.E;
export const inf = Infinity;
export const nan = NaN;
/** `None` in an index (`a[:, None]`) for the structured form of getitem. */
export const newaxis = null;

type Shape = number | readonly number[];

const shapeOf = (shape: Shape): number[] => (typeof shape === 'number' ? [shape] : [...shape]);

/** The NDArray of anything array-like (no copy when it already is one). */
function nd(x: ArrayLike, dtype?: DTypeLike): NDArray {
  return toNDArray(x, dtype, 'numpy');
}

const isScalar = (x: unknown): x is number => typeof x === 'number';

// ---- creation -----------------------------------------------------------------------------

/** np.array(object, dtype?): a copy. Literals: all integers -> int32, else float32 (tf1-ts's rule for fed literals). */
export function array(object: ArrayLike, dtype?: DTypeLike): NDArray {
  const a = nd(object, dtype);
  return a === object ? new NDArray(a.data.slice(), a.shape, a.dtype) : a;
}

/** np.asarray: like array, but no copy when `object` already is an NDArray of that dtype. */
export function asarray(object: ArrayLike, dtype?: DTypeLike): NDArray {
  return nd(object, dtype);
}

export function zeros(shape: Shape, dtype: DTypeLike = DType.float64): NDArray {
  const s = shapeOf(shape);
  return new NDArray(asDType(dtype).alloc(sizeOf(s)), s, dtype);
}

export function full(shape: Shape, fill_value: number, dtype: DTypeLike = DType.float64): NDArray {
  const a = zeros(shape, dtype);
  a.data.fill(coerce(a.dtype, fill_value));
  return a;
}

export function ones(shape: Shape, dtype: DTypeLike = DType.float64): NDArray {
  return full(shape, 1, dtype);
}

export function zeros_like(a: ArrayLike, dtype?: DTypeLike): NDArray {
  const x = nd(a);
  return zeros(x.shape, dtype ?? x.dtype);
}

export function ones_like(a: ArrayLike, dtype?: DTypeLike): NDArray {
  const x = nd(a);
  return ones(x.shape, dtype ?? x.dtype);
}

/**
 * np.arange([start,] stop[, step], { dtype }): start + k*step for k = 0 .. ceil((stop-start)/step)-1.
 * Integer arguments give int32, any fractional one float64 (in JS `0.` is `0`: pass
 * `{ dtype: np.float64 }` for Python's `np.arange(0., n)`; the values are the same).
 */
export function arange(start: number, stop?: number, step = 1, opts: { dtype?: DTypeLike } = {}): NDArray {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) throw new ValueError('Maximum allowed size exceeded');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dtype = asDType(opts.dtype ?? ([start, stop, step].every(Number.isInteger) ? DType.int32 : DType.float64));
  const out = dtype.alloc(n);
  for (let k = 0; k < n; k++) out[k] = coerce(dtype, start + k * step);
  return new NDArray(out, [n], dtype);
}

export interface LinspaceOptions {
  endpoint?: boolean;
  dtype?: DTypeLike;
}

/** np.linspace(start, stop, num=50, endpoint=True): num evenly spaced values (float64). */
export function linspace(start: number, stop: number, num = 50, opts: LinspaceOptions = {}): NDArray {
  if (!Number.isInteger(num) || num < 0) throw new ValueError(`Number of samples, ${num}, must be non-negative.`);
  const endpoint = opts.endpoint ?? true;
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : NaN;
  const dtype = asDType(opts.dtype ?? DType.float64);
  const out = dtype.alloc(num);
  for (let k = 0; k < num; k++) out[k] = coerce(dtype, div > 0 ? start + k * step : start);
  // NumPy sets the last value to exactly `stop`.
  if (endpoint && num > 1) out[num - 1] = coerce(dtype, stop);
  return new NDArray(out, [num], dtype);
}

// ---- shape manipulation -------------------------------------------------------------------

/** np.reshape(a, newshape): a view (one dimension may be -1). */
export function reshape(a: ArrayLike, newshape: Shape): NDArray {
  const x = nd(a);
  return new NDArray(x.data, resolveReshape(x.shape, shapeOf(newshape), 'reshape'), x.dtype);
}

/** np.ravel / a.flatten(): a 1-D copy. */
export function ravel(a: ArrayLike): NDArray {
  const x = nd(a);
  return new NDArray(x.data.slice(), [x.size], x.dtype);
}

const normAxis = (axis: number, rank: number, what: string): number => {
  const ax = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(ax) || ax < 0 || ax >= rank) throw new ValueError(`${what}: axis ${axis} is out of bounds for array of dimension ${rank}`);
  return ax;
};

/** The dtype NumPy gives to a combination of inputs (enough for float64/float32/int32/bool). */
function resultDType(types: readonly DType[]): DType {
  if (types.includes(DType.float64) || types.includes(DType.int64)) return types.every((t) => t.isInteger || t === DType.bool) ? DType.int64 : DType.float64;
  if (types.includes(DType.float32)) return types.some((t) => t === DType.int32) ? DType.float64 : DType.float32;
  if (types.includes(DType.int32)) return DType.int32;
  return types[0] ?? DType.float64;
}

/** np.concatenate((a1, a2, ...), axis=0). */
export function concatenate(arrays: readonly ArrayLike[], axis = 0): NDArray {
  if (arrays.length === 0) throw new ValueError('need at least one array to concatenate');
  const xs = arrays.map((a) => nd(a));
  const rank = xs[0].rank;
  if (rank === 0) throw new ValueError('zero-dimensional arrays cannot be concatenated');
  const ax = normAxis(axis, rank, 'concatenate');
  for (const [i, x] of xs.entries()) {
    if (x.rank !== rank) {
      throw new ValueError(
        `all the input array dimensions except for the concatenation axis must match exactly, but along dimension 0, the array at index 0 has ${rank} dimension(s) and the array at index ${i} has ${x.rank} dimension(s)`,
      );
    }
    for (let d = 0; d < rank; d++) {
      if (d !== ax && x.shape[d] !== xs[0].shape[d]) {
        throw new ValueError(
          `all the input array dimensions except for the concatenation axis must match exactly, but along dimension ${d}, the array at index 0 has size ${xs[0].shape[d]} and the array at index ${i} has size ${x.shape[d]}`,
        );
      }
    }
  }
  const dtype = resultDType(xs.map((x) => x.dtype));
  const shape = [...xs[0].shape];
  shape[ax] = xs.reduce((s, x) => s + x.shape[ax], 0);
  const out = dtype.alloc(sizeOf(shape));
  const outer = sizeOf(shape.slice(0, ax));
  const inner = sizeOf(shape.slice(ax + 1));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const x of xs) {
      const chunk = x.shape[ax] * inner;
      const base = o * chunk;
      for (let i = 0; i < chunk; i++) out[k++] = coerce(dtype, x.data[base + i]);
    }
  }
  return new NDArray(out, shape, dtype);
}

/** np.stack(arrays, axis=0): joins same-shaped arrays along a new axis. */
export function stack(arrays: readonly ArrayLike[], axis = 0): NDArray {
  if (arrays.length === 0) throw new ValueError('need at least one array to stack');
  const xs = arrays.map((a) => nd(a));
  const s0 = xs[0].shape;
  if (xs.some((x) => x.shape.length !== s0.length || x.shape.some((d, i) => d !== s0[i]))) throw new ValueError('all input arrays must have the same shape');
  const ax = normAxis(axis, s0.length + 1, 'stack');
  const expanded = xs.map((x) => reshape(x, [...s0.slice(0, ax), 1, ...s0.slice(ax)]));
  return concatenate(expanded, ax);
}

/** np.transpose(a, axes?): a copy with permuted axes (reversed by default). */
export function transpose(a: ArrayLike, axes?: readonly number[]): NDArray {
  const x = nd(a);
  const perm = axes ? axes.map((p) => normAxis(p, x.rank, 'transpose')) : x.shape.map((_, i) => x.rank - 1 - i);
  if (perm.length !== x.rank || new Set(perm).size !== perm.length) throw new ValueError("axes don't match array");
  const shape = perm.map((p) => x.shape[p]);
  const inStrides = stridesOf(x.shape);
  const out = x.dtype.alloc(x.size);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < out.length; k++) {
    let src = 0;
    for (let d = 0; d < shape.length; d++) src += idx[d] * inStrides[perm[d]];
    out[k] = x.data[src];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return new NDArray(out, shape, x.dtype);
}

// ---- indexing -----------------------------------------------------------------------------

/** One index item: an integer, a slice `[start, stop, step]` (null = default), null (new axis) or '...'. */
export type IndexItem = number | readonly (number | null | undefined)[] | null | '...';

/** Parses Python index text: '0, -1, 0', ':, :-1', '::2, None, ...'. */
export function parseIndex(text: string): IndexItem[] {
  if (text.trim() === '') return [];
  return text.split(',').map((raw): IndexItem => {
    const t = raw.trim();
    if (t === '...') return '...';
    if (t === 'None' || t === 'np.newaxis') return null;
    const num = (s: string): number | null => {
      const v = s.trim();
      if (v === '') return null;
      if (!/^[-+]?\d+$/.test(v)) throw new ValueError(`getitem: cannot read index '${raw.trim()}' (integers, slices, None and ... only)`);
      return Number(v);
    };
    if (!t.includes(':')) {
      const n = num(t);
      if (n === null) throw new ValueError(`getitem: empty index in '${text}'`);
      return n;
    }
    const parts = t.split(':');
    if (parts.length > 3) throw new ValueError(`getitem: bad slice '${t}'`);
    return [num(parts[0]), num(parts[1]), parts.length === 3 ? num(parts[2]) : null];
  });
}

/** Python's slice.indices(n): [start, stop, step] clipped to a dimension of size n. */
function sliceIndices(s: readonly (number | null | undefined)[], n: number): [number, number, number] {
  const step = s[2] ?? 1;
  if (step === 0) throw new ValueError('slice step cannot be zero');
  const clip = (v: number | null | undefined, dflt: number, lo: number, hi: number): number => {
    if (v === null || v === undefined) return dflt;
    const w = v < 0 ? v + n : v;
    return Math.min(Math.max(w, lo), hi);
  };
  return step > 0 ? [clip(s[0], 0, 0, n), clip(s[1], n, 0, n), step] : [clip(s[0], n - 1, -1, n - 1), clip(s[1], -1, -1, n - 1), step];
}

/**
 * NumPy basic indexing, `a[index]`, as a copy: `np.getitem(ys, ':, :-1')` is `ys[:, :-1]`.
 * Indexing every axis with an integer gives a 0-d array (`.item()` is the number; for one
 * element `a.get(0, -1, 0)` is shorter). The index may also be an array of IndexItems
 * (`[null, [null, -1]]`) or a single number.
 */
export function getitem(a: ArrayLike, index: string | number | readonly IndexItem[]): NDArray {
  const x = nd(a);
  let items: IndexItem[] = typeof index === 'string' ? parseIndex(index) : typeof index === 'number' ? [index] : [...index];
  const real = items.filter((it) => it !== null && it !== '...').length;
  if (items.filter((it) => it === '...').length > 1) throw new ValueError("an index can only have a single ellipsis ('...')");
  if (real > x.rank) throw new ValueError(`too many indices for array: array is ${x.rank}-dimensional, but ${real} were indexed`);
  const ell = items.indexOf('...');
  const fillSlices = (n: number): IndexItem[] => Array.from({ length: n }, () => [null, null, null] as const);
  if (ell >= 0) items = [...items.slice(0, ell), ...fillSlices(x.rank - real), ...items.slice(ell + 1)];
  else items = [...items, ...fillSlices(x.rank - real)];

  // Per input axis: the list of source indices; per output: its shape (new axes add 1s).
  const outShape: number[] = [];
  const picks: number[][] = [];
  let axis = 0;
  for (const it of items) {
    if (it === null) {
      outShape.push(1);
      continue;
    }
    const n = x.shape[axis];
    if (typeof it === 'number') {
      const k = it < 0 ? it + n : it;
      if (!Number.isInteger(k) || k < 0 || k >= n) throw new ValueError(`index ${it} is out of bounds for axis ${axis} with size ${n}`);
      picks.push([k]);
    } else {
      const [start, stop, step] = sliceIndices(it as readonly (number | null)[], n);
      const ks: number[] = [];
      for (let k = start; step > 0 ? k < stop : k > stop; k += step) ks.push(k);
      picks.push(ks);
      outShape.push(ks.length);
    }
    axis++;
  }
  const strides = stridesOf(x.shape);
  const total = picks.reduce((s, p) => s * p.length, 1);
  const out = x.dtype.alloc(total);
  const idx = new Array<number>(picks.length).fill(0);
  for (let k = 0; k < total; k++) {
    let src = 0;
    for (let d = 0; d < picks.length; d++) src += picks[d][idx[d]] * strides[d];
    out[k] = x.data[src];
    for (let d = picks.length - 1; d >= 0; d--) {
      if (++idx[d] < picks[d].length) break;
      idx[d] = 0;
    }
  }
  return new NDArray(out, outShape, x.dtype);
}

// ---- elementwise ----------------------------------------------------------------------------

/** NumPy's broadcast of two shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ValueError(`operands could not be broadcast together with shapes (${a.join(',')}${a.length === 1 ? ',' : ''}) (${b.join(',')}${b.length === 1 ? ',' : ''})`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** For each flat output index, the flat index into an input of `shape` broadcast to `out`. */
function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array {
  const size = sizeOf(out);
  const idx = new Int32Array(size);
  const offset = out.length - shape.length;
  const inStrides = stridesOf(shape);
  const pos = new Array<number>(out.length).fill(0);
  for (let k = 0; k < size; k++) {
    let src = 0;
    for (let d = offset; d < out.length; d++) if (shape[d - offset] !== 1) src += pos[d] * inStrides[d - offset];
    idx[k] = src;
    for (let d = out.length - 1; d >= 0; d--) {
      if (++pos[d] < out[d]) break;
      pos[d] = 0;
    }
  }
  return idx;
}

type Operand = number | ArrayLike;

/** A Python number operand adapts to the array's dtype (NumPy's "weak scalar" rule). */
function operandDType(x: Operand, arr: NDArray): DType {
  if (isScalar(x)) return Number.isInteger(x) ? (arr.dtype === DType.bool ? DType.int32 : arr.dtype) : arr.dtype.isFloating ? arr.dtype : DType.float64;
  return arr.dtype;
}

function binary(name: string, a: Operand, b: Operand, f: (x: number, y: number) => number, floatResult: boolean): NDArray | number {
  if (isScalar(a) && isScalar(b)) return f(a, b);
  const x = nd(a);
  const y = nd(b);
  let dtype = resultDType([operandDType(a, isScalar(a) ? y : x), operandDType(b, isScalar(b) ? x : y)]);
  if (floatResult && !dtype.isFloating) dtype = DType.float64;
  if (dtype === DType.bool) dtype = DType.int32;
  const shape = broadcastShapes(x.shape, y.shape);
  const size = sizeOf(shape);
  const out = dtype.alloc(size);
  const same = (s: readonly number[]): boolean => s.length === shape.length && s.every((d, i) => d === shape[i]);
  if (same(x.shape) && same(y.shape)) {
    for (let k = 0; k < size; k++) out[k] = coerce(dtype, f(x.data[k], y.data[k]));
  } else {
    const ix = broadcastIndex(x.shape, shape);
    const iy = broadcastIndex(y.shape, shape);
    for (let k = 0; k < size; k++) out[k] = coerce(dtype, f(x.data[ix[k]], y.data[iy[k]]));
  }
  void name;
  return new NDArray(out, shape, dtype);
}

function makeBinary(name: string, f: (x: number, y: number) => number, floatResult = false) {
  function op(a: number, b: number): number;
  function op(a: Operand, b: Operand): NDArray;
  function op(a: Operand, b: Operand): NDArray | number {
    return binary(name, a, b, f, floatResult);
  }
  return op;
}

export const add = makeBinary('add', (x, y) => x + y);
export const subtract = makeBinary('subtract', (x, y) => x - y);
export const multiply = makeBinary('multiply', (x, y) => x * y);
/** True division: always floating, as Python 3's `/`. */
export const divide = makeBinary('divide', (x, y) => x / y, true);
export const true_divide = divide;
export const floor_divide = makeBinary('floor_divide', (x, y) => Math.floor(x / y));
export const power = makeBinary('power', (x, y) => x ** y);
export const maximum = makeBinary('maximum', (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)));
export const minimum = makeBinary('minimum', (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)));

function makeUnary(f: (x: number) => number, keepInts = false) {
  function op(a: number): number;
  function op(a: ArrayLike): NDArray;
  function op(a: Operand): NDArray | number {
    if (isScalar(a)) return f(a);
    const x = nd(a);
    const dtype = x.dtype.isFloating || (keepInts && x.dtype !== DType.bool) ? x.dtype : DType.float64;
    const out = dtype.alloc(x.size);
    for (let k = 0; k < x.size; k++) out[k] = coerce(dtype, f(x.data[k]));
    return new NDArray(out, x.shape, dtype);
  }
  return op;
}

export const sin = makeUnary(Math.sin);
export const cos = makeUnary(Math.cos);
export const tan = makeUnary(Math.tan);
export const tanh = makeUnary(Math.tanh);
export const exp = makeUnary(Math.exp);
export const log = makeUnary(Math.log);
export const sqrt = makeUnary(Math.sqrt);
export const abs = makeUnary(Math.abs, true);
export const square = makeUnary((v) => v * v, true);
export const negative = makeUnary((v) => -v, true);
export const floor = makeUnary(Math.floor);
export const ceil = makeUnary(Math.ceil);
/** np.round: half to even, as NumPy. */
export const round = makeUnary((v) => {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
});

// ---- reductions -----------------------------------------------------------------------------

export interface ReduceOptions {
  keepdims?: boolean;
}

function reduce(a: ArrayLike, axis: number | null | undefined, opts: ReduceOptions, init: (n: number) => number, step: (acc: number, v: number) => number, finish: (acc: number, n: number) => number, outDType: (d: DType) => DType, what: string): NDArray | number {
  const x = nd(a);
  const dtype = outDType(x.dtype);
  if (axis === null || axis === undefined) {
    if (x.size === 0 && what !== 'sum') throw new ValueError(`zero-size array to reduction operation ${what} which has no identity`);
    let acc = init(x.size);
    for (let k = 0; k < x.size; k++) acc = step(acc, x.data[k]);
    const v = coerce(dtype, finish(acc, x.size));
    if (opts.keepdims) return new NDArray(Object.assign(dtype.alloc(1), { 0: v }), x.shape.map(() => 1), dtype);
    return v;
  }
  const ax = normAxis(axis, x.rank, what);
  const outer = sizeOf(x.shape.slice(0, ax));
  const n = x.shape[ax];
  const inner = sizeOf(x.shape.slice(ax + 1));
  const out = dtype.alloc(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = init(n);
      for (let k = 0; k < n; k++) acc = step(acc, x.data[(o * n + k) * inner + i]);
      out[o * inner + i] = coerce(dtype, finish(acc, n));
    }
  }
  const shape = opts.keepdims ? x.shape.map((d, i) => (i === ax ? 1 : d)) : x.shape.filter((_, i) => i !== ax);
  return new NDArray(out, shape, dtype);
}

const floatOut = (d: DType): DType => (d.isFloating ? d : DType.float64);
const sameOut = (d: DType): DType => (d === DType.bool ? DType.int32 : d);

export function sum(a: ArrayLike, axis?: null): number;
export function sum(a: ArrayLike, axis: number, opts?: ReduceOptions): NDArray;
export function sum(a: ArrayLike, axis?: number | null, opts: ReduceOptions = {}): NDArray | number {
  return reduce(a, axis, opts, () => 0, (s, v) => s + v, (s) => s, sameOut, 'sum');
}

export function mean(a: ArrayLike, axis?: null): number;
export function mean(a: ArrayLike, axis: number, opts?: ReduceOptions): NDArray;
export function mean(a: ArrayLike, axis?: number | null, opts: ReduceOptions = {}): NDArray | number {
  return reduce(a, axis, opts, () => 0, (s, v) => s + v, (s, n) => s / n, floatOut, 'mean');
}

/** np.var (population variance, ddof=0). */
export function variance(a: ArrayLike, axis?: null): number;
export function variance(a: ArrayLike, axis: number, opts?: ReduceOptions): NDArray;
export function variance(a: ArrayLike, axis?: number | null, opts: ReduceOptions = {}): NDArray | number {
  const m = axis === null || axis === undefined ? mean(a) : mean(a, axis, { keepdims: true });
  const d = subtract(a, m);
  return axis === null || axis === undefined ? mean(multiply(d, d)) : mean(multiply(d, d), axis, opts);
}

export function std(a: ArrayLike, axis?: null): number;
export function std(a: ArrayLike, axis: number, opts?: ReduceOptions): NDArray;
export function std(a: ArrayLike, axis?: number | null, opts: ReduceOptions = {}): NDArray | number {
  return axis === null || axis === undefined ? Math.sqrt(variance(a)) : sqrt(variance(a, axis, opts));
}

export function max(a: ArrayLike, axis?: null): number;
export function max(a: ArrayLike, axis: number, opts?: ReduceOptions): NDArray;
export function max(a: ArrayLike, axis?: number | null, opts: ReduceOptions = {}): NDArray | number {
  return reduce(a, axis, opts, () => -Infinity, (s, v) => (Number.isNaN(s) || Number.isNaN(v) ? NaN : Math.max(s, v)), (s) => s, sameOut, 'maximum');
}

export function min(a: ArrayLike, axis?: null): number;
export function min(a: ArrayLike, axis: number, opts?: ReduceOptions): NDArray;
export function min(a: ArrayLike, axis?: number | null, opts: ReduceOptions = {}): NDArray | number {
  return reduce(a, axis, opts, () => Infinity, (s, v) => (Number.isNaN(s) || Number.isNaN(v) ? NaN : Math.min(s, v)), (s) => s, sameOut, 'minimum');
}

/** np.argmax(a, axis=None): first index of the maximum (flat index without axis). */
export function argmax(a: ArrayLike, axis?: null): number;
export function argmax(a: ArrayLike, axis: number): NDArray;
export function argmax(a: ArrayLike, axis?: number | null): NDArray | number {
  const x = nd(a);
  if (axis === null || axis === undefined) {
    if (x.size === 0) throw new ValueError('attempt to get argmax of an empty sequence');
    let best = 0;
    for (let k = 1; k < x.size; k++) if (x.data[k] > x.data[best] || (Number.isNaN(x.data[k]) && !Number.isNaN(x.data[best]))) best = k;
    return best;
  }
  const ax = normAxis(axis, x.rank, 'argmax');
  const outer = sizeOf(x.shape.slice(0, ax));
  const n = x.shape[ax];
  const inner = sizeOf(x.shape.slice(ax + 1));
  const out = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = 0;
      for (let k = 1; k < n; k++) if (x.data[(o * n + k) * inner + i] > x.data[(o * n + best) * inner + i]) best = k;
      out[o * inner + i] = best;
    }
  }
  return new NDArray(out, x.shape.filter((_, i) => i !== ax), DType.int32);
}

// ---- comparison -----------------------------------------------------------------------------

/** np.allclose(a, b, rtol=1e-05, atol=1e-08). */
export function allclose(a: Operand, b: Operand, opts: { rtol?: number; atol?: number } = {}): boolean {
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-8;
  const x = nd(isScalar(a) ? [a] : a);
  const y = nd(isScalar(b) ? [b] : b);
  const shape = broadcastShapes(x.shape, y.shape);
  const ix = broadcastIndex(x.shape, shape);
  const iy = broadcastIndex(y.shape, shape);
  for (let k = 0; k < ix.length; k++) {
    const u = x.data[ix[k]];
    const v = y.data[iy[k]];
    if (!(Math.abs(u - v) <= atol + rtol * Math.abs(v))) return false;
  }
  return true;
}

export function array_equal(a: ArrayLike, b: ArrayLike): boolean {
  const x = nd(a);
  const y = nd(b);
  return x.shape.length === y.shape.length && x.shape.every((d, i) => d === y.shape[i]) && x.data.every((v, k) => v === y.data[k]);
}

// ---- random ---------------------------------------------------------------------------------

/** NumPy's RandomState: one seeded stream with NumPy's sampling functions. */
export class RandomState {
  private stream: RandomStream;

  constructor(seed?: number | null) {
    this.stream = new RandomStream(seed ?? entropySeed(), NP_SEED2);
  }

  /** Restarts the stream (np.random.seed(n)); no seed: a fresh entropy seed. */
  seed(seed?: number | null): void {
    this.stream = new RandomStream(seed ?? entropySeed(), NP_SEED2);
  }

  private fill(shape: number[], draw: () => number, dtype: DType = DType.float64): NDArray {
    const out = dtype.alloc(sizeOf(shape));
    for (let k = 0; k < out.length; k++) out[k] = coerce(dtype, draw());
    return new NDArray(out, shape, dtype);
  }

  /** np.random.rand(d0, d1, ...): uniform [0, 1); no arguments: one number. */
  rand(): number;
  rand(...dims: number[]): NDArray;
  rand(...dims: number[]): NDArray | number {
    if (dims.length === 0) return this.stream.uniform();
    return this.fill(dims, () => this.stream.uniform());
  }

  /** np.random.randn(d0, d1, ...): standard normal. */
  randn(): number;
  randn(...dims: number[]): NDArray;
  randn(...dims: number[]): NDArray | number {
    if (dims.length === 0) return this.stream.normal();
    return this.fill(dims, () => this.stream.normal());
  }

  /** np.random.random(size) / random_sample(size). */
  random(): number;
  random(size: Shape): NDArray;
  random(size?: Shape): NDArray | number {
    return size === undefined ? this.stream.uniform() : this.fill(shapeOf(size), () => this.stream.uniform());
  }
  random_sample(size?: Shape): NDArray | number {
    return size === undefined ? this.random() : this.random(size);
  }

  /** np.random.uniform(low=0, high=1, size=None). */
  uniform(low?: number, high?: number): number;
  uniform(low: number, high: number, size: Shape): NDArray;
  uniform(low = 0, high = 1, size?: Shape): NDArray | number {
    const draw = (): number => low + (high - low) * this.stream.uniform();
    return size === undefined ? draw() : this.fill(shapeOf(size), draw);
  }

  /** np.random.normal(loc=0, scale=1, size=None). */
  normal(loc?: number, scale?: number): number;
  normal(loc: number, scale: number, size: Shape): NDArray;
  normal(loc = 0, scale = 1, size?: Shape): NDArray | number {
    const draw = (): number => loc + scale * this.stream.normal();
    return size === undefined ? draw() : this.fill(shapeOf(size), draw);
  }

  /** np.random.randint(low, high=None, size=None): integers in [low, high) (int32). */
  randint(low: number, high?: number | null): number;
  randint(low: number, high: number | null | undefined, size: Shape): NDArray;
  randint(low: number, high?: number | null, size?: Shape): NDArray | number {
    if (high === null || high === undefined) [low, high] = [0, low];
    if (high <= low) throw new ValueError('low >= high');
    const lo = low;
    const n = high - low;
    const draw = (): number => lo + this.stream.int(n);
    return size === undefined ? draw() : this.fill(shapeOf(size), draw, DType.int32);
  }

  /** np.random.permutation(n | array): a shuffled range, or a shuffled copy along axis 0. */
  permutation(x: number | ArrayLike): NDArray {
    if (isScalar(x)) return new NDArray(this.stream.permutation(x), [x], DType.int32);
    const a = nd(x);
    const p = this.stream.permutation(a.shape[0] ?? 0);
    return take(a, p, 0);
  }

  /** np.random.shuffle(a): shuffles an NDArray in place along axis 0. */
  shuffle(a: NDArray): void {
    const s = this.permutation(a);
    a.data.set(s.data);
  }

  /** np.random.choice(a, size=None, replace=True) for an int range or a 1-D array. */
  choice(a: number | ArrayLike, size?: Shape, opts: { replace?: boolean } = {}): NDArray | number {
    const pool = isScalar(a) ? arange(a) : nd(a);
    const n = pool.size;
    if (size === undefined) return pool.data[this.stream.int(n)];
    const shape = shapeOf(size);
    const count = sizeOf(shape);
    if (opts.replace === false) {
      if (count > n) throw new ValueError("Cannot take a larger sample than population when 'replace=False'");
      const p = this.stream.permutation(n);
      return new NDArray(Object.assign(pool.dtype.alloc(count), Array.from(p.slice(0, count), (i) => pool.data[i])), shape, pool.dtype);
    }
    return this.fill(shape, () => pool.data[this.stream.int(n)], pool.dtype);
  }
}

/** Second seed word of NumPy streams, so they never replay the graph's or the datasets' streams. */
const NP_SEED2 = 0x6e70;

/** np.take(a, indices, axis). */
export function take(a: ArrayLike, indices: ArrayLike, axis = 0): NDArray {
  const x = nd(a);
  const ids = nd(indices);
  const ax = normAxis(axis, x.rank, 'take');
  const outer = sizeOf(x.shape.slice(0, ax));
  const n = x.shape[ax];
  const inner = sizeOf(x.shape.slice(ax + 1));
  const shape = [...x.shape.slice(0, ax), ...ids.shape, ...x.shape.slice(ax + 1)];
  const out = x.dtype.alloc(sizeOf(shape));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < ids.size; j++) {
      let i = ids.data[j];
      if (i < 0) i += n;
      if (i < 0 || i >= n) throw new ValueError(`index ${ids.data[j]} is out of bounds for axis ${ax} with size ${n}`);
      const base = (o * n + i) * inner;
      for (let t = 0; t < inner; t++) out[k++] = x.data[base + t];
    }
  }
  return new NDArray(out, shape, x.dtype);
}

/**
 * The global stream behind np.random.*: seeded from TF1TS_SEED when `rnn run --seed N` set it
 * (so the run repeats), else from entropy.
 */
export const random = new RandomState(processSeed() ?? undefined);

// ---- conversion -----------------------------------------------------------------------------

/** a.tolist() for anything array-like. */
export function tolist(a: ArrayLike): Nested {
  return nd(a).tolist();
}

/** Python's `float(x)` of a one-element array. */
export function item(a: ArrayLike): number {
  return nd(a).item();
}

export const np = {
  float32,
  float64,
  int32,
  int64,
  bool_,
  pi,
  e,
  inf,
  nan,
  newaxis,
  array,
  asarray,
  zeros,
  ones,
  full,
  zeros_like,
  ones_like,
  arange,
  linspace,
  reshape,
  ravel,
  concatenate,
  stack,
  transpose,
  getitem,
  parseIndex,
  take,
  add,
  subtract,
  multiply,
  divide,
  true_divide,
  floor_divide,
  power,
  maximum,
  minimum,
  sin,
  cos,
  tan,
  tanh,
  exp,
  log,
  sqrt,
  abs,
  square,
  negative,
  floor,
  ceil,
  round,
  sum,
  mean,
  var: variance,
  std,
  max,
  min,
  argmax,
  allclose,
  array_equal,
  broadcastShapes,
  random,
  RandomState,
  tolist,
  item,
};
export default np;
