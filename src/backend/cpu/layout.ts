/**
 * Kernels that move data without arithmetic: transpose, slice, concat, broadcastTo, gather,
 * unsortedSegmentSum (the scatter that is gather's gradient) and oneHot.
 */
import { broadcastShapes } from '../backend';
import { DType, TypedArray, coerce } from '../../core/dtypes';
import { forEachRun, planBroadcast } from './broadcast';
import { CpuTensor, alloc, checkDims, fail, isIndex, isNumeric, normAxis, product, requireDType, requireSameDType, shapeStr, strides } from './tensor';

/** Copies n elements; typed-array set() pays an object allocation that a loop beats for short runs. */
function copyRun(src: TypedArray, from: number, dst: TypedArray, to: number, n: number): void {
  if (src instanceof Float32Array && dst instanceof Float32Array) copyRunF32(src, from, dst, to, n);
  else if (n < 32) {
    for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
  } else {
    dst.set(src.subarray(from, from + n), to);
  }
}

/** copyRun for float32 (the common case), with a monomorphic loop for short runs. */
function copyRunF32(src: Float32Array, from: number, dst: Float32Array, to: number, n: number): void {
  if (n < 64) {
    for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
  } else {
    dst.set(src.subarray(from, from + n), to);
  }
}

// ---- transpose ---------------------------------------------------------------------------------

export function transpose(x: CpuTensor, perm: readonly number[]): CpuTensor {
  const rank = x.shape.length;
  const seen = new Set<number>();
  for (const p of perm) if (Number.isInteger(p) && p >= 0 && p < rank) seen.add(p);
  if (perm.length !== rank || seen.size !== rank) {
    fail('Transpose', `Transpose: perm [${perm.join(',')}] is not a permutation of the axes of a tensor of shape ${shapeStr(x.shape)}`);
  }
  const out = alloc(perm.map((p) => x.shape[p]), x.dtype);
  if (x.size === 0) return out;

  // Drop size-1 axes, then merge runs of axes that stay adjacent and in order: [B,T,H] by [1,0,2]
  // stays 3-D, but [A,B,C,D] by [2,3,0,1] is a plain 2-D transpose of [A*B, C*D].
  const pos = new Array<number>(rank).fill(-1);
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) if (x.shape[d] !== 1) { pos[d] = dims.length; dims.push(x.shape[d]); }
  const runs: number[][] = [];
  for (const p of perm) {
    if (pos[p] < 0) continue;
    const r = runs[runs.length - 1];
    if (r && r[r.length - 1] + 1 === pos[p]) r.push(pos[p]);
    else runs.push([pos[p]]);
  }
  const inOrder = [...runs].sort((a, b) => a[0] - b[0]);
  const inShape = inOrder.map((r) => r.reduce((s, d) => s * dims[d], 1));
  const cperm = runs.map((r) => inOrder.indexOf(r));
  const X = x.data;
  const O = out.data;
  if (cperm.length <= 1) {
    O.set(X);
    return out;
  }
  if (cperm.length === 2) {
    transpose2d(X, O, inShape[0], inShape[1]);
    return out;
  }
  // general: walk the output in order; the inner loop strides through the input
  const inStr = strides(inShape);
  const outShape = cperm.map((p) => inShape[p]);
  const st = cperm.map((p) => inStr[p]);
  const last = cperm.length - 1;
  const n = outShape[last];
  const s = st[last];
  const idx = new Array<number>(last).fill(0);
  let src = 0;
  for (let o = 0; o < out.size; o += n) {
    if (s === 1) copyRun(X, src, O, o, n);
    else for (let i = 0, p = src; i < n; i++, p += s) O[o + i] = X[p];
    for (let d = last - 1; d >= 0; d--) {
      src += st[d];
      if (++idx[d] < outShape[d]) break;
      src -= st[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** O[c, r] = X[r, c] for X [R, C], in 32x32 tiles so both sides stay in cache. */
function transpose2d(X: TypedArray, O: TypedArray, R: number, C: number): void {
  const T = 32;
  for (let r0 = 0; r0 < R; r0 += T) {
    const r1 = Math.min(r0 + T, R);
    for (let c0 = 0; c0 < C; c0 += T) {
      const c1 = Math.min(c0 + T, C);
      for (let r = r0; r < r1; r++) {
        const row = r * C;
        for (let c = c0; c < c1; c++) O[c * R + r] = X[row + c];
      }
    }
  }
}

// ---- slice / concat / broadcastTo --------------------------------------------------------------

/** Slice; a size of -1 means "to the end" (as TF's Slice). */
export function slice(x: CpuTensor, begin: readonly number[], size: readonly number[]): CpuTensor {
  const rank = x.shape.length;
  if (begin.length !== rank || size.length !== rank) {
    fail('Slice', `Expected begin and size arguments to be 1-D tensors of size ${rank}, but got shapes [${begin.length}] and [${size.length}] instead.`);
  }
  const sz = new Array<number>(rank);
  for (let d = 0; d < rank; d++) {
    const b = begin[d];
    if (!Number.isInteger(b) || b < 0 || b > x.shape[d]) fail('Slice', `Expected begin[${d}] in [0, ${x.shape[d]}], but got ${b}`);
    sz[d] = size[d] === -1 ? x.shape[d] - b : size[d];
    if (!Number.isInteger(sz[d]) || sz[d] < 0 || b + sz[d] > x.shape[d]) {
      fail('Slice', `Expected size[${d}] in [0, ${x.shape[d] - b}], but got ${size[d]}`);
    }
  }
  const st = strides(x.shape);
  // A slice that is one contiguous run of x (leading dims of size 1, then one partial dim, then
  // full dims: a row block, one step of a [T, B, D] sequence) is a view: tensors are immutable.
  if (rank > 0) {
    let d0 = 0;
    while (d0 < rank - 1 && sz[d0] === 1) d0++;
    let contiguous = true;
    for (let d = d0 + 1; d < rank; d++) if (begin[d] !== 0 || sz[d] !== x.shape[d]) contiguous = false;
    if (contiguous) {
      let off = 0;
      for (let d = 0; d < rank; d++) off += begin[d] * st[d];
      const n = product(sz);
      return new CpuTensor(n === x.size ? x.data : x.data.subarray(off, off + n), sz, x.dtype);
    }
  }
  const out = alloc(sz, x.dtype);
  if (out.size === 0) return out;
  if (rank === 0) {
    out.data[0] = x.data[0];
    return out;
  }
  const X = x.data;
  const O = out.data;
  const last = rank - 1;
  const n = sz[last];
  const idx = new Array<number>(last).fill(0);
  let src = 0;
  for (let d = 0; d < rank; d++) src += begin[d] * st[d];
  for (let o = 0; o < out.size; o += n) {
    copyRun(X, src, O, o, n);
    for (let d = last - 1; d >= 0; d--) {
      src += st[d];
      if (++idx[d] < sz[d]) break;
      src -= st[d] * sz[d];
      idx[d] = 0;
    }
  }
  return out;
}

export function concat(xs: readonly CpuTensor[], axis: number): CpuTensor {
  if (xs.length === 0) fail('ConcatV2', 'ConcatV2: expected at least one input');
  const first = xs[0];
  const rank = first.shape.length;
  if (rank === 0) fail('ConcatV2', `ConcatOp : Can't concatenate scalars (use tf.stack instead)`);
  const ax = normAxis('ConcatV2', axis, rank);
  const shape = [...first.shape];
  shape[ax] = 0;
  xs.forEach((x, k) => {
    requireSameDType('ConcatV2', first, x, k);
    if (x.shape.length !== rank) {
      fail('ConcatV2', `ConcatOp : Ranks of all input tensors should match: shape[0] = ${shapeStr(first.shape)} vs. shape[${k}] = ${shapeStr(x.shape)}`);
    }
    for (let d = 0; d < rank; d++) {
      if (d !== ax && x.shape[d] !== first.shape[d]) {
        fail('ConcatV2', `ConcatOp : Dimensions of inputs should match: shape[0] = ${shapeStr(first.shape)} vs. shape[${k}] = ${shapeStr(x.shape)}`);
      }
    }
    shape[ax] += x.shape[ax];
  });
  const out = alloc(shape, first.dtype);
  const O = out.data;
  const outer = product(shape, 0, ax);
  const chunks = xs.map((x) => product(x.shape, ax));
  let o = 0;
  for (let i = 0; i < outer; i++) {
    for (let k = 0; k < xs.length; k++) {
      copyRun(xs[k].data, i * chunks[k], O, o, chunks[k]);
      o += chunks[k];
    }
  }
  return out;
}

export function broadcastTo(x: CpuTensor, shape: readonly number[]): CpuTensor {
  checkDims('BroadcastTo', shape);
  const b = broadcastShapes(x.shape, shape);
  if (!b || b.length !== shape.length || b.some((d, i) => d !== shape[i])) {
    fail('BroadcastTo', `Incompatible shapes: ${shapeStr(x.shape)} vs. ${shapeStr(shape)}`);
  }
  const out = alloc(shape, x.dtype);
  const X = x.data;
  const O = out.data;
  if (out.size === 0) return out;
  if (x.size === out.size) {
    O.set(X);
    return out;
  }
  const plan = planBroadcast([x.shape], shape);
  const n = plan.inner;
  if (plan.strides[0][plan.sizes.length - 1] === 0) forEachRun(plan, (off, o) => O.fill(X[off[0]], o, o + n));
  else forEachRun(plan, (off, o) => copyRun(X, off[0], O, o, n));
  return out;
}

// ---- gather / scatter / oneHot -----------------------------------------------------------------

/** TF's index text: indices[1] for a vector, indices[1,0] for a matrix. */
function indexText(flat: number, shape: readonly number[]): string {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx.join(',');
}

export function gather(x: CpuTensor, indices: CpuTensor, axis: number): CpuTensor {
  requireDType('GatherV2', indices, isIndex, 'indices');
  if (x.shape.length === 0) fail('GatherV2', 'params must be at least 1 dimensional');
  const ax = normAxis('GatherV2', axis, x.shape.length);
  const n = x.shape[ax];
  const I = indices.data;
  for (let i = 0; i < I.length; i++) {
    const v = I[i];
    if (!(v >= 0 && v < n)) fail('GatherV2', `indices[${indexText(i, indices.shape)}] = ${v} is not in [0, ${n})`);
  }
  const outer = product(x.shape, 0, ax);
  const inner = product(x.shape, ax + 1);
  const out = alloc([...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)], x.dtype);
  const X = x.data;
  const O = out.data;
  const m = I.length;
  let o = 0;
  for (let a = 0; a < outer; a++) {
    const base = a * n;
    if (inner === 1) {
      for (let j = 0; j < m; j++) O[o++] = X[base + I[j]];
    } else {
      for (let j = 0; j < m; j++, o += inner) copyRun(X, (base + I[j]) * inner, O, o, inner);
    }
  }
  return out;
}

/** out[ids[i], ...] += data[i, ...]; ids may be any prefix of data's shape; negative ids are dropped (TF). */
export function unsortedSegmentSum(data: CpuTensor, ids: CpuTensor, numSegments: number): CpuTensor {
  const kernel = 'UnsortedSegmentSum';
  requireDType(kernel, ids, isIndex, 'segment_ids');
  requireDType(kernel, data, isNumeric, 'data');
  if (!Number.isInteger(numSegments) || numSegments < 0) fail(kernel, `num_segments must be a non-negative integer, got ${numSegments}`);
  const r = ids.shape.length;
  if (r > data.shape.length || ids.shape.some((d, i) => d !== data.shape[i])) {
    fail(kernel, `data.shape = ${shapeStr(data.shape)} does not start with segment_ids.shape = ${shapeStr(ids.shape)}`);
  }
  const S = ids.data;
  for (let i = 0; i < S.length; i++) {
    if (S[i] >= numSegments) fail(kernel, `segment_ids[${indexText(i, ids.shape)}] = ${S[i]} is out of range [0, ${numSegments})`);
  }
  const rest = data.shape.slice(r);
  const inner = product(rest);
  const out = alloc([numSegments, ...rest], data.dtype);
  const X = data.data;
  const O = out.data;
  for (let i = 0; i < S.length; i++) {
    const s = S[i];
    if (s < 0) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let k = 0; k < inner; k++) O[dst + k] += X[src + k];
  }
  return out;
}

/** indices.shape + [depth]; an index outside [0, depth) gives a row of offValue (TF's rule). */
export function oneHot(indices: CpuTensor, depth: number, onValue: number, offValue: number, dtype: DType): CpuTensor {
  requireDType('OneHot', indices, isIndex, 'indices');
  if (!Number.isInteger(depth) || depth < 0) fail('OneHot', `depth must be non-negative, got: ${depth}`);
  const out = alloc([...indices.shape, depth], dtype);
  const O = out.data;
  const on = coerce(dtype, onValue);
  const off = coerce(dtype, offValue);
  if (off !== 0) O.fill(off);
  const I = indices.data;
  for (let i = 0; i < I.length; i++) {
    const v = I[i];
    if (v >= 0 && v < depth) O[i * depth + v] = on;
  }
  return out;
}
