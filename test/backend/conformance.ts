/**
 * Shared conformance suite for every Backend (src/backend/backend.ts). Each backend's test file
 * calls `describeConformance(label, makeBackend, tolerance)`.
 *
 * Sources of truth: expected values are either computed by hand (noted at the case) or by the
 * tiny float64 reference implementations at the top of this file (broadcasting, matmul, reduce,
 * transpose, concat, gather, softmax, Adam). TF semantics that differ from naive JS are spelled
 * out in those references (round half to even, floor-mod, truncating int division, InTopK ties).
 *
 * Tolerance: floating results must satisfy |actual - expected| <= atol + rtol * |expected|
 * (matmul: rtol scales the sum of |a_ik * b_kj|, the natural bound for a dot product). Integer
 * and bool results are compared exactly. The CPU backend runs with rtol = atol = 1e-6; a float32
 * GPU backend (approximate transcendentals, different summation order) is expected to need about
 * rtol = 1e-4, atol = 1e-5. Matmul cases use dyadic inputs (multiples of 1/4), whose products and
 * sums are exact in float32, so any indexing bug shows however loose the tolerance.
 *
 * Every kernel call goes through a guard that snapshots each input handle (and NDArray) before
 * the call and checks it is unchanged afterwards: kernels must never mutate their inputs.
 */
import { AdamParams, Backend, BackendTensor, BinaryOp, PRIMITIVES, ReduceOp, UnaryOp } from '../../src/backend/backend';
import { DType, DTypeName } from '../../src/core/dtypes';
import { InvalidArgumentError } from '../../src/core/errors';
import { NDArray } from '../../src/ndarray/ndarray';

export interface Tolerance {
  rtol: number;
  atol: number;
}

// ---------------------------------------------------------------------------------------------
// float64 references
// ---------------------------------------------------------------------------------------------

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

function stridesOf(s: readonly number[]): number[] {
  const st = new Array<number>(s.length);
  for (let i = s.length - 1, acc = 1; i >= 0; i--) {
    st[i] = acc;
    acc *= s[i];
  }
  return st;
}

/** Multi-index of flat index `i` in `shape`. */
function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

function refBroadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
    const y = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`reference: incompatible ${a} ${b}`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Flat index into an operand of `shape` for an output multi-index (NumPy broadcasting). */
function bIndex(outIdx: readonly number[], shape: readonly number[]): number {
  const off = outIdx.length - shape.length;
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d] + (shape[d] === 1 ? 0 : outIdx[d + off]);
  return flat;
}

function refNary(shapes: readonly (readonly number[])[], vals: readonly (readonly number[])[], f: (...x: number[]) => number) {
  const shape = shapes.reduce<number[]>((acc, s) => refBroadcastShape(acc, s), []);
  const data: number[] = [];
  for (let i = 0; i < prod(shape); i++) {
    const idx = unravel(i, shape);
    data.push(f(...vals.map((v, j) => v[bIndex(idx, shapes[j])])));
  }
  return { shape, data };
}

/** Naive triple loop; `a` is stored [M,K] (or [K,M] when ta), `b` [K,N] (or [N,K] when tb). */
function refMatmul(a: readonly number[], b: readonly number[], M: number, K: number, N: number, ta: boolean, tb: boolean) {
  // typed copies with the logical layout keep the reference fast at 150x178x150
  const A = new Float64Array(M * K);
  const B = new Float64Array(K * N);
  for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) A[i * K + k] = ta ? a[k * M + i] : a[i * K + k];
  for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) B[k * N + j] = tb ? b[j * K + k] : b[k * N + j];
  const c = new Array<number>(M * N);
  const mag = new Array<number>(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      let m = 0;
      for (let k = 0; k < K; k++) {
        const p = A[i * K + k] * B[k * N + j];
        s += p;
        m += p < 0 ? -p : p; // no global lookups in the hot loop: jest's sandboxed globals are slow
      }
      c[i * N + j] = s;
      mag[i * N + j] = m;
    }
  return { c, mag };
}

function refTranspose(x: readonly number[], shape: readonly number[], perm: readonly number[]) {
  const outShape = perm.map((p) => shape[p]);
  const st = stridesOf(shape);
  const data: number[] = [];
  for (let i = 0; i < prod(outShape); i++) {
    const idx = unravel(i, outShape);
    let src = 0;
    for (let d = 0; d < perm.length; d++) src += idx[d] * st[perm[d]];
    data.push(x[src]);
  }
  return { shape: outShape, data };
}

function refReduce(op: ReduceOp, x: readonly number[], shape: readonly number[], axes: readonly number[]) {
  const outShape = shape.filter((_, d) => !axes.includes(d));
  const groups: number[][] = Array.from({ length: prod(outShape) }, () => []);
  for (let i = 0; i < x.length; i++) {
    const idx = unravel(i, shape).filter((_, d) => !axes.includes(d));
    let o = 0;
    for (let d = 0; d < idx.length; d++) o = o * outShape[d] + idx[d];
    groups[o].push(x[i]);
  }
  const f: Record<ReduceOp, (g: number[]) => number> = {
    sum: (g) => g.reduce((a, b) => a + b, 0),
    mean: (g) => g.reduce((a, b) => a + b, 0) / g.length,
    max: (g) => g.reduce((a, b) => Math.max(a, b), -Infinity),
    min: (g) => g.reduce((a, b) => Math.min(a, b), Infinity),
    prod: (g) => g.reduce((a, b) => a * b, 1),
    any: (g) => (g.some((v) => v !== 0) ? 1 : 0),
    all: (g) => (g.every((v) => v !== 0) ? 1 : 0),
  };
  return { shape: outShape, data: groups.map(f[op]) };
}

function refConcat(xs: readonly { data: readonly number[]; shape: readonly number[] }[], axis: number) {
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  const outer = prod(shape.slice(0, axis));
  const data: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const x of xs) {
      const chunk = prod(x.shape.slice(axis));
      data.push(...x.data.slice(o * chunk, (o + 1) * chunk));
    }
  return { shape, data };
}

function refGather(x: readonly number[], shape: readonly number[], idx: readonly number[], idxShape: readonly number[], axis: number) {
  const outer = prod(shape.slice(0, axis));
  const inner = prod(shape.slice(axis + 1));
  const data: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const k of idx)
      for (let i = 0; i < inner; i++) data.push(x[(o * shape[axis] + k) * inner + i]);
  return { shape: [...shape.slice(0, axis), ...idxShape, ...shape.slice(axis + 1)], data };
}

function refSoftmaxRow(row: readonly number[]): { p: number[]; logp: number[] } {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return { p: e.map((v) => v / s), logp: row.map((v) => v - m - Math.log(s)) };
}

/** TF's round: half to even (Eigen's scalar_round_half_to_even_op). */
function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** TF's FloorMod for floats: fmod, shifted into the divisor's sign. */
function floorMod(x: number, y: number): number {
  const t = x % y;
  return t !== 0 && y < 0 !== t < 0 ? t + y : t;
}

/** TF1's ApplyAdam, in float64. */
function refAdam(v: number[], m: number[], vv: number[], g: readonly number[], p: AdamParams) {
  const lrT = (p.lr * Math.sqrt(1 - p.beta2Power)) / (1 - p.beta1Power);
  for (let i = 0; i < v.length; i++) {
    m[i] += (g[i] - m[i]) * (1 - p.beta1);
    vv[i] += (g[i] * g[i] - vv[i]) * (1 - p.beta2);
    v[i] -= (lrT * m[i]) / (Math.sqrt(vv[i]) + p.epsilon);
  }
}

/** Deterministic values that are multiples of 1/4 in [-1, 1]: exact products and sums in float32. */
function dyadic(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(((s >>> 16) % 9) / 4 - 1);
  }
  return out;
}

/** Deterministic values in [-1, 1) with full mantissas. */
function uniform(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(Math.fround(s / 2 ** 31 - 1));
  }
  return out;
}

const iota = (n: number, f: (i: number) => number = (i) => i): number[] => Array.from({ length: n }, (_, i) => f(i));

/** The float64 references, for backend-specific (e.g. property-based) tests. */
export const reference = { broadcastShape: refBroadcastShape, nary: refNary, matmul: refMatmul, transpose: refTranspose, reduce: refReduce, concat: refConcat, gather: refGather };

// ---------------------------------------------------------------------------------------------
// The no-mutation guard
// ---------------------------------------------------------------------------------------------

function isHandle(x: unknown): x is BackendTensor {
  return typeof x === 'object' && x !== null && Array.isArray((x as { shape?: unknown }).shape) && (x as { dtype?: unknown }).dtype instanceof DType;
}

interface Snapshot {
  shape: string;
  dtype: DType;
  data: Float64Array;
}

function snap(raw: Backend, x: BackendTensor | NDArray): Snapshot {
  const nd = x instanceof NDArray ? x : raw.toHost(x);
  return { shape: JSON.stringify([...x.shape]), dtype: x.dtype, data: Float64Array.from(nd.data) };
}

function sameSnap(a: Snapshot, b: Snapshot): boolean {
  if (a.shape !== b.shape || a.dtype !== b.dtype || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (!Object.is(a.data[i], b.data[i])) return false;
  return true;
}

/** Wraps a backend so every kernel call checks that its tensor arguments were left unchanged. */
function guard(raw: Backend, called: Set<string>): Backend {
  return new Proxy(raw, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      const fn = v as (...args: unknown[]) => unknown;
      const name = String(prop);
      if (name === 'toHost' || name === 'dispose') {
        return (...args: unknown[]) => {
          called.add(name);
          return fn.apply(target, args);
        };
      }
      return (...args: unknown[]) => {
        called.add(name);
        const inputs: (BackendTensor | NDArray)[] = [];
        for (const a of args) {
          if (a instanceof NDArray || isHandle(a)) inputs.push(a);
          else if (Array.isArray(a)) for (const e of a) if (e instanceof NDArray || isHandle(e)) inputs.push(e);
        }
        const before = inputs.map((t) => snap(target, t));
        const out = fn.apply(target, args);
        inputs.forEach((t, i) => {
          if (!sameSnap(before[i], snap(target, t))) throw new Error(`${name} mutated its input #${i}`);
        });
        return out;
      };
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

/** Checks values against expectations; `scale` (optional) replaces |expected| in the rtol term. */
function compare(actual: ArrayLike<number>, expected: readonly number[], dtype: DType, tol: Tolerance, what: string, scale?: readonly number[]): void {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  const exact = !dtype.isFloating;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    let ok: boolean;
    if (exact) ok = a === e || (a === 0 && e === 0);
    else if (Number.isNaN(e)) ok = Number.isNaN(a);
    else if (!Number.isFinite(e)) ok = a === e;
    else ok = Number.isFinite(a) && Math.abs(a - e) <= tol.atol + tol.rtol * (scale ? scale[i] : Math.abs(e));
    if (!ok) {
      throw new Error(`${what}: element ${i} is ${a}, expected ${e} (dtype ${dtype.name}, rtol ${tol.rtol}, atol ${tol.atol})\n` +
        `actual:   [${Array.from(actual).slice(0, 24).join(', ')}${actual.length > 24 ? ', ...' : ''}]\n` +
        `expected: [${expected.slice(0, 24).join(', ')}${expected.length > 24 ? ', ...' : ''}]`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------

export function describeConformance(label: string, makeBackend: () => Backend | Promise<Backend>, opts: Tolerance): void {
  describe(`backend conformance: ${label}`, () => {
    let be: Backend;
    const called = new Set<string>();

    beforeAll(async () => {
      be = guard(await makeBackend(), called);
    });

    const nd = (data: readonly number[], shape: readonly number[], dtype: DTypeName = 'float32'): NDArray => {
      const dt = DType[dtype];
      const buf = dt.alloc(data.length);
      for (let i = 0; i < data.length; i++) buf[i] = data[i];
      return new NDArray(buf, shape, dt);
    };
    const up = (data: readonly number[], shape: readonly number[], dtype: DTypeName = 'float32'): BackendTensor => be.fromHost(nd(data, shape, dtype));
    /** Downloads `t` and checks shape, dtype and values. */
    const expectT = (t: BackendTensor, shape: readonly number[], dtype: DTypeName, data: readonly number[], what = '', scale?: readonly number[], tol: Tolerance = opts): void => {
      const h = be.toHost(t);
      expect({ what, shape: [...h.shape], dtype: h.dtype.name }).toEqual({ what, shape: [...shape], dtype });
      expect({ what, handleShape: [...t.shape], handleDtype: t.dtype.name, size: t.size }).toEqual({ what, handleShape: [...shape], handleDtype: dtype, size: prod(shape) });
      compare(h.data, data, h.dtype, tol, what || 'values', scale);
    };
    const expectInvalid = (f: () => unknown, text: string): void => {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect((err as Error).message).toContain(text);
    };

    it('implements every primitive', () => {
      for (const p of PRIMITIVES) expect(typeof (be as unknown as Record<string, unknown>)[p]).toBe('function');
    });

    // ---- host transfer ---------------------------------------------------------------------
    describe('fromHost / toHost / reshape / fill', () => {
      it('round-trips every dtype, including special values, scalars and empty shapes', () => {
        const cases: [DTypeName, number[], number[]][] = [
          ['float32', [0, -0, 1.5, -2.25, NaN, Infinity, -Infinity, Math.fround(0.1), 3.4e38, 1e-40], [2, 5]],
          ['float64', [0.1, -1e300, 1e-310, NaN, -Infinity, Math.PI], [3, 2]],
          ['int32', [0, -1, 2147483647, -2147483648, 42, 7], [6]],
          ['int64', [2 ** 53 - 1, -(2 ** 40) - 3, 0, 1, 2 ** 40 + 7, -1], [2, 1, 3]],
          ['bool', [1, 0, 0, 1], [4]],
          ['float32', [7.5], []],
          ['int32', [], [0, 3]],
          ['bool', [], [2, 0]],
        ];
        for (const [dt, data, shape] of cases) {
          const h = be.toHost(up(data, shape, dt));
          expect(h).toBeInstanceOf(NDArray);
          expect(h.shape).toEqual(shape);
          expect(h.dtype).toBe(DType[dt]);
          expect(h.data.constructor).toBe(DType[dt].alloc(0).constructor);
          const want = data.map((v) => (dt === 'float32' ? Math.fround(v) : v));
          for (let i = 0; i < want.length; i++) {
            if (!Object.is(h.data[i], want[i])) throw new Error(`${dt} round trip: element ${i} is ${h.data[i]}, expected ${want[i]}`);
          }
        }
      });

      it('toHost returns a copy the caller may mutate', () => {
        const t = up([1, 2, 3], [3]);
        const h1 = be.toHost(t);
        h1.data[0] = 99;
        expectT(t, [3], 'float32', [1, 2, 3]);
      });

      it('reshape keeps values and checks sizes', () => {
        const t = up(iota(6), [2, 3], 'int32');
        expectT(be.reshape(t, [3, 2]), [3, 2], 'int32', iota(6));
        expectT(be.reshape(t, [1, 6, 1]), [1, 6, 1], 'int32', iota(6));
        expectT(be.reshape(up([5], [1, 1]), []), [], 'float32', [5]);
        expectT(t, [2, 3], 'int32', iota(6), 'original handle unchanged');
        expectInvalid(() => be.reshape(t, [4]), 'Input to reshape is a tensor with 6 values, but the requested shape has 4');
      });

      it('fill makes constant tensors of each dtype', () => {
        expectT(be.fill([2, 3], DType.float32, 7.25), [2, 3], 'float32', iota(6, () => 7.25));
        expectT(be.fill([3], DType.int32, -4), [3], 'int32', [-4, -4, -4]);
        expectT(be.fill([2], DType.int64, 2 ** 40), [2], 'int64', [2 ** 40, 2 ** 40]);
        expectT(be.fill([2], DType.bool, 1), [2], 'bool', [1, 1]);
        expectT(be.fill([], DType.float64, 0.1), [], 'float64', [0.1]);
        expectT(be.fill([0, 4], DType.float32, 1), [0, 4], 'float32', []);
      });
    });

    // ---- elementwise -----------------------------------------------------------------------
    describe('unary', () => {
      const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
      const floatCases: [UnaryOp, number[], (x: number) => number][] = [
        ['neg', [0, -1.5, 2, 1e30], (x) => -x],
        ['abs', [0, -1.5, 2, -3e-5], Math.abs],
        ['sign', [0, -1.5, 2, -1e-30, 1e30], Math.sign],
        ['exp', [0, 1, -1, 10, -100, 100], Math.exp],
        ['log', [1, Math.E, 0.5, 0, -1], Math.log],
        ['log1p', [0, 1e-10, 1, -1, -0.5], Math.log1p],
        ['sqrt', [0, 4, 2, -1], Math.sqrt],
        ['rsqrt', [4, 0.25, 0, 2], (x) => 1 / Math.sqrt(x)],
        ['square', [-3, 0, 1.5, 1e20], (x) => x * x],
        ['reciprocal', [2, -4, 0, 0.1], (x) => 1 / x],
        ['tanh', [0, 0.5, -0.5, 20, -20, 1000, -1000], Math.tanh],
        ['sigmoid', [0, 2, -2, 20, -20, 100, 1000, -1000], sigmoid],
        ['relu', [-2, 0, 3, -0.5, 1e30], (x) => Math.max(x, 0)],
        ['floor', [1.5, -1.5, 2, -0.2, 0], Math.floor],
        ['ceil', [1.5, -1.5, 2, -0.2, 0], Math.ceil],
        // TF rounds half to even: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -2.5 -> -2
        ['round', [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 1.4, -1.6, 3], roundHalfEven],
        ['sin', [0, Math.PI / 2, -1, 3], Math.sin],
        ['cos', [0, Math.PI, 1, -2], Math.cos],
      ];
      for (const [op, xs, f] of floatCases) {
        it(`${op} on float32 (edge values ${xs.join(', ')})`, () => {
          const x32 = xs.map(Math.fround);
          expectT(be.unary(op, up(xs, [xs.length])), [xs.length], 'float32', x32.map((v) => Math.fround(f(v))), op);
        });
      }
      it('saturating activations stay finite and exact at the limits', () => {
        const t = up([1000, -1000, 50, -50], [2, 2]);
        expectT(be.unary('sigmoid', t), [2, 2], 'float32', [1, 0, 1, sigmoid(-50)]);
        expectT(be.unary('tanh', t), [2, 2], 'float32', [1, -1, 1, -1]);
      });
      it('float64 math', () => {
        const xs = [0.1, -2, 3.5];
        for (const [op, f] of [['exp', Math.exp], ['tanh', Math.tanh], ['square', (x: number) => x * x]] as const) {
          expectT(be.unary(op, up(xs, [3], 'float64')), [3], 'float64', xs.map(f), op);
        }
      });
      it('integer ops keep integer dtypes', () => {
        const x = up([-3, 0, 5, -2147483647], [4], 'int32');
        expectT(be.unary('neg', x), [4], 'int32', [3, 0, -5, 2147483647], 'neg');
        expectT(be.unary('abs', x), [4], 'int32', [3, 0, 5, 2147483647], 'abs');
        expectT(be.unary('sign', x), [4], 'int32', [-1, 0, 1, -1], 'sign');
        expectT(be.unary('relu', x), [4], 'int32', [0, 0, 5, 0], 'relu');
        const y = up([-3, 0, 7], [3], 'int32');
        expectT(be.unary('square', y), [3], 'int32', [9, 0, 49], 'square');
        const z = up([2 ** 40 + 1, -5], [2], 'int64');
        expectT(be.unary('neg', z), [2], 'int64', [-(2 ** 40) - 1, 5], 'int64 neg');
        expectT(be.unary('abs', z), [2], 'int64', [2 ** 40 + 1, 5], 'int64 abs');
      });
      it('predicates give bool', () => {
        const x = up([0, NaN, Infinity, -Infinity, -1.5], [5]);
        expectT(be.unary('is_nan', x), [5], 'bool', [0, 1, 0, 0, 0], 'is_nan');
        expectT(be.unary('is_finite', x), [5], 'bool', [1, 0, 0, 0, 1], 'is_finite');
        expectT(be.unary('logical_not', up([1, 0, 1], [3], 'bool')), [3], 'bool', [0, 1, 0], 'logical_not');
      });
      it('keeps shapes of every rank, scalars and empty tensors', () => {
        expectT(be.unary('neg', up([2], [])), [], 'float32', [-2]);
        expectT(be.unary('exp', up([], [3, 0])), [3, 0], 'float32', []);
        expectT(be.unary('relu', up(iota(24, (i) => i - 12), [2, 3, 2, 2])), [2, 3, 2, 2], 'float32', iota(24, (i) => Math.max(i - 12, 0)));
      });
    });

    describe('binary', () => {
      const A = [1.5, -2, 3, 0, 4, -5.5];
      const B = [2, 4, -1, 3, -8, 2];
      const cmp = (f: (a: number, b: number) => boolean) => (a: number, b: number) => (f(a, b) ? 1 : 0);
      const floatCases: [BinaryOp, (a: number, b: number) => number][] = [
        ['add', (a, b) => a + b],
        ['sub', (a, b) => a - b],
        ['mul', (a, b) => a * b],
        ['div', (a, b) => a / b],
        ['floordiv', (a, b) => Math.floor(a / b)],
        ['mod', floorMod],
        ['maximum', Math.max],
        ['minimum', Math.min],
        ['squared_difference', (a, b) => (a - b) * (a - b)],
      ];
      for (const [op, f] of floatCases) {
        it(`${op} on float32 [2,3]`, () => {
          expectT(be.binary(op, up(A, [2, 3]), up(B, [2, 3])), [2, 3], 'float32', A.map((a, i) => f(a, B[i])), op);
        });
      }
      const cmpCases: [BinaryOp, (a: number, b: number) => boolean][] = [
        ['equal', (a, b) => a === b],
        ['not_equal', (a, b) => a !== b],
        ['less', (a, b) => a < b],
        ['less_equal', (a, b) => a <= b],
        ['greater', (a, b) => a > b],
        ['greater_equal', (a, b) => a >= b],
      ];
      const CA = [1, 2, 3, -1, NaN, 5];
      const CB = [1, 3, 2, -1, NaN, 4];
      for (const [op, f] of cmpCases) {
        it(`${op} gives bool (float32 with ties and NaN; int32; broadcast)`, () => {
          expectT(be.binary(op, up(CA, [6]), up(CB, [6])), [6], 'bool', CA.map((a, i) => (f(a, CB[i]) ? 1 : 0)), `${op} float`);
          const ia = [5, -3, 0, 7];
          const ib = [5, 2, -1, 8];
          expectT(be.binary(op, up(ia, [2, 2], 'int32'), up(ib, [2, 2], 'int32')), [2, 2], 'bool', ia.map((a, i) => (f(a, ib[i]) ? 1 : 0)), `${op} int32`);
          const r = refNary([[2, 3], [3]], [A, [1.5, 0, -5.5]], cmp(f));
          expectT(be.binary(op, up(A, [2, 3]), up([1.5, 0, -5.5], [3])), r.shape, 'bool', r.data, `${op} broadcast`);
        });
      }
      it('div: float division by zero gives inf / nan', () => {
        expectT(be.binary('div', up([1, -1, 0], [3]), up([0, 0, 0], [3])), [3], 'float32', [Infinity, -Infinity, NaN]);
      });
      it('div / floordiv / mod on int32: truncating, flooring, floor-mod (sign of the divisor)', () => {
        const a = up([-7, 7, -7, 7, 0, 6], [6], 'int32');
        const b = up([2, 2, -2, -2, 3, -4], [6], 'int32');
        expectT(be.binary('div', a, b), [6], 'int32', [-3, 3, 3, -3, 0, -1], 'div');
        expectT(be.binary('floordiv', a, b), [6], 'int32', [-4, 3, 3, -4, 0, -2], 'floordiv');
        expectT(be.binary('mod', a, b), [6], 'int32', [1, 1, -1, -1, 0, -2], 'mod');
      });
      it('floordiv / mod on float32 with negative operands', () => {
        const a = up([-7.5, 7.5, 5, -5], [4]);
        const b = up([2, -2, 2.5, 3], [4]);
        expectT(be.binary('floordiv', a, b), [4], 'float32', [-4, -4, 2, -2], 'floordiv');
        expectT(be.binary('mod', a, b), [4], 'float32', [0.5, -0.5, 0, 1], 'mod');
      });
      it('pow on float32 and int32', () => {
        const a = [2, 3, 0, 4, 2, 9];
        const b = [3, 0.5, 0, -1, 10, 0.5];
        expectT(be.binary('pow', up(a, [6]), up(b, [6])), [6], 'float32', a.map((x, i) => Math.fround(x ** b[i])), 'float');
        expectT(be.binary('pow', up([2, -3, 5, 1], [4], 'int32'), up([10, 3, 0, 7], [4], 'int32')), [4], 'int32', [1024, -27, 1, 1], 'int');
      });
      it('integer arithmetic: int32 and int64 (exact beyond 2^32)', () => {
        const a = [5, -3, 100];
        const b = [2, 7, -100];
        expectT(be.binary('add', up(a, [3], 'int32'), up(b, [3], 'int32')), [3], 'int32', [7, 4, 0], 'add int32');
        expectT(be.binary('mul', up(a, [3], 'int32'), up(b, [3], 'int32')), [3], 'int32', [10, -21, -10000], 'mul int32');
        expectT(be.binary('maximum', up(a, [3], 'int32'), up(b, [3], 'int32')), [3], 'int32', [5, 7, 100], 'maximum int32');
        const big = 2 ** 40;
        expectT(be.binary('add', up([big, -big, 3], [3], 'int64'), up([5, 1, big], [3], 'int64')), [3], 'int64', [big + 5, -big + 1, big + 3], 'add int64');
        expectT(be.binary('sub', up([big + 1], [1], 'int64'), up([1], [1], 'int64')), [1], 'int64', [big], 'sub int64');
        expectT(be.binary('floordiv', up([big + 7, -7], [2], 'int64'), up([2, 2], [2], 'int64')), [2], 'int64', [big / 2 + 3, -4], 'floordiv int64');
        expectT(be.binary('div', up([-7, 9], [2], 'int64'), up([2, 4], [2], 'int64')), [2], 'int64', [-3, 2], 'div int64');
      });
      it('float64 arithmetic', () => {
        const a = [0.1, 1e300, -3];
        const b = [0.2, 10, 7];
        expectT(be.binary('add', up(a, [3], 'float64'), up(b, [3], 'float64')), [3], 'float64', [0.1 + 0.2, 1e300 + 10, 4], 'add');
        expectT(be.binary('div', up(a, [3], 'float64'), up(b, [3], 'float64')), [3], 'float64', [0.5, 1e299, -3 / 7], 'div');
      });
      it('logical_and / logical_or on bool, broadcast', () => {
        const a = up([1, 1, 0, 0], [2, 2], 'bool');
        const b = up([1, 0], [2], 'bool');
        expectT(be.binary('logical_and', a, b), [2, 2], 'bool', [1, 0, 0, 0], 'and');
        expectT(be.binary('logical_or', a, b), [2, 2], 'bool', [1, 1, 1, 0], 'or');
      });
      it('tanh_grad(y, dy) = dy (1 - y^2); sigmoid_grad(y, dy) = dy y (1 - y); relu_grad(dy, x) = dy if x > 0', () => {
        const y = up([0.5, -0.2, 0, 1], [4]);
        const dy = up([2, 3, -1, 5], [4]);
        expectT(be.binary('tanh_grad', y, dy), [4], 'float32', [1.5, 2.88, -1, 0], 'tanh_grad');
        expectT(be.binary('sigmoid_grad', y, dy), [4], 'float32', [0.5, -0.72, 0, 0], 'sigmoid_grad');
        expectT(be.binary('relu_grad', up([2, 3, 4, 5], [4]), up([1, -1, 0, 1e-30], [4])), [4], 'float32', [2, 0, 0, 5], 'relu_grad');
        // broadcast: dy [2,2] against a row of activations
        expectT(be.binary('relu_grad', up([1, 2, 3, 4], [2, 2]), up([-1, 1], [2])), [2, 2], 'float32', [0, 2, 0, 4], 'relu_grad broadcast');
      });

      const bcast: [number[], number[]][] = [
        [[2, 3], [3]],
        [[3], [2, 3]],
        [[2, 1], [1, 3]],
        [[], [2, 3]],
        [[2, 3], []],
        [[2, 3], [2, 1]],
        [[1, 3], [2, 3]],
        [[2, 1, 3], [4, 1]],
        [[2, 1, 3, 1], [1, 4, 1, 5]],
        [[37, 41], [41]],
        [[37, 41], [37, 1]],
        [[37, 41], [37, 41]],
        [[1], [37, 41]],
        [[0, 3], [3]],
        [[1, 1], [1]],
      ];
      for (const [sa, sb] of bcast) {
        it(`broadcasts [${sa}] with [${sb}] (sub, mul, maximum)`, () => {
          const a = uniform(prod(sa), prod(sa) + 7);
          const b = uniform(prod(sb), prod(sb) + 11);
          for (const [op, f] of [['sub', (x: number, y: number) => x - y], ['mul', (x: number, y: number) => x * y], ['maximum', Math.max]] as const) {
            const r = refNary([sa, sb], [a, b], f);
            expectT(be.binary(op, up(a, sa), up(b, sb)), r.shape, 'float32', r.data, `${op} [${sa}] [${sb}]`);
          }
        });
      }
      it('incompatible shapes are an InvalidArgumentError with TF\'s text', () => {
        expectInvalid(() => be.binary('add', up(iota(6), [2, 3]), up(iota(4), [4])), 'Incompatible shapes: [2,3] vs. [4]');
        expectInvalid(() => be.binary('less', up(iota(6), [3, 2]), up(iota(6), [2, 3])), 'Incompatible shapes: [3,2] vs. [2,3]');
      });
    });

    describe('select / cast / addN / clip', () => {
      it('select with equal shapes', () => {
        expectT(be.select(up([1, 0, 1, 0], [4], 'bool'), up([1, 2, 3, 4], [4]), up([-1, -2, -3, -4], [4])), [4], 'float32', [1, -2, 3, -4]);
      });
      it('select broadcasts cond, a and b', () => {
        // cond [2,1], a [2,3], b scalar
        expectT(be.select(up([1, 0], [2, 1], 'bool'), up(iota(6), [2, 3], 'int32'), up([-9], [], 'int32')), [2, 3], 'int32', [0, 1, 2, -9, -9, -9]);
        // cond [3] against a [2,3] and b [2,1]
        expectT(be.select(up([0, 1, 0], [3], 'bool'), up(iota(6), [2, 3]), up([10, 20], [2, 1])), [2, 3], 'float32', [10, 1, 10, 20, 4, 20]);
        // scalar cond; a and b broadcast against each other (rank 3)
        const r = refNary([[2, 1, 3], [4, 1]], [iota(6), iota(4, (i) => -i)], (x) => x);
        expectT(be.select(up([1], [], 'bool'), up(iota(6), [2, 1, 3]), up(iota(4, (i) => -i), [4, 1])), r.shape, 'float32', r.data);
        // TF's SelectV2 text
        expectInvalid(() => be.select(up([1, 0, 1], [3], 'bool'), up(iota(4), [4]), up(iota(4), [4])), 'condition [3], then [4], and else [4] must be broadcastable');
      });
      it('cast: float -> int truncates toward zero', () => {
        const x = up([-1.7, -0.5, 0, 0.5, 2.9, 3, -3], [7]);
        expectT(be.cast(x, DType.int32), [7], 'int32', [-1, 0, 0, 0, 2, 3, -3], 'int32');
        expectT(be.cast(x, DType.int64), [7], 'int64', [-1, 0, 0, 0, 2, 3, -3], 'int64');
      });
      it('cast: bool <-> numbers', () => {
        expectT(be.cast(up([0.5, 0, -2, 0], [4]), DType.bool), [4], 'bool', [1, 0, 1, 0], 'float->bool');
        expectT(be.cast(up([3, 0, -1], [3], 'int32'), DType.bool), [3], 'bool', [1, 0, 1], 'int->bool');
        expectT(be.cast(up([1, 0, 1], [3], 'bool'), DType.float32), [3], 'float32', [1, 0, 1], 'bool->float');
        expectT(be.cast(up([1, 0, 1], [3], 'bool'), DType.int32), [3], 'int32', [1, 0, 1], 'bool->int');
      });
      it('cast: precision and width changes', () => {
        // 2^24 + 1 is not a float32; it rounds to even
        expectT(be.cast(up([16777217, -5], [2], 'int32'), DType.float32), [2], 'float32', [16777216, -5], 'int32->float32');
        expectT(be.cast(up([0.1, 1e300], [2], 'float64'), DType.float32), [2], 'float32', [Math.fround(0.1), Infinity], 'float64->float32');
        expectT(be.cast(up([Math.fround(0.1)], [1]), DType.float64), [1], 'float64', [Math.fround(0.1)], 'float32->float64');
        expectT(be.cast(up([7, -8], [2], 'int64'), DType.int32), [2], 'int32', [7, -8], 'int64->int32');
        expectT(be.cast(up([2147483647, -2], [2], 'int32'), DType.int64), [2], 'int64', [2147483647, -2], 'int32->int64');
        expectT(be.cast(up([1.5, 2], [2, 1]), DType.float32), [2, 1], 'float32', [1.5, 2], 'identity');
      });
      it('addN sums equal-shaped tensors', () => {
        const xs = [up([1, 2, 3, 4], [2, 2]), up([10, 20, 30, 40], [2, 2]), up([0.5, -0.5, 0.25, 0], [2, 2])];
        expectT(be.addN(xs), [2, 2], 'float32', [11.5, 21.5, 33.25, 44]);
        expectT(be.addN([up([1, 2], [2], 'int32'), up([3, -4], [2], 'int32')]), [2], 'int32', [4, -2]);
        expectT(be.addN([up([7, 8], [2])]), [2], 'float32', [7, 8], 'single input');
      });
      it('clip = min(max(x, lo), hi)', () => {
        expectT(be.clip(up([-2, 0.5, 3, 1, 0], [5]), 0, 1), [5], 'float32', [0, 0.5, 1, 1, 0]);
        expectT(be.clip(up([-5, 0, 5], [3], 'int32'), -1, 2), [3], 'int32', [-1, 0, 2]);
        expectT(be.clip(up(iota(6, (i) => i - 3), [2, 3]), -1.5, 1.5), [2, 3], 'float32', [-1.5, -1.5, -1, 0, 1, 1.5]);
      });
    });

    // ---- matmul --------------------------------------------------------------------------------
    describe('matmul', () => {
      /** Runs one matmul of logical [M,K] x [K,N] with operands stored as the flags ask. */
      const checkMatmul = (M: number, K: number, N: number, ta: boolean, tb: boolean, gen: (n: number, seed: number) => number[]): void => {
        const a = gen(M * K, M * 1000 + K);
        const b = gen(K * N, K * 1000 + N + 1);
        const { c, mag } = refMatmul(a, b, M, K, N, ta, tb);
        const out = be.matmul(up(a, ta ? [K, M] : [M, K]), up(b, tb ? [N, K] : [K, N]), ta, tb);
        expectT(out, [M, N], 'float32', c, `matmul ${M}x${K}x${N} ta=${ta} tb=${tb}`, mag);
      };
      it('2x3 . 3x2 by hand', () => {
        // [[1,2,3],[4,5,6]] . [[7,8],[9,10],[11,12]] = [[58,64],[139,154]]
        expectT(be.matmul(up([1, 2, 3, 4, 5, 6], [2, 3]), up([7, 8, 9, 10, 11, 12], [3, 2]), false, false), [2, 2], 'float32', [58, 64, 139, 154]);
        // a^T with a = [[1,4],[2,5],[3,6]]; b^T with b = [[7,9,11],[8,10,12]]
        expectT(be.matmul(up([1, 4, 2, 5, 3, 6], [3, 2]), up([7, 8, 9, 10, 11, 12], [3, 2]), true, false), [2, 2], 'float32', [58, 64, 139, 154], 'ta');
        expectT(be.matmul(up([1, 2, 3, 4, 5, 6], [2, 3]), up([7, 9, 11, 8, 10, 12], [2, 3]), false, true), [2, 2], 'float32', [58, 64, 139, 154], 'tb');
        expectT(be.matmul(up([1, 4, 2, 5, 3, 6], [3, 2]), up([7, 9, 11, 8, 10, 12], [2, 3]), true, true), [2, 2], 'float32', [58, 64, 139, 154], 'ta tb');
      });
      const sizes: [number, number, number][] = [
        [1, 1, 1],
        [3, 5, 7],
        [7, 1, 3],
        [1, 64, 1],
        [17, 33, 65],
        [150, 178, 150],
        [150, 128, 512],
      ];
      for (const [M, K, N] of sizes) {
        for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
          it(`${M}x${K} . ${K}x${N} transposeA=${ta} transposeB=${tb} against a naive triple loop`, () => checkMatmul(M, K, N, ta, tb, dyadic));
        }
      }
      it('full-mantissa float32 inputs (3x5 . 5x7, 40x70 . 70x30)', () => {
        checkMatmul(3, 5, 7, false, false, uniform);
        checkMatmul(40, 70, 30, true, true, uniform);
      });
      it('float64 operands', () => {
        const a = [0.1, 0.2, 0.3, 0.4];
        const b = [1, 2, 3, 4];
        expectT(be.matmul(up(a, [2, 2], 'float64'), up(b, [2, 2], 'float64'), false, false), [2, 2], 'float64', [0.1 + 0.6, 0.2 + 0.8, 0.3 + 1.2, 0.6 + 1.6]);
      });
      it('K = 0 gives zeros; M = 0 gives an empty result', () => {
        expectT(be.matmul(up([], [2, 0]), up([], [0, 3]), false, false), [2, 3], 'float32', iota(6, () => 0));
        expectT(be.matmul(up([], [0, 4]), up(iota(12), [4, 3]), false, false), [0, 3], 'float32', []);
      });
      it('batched rank 3, all transpose combinations', () => {
        const [B, M, K, N] = [3, 4, 5, 6];
        const a = dyadic(B * M * K, 1);
        const b = dyadic(B * K * N, 2);
        for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
          const want: number[] = [];
          const mags: number[] = [];
          for (let i = 0; i < B; i++) {
            const r = refMatmul(a.slice(i * M * K, (i + 1) * M * K), b.slice(i * K * N, (i + 1) * K * N), M, K, N, ta, tb);
            want.push(...r.c);
            mags.push(...r.mag);
          }
          const out = be.matmul(up(a, ta ? [B, K, M] : [B, M, K]), up(b, tb ? [B, N, K] : [B, K, N]), ta, tb);
          expectT(out, [B, M, N], 'float32', want, `batched ta=${ta} tb=${tb}`, mags);
        }
      });
      it('inner-dimension mismatch is an InvalidArgumentError with TF\'s text', () => {
        expectInvalid(() => be.matmul(up(iota(6), [2, 3]), up(iota(20), [4, 5]), false, false), 'In[0] mismatch In[1] shape: 3 vs. 4: [2,3] [4,5] 0 0');
        expectInvalid(() => be.matmul(up(iota(6), [2, 3]), up(iota(20), [4, 5]), true, true), 'In[0] mismatch In[1] shape: 2 vs. 5: [2,3] [4,5] 1 1');
      });
    });

    // ---- reductions ----------------------------------------------------------------------------
    describe('reduce / argReduce', () => {
      const shape = [2, 3, 4];
      // multiples of 1/4 in [0.5, 1.5] so that prod neither overflows nor underflows
      const x = iota(24, (i) => 1 + (((i * 7) % 5) - 2) * 0.25);
      const axesSets = [[], [0], [1], [2], [0, 2], [1, 2], [0, 1], [0, 1, 2]];
      for (const op of ['sum', 'mean', 'max', 'min', 'prod'] as const) {
        it(`${op} over single, multiple, all and no axes`, () => {
          for (const axes of axesSets) {
            const r = refReduce(op, x, shape, axes);
            expectT(be.reduce(op, up(x, shape), axes), r.shape, 'float32', r.data, `${op} axes [${axes}]`);
          }
        });
      }
      for (const op of ['any', 'all'] as const) {
        it(`${op} on bool over single, multiple, all and no axes`, () => {
          const bx = iota(24, (i) => (i % 5 === 0 || i > 20 ? 0 : 1));
          for (const axes of axesSets) {
            const r = refReduce(op, bx, shape, axes);
            expectT(be.reduce(op, up(bx, shape, 'bool'), axes), r.shape, 'bool', r.data, `${op} axes [${axes}]`);
          }
        });
      }
      it('integer sums and extremes stay integer', () => {
        const ix = iota(6, (i) => (i % 2 ? -i : i * 1000));
        expectT(be.reduce('sum', up(ix, [2, 3], 'int32'), [1]), [2], 'int32', [0 - 1 + 2000, -3 + 4000 - 5], 'sum int32');
        expectT(be.reduce('max', up(ix, [2, 3], 'int32'), [0]), [3], 'int32', [0, 4000, 2000], 'max int32');
        expectT(be.reduce('sum', up([2 ** 40, 2 ** 40, 1], [3], 'int64'), [0]), [], 'int64', [2 ** 41 + 1], 'sum int64');
      });
      it('reductions over an empty axis give the identity', () => {
        const e = up([], [2, 0]);
        expectT(be.reduce('sum', e, [1]), [2], 'float32', [0, 0], 'sum');
        expectT(be.reduce('prod', e, [1]), [2], 'float32', [1, 1], 'prod');
        expectT(be.reduce('max', e, [1]), [2], 'float32', [-Infinity, -Infinity], 'max');
        expectT(be.reduce('min', e, [1]), [2], 'float32', [Infinity, Infinity], 'min');
        expectT(be.reduce('sum', e, [0]), [0], 'float32', [], 'sum over the non-empty axis');
        const eb = up([], [0], 'bool');
        expectT(be.reduce('any', eb, [0]), [], 'bool', [0], 'any');
        expectT(be.reduce('all', eb, [0]), [], 'bool', [1], 'all');
      });
      it('a large sum is accurate', () => {
        const n = 100000;
        const v = uniform(n, 5);
        const r = refReduce('sum', v, [n], [0]);
        const absSum = v.reduce((s, t) => s + Math.abs(t), 0);
                // float32 sequential accumulation drifts by ~1e-3 here; float64 or pairwise sums do not
        expectT(be.reduce('sum', up(v, [n]), [0]), [], 'float32', r.data, 'sum of 1e5', [absSum * 1e-2]);
      });
      it('argmax / argmin: ties give the smallest index; int32 and int64 outputs', () => {
        const t = up([1, 3, 3, 2, 2, 0], [2, 3]);
        expectT(be.argReduce('argmax', t, 1, DType.int32), [2], 'int32', [1, 0], 'argmax axis 1');
        expectT(be.argReduce('argmin', t, 1, DType.int32), [2], 'int32', [0, 2], 'argmin axis 1');
        expectT(be.argReduce('argmax', t, 0, DType.int64), [3], 'int64', [1, 0, 0], 'argmax axis 0');
        expectT(be.argReduce('argmin', t, 0, DType.int64), [3], 'int64', [0, 1, 1], 'argmin axis 0');
        expectT(be.argReduce('argmax', up([-5, -5, -5], [3]), 0, DType.int32), [], 'int32', [0], 'all equal');
        // rank 3, middle axis: by hand from the reference layout
        const v = iota(24, (i) => ((i * 5) % 7) - 3);
        const want: number[] = [];
        for (let a0 = 0; a0 < 2; a0++)
          for (let a2 = 0; a2 < 4; a2++) {
            let best = 0;
            for (let a1 = 1; a1 < 3; a1++) if (v[a0 * 12 + a1 * 4 + a2] > v[a0 * 12 + best * 4 + a2]) best = a1;
            want.push(best);
          }
        expectT(be.argReduce('argmax', up(v, [2, 3, 4]), 1, DType.int32), [2, 4], 'int32', want, 'argmax rank 3');
        expectT(be.argReduce('argmax', up([3, 9, 9, 1], [4], 'int32'), 0, DType.int32), [], 'int32', [1], 'int32 input');
      });
    });

    // ---- layout --------------------------------------------------------------------------------
    describe('transpose / slice / concat / broadcastTo', () => {
      const perms: [number[], number[]][] = [
        [[2, 3], [1, 0]],
        [[2, 3], [0, 1]],
        [[2, 3, 4], [0, 2, 1]],
        [[2, 3, 4], [2, 0, 1]],
        [[2, 3, 4], [1, 2, 0]],
        [[2, 3, 4], [2, 1, 0]],
        [[2, 3, 4, 5], [3, 1, 0, 2]],
        [[2, 3, 4, 5], [0, 1, 3, 2]],
        [[150, 178], [1, 0]],
      ];
      for (const [shape, perm] of perms) {
        it(`transpose [${shape}] by [${perm}]`, () => {
          const x = iota(prod(shape), (i) => i * 0.5 - 3);
          const r = refTranspose(x, shape, perm);
          expectT(be.transpose(up(x, shape), perm), r.shape, 'float32', r.data);
        });
      }
      it('transpose of int64 and bool', () => {
        expectT(be.transpose(up([2 ** 40, 1, 2, 3, 4, 5], [2, 3], 'int64'), [1, 0]), [3, 2], 'int64', [2 ** 40, 3, 1, 4, 2, 5]);
        expectT(be.transpose(up([1, 0, 0, 1, 1, 0], [3, 2], 'bool'), [1, 0]), [2, 3], 'bool', [1, 0, 1, 0, 1, 0]);
      });
      it('slice', () => {
        const x = iota(12);
        expectT(be.slice(up(x, [3, 4]), [1, 1], [2, 2]), [2, 2], 'float32', [5, 6, 9, 10]);
        expectT(be.slice(up(x, [3, 4]), [0, 0], [3, 4]), [3, 4], 'float32', x, 'whole');
        expectT(be.slice(up(x, [3, 4]), [2, 0], [1, 4]), [1, 4], 'float32', [8, 9, 10, 11], 'last row');
        expectT(be.slice(up(x, [3, 4]), [1, 2], [0, 2]), [0, 2], 'float32', [], 'empty');
        const y = iota(24);
        // [2,3,4] -> begin [1,0,1] size [1,2,3]: rows 12+[1,2,3], 16+[1,2,3]
        expectT(be.slice(up(y, [2, 3, 4], 'int32'), [1, 0, 1], [1, 2, 3]), [1, 2, 3], 'int32', [13, 14, 15, 17, 18, 19], 'rank 3');
        expectT(be.slice(up([4, 5, 6], [3], 'int64'), [1], [2]), [2], 'int64', [5, 6], 'rank 1');
      });
      const concatCases: [number[][], number][] = [
        [[[2, 3], [1, 3]], 0],
        [[[2, 3], [2, 1], [2, 2]], 1],
        [[[2, 3, 4], [1, 3, 4]], 0],
        [[[2, 3, 4], [2, 2, 4], [2, 1, 4]], 1],
        [[[2, 3, 4], [2, 3, 1]], 2],
        [[[3], [0], [2]], 0],
        [[[2, 2]], 1],
      ];
      for (const [shapes, axis] of concatCases) {
        it(`concat ${shapes.map((s) => `[${s}]`).join(' ')} along axis ${axis}`, () => {
          const parts = shapes.map((s, j) => ({ shape: s, data: iota(prod(s), (i) => j * 100 + i) }));
          const r = refConcat(parts, axis);
          expectT(be.concat(parts.map((p) => up(p.data, p.shape)), axis), r.shape, 'float32', r.data);
        });
      }
      it('concat of int32 and bool', () => {
        expectT(be.concat([up([1, 2], [1, 2], 'int32'), up([3, 4], [1, 2], 'int32')], 1), [1, 4], 'int32', [1, 2, 3, 4]);
        expectT(be.concat([up([1], [1], 'bool'), up([0, 1], [2], 'bool')], 0), [3], 'bool', [1, 0, 1]);
      });
      const bcastTo: [number[], number[]][] = [
        [[3], [2, 3]],
        [[2, 1], [2, 3]],
        [[], [2, 2]],
        [[1, 3, 1], [2, 3, 4]],
        [[2, 3], [2, 3]],
        [[4, 1], [3, 4, 5]],
      ];
      for (const [from, to] of bcastTo) {
        it(`broadcastTo [${from}] -> [${to}]`, () => {
          const x = iota(prod(from), (i) => i + 1);
          const r = refNary([from, to], [x, iota(prod(to), () => 0)], (v) => v);
          expectT(be.broadcastTo(up(x, from), to), to, 'float32', r.data);
        });
      }
      it('broadcastTo an incompatible shape is an InvalidArgumentError', () => {
        expectInvalid(() => be.broadcastTo(up(iota(3), [3]), [2, 4]), 'Incompatible shapes: [3] vs. [2,4]');
        // x must broadcast to exactly `shape`: [2,3] does not fit in [3]
        expectInvalid(() => be.broadcastTo(up(iota(6), [2, 3]), [3]), '');
      });
    });

    // ---- indexing ------------------------------------------------------------------------------
    describe('gather / unsortedSegmentSum / oneHot', () => {
      it('gather axis 0 with 1-D and 2-D int32 indices', () => {
        const x = iota(10, (i) => i * 1.5);
        let r = refGather(x, [5, 2], [4, 0, 4], [3], 0);
        expectT(be.gather(up(x, [5, 2]), up([4, 0, 4], [3], 'int32'), 0), r.shape, 'float32', r.data, '1-D');
        r = refGather(x, [5, 2], [0, 1, 3, 2], [2, 2], 0);
        expectT(be.gather(up(x, [5, 2]), up([0, 1, 3, 2], [2, 2], 'int32'), 0), r.shape, 'float32', r.data, '2-D');
        r = refGather(x, [10], [9], [], 0);
        expectT(be.gather(up(x, [10]), up([9], [], 'int32'), 0), [], 'float32', r.data, 'scalar index');
      });
      it('gather axis 1 and int64 indices', () => {
        const x = iota(20, (i) => i - 10);
        let r = refGather(x, [2, 5, 2], [3, 3, 0], [3], 1);
        expectT(be.gather(up(x, [2, 5, 2]), up([3, 3, 0], [3], 'int32'), 1), r.shape, 'float32', r.data, 'rank 3');
        r = refGather(x, [4, 5], [4, 1], [2], 1);
        expectT(be.gather(up(x, [4, 5], 'int32'), up([4, 1], [2], 'int64'), 1), r.shape, 'int32', r.data, 'int64 indices');
        expectT(be.gather(up([1, 0, 1], [3], 'bool'), up([1, 1], [2], 'int32'), 0), [2], 'bool', [0, 0], 'bool params');
      });
      it('gather with an index out of range is an InvalidArgumentError with TF\'s text', () => {
        expectInvalid(() => be.gather(up(iota(10), [5, 2]), up([0, 7, 1], [3], 'int32'), 0), 'indices[1] = 7 is not in [0, 5)');
        expectInvalid(() => be.gather(up(iota(10), [5, 2]), up([-1], [1], 'int32'), 0), 'indices[0] = -1 is not in [0, 5)');
        expectInvalid(() => be.gather(up(iota(10), [2, 5]), up([5], [1], 'int64'), 1), 'indices[0] = 5 is not in [0, 5)');
      });
      it('unsortedSegmentSum with repeated and missing ids', () => {
        const data = up([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
        // by hand: segment 0 = rows 0+2, segment 2 = rows 1+3, segments 1 and 3 empty
        expectT(be.unsortedSegmentSum(data, up([0, 2, 0, 2], [4], 'int32'), 4), [4, 2], 'float32', [6, 8, 0, 0, 10, 12, 0, 0], 'rows');
        expectT(be.unsortedSegmentSum(up([1, 2, 3, 4, 5], [5], 'int32'), up([1, 1, 1, 0, 1], [5], 'int32'), 2), [2], 'int32', [4, 11], '1-D');
        expectT(be.unsortedSegmentSum(up([0.5, 0.25], [2]), up([0, 0], [2], 'int64'), 1), [1], 'float32', [0.75], 'int64 ids');
      });
      it('oneHot: out-of-range indices give all off values', () => {
        expectT(be.oneHot(up([0, 2, -1, 3], [4], 'int32'), 3, 1, 0, DType.float32), [4, 3], 'float32', [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        expectT(be.oneHot(up([1, 0], [2, 1], 'int32'), 3, 5, -1, DType.int32), [2, 1, 3], 'int32', [-1, 5, -1, 5, -1, -1], 'custom on/off, rank 2 indices');
        expectT(be.oneHot(up([2], [1], 'int64'), 4, 1, 0, DType.bool), [1, 4], 'bool', [0, 0, 1, 0], 'int64 indices, bool output');
        expectT(be.oneHot(up([1], [], 'int32'), 2, 0.5, 0.25, DType.float32), [2], 'float32', [0.25, 0.5], 'scalar index');
      });
    });

    // ---- nn --------------------------------------------------------------------------------------
    describe('softmax / softmaxCrossEntropy / inTopK', () => {
      const rows = (data: readonly number[], c: number): number[][] => iota(data.length / c, (r) => r).map((r) => data.slice(r * c, (r + 1) * c));
      it('softmax and log-softmax over the last axis', () => {
        const x = [1, 2, 3, 1, 1, 1, -1, 0, 5, 0.5, -2, 3];
        const want = rows(x, 3).map(refSoftmaxRow);
        // softmax([1,2,3]) = [0.09003057, 0.24472847, 0.66524096] (hand check of the reference)
        expect(want[0].p[0]).toBeCloseTo(0.09003057, 7);
        expectT(be.softmax(up(x, [2, 2, 3]), false), [2, 2, 3], 'float32', want.flatMap((w) => w.p), 'softmax');
        expectT(be.softmax(up(x, [4, 3]), true), [4, 3], 'float32', want.flatMap((w) => w.logp), 'log_softmax');
        expectT(be.softmax(up([0, Math.log(3)], [2]), false), [2], 'float32', [0.25, 0.75], 'rank 1');
      });
      it('softmax is stable at logits 1e4', () => {
        expectT(be.softmax(up([1e4, 0, -1e4, 1e4, 1e4, 1e4], [2, 3]), false), [2, 3], 'float32', [1, 0, 0, 1 / 3, 1 / 3, 1 / 3], 'softmax');
        expectT(be.softmax(up([1e4, 0, -1e4], [1, 3]), true), [1, 3], 'float32', [0, -1e4, -2e4], 'log_softmax');
      });
      const logits = [1, 1, 1, 1, 1, 2, 3, 4];
      // TF_SEMANTICS example, from TF1's docs/tests
      const loss = [1.3862944, 3.4401897];
      const backprop = [0.25, 0.25, 0.25, -0.75, -0.9679414, 0.0871443, 0.2368828, 0.6439143];
      it('sparse softmax cross-entropy: TF\'s example', () => {
        const [l, bp] = be.softmaxCrossEntropy(up(logits, [2, 4]), up([3, 0], [2], 'int32'), true);
        expectT(l, [2], 'float32', loss, 'loss');
        expectT(bp, [2, 4], 'float32', backprop, 'backprop');
        const [l64] = be.softmaxCrossEntropy(up(logits, [2, 4]), up([3, 0], [2], 'int64'), true);
        expectT(l64, [2], 'float32', loss, 'int64 labels');
      });
      it('dense softmax cross-entropy: one-hot and soft labels', () => {
        const [l, bp] = be.softmaxCrossEntropy(up(logits, [2, 4]), up([0, 0, 0, 1, 1, 0, 0, 0], [2, 4]), false);
        expectT(l, [2], 'float32', loss, 'loss');
        expectT(bp, [2, 4], 'float32', backprop, 'backprop');
        const soft = [0.5, 0.5, 0, 0, 0.1, 0.2, 0.3, 0.4];
        const sm = rows(logits, 4).map(refSoftmaxRow);
        const wantLoss = rows(soft, 4).map((lab, r) => -lab.reduce((s, y, c) => s + y * sm[r].logp[c], 0));
        const wantBp = rows(soft, 4).flatMap((lab, r) => lab.map((y, c) => sm[r].p[c] - y));
        const [l2, bp2] = be.softmaxCrossEntropy(up(logits, [2, 4]), up(soft, [2, 4]), false);
        expectT(l2, [2], 'float32', wantLoss, 'soft loss');
        expectT(bp2, [2, 4], 'float32', wantBp, 'soft backprop');
      });
      it('cross-entropy is finite at logits 1e4', () => {
        const big = up([1e4, 0, 0, 0, 0, 1e4, -1e4, 0], [2, 4]);
        const [l, bp] = be.softmaxCrossEntropy(big, up([0, 0], [2], 'int32'), true);
        // row 0: label is the max -> loss 0; row 1: loss = 1e4 - 0, backprop [-1, 1, 0, 0]
        expectT(l, [2], 'float32', [0, 1e4], 'sparse loss');
        expectT(bp, [2, 4], 'float32', [0, 0, 0, 0, -1, 1, 0, 0], 'sparse backprop');
        const [ld, bpd] = be.softmaxCrossEntropy(big, up([1, 0, 0, 0, 1, 0, 0, 0], [2, 4]), false);
        expectT(ld, [2], 'float32', [0, 1e4], 'dense loss');
        expectT(bpd, [2, 4], 'float32', [0, 0, 0, 0, -1, 1, 0, 0], 'dense backprop');
      });
      it('a sparse label out of range is an InvalidArgumentError with TF\'s text', () => {
        expectInvalid(
          () => be.softmaxCrossEntropy(up(iota(15), [3, 5]), up([1, 0, 5], [3], 'int32'), true),
          'Received a label value of 5 which is outside the valid range of [0, 5).  Label values: 1 0 5',
        );
        expectInvalid(
          () => be.softmaxCrossEntropy(up(iota(10), [2, 5]), up([-1, 0], [2], 'int64'), true),
          'Received a label value of -1 which is outside the valid range of [0, 5).  Label values: -1 0',
        );
      });
      it('inTopK: ties count in favour; non-finite rows and out-of-range targets are false', () => {
        const p = [0.1, 0.3, 0.2, 0.2, 0.1, 0.3, 0.2, 0.2, 0.1, 0.3, 0.2, 0.2, 0.1, NaN, 0.2, 0.2, 0.1, 0.3, 0.2, Infinity];
        expectT(be.inTopK(up(p, [5, 4]), up([2, 3, 0, 2, 1], [5], 'int32'), 2), [5], 'bool', [1, 1, 0, 0, 0], 'k=2');
        const q = up([0.5, 0.5, 0.1, 0.7], [2, 2]);
        expectT(be.inTopK(q, up([1, 0], [2], 'int32'), 1), [2], 'bool', [1, 0], 'k=1 tie');
        expectT(be.inTopK(q, up([2, -1], [2], 'int32'), 1), [2], 'bool', [0, 0], 'out of range');
        expectT(be.inTopK(q, up([0, 1], [2], 'int64'), 0), [2], 'bool', [0, 0], 'k=0');
        expectT(be.inTopK(q, up([0, 0], [2], 'int64'), 5), [2], 'bool', [1, 1], 'k > classes');
      });
    });

    // ---- fused updates -----------------------------------------------------------------------------
    describe('applyAdam', () => {
      const params = (t: number): AdamParams => ({ lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, beta1Power: 0.9 ** t, beta2Power: 0.999 ** t });
      it('three steps of TF1\'s ApplyAdam on var [1,2], grad [0.1,0.1]', () => {
        let v = up([1, 2], [2]);
        let m = up([0, 0], [2]);
        let vv = up([0, 0], [2]);
        const g = up([0.1, 0.1], [2]);
        const rv = [1, 2];
        const rm = [0, 0];
        const rvv = [0, 0];
        const byHand = [[0.999, 1.999], [0.998, 1.998], [0.997, 1.997]];
        for (let t = 1; t <= 3; t++) {
          [v, m, vv] = be.applyAdam(v, m, vv, g, params(t));
          refAdam(rv, rm, rvv, [0.1, 0.1], params(t));
          expectT(v, [2], 'float32', rv, `var step ${t}`);
          expectT(m, [2], 'float32', rm, `m step ${t}`);
          expectT(vv, [2], 'float32', rvv, `v step ${t}`);
          // by hand: a constant gradient moves each variable by lr per step (to ~1e-8)
          compare(be.toHost(v).data, byHand[t - 1], DType.float32, { rtol: 0, atol: 1e-5 }, `by hand step ${t}`);
        }
      });
      it('matches the float64 reference on random [3,4] slots', () => {
        const n = 12;
        const rv = uniform(n, 1);
        const rm = uniform(n, 2).map((x) => x * 0.1);
        const rvv = uniform(n, 3).map((x) => Math.abs(x) * 0.01);
        const g = uniform(n, 4);
        const p: AdamParams = { lr: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-7, beta1Power: 0.8 ** 5, beta2Power: 0.99 ** 5 };
        const out = be.applyAdam(up(rv, [3, 4]), up(rm, [3, 4]), up(rvv, [3, 4]), up(g, [3, 4]), p);
        refAdam(rv, rm, rvv, g, p);
        expectT(out[0], [3, 4], 'float32', rv, 'var');
        expectT(out[1], [3, 4], 'float32', rm, 'm');
        expectT(out[2], [3, 4], 'float32', rvv, 'v');
      });
    });

    it('exercised every primitive, and no kernel mutated its inputs', () => {
      const missing = PRIMITIVES.filter((p) => !called.has(p));
      expect(missing).toEqual([]);
    });
  });
}
