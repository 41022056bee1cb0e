/*
 * float32 GEMM for the CPU backend, compiled to WebAssembly SIMD (v128): see build.sh and
 * ../wasm_gemm.ts. No globals, no stack, no libc: every buffer (operands, the packed-B panel,
 * an edge scratch tile) lives at an address the caller passes, so that several instances (one
 * per thread) can share one memory.
 *
 *   C[M,N] (row stride ldc) (=, or += when beta) op(A)[M,K] . op(B)[K,N], columns n0..n1 only.
 *
 * op(A) element (i,k) is A[i*ars + k*aks]: (ars,aks) = (K,1) for A stored [M,K], (1,M) for A
 * stored [K,M] (transposed). A is read in place: it is only ever broadcast one scalar at a time.
 * op(B) is packed (K-blocks of KC rows, NR-column panels, zero-padded) into pb, which needs
 * KC * roundup(n1-n0, NR) floats; tb says B is stored [N,K].
 *
 * Micro-kernel: MR x NR = 4 x 8 tile, 8 v128 accumulators (V8 gives wasm 15 xmm registers on
 * x64, and without a fused multiply-add every step needs a product temporary). Sums are
 * float32, accumulated in k order within a KC block.
 */
#include <wasm_simd128.h>

#define MR 4
#define NR 8
#define KC 256

typedef __SIZE_TYPE__ size_t;

/* Packs rows pc..pc+kc of op(B), columns j0..j0+nc as NR-column panels: pb[panel*kc*NR + k*NR + s]. */
static void pack_b(const float *B, int tb, int K, int N, int pc, int kc, int j0, int nc, float *pb) {
  for (int jp = 0; jp < nc; jp += NR) {
    float *dst = pb + jp * kc;
    int cols = nc - jp < NR ? nc - jp : NR;
    int j = j0 + jp;
    if (!tb) {
      const float *src = B + (size_t)pc * N + j;
      if (cols == NR) {
        for (int k = 0; k < kc; k++, src += N, dst += NR) {
          wasm_v128_store(dst, wasm_v128_load(src));
          wasm_v128_store(dst + 4, wasm_v128_load(src + 4));
        }
      } else {
        for (int k = 0; k < kc; k++, src += N, dst += NR) {
          int s = 0;
          for (; s < cols; s++) dst[s] = src[s];
          for (; s < NR; s++) dst[s] = 0.0f;
        }
      }
    } else {
      /* stored [N,K]: column j+s of op(B) is stored row j+s */
      if (cols == NR) {
        const float *r0 = B + (size_t)j * K + pc;
        int k = 0;
        for (; k + 4 <= kc; k += 4) {
          for (int h = 0; h < 2; h++) {
            const float *r = r0 + (size_t)h * 4 * K + k;
            v128_t x0 = wasm_v128_load(r);
            v128_t x1 = wasm_v128_load(r + K);
            v128_t x2 = wasm_v128_load(r + 2 * K);
            v128_t x3 = wasm_v128_load(r + 3 * K);
            /* 4x4 transpose */
            v128_t t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5);
            v128_t t1 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7);
            v128_t t2 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
            v128_t t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
            float *d = dst + k * NR + h * 4;
            wasm_v128_store(d, wasm_i64x2_shuffle(t0, t2, 0, 2));
            wasm_v128_store(d + NR, wasm_i64x2_shuffle(t0, t2, 1, 3));
            wasm_v128_store(d + 2 * NR, wasm_i64x2_shuffle(t1, t3, 0, 2));
            wasm_v128_store(d + 3 * NR, wasm_i64x2_shuffle(t1, t3, 1, 3));
          }
        }
        for (; k < kc; k++)
          for (int s = 0; s < NR; s++) dst[k * NR + s] = r0[(size_t)s * K + k];
      } else {
        for (int k = 0; k < kc; k++) {
          int s = 0;
          for (; s < cols; s++) dst[k * NR + s] = B[(size_t)(j + s) * K + pc + k];
          for (; s < NR; s++) dst[k * NR + s] = 0.0f;
        }
      }
    }
  }
}

/*
 * One MR x NR tile: acc = A rows (a0..a3 advancing by aks) . packed panel pb; then C = acc or
 * C += acc for the first mr rows and nr columns.
 */
static inline void micro(int kc, const float *a0, const float *a1, const float *a2, const float *a3, int aks, const float *pb,
                         float *C, int ldc, int mr, int nr, int add, float *scratch) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int k = 0; k < kc; k++) {
    v128_t b0 = wasm_v128_load(pb);
    v128_t b1 = wasm_v128_load(pb + 4);
    pb += NR;
    v128_t a = wasm_v128_load32_splat(a0);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(a1);
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(a2);
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(a3);
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a, b1));
    a0 += aks;
    a1 += aks;
    a2 += aks;
    a3 += aks;
  }
  if (mr == MR && nr == NR) {
    float *c = C;
    if (add) {
      wasm_v128_store(c, wasm_f32x4_add(wasm_v128_load(c), c00));
      wasm_v128_store(c + 4, wasm_f32x4_add(wasm_v128_load(c + 4), c01));
      c += ldc;
      wasm_v128_store(c, wasm_f32x4_add(wasm_v128_load(c), c10));
      wasm_v128_store(c + 4, wasm_f32x4_add(wasm_v128_load(c + 4), c11));
      c += ldc;
      wasm_v128_store(c, wasm_f32x4_add(wasm_v128_load(c), c20));
      wasm_v128_store(c + 4, wasm_f32x4_add(wasm_v128_load(c + 4), c21));
      c += ldc;
      wasm_v128_store(c, wasm_f32x4_add(wasm_v128_load(c), c30));
      wasm_v128_store(c + 4, wasm_f32x4_add(wasm_v128_load(c + 4), c31));
    } else {
      wasm_v128_store(c, c00);
      wasm_v128_store(c + 4, c01);
      c += ldc;
      wasm_v128_store(c, c10);
      wasm_v128_store(c + 4, c11);
      c += ldc;
      wasm_v128_store(c, c20);
      wasm_v128_store(c + 4, c21);
      c += ldc;
      wasm_v128_store(c, c30);
      wasm_v128_store(c + 4, c31);
    }
    return;
  }
  /* edge tile: through the scratch tile, only the rows and columns that exist */
  wasm_v128_store(scratch, c00);
  wasm_v128_store(scratch + 4, c01);
  wasm_v128_store(scratch + 8, c10);
  wasm_v128_store(scratch + 12, c11);
  wasm_v128_store(scratch + 16, c20);
  wasm_v128_store(scratch + 20, c21);
  wasm_v128_store(scratch + 24, c30);
  wasm_v128_store(scratch + 28, c31);
  for (int r = 0; r < mr; r++) {
    float *c = C + (size_t)r * ldc;
    const float *s = scratch + r * NR;
    if (add)
      for (int j = 0; j < nr; j++) c[j] += s[j];
    else
      for (int j = 0; j < nr; j++) c[j] = s[j];
  }
}

/* The work of one thread: all rows, columns n0..n1 (n0 a multiple of NR unless it is the only part). */
__attribute__((export_name("gemm_f32")))
void gemm_f32(int M, int N, int K, const float *A, int ars, int aks, const float *B, int tb, float *C, int ldc, int n0, int n1,
              float *pb, int beta, float *scratch) {
  if (M <= 0 || n1 <= n0) return;
  if (K <= 0) {
    if (!beta)
      for (int i = 0; i < M; i++)
        for (int j = n0; j < n1; j++) C[(size_t)i * ldc + j] = 0.0f;
    return;
  }
  int nc = n1 - n0;
  for (int pc = 0; pc < K; pc += KC) {
    int kc = K - pc < KC ? K - pc : KC;
    int add = beta || pc > 0;
    pack_b(B, tb, K, N, pc, kc, n0, nc, pb);
    for (int jp = 0; jp < nc; jp += NR) {
      int nr = nc - jp < NR ? nc - jp : NR;
      const float *panel = pb + jp * kc;
      float *cj = C + n0 + jp;
      for (int i = 0; i < M; i += MR) {
        int mr = M - i < MR ? M - i : MR;
        /* rows past the end repeat the last row (computed, never stored) */
        const float *a0 = A + (size_t)i * ars + (size_t)pc * aks;
        const float *a1 = mr > 1 ? a0 + ars : a0;
        const float *a2 = mr > 2 ? a0 + 2 * ars : a0;
        const float *a3 = mr > 3 ? a0 + 3 * ars : a0;
        micro(kc, a0, a1, a2, a3, aks, panel, cj + (size_t)i * ldc, ldc, mr, nr, add, scratch);
      }
    }
  }
}
