/**
 * Reductions (sum, mean, max, min, prod, any, all) and argmax/argmin.
 *
 * The reduced and kept axes are first merged into runs of adjacent dimensions, which turns almost
 * every real reduction into one of three contiguous shapes: [kept, reduced] (row sums, e.g. over
 * classes), [reduced, kept] (column sums, e.g. a bias gradient over the batch) or
 * [kept, reduced, kept]. Anything else is transposed into [kept, reduced] first. Sums and products
 * accumulate in doubles and are rounded once into the output.
 */
import { ReduceOp } from '../backend';
import { DType, TypedArray } from '../../core/dtypes';
import { transpose } from './layout';
import { CpuTensor, alloc, fail, isIndex, isNumeric, normAxis, requireDType, shapeStr } from './tensor';
import { wasmSumRowsF32 } from './wasm_kernels';

const KERNEL: Record<ReduceOp, string> = { sum: 'Sum', mean: 'Mean', max: 'Max', min: 'Min', prod: 'Prod', any: 'Any', all: 'All' };

/** Value of a reduction over nothing: TF gives 0, 1, the lowest/highest value of the type. */
function identity(op: ReduceOp, d: DType): number {
  switch (op) {
    case 'sum':
    case 'any':
      return 0;
    case 'mean':
      return NaN;
    case 'prod':
    case 'all':
      return 1;
    case 'max':
      return d === DType.int32 ? -2147483648 : d === DType.int64 ? -(2 ** 63) : -Infinity;
    case 'min':
      return d === DType.int32 ? 2147483647 : d === DType.int64 ? 2 ** 63 : Infinity;
  }
}

/** O[oOff + r] = op over X[xOff + r*len ... + len) for r < rows (len >= 1). */
function reduceRows(op: ReduceOp, X: TypedArray, xOff: number, rows: number, len: number, O: TypedArray, oOff: number, intMean: boolean): void {
  for (let r = 0, p = xOff; r < rows; r++, p += len) {
    const end = p + len;
    let acc: number;
    switch (op) {
      case 'sum':
      case 'mean': {
        let s = 0;
        for (let i = p; i < end; i++) s += X[i];
        acc = op === 'sum' ? s : intMean ? Math.trunc(s / len) : s / len;
        break;
      }
      case 'max': {
        let m = X[p];
        for (let i = p + 1; i < end; i++) {
          const v = X[i];
          if (v > m || v !== v) m = v; // NaN wins and stays
        }
        acc = m;
        break;
      }
      case 'min': {
        let m = X[p];
        for (let i = p + 1; i < end; i++) {
          const v = X[i];
          if (v < m || v !== v) m = v;
        }
        acc = m;
        break;
      }
      case 'prod': {
        let s = 1;
        for (let i = p; i < end; i++) s *= X[i];
        acc = s;
        break;
      }
      case 'any': {
        acc = 0;
        for (let i = p; i < end; i++) if (X[i]) { acc = 1; break; }
        break;
      }
      case 'all': {
        acc = 1;
        for (let i = p; i < end; i++) if (!X[i]) { acc = 0; break; }
        break;
      }
    }
    O[oOff + r] = acc;
  }
}

/** reduceCols' sum of float32 columns: its own function, so its element loads stay monomorphic. */
function sumColsF32(X: Float32Array, xOff: number, R: number, K: number, acc: Float64Array): void {
  acc.fill(0, 0, K);
  for (let r = 0, p = xOff; r < R; r++, p += K) for (let k = 0; k < K; k++) acc[k] += X[p + k];
}

/** O[oOff + k] = op over r < R (R >= 1) of X[xOff + r*K + k], accumulated row by row (sequential reads). */
function reduceCols(op: ReduceOp, X: TypedArray, xOff: number, R: number, K: number, O: TypedArray, oOff: number, intMean: boolean, acc: Float64Array): void {
  if (op === 'sum' && X instanceof Float32Array && O instanceof Float32Array) {
    // the bias gradient of every dense layer and RNN step
    sumColsF32(X, xOff, R, K, acc);
    for (let k = 0; k < K; k++) O[oOff + k] = acc[k];
    return;
  }
  switch (op) {
    case 'sum':
    case 'mean':
      acc.fill(0, 0, K);
      for (let r = 0, p = xOff; r < R; r++, p += K) for (let k = 0; k < K; k++) acc[k] += X[p + k];
      if (op === 'mean') for (let k = 0; k < K; k++) acc[k] = intMean ? Math.trunc(acc[k] / R) : acc[k] / R;
      break;
    case 'prod':
      acc.fill(1, 0, K);
      for (let r = 0, p = xOff; r < R; r++, p += K) for (let k = 0; k < K; k++) acc[k] *= X[p + k];
      break;
    case 'max':
      for (let k = 0; k < K; k++) acc[k] = X[xOff + k];
      for (let r = 1, p = xOff + K; r < R; r++, p += K)
        for (let k = 0; k < K; k++) {
          const v = X[p + k];
          if (v > acc[k] || v !== v) acc[k] = v;
        }
      break;
    case 'min':
      for (let k = 0; k < K; k++) acc[k] = X[xOff + k];
      for (let r = 1, p = xOff + K; r < R; r++, p += K)
        for (let k = 0; k < K; k++) {
          const v = X[p + k];
          if (v < acc[k] || v !== v) acc[k] = v;
        }
      break;
    case 'any':
      acc.fill(0, 0, K);
      for (let r = 0, p = xOff; r < R; r++, p += K) for (let k = 0; k < K; k++) if (X[p + k]) acc[k] = 1;
      break;
    case 'all':
      acc.fill(1, 0, K);
      for (let r = 0, p = xOff; r < R; r++, p += K) for (let k = 0; k < K; k++) if (!X[p + k]) acc[k] = 0;
      break;
  }
  for (let k = 0; k < K; k++) O[oOff + k] = acc[k];
}

export function reduce(op: ReduceOp, x: CpuTensor, axes: readonly number[]): CpuTensor {
  const kernel = KERNEL[op];
  if (!kernel) fail('reduce', `reduce: unknown op ${JSON.stringify(op)}`);
  const bool = op === 'any' || op === 'all';
  requireDType(kernel, x, bool ? (d) => d === DType.bool : isNumeric);
  const rank = x.shape.length;
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of axes) {
    if (!Number.isInteger(a) || a < -rank || a >= rank) {
      fail(kernel, `Invalid reduction dimension (${a} for input with ${rank} dimension(s)`);
    }
    reduced[a < 0 ? a + rank : a] = true;
  }
  const outShape = x.shape.filter((_, d) => !reduced[d]);
  const out = alloc(outShape, x.dtype);
  const O = out.data;
  if (out.size === 0) return out;
  const X = x.data;
  if (x.size === 0) {
    O.fill(identity(op, x.dtype));
    return out;
  }
  const intMean = x.dtype.isInteger;

  // merge adjacent dims of equal kind; size-1 dims do not matter
  const groups: { size: number; red: boolean }[] = [];
  for (let d = 0; d < rank; d++) {
    if (x.shape[d] === 1) continue;
    const last = groups[groups.length - 1];
    if (last && last.red === reduced[d]) last.size *= x.shape[d];
    else groups.push({ size: x.shape[d], red: reduced[d] });
  }
  const kinds = groups.map((g) => (g.red ? 'R' : 'K')).join('');
  const sizes = groups.map((g) => g.size);
  switch (kinds) {
    case '':
    case 'K': // nothing reduced (or only size-1 axes)
      O.set(X);
      return out;
    case 'R':
      reduceRows(op, X, 0, 1, x.size, O, 0, intMean);
      return out;
    case 'KR':
      reduceRows(op, X, 0, sizes[0], sizes[1], O, 0, intMean);
      return out;
    case 'RK':
      if (op === 'sum' && X instanceof Float32Array && x.size >= 2048) {
        // the bias gradient of every dense layer and RNN step, in WebAssembly (same bits)
        const r = wasmSumRowsF32(X, 0, sizes[0], sizes[1]);
        if (r) return new CpuTensor(r, outShape, x.dtype);
      }
      reduceCols(op, X, 0, sizes[0], sizes[1], O, 0, intMean, new Float64Array(sizes[1]));
      return out;
    case 'KRK': {
      const [K1, R, K2] = sizes;
      const acc = new Float64Array(K2);
      for (let o = 0; o < K1; o++) reduceCols(op, X, o * R * K2, R, K2, O, o * K2, intMean, acc);
      return out;
    }
  }
  // general: bring kept axes to the front, then reduce rows
  const kept: number[] = [];
  const red: number[] = [];
  for (let d = 0; d < rank; d++) (reduced[d] ? red : kept).push(d);
  const t = transpose(x, [...kept, ...red]);
  reduceRows(op, t.data, 0, out.size, x.size / out.size, O, 0, intMean);
  return out;
}

export function argReduce(op: 'argmax' | 'argmin', x: CpuTensor, axis: number, dtype: DType): CpuTensor {
  const kernel = op === 'argmax' ? 'ArgMax' : 'ArgMin';
  if (!isIndex(dtype)) fail(kernel, `${kernel}: output_type must be int32 or int64, got ${dtype.name}`);
  const rank = x.shape.length;
  const ax = normAxis(kernel, axis, rank);
  const n = x.shape[ax];
  if (n === 0) fail(kernel, `Reduction axis ${ax} is empty in shape ${shapeStr(x.shape)}`);
  let outer = 1;
  for (let d = 0; d < ax; d++) outer *= x.shape[d];
  let inner = 1;
  for (let d = ax + 1; d < rank; d++) inner *= x.shape[d];
  const out = alloc(x.shape.filter((_, d) => d !== ax), dtype);
  const X = x.data;
  const O = out.data;
  const max = op === 'argmax';
  if (inner === 1) {
    for (let o = 0, p = 0; o < outer; o++, p += n) {
      let best = X[p];
      let bi = 0;
      for (let i = 1; i < n; i++) {
        const v = X[p + i];
        if (max ? v > best : v < best) { best = v; bi = i; } // strict: ties keep the smallest index
      }
      O[o] = bi;
    }
    return out;
  }
  const best = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    const ob = o * inner;
    for (let k = 0; k < inner; k++) {
      best[k] = X[base + k];
      O[ob + k] = 0;
    }
    for (let i = 1; i < n; i++) {
      const p = base + i * inner;
      for (let k = 0; k < inner; k++) {
        const v = X[p + k];
        if (max ? v > best[k] : v < best[k]) {
          best[k] = v;
          O[ob + k] = i;
        }
      }
    }
  }
  return out;
}
