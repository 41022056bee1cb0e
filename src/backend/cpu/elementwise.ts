/**
 * Elementwise kernels: unary, binary (NumPy broadcasting), select, cast, addN, clip.
 *
 * The inner loops of unary and binary ops are generated from one JS expression per op and dtype
 * (new Function). A single shared loop calling a per-op callback would make V8's call site
 * megamorphic and run several times slower; a generated loop per (op, dtype, broadcast pattern)
 * stays monomorphic and inlines the arithmetic. Results are computed in doubles and rounded once by
 * the store into the output's typed array (float32 rounding, int32 wrap-around as in C).
 */
import { BinaryOp, UnaryOp } from '../backend';
import { DType, TypedArray } from '../../core/dtypes';
import { sizeOf } from '../../ndarray/ndarray';
import { broadcastOrThrow, forEachRun, planBroadcast } from './broadcast';
import { CpuTensor, alloc, fail, isFloat, isNumeric, requireDType, requireSameDType, shapeStr } from './tensor';
import { WASM_BINARY, wasmAddNF32, wasmBinaryF32, wasmTanhF32 } from './wasm_kernels';

/** Below this many elements, the JS loops beat copying into WebAssembly and back. */
const WASM_MIN = 2048;

type UnaryLoop = (x: TypedArray, out: TypedArray, n: number) => void;
type BinaryLoop = (a: TypedArray, ao: number, b: TypedArray, bo: number, out: TypedArray, oo: number, n: number) => void;

/** Which dtypes an op accepts and its expressions (float / int32 / int64 may differ). */
interface OpSpec {
  tf: string;
  ok: (d: DType) => boolean;
  expr: string;
  int32?: string;
  int64?: string;
  bool?: true; // output is bool
}

const anyDType = (): boolean => true;
const isInt = (d: DType): boolean => d.isInteger;
const isBool = (d: DType): boolean => d === DType.bool;

// Expressions see `x` (unary) or `a`, `b` (binary) and a scratch variable `t`.
const UNARY: Record<UnaryOp, OpSpec> = {
  neg: { tf: 'Neg', ok: isNumeric, expr: '-x' },
  abs: { tf: 'Abs', ok: isNumeric, expr: 'Math.abs(x)' },
  sign: { tf: 'Sign', ok: isNumeric, expr: 'Math.sign(x)' },
  exp: { tf: 'Exp', ok: isFloat, expr: 'Math.exp(x)' },
  log: { tf: 'Log', ok: isFloat, expr: 'Math.log(x)' },
  log1p: { tf: 'Log1p', ok: isFloat, expr: 'Math.log1p(x)' },
  sqrt: { tf: 'Sqrt', ok: isFloat, expr: 'Math.sqrt(x)' },
  rsqrt: { tf: 'Rsqrt', ok: isFloat, expr: '1 / Math.sqrt(x)' },
  square: { tf: 'Square', ok: isNumeric, expr: 'x * x', int32: 'Math.imul(x, x)' },
  reciprocal: { tf: 'Reciprocal', ok: isFloat, expr: '1 / x' },
  tanh: { tf: 'Tanh', ok: isFloat, expr: 'Math.tanh(x)' },
  // exp(-x) overflows to inf for x < -709, giving 1/inf = 0: saturates without NaN
  sigmoid: { tf: 'Sigmoid', ok: isFloat, expr: '1 / (1 + Math.exp(-x))' },
  // `x < 0 ? 0 : x` lets NaN through, as Eigen's max(x, 0) does
  relu: { tf: 'Relu', ok: isNumeric, expr: 'x < 0 ? 0 : x' },
  floor: { tf: 'Floor', ok: isNumeric, expr: 'Math.floor(x)' },
  ceil: { tf: 'Ceil', ok: isNumeric, expr: 'Math.ceil(x)' },
  // TF rounds half to even; Math.round rounds half up, so step back from odd results at .5
  round: { tf: 'Round', ok: isNumeric, expr: '(t = Math.round(x), t - x === 0.5 && t % 2 !== 0 ? t - 1 : t)' },
  sin: { tf: 'Sin', ok: isFloat, expr: 'Math.sin(x)' },
  cos: { tf: 'Cos', ok: isFloat, expr: 'Math.cos(x)' },
  logical_not: { tf: 'LogicalNot', ok: isBool, expr: 'x ? 0 : 1' },
  is_nan: { tf: 'IsNan', ok: isFloat, expr: 'x !== x ? 1 : 0', bool: true },
  // inf - inf and NaN - NaN are NaN; finite - finite is 0
  is_finite: { tf: 'IsFinite', ok: isFloat, expr: 'x - x === 0 ? 1 : 0', bool: true },
};

/** Ops on ints that divide: they check for zero divisors first, as TF's CPU kernels do. */
const INT_DIVIDES = new Set<BinaryOp>(['div', 'floordiv', 'mod']);

const BINARY: Record<BinaryOp, OpSpec> = {
  add: { tf: 'Add', ok: isNumeric, expr: 'a + b' },
  sub: { tf: 'Sub', ok: isNumeric, expr: 'a - b' },
  // a * b of two int32 can exceed 2^53 before wrapping; imul wraps exactly
  mul: { tf: 'Mul', ok: isNumeric, expr: 'a * b', int32: 'Math.imul(a, b)' },
  // TF's Div on ints truncates toward zero (C semantics). For |a|, |b| < 2^31 the double quotient
  // cannot round across an integer, so trunc/floor of it is exact. int64 (to 2^53) can: rounding
  // only ever moves the quotient onto the next integer away from the true one, so step back then.
  div: { tf: 'Div', ok: isNumeric, expr: 'a / b', int32: 'Math.trunc(a / b)', int64: '(t = Math.trunc(a / b), t > 0 && (b > 0 ? a < t * b : a > t * b) ? t - 1 : t < 0 && (b > 0 ? a > t * b : a < t * b) ? t + 1 : t)' },
  floordiv: { tf: 'FloorDiv', ok: isNumeric, expr: 'Math.floor(a / b)', int64: '(t = Math.floor(a / b), (b > 0 ? a < t * b : a > t * b) ? t - 1 : t)' },
  // FloorMod: the remainder takes the divisor's sign (fmod is exact in doubles)
  mod: { tf: 'FloorMod', ok: isNumeric, expr: '(t = a % b, t !== 0 && (b < 0) !== (t < 0) ? t + b : t)' },
  pow: { tf: 'Pow', ok: isNumeric, expr: 'Math.pow(a, b)' },
  maximum: { tf: 'Maximum', ok: isNumeric, expr: 'Math.max(a, b)' },
  minimum: { tf: 'Minimum', ok: isNumeric, expr: 'Math.min(a, b)' },
  squared_difference: { tf: 'SquaredDifference', ok: isNumeric, expr: '(t = a - b, t * t)', int32: '(t = (a - b) | 0, Math.imul(t, t))' },
  equal: { tf: 'Equal', ok: anyDType, expr: 'a === b ? 1 : 0', bool: true },
  not_equal: { tf: 'NotEqual', ok: anyDType, expr: 'a !== b ? 1 : 0', bool: true },
  less: { tf: 'Less', ok: isNumeric, expr: 'a < b ? 1 : 0', bool: true },
  less_equal: { tf: 'LessEqual', ok: isNumeric, expr: 'a <= b ? 1 : 0', bool: true },
  greater: { tf: 'Greater', ok: isNumeric, expr: 'a > b ? 1 : 0', bool: true },
  greater_equal: { tf: 'GreaterEqual', ok: isNumeric, expr: 'a >= b ? 1 : 0', bool: true },
  logical_and: { tf: 'LogicalAnd', ok: isBool, expr: 'a & b' },
  logical_or: { tf: 'LogicalOr', ok: isBool, expr: 'a | b' },
  tanh_grad: { tf: 'TanhGrad', ok: isFloat, expr: 'b * (1 - a * a)' },
  sigmoid_grad: { tf: 'SigmoidGrad', ok: isFloat, expr: 'b * a * (1 - a)' },
  relu_grad: { tf: 'ReluGrad', ok: isFloat, expr: 'b > 0 ? a : 0' },
};

function exprFor(spec: OpSpec, d: DType): string {
  if (d === DType.int32 && spec.int32) return spec.int32;
  if (d === DType.int64 && spec.int64) return spec.int64;
  return spec.expr;
}

const unaryLoops = new Map<string, UnaryLoop>();
const binaryLoops = new Map<string, BinaryLoop>();

function unaryLoop(op: UnaryOp, d: DType): UnaryLoop {
  const key = `${op}:${d.name}`;
  let f = unaryLoops.get(key);
  if (!f) {
    const body = `let t = 0; for (let i = 0; i < n; i++) { const x = X[i]; O[i] = (${exprFor(UNARY[op], d)}); }`;
    f = new Function('X', 'O', 'n', body) as UnaryLoop;
    unaryLoops.set(key, f);
  }
  return f;
}

/** pattern: 'vv' both operands vary along the inner loop, 'sv' a is constant, 'vs' b is. */
function binaryLoop(op: BinaryOp, d: DType, pattern: 'vv' | 'sv' | 'vs'): BinaryLoop {
  const key = `${op}:${d.name}:${pattern}`;
  let f = binaryLoops.get(key);
  if (!f) {
    const e = exprFor(BINARY[op], d);
    const head = pattern === 'sv' ? 'const a = A[ao];' : pattern === 'vs' ? 'const b = B[bo];' : '';
    const load = pattern === 'sv' ? 'const b = B[bo + i];' : pattern === 'vs' ? 'const a = A[ao + i];' : 'const a = A[ao + i], b = B[bo + i];';
    const body = `let t = 0; ${head} for (let i = 0; i < n; i++) { ${load} O[oo + i] = (${e}); }`;
    f = new Function('A', 'ao', 'B', 'bo', 'O', 'oo', 'n', body) as BinaryLoop;
    binaryLoops.set(key, f);
  }
  return f;
}

export function unary(op: UnaryOp, x: CpuTensor): CpuTensor {
  const spec = UNARY[op];
  if (!spec) fail('unary', `unary: unknown op ${JSON.stringify(op)}`);
  requireDType(spec.tf, x, spec.ok);
  if (op === 'tanh' && x.data instanceof Float32Array) {
    // float32 tanh in WebAssembly SIMD: a rational approximation within a few float32 ulps, as
    // TF's own CPU kernel (Eigen); Math.tanh costs ~15 ns a value.
    const y = wasmTanhF32(x.data);
    if (y) return new CpuTensor(y, x.shape, x.dtype);
  }
  const out = alloc(x.shape, spec.bool ? DType.bool : x.dtype);
  unaryLoop(op, x.dtype)(x.data, out.data, x.size);
  return out;
}

export function binary(op: BinaryOp, a: CpuTensor, b: CpuTensor): CpuTensor {
  const spec = BINARY[op];
  if (!spec) fail('binary', `binary: unknown op ${JSON.stringify(op)}`);
  requireSameDType(spec.tf, a, b);
  requireDType(spec.tf, a, spec.ok);
  const shape = broadcastOrThrow(spec.tf, a.shape, b.shape);
  const d = a.dtype;
  if (d.isInteger) {
    if (INT_DIVIDES.has(op) && b.data.includes(0)) fail(spec.tf, 'Integer division by zero');
    if (op === 'pow' && b.data.some((v) => v < 0)) fail(spec.tf, 'Integers to negative integer powers are not allowed');
  }
  const outSize = sizeOf(shape);
  if (outSize >= WASM_MIN && a.data instanceof Float32Array && b.data instanceof Float32Array && a.size === outSize && WASM_BINARY[op] !== undefined) {
    // float32 in WebAssembly SIMD (same bits): same shapes, or b a row repeated along a (a bias)
    const bRow = b.size === outSize ? 0 : b.size > 0 && b.shape.length <= shape.length && b.size === shape[shape.length - 1] && b.shape[b.shape.length - 1] === b.size ? b.size : -1;
    if (bRow >= 0) {
      const r = wasmBinaryF32(WASM_BINARY[op], a.data, b.data, bRow);
      if (r) return new CpuTensor(r, shape, d);
    }
  }
  const out = alloc(shape, spec.bool ? DType.bool : d);
  const A = a.data;
  const B = b.data;
  const O = out.data;
  if (a.size === out.size && b.size === out.size) {
    // same shape (up to leading 1s): one flat loop
    binaryLoop(op, d, 'vv')(A, 0, B, 0, O, 0, out.size);
    return out;
  }
  if (out.size === 0) return out;
  if (a.size === 1) {
    binaryLoop(op, d, 'sv')(A, 0, B, 0, O, 0, out.size);
    return out;
  }
  if (b.size === 1) {
    binaryLoop(op, d, 'vs')(A, 0, B, 0, O, 0, out.size);
    return out;
  }
  const plan = planBroadcast([a.shape, b.shape], shape);
  const last = plan.sizes.length - 1;
  const pattern = plan.strides[0][last] === 0 ? 'sv' : plan.strides[1][last] === 0 ? 'vs' : 'vv';
  const loop = binaryLoop(op, d, pattern);
  const n = plan.inner;
  forEachRun(plan, (off, oo) => loop(A, off[0], B, off[1], O, oo, n));
  return out;
}

/** cond ? a : b, all three broadcast (TF's SelectV2). */
export function select(cond: CpuTensor, a: CpuTensor, b: CpuTensor): CpuTensor {
  requireDType('SelectV2', cond, isBool, 'condition');
  requireSameDType('SelectV2', a, b, 2);
  const shape = broadcastShapes3(cond.shape, a.shape, b.shape);
  if (!shape) {
    fail('SelectV2', `condition ${shapeStr(cond.shape)}, then ${shapeStr(a.shape)}, and else ${shapeStr(b.shape)} must be broadcastable`);
  }
  const out = alloc(shape, a.dtype);
  const C = cond.data;
  const A = a.data;
  const B = b.data;
  const O = out.data;
  const n = out.size;
  if (cond.size === n && a.size === n && b.size === n) {
    for (let i = 0; i < n; i++) O[i] = C[i] ? A[i] : B[i];
    return out;
  }
  if (n === 0) return out;
  const plan = planBroadcast([cond.shape, a.shape, b.shape], shape);
  const last = plan.sizes.length - 1;
  const [cStep, aStep, bStep] = plan.strides.map((st) => st[last]);
  const inner = plan.inner;
  forEachRun(plan, (off, oo) => {
    const c0 = off[0];
    const a0 = off[1];
    const b0 = off[2];
    for (let i = 0; i < inner; i++) O[oo + i] = C[c0 + i * cStep] ? A[a0 + i * aStep] : B[b0 + i * bStep];
  });
  return out;
}

function broadcastShapes3(a: readonly number[], b: readonly number[], c: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length, c.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let d = 1;
    for (const s of [a, b, c]) {
      const k = s.length - n + i;
      const x = k >= 0 ? s[k] : 1;
      if (x === d || x === 1) continue;
      if (d !== 1) return null;
      d = x;
    }
    out[i] = d;
  }
  return out;
}

export function cast(x: CpuTensor, dtype: DType): CpuTensor {
  const out = alloc(x.shape, dtype);
  const X = x.data;
  const O = out.data;
  const n = x.size;
  if (dtype === DType.bool) {
    for (let i = 0; i < n; i++) O[i] = X[i] !== 0 ? 1 : 0; // NaN != 0: true, as static_cast<bool>
  } else if (dtype === DType.int64 && x.dtype.isFloating) {
    // Float64Array storage would keep fractions: truncate toward zero; NaN becomes 0 (as int32's store does)
    for (let i = 0; i < n; i++) {
      const v = X[i];
      O[i] = v === v ? Math.trunc(v) : 0;
    }
  } else {
    // typed-array stores convert exactly as cast does: float32 rounds, int32 truncates toward zero
    O.set(X);
  }
  return out;
}

export function addN(xs: readonly CpuTensor[]): CpuTensor {
  if (xs.length === 0) fail('AddN', 'AddN: expected at least one input');
  const first = xs[0];
  requireDType('AddN', first, isNumeric);
  for (let k = 1; k < xs.length; k++) {
    requireSameDType('AddN', first, xs[k], k);
    if (xs[k].shape.length !== first.shape.length || xs[k].shape.some((d, i) => d !== first.shape[i])) {
      fail('AddN', `Inputs to operation AddN of type AddN must have the same size and shape.  Input 0: ${shapeStr(first.shape)} != input ${k}: ${shapeStr(xs[k].shape)}`);
    }
  }
  // Terms known to be zero (fill(0) results, e.g. gradients of unread loop outputs) add nothing.
  const terms = xs.filter((x) => !isKnownZero(x));
  if (terms.length <= 1) {
    const only = terms.length ? terms[0] : first;
    return new CpuTensor(only.data, only.shape, only.dtype);
  }
  // Summed left to right, each partial sum rounded to the dtype (as a chain of adds would be).
  if (first.data instanceof Float32Array && first.size >= WASM_MIN) {
    const r = wasmAddNF32(terms.map((t) => t.data as Float32Array));
    if (r) return new CpuTensor(r, first.shape, first.dtype);
  }
  const add = binaryLoop('add', first.dtype, 'vv');
  const out = alloc(first.shape, first.dtype);
  const O = out.data;
  const n = out.size;
  add(terms[0].data, 0, terms[1].data, 0, O, 0, n);
  for (let k = 2; k < terms.length; k++) add(O, 0, terms[k].data, 0, O, 0, n);
  return out;
}

export function clip(x: CpuTensor, lo: number, hi: number): CpuTensor {
  requireDType('ClipByValue', x, isNumeric);
  const out = alloc(x.shape, x.dtype);
  const X = x.data;
  const O = out.data;
  for (let i = 0, n = x.size; i < n; i++) {
    const v = X[i];
    O[i] = v < lo ? lo : v > hi ? hi : v; // NaN passes through
  }
  return out;
}

/** A tensor of `shape` with every element `value` (already coerced by the caller). */
export function fill(shape: readonly number[], dtype: DType, value: number): CpuTensor {
  const size = sizeOf(shape);
  if (value === 0 && !Object.is(value, -0) && size <= MAX_SHARED_ZEROS) {
    // Zeros (gradients that do not flow, unwritten list items) share one zeroed buffer per
    // dtype: tensors are immutable, so a view of it is as good as a fresh array, and free.
    let z = sharedZeros.get(dtype);
    if (!z || z.length < size) {
      z = dtype.alloc(Math.max(size, Math.min(MAX_SHARED_ZEROS, 2 * (z?.length ?? 0))));
      sharedZeros.set(dtype, z);
      zeroBuffers.add(z.buffer);
    }
    return new CpuTensor(z.length === size ? z : z.subarray(0, size), shape, dtype);
  }
  const out = new CpuTensor(dtype.alloc(size), shape, dtype);
  if (value !== 0 || Object.is(value, -0)) out.data.fill(value);
  return out;
}

const MAX_SHARED_ZEROS = 1 << 22;
const sharedZeros = new Map<DType, TypedArray>();
const zeroBuffers = new WeakSet<ArrayBufferLike>();

/** Whether x is a view of the shared zeros (so all zero; other zero tensors are not detected). */
export function isKnownZero(x: CpuTensor): boolean {
  return zeroBuffers.has(x.data.buffer);
}
