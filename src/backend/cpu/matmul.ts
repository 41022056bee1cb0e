/**
 * Matrix multiplication. `gemm` is the one function that does the arithmetic: float32 products
 * go to the WebAssembly SIMD kernel (wasm_kernels.ts, ~50 GFLOP/s per core); `gemmJs` below is the
 * fallback where WebAssembly SIMD is unavailable, and the kernel for the other dtypes.
 *
 * gemmJs's scheme (GotoBLAS-style, sized for JS): C is computed in 4x4 tiles whose 16 accumulators live in
 * local variables (doubles in registers), reading A and B from packed panels so that every load in
 * the inner k loop is sequential. Packing is also where transposes are handled, so the kernel never
 * walks a strided operand. Blocking: KC = 256 rows of B per pass (a 4x256 panel of B is 4 KiB and
 * stays in L1), MC = 64 rows of A (a 64 KiB block in L2), NC = 2048 columns (bounds the B pack).
 * V8 does not vectorize JS loops, so register blocking, not SIMD, is what this kernel relies on:
 * it measures ~4-5 GFLOP/s per core (see matmul.bench.ts) against ~1.3 for a plain i-k-j loop.
 */
import { DType, TypedArray } from '../../core/dtypes';
import { CpuTensor, alloc, fail, requireSameDType, shapeStr } from './tensor';
import { wasmGemm, wasmMatmulF32 } from './wasm_kernels';

const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 2048;

type Pack = Float32Array | Float64Array;

// Scratch packs, reused across calls (grown on demand; at most MC*KC and KC*NC elements).
let packA32 = new Float32Array(MC * KC);
let packB32 = new Float32Array(0);
let packA64 = new Float64Array(0);
let packB64 = new Float64Array(0);
/** An edge tile's values, staged so that they can be stored with bounds. */
const edge = new Float64Array(MR * NR);

/**
 * C[M,N] (row-major at cOff, zero or holding values to add to) += op(A) . op(B), where op(A) is
 * [M,K]: A is stored [M,K] at aOff, or [K,M] when `ta`; op(B) is [K,N]: B is stored [K,N] at bOff,
 * or [N,K] when `tb`. All-float32 products run in WebAssembly SIMD (wasm_kernels.ts: float32 sums,
 * several threads for large products) where available; the rest, and every product when wasm is
 * unavailable, run in gemmJs.
 */
export function gemm(M: number, N: number, K: number, A: TypedArray, aOff: number, ta: boolean, B: TypedArray, bOff: number, tb: boolean, C: TypedArray, cOff: number): void {
  if (M === 0 || N === 0 || K === 0) return;
  if (A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array && wasmGemm(M, N, K, A, aOff, ta, B, bOff, tb, C, cOff, true)) return;
  gemmJs(M, N, K, A, aOff, ta, B, bOff, tb, C, cOff);
}

/**
 * gemm in plain JS. float32 operands are packed as float32 (half the memory traffic); others as
 * float64. Sums are accumulated in doubles within each KC block and rounded by the store into C.
 */
export function gemmJs(M: number, N: number, K: number, A: TypedArray, aOff: number, ta: boolean, B: TypedArray, bOff: number, tb: boolean, C: TypedArray, cOff: number): void {
  if (M === 0 || N === 0 || K === 0) return;
  const f32 = A instanceof Float32Array && B instanceof Float32Array;
  const kcMax = Math.min(KC, K);
  const ncMax = Math.ceil(Math.min(NC, N) / NR) * NR;
  const mcMax = Math.ceil(Math.min(MC, M) / MR) * MR;
  let pa: Pack;
  let pb: Pack;
  if (f32) {
    if (packA32.length < mcMax * kcMax) packA32 = new Float32Array(mcMax * kcMax);
    if (packB32.length < ncMax * kcMax) packB32 = new Float32Array(ncMax * kcMax);
    pa = packA32;
    pb = packB32;
  } else {
    if (packA64.length < mcMax * kcMax) packA64 = new Float64Array(mcMax * kcMax);
    if (packB64.length < ncMax * kcMax) packB64 = new Float64Array(ncMax * kcMax);
    pa = packA64;
    pb = packB64;
  }
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packB(B, bOff, tb, K, N, pc, kc, jc, nc, pb);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packA(A, aOff, ta, M, K, ic, mc, pc, kc, pa);
        macroKernel(mc, nc, kc, pa, pb, C, cOff + ic * N + jc, N);
      }
    }
  }
}

/** Rows ic..ic+mc of op(A), columns pc..pc+kc, as MR-row panels: pa[panel*MR*kc + k*MR + r]. */
function packA(A: TypedArray, aOff: number, ta: boolean, M: number, K: number, ic: number, mc: number, pc: number, kc: number, pa: Pack): void {
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const base = i0 * kc;
    const rows = Math.min(MR, mc - i0);
    if (!ta) {
      for (let r = 0; r < rows; r++) {
        const src = aOff + (ic + i0 + r) * K + pc;
        for (let k = 0, p = base + r; k < kc; k++, p += MR) pa[p] = A[src + k];
      }
    } else {
      // stored [K,M]: the MR rows of a panel are adjacent in each stored row
      for (let k = 0; k < kc; k++) {
        const src = aOff + (pc + k) * M + ic + i0;
        const p = base + k * MR;
        for (let r = 0; r < rows; r++) pa[p + r] = A[src + r];
      }
    }
    for (let r = rows; r < MR; r++) for (let k = 0; k < kc; k++) pa[base + k * MR + r] = 0;
  }
}

/** Rows pc..pc+kc of op(B), columns jc..jc+nc, as NR-column panels: pb[panel*NR*kc + k*NR + s]. */
function packB(B: TypedArray, bOff: number, tb: boolean, K: number, N: number, pc: number, kc: number, jc: number, nc: number, pb: Pack): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const base = j0 * kc;
    const cols = Math.min(NR, nc - j0);
    if (!tb) {
      for (let k = 0; k < kc; k++) {
        const src = bOff + (pc + k) * N + jc + j0;
        const p = base + k * NR;
        for (let s = 0; s < cols; s++) pb[p + s] = B[src + s];
      }
    } else {
      // stored [N,K]: each column of op(B) is a contiguous stored row
      for (let s = 0; s < cols; s++) {
        const src = bOff + (jc + j0 + s) * K + pc;
        for (let k = 0, p = base + s; k < kc; k++, p += NR) pb[p] = B[src + k];
      }
    }
    for (let s = cols; s < NR; s++) for (let k = 0; k < kc; k++) pb[base + k * NR + s] = 0;
  }
}

/** C block [mc, nc] at cOff (row stride ldc) += packed A block . packed B block. */
function macroKernel(mc: number, nc: number, kc: number, pa: Pack, pb: Pack, C: TypedArray, cOff: number, ldc: number): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const bo = j0 * kc;
    const nr = Math.min(NR, nc - j0);
    for (let i0 = 0; i0 < mc; i0 += MR) {
      const ao = i0 * kc;
      const mr = Math.min(MR, mc - i0);
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let k = 0, p = ao, q = bo; k < kc; k++, p += MR, q += NR) {
        const a0 = pa[p], a1 = pa[p + 1], a2 = pa[p + 2], a3 = pa[p + 3];
        const b0 = pb[q], b1 = pb[q + 1], b2 = pb[q + 2], b3 = pb[q + 3];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      let o = cOff + i0 * ldc + j0;
      if (mr === MR && nr === NR) {
        C[o] += c00; C[o + 1] += c01; C[o + 2] += c02; C[o + 3] += c03; o += ldc;
        C[o] += c10; C[o + 1] += c11; C[o + 2] += c12; C[o + 3] += c13; o += ldc;
        C[o] += c20; C[o + 1] += c21; C[o + 2] += c22; C[o + 3] += c23; o += ldc;
        C[o] += c30; C[o + 1] += c31; C[o + 2] += c32; C[o + 3] += c33;
      } else {
        // edge tile: store only the rows and columns that exist
        const e = edge;
        e[0] = c00; e[1] = c01; e[2] = c02; e[3] = c03;
        e[4] = c10; e[5] = c11; e[6] = c12; e[7] = c13;
        e[8] = c20; e[9] = c21; e[10] = c22; e[11] = c23;
        e[12] = c30; e[13] = c31; e[14] = c32; e[15] = c33;
        for (let r = 0; r < mr; r++, o += ldc) for (let s = 0; s < nr; s++) C[o + s] += e[r * NR + s];
      }
    }
  }
}

const MATMUL_DTYPES = new Set<DType>([DType.float32, DType.float64, DType.int32, DType.int64]);

/** MatMul / BatchMatMul: rank 2, or equal-rank operands whose leading (batch) dimensions agree. */
export function matmul(a: CpuTensor, b: CpuTensor, ta: boolean, tb: boolean): CpuTensor {
  const kernel = a.shape.length > 2 ? 'BatchMatMul' : 'MatMul';
  requireSameDType(kernel, a, b);
  if (!MATMUL_DTYPES.has(a.dtype)) fail(kernel, `${kernel}: no kernel for dtype ${a.dtype.name}`);
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2) fail(kernel, `In[0] ndims must be >= 2: ${ra}`);
  if (rb < 2) fail(kernel, `In[1] ndims must be >= 2: ${rb}`);
  if (ra !== rb) fail(kernel, `In[0] and In[1] has different ndims: ${shapeStr(a.shape)} vs. ${shapeStr(b.shape)}`);
  const batchShape = a.shape.slice(0, ra - 2);
  for (let d = 0; d < ra - 2; d++) {
    if (a.shape[d] !== b.shape[d]) {
      fail(kernel, `In[0] and In[1] must have compatible batch dimensions: ${shapeStr(a.shape)} vs. ${shapeStr(b.shape)}`);
    }
  }
  const [a0, a1] = a.shape.slice(ra - 2);
  const [b0, b1] = b.shape.slice(rb - 2);
  const M = ta ? a1 : a0;
  const K = ta ? a0 : a1;
  const Kb = tb ? b1 : b0;
  const N = tb ? b0 : b1;
  if (K !== Kb) {
    fail(kernel, `In[0] mismatch In[1] shape: ${K} vs. ${Kb}: ${shapeStr(a.shape)} ${shapeStr(b.shape)} ${ta ? 1 : 0} ${tb ? 1 : 0}`);
  }
  let batch = 1;
  for (const d of batchShape) batch *= d;
  if (batch === 1 && a.data instanceof Float32Array && b.data instanceof Float32Array && M * N * K > 0) {
    const c = wasmMatmulF32(M, N, K, a.data, 0, ta, b.data, 0, tb);
    if (c) return new CpuTensor(c, [...batchShape, M, N], a.dtype);
  }
  const out = alloc([...batchShape, M, N], a.dtype);
  for (let i = 0; i < batch; i++) gemm(M, N, K, a.data, i * M * K, ta, b.data, i * K * N, tb, out.data, i * M * N);
  return out;
}
