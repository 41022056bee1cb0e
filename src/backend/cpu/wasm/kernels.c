/*
 * float32 kernels of the CPU backend in WebAssembly SIMD (v128): GEMM and the elementwise epilogues
 * fused into it (bias, tanh, relu); see build.sh and
 * ../wasm_kernels.ts. No globals, no stack, no libc: every buffer (operands, the packed-B panel,
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

/* ---- elementwise epilogues ------------------------------------------------------------------ */

/*
 * tanh on 4 lanes: Eigen's float rational approximation (the one TF's CPU kernels use):
 * x (p(x^2)) / q(x^2) on x clamped to +-7.9053, x itself where |x| < 0.0004, and exactly +-1
 * from |x| >= 9 on (where float32 tanh rounds to 1). Within a few float32 ulps of tanh.
 */
static inline v128_t tanh4(v128_t x) {
  /* pmin/pmax (minps/maxps) clamp: NaN comes out as a number here and is put back below */
  v128_t xc = wasm_f32x4_pmin(wasm_f32x4_splat(7.90531110763549805f), wasm_f32x4_pmax(wasm_f32x4_splat(-7.90531110763549805f), x));
  v128_t x2 = wasm_f32x4_mul(xc, xc);
  v128_t p = wasm_f32x4_splat(-2.76076847742355e-16f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(2.00018790482477e-13f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(-8.60467152213735e-11f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(5.12229709037114e-08f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(1.48572235717979e-05f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(6.37261928875436e-04f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(4.89352455891786e-03f));
  p = wasm_f32x4_mul(p, xc);
  v128_t q = wasm_f32x4_splat(1.19825839466702e-06f);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), wasm_f32x4_splat(1.18534705686654e-04f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), wasm_f32x4_splat(2.26843463243900e-03f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), wasm_f32x4_splat(4.89352518554385e-03f));
  v128_t r = wasm_f32x4_div(p, q);
  v128_t ax = wasm_f32x4_abs(x);
  r = wasm_v128_bitselect(x, r, wasm_f32x4_lt(ax, wasm_f32x4_splat(0.0004f)));
  /* saturate: copysign(1, x) where |x| >= 9 */
  v128_t one = wasm_v128_or(wasm_f32x4_splat(1.0f), wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000)));
  r = wasm_v128_bitselect(one, r, wasm_f32x4_ge(ax, wasm_f32x4_splat(9.0f)));
  /* NaN in, NaN out */
  return wasm_v128_bitselect(x, r, wasm_f32x4_ne(x, x));
}

static inline float tanh1(float x) {
  return wasm_f32x4_extract_lane(tanh4(wasm_f32x4_splat(x)), 0);
}

/* y[i] = tanh(x[i]) (y may be x) */
__attribute__((export_name("tanh_f32")))
void tanh_f32(const float *x, float *y, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, tanh4(wasm_v128_load(x + i)));
  for (; i < n; i++) y[i] = tanh1(x[i]);
}

/*
 * In place on C [M,N] (row stride ldc): C = act(C + bias) with bias [N] (or none when bias is
 * 0); act 0 = identity, 1 = tanh, 2 = relu (max(x, 0), NaN kept).
 */
__attribute__((export_name("bias_act_f32")))
void bias_act_f32(float *C, int M, int N, int ldc, const float *bias, int act) {
  for (int i = 0; i < M; i++) {
    float *c = C + (size_t)i * ldc;
    int j = 0;
    for (; j + 4 <= N; j += 4) {
      v128_t v = wasm_v128_load(c + j);
      if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias + j));
      if (act == 1) v = tanh4(v);
      else if (act == 2) v = wasm_v128_andnot(v, wasm_f32x4_lt(v, wasm_f32x4_splat(0.0f)));
      wasm_v128_store(c + j, v);
    }
    for (; j < N; j++) {
      float v = c[j];
      if (bias) v += bias[j];
      if (act == 1) v = tanh1(v);
      else if (act == 2) v = v < 0.0f ? 0.0f : v;
      c[j] = v;
    }
  }
}

/* ---- elementwise binary ops and column sums (float32 storage) --------------------------------- */

/*
 * o[i] = a[i] op b[i] for i < n (bRow: b has `bRow` elements, reused for every row of that
 * length, the bias-add broadcast; 0: b has n). Results are those of the JS kernels bit for bit:
 * add/sub/mul/div of two floats rounded once to float32 (as a double computation rounded to
 * float32 is), and the gradient formulas computed in doubles, as JS does, then rounded.
 *   op 0 add, 1 sub, 2 mul, 3 div, 4 tanh_grad b*(1-a*a), 5 sigmoid_grad b*a*(1-a),
 *   6 relu_grad (b > 0 ? a : 0)
 */
static inline v128_t bin4(int op, v128_t x, v128_t y) {
  switch (op) {
    case 0: return wasm_f32x4_add(x, y);
    case 1: return wasm_f32x4_sub(x, y);
    case 2: return wasm_f32x4_mul(x, y);
    case 3: return wasm_f32x4_div(x, y);
    case 4: case 5: {
      v128_t lo_a = wasm_f64x2_promote_low_f32x4(x);
      v128_t hi_a = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 0, 1));
      v128_t lo_b = wasm_f64x2_promote_low_f32x4(y);
      v128_t hi_b = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(y, y, 2, 3, 0, 1));
      v128_t one = wasm_f64x2_splat(1.0);
      v128_t lo, hi;
      if (op == 4) {
        lo = wasm_f64x2_mul(lo_b, wasm_f64x2_sub(one, wasm_f64x2_mul(lo_a, lo_a)));
        hi = wasm_f64x2_mul(hi_b, wasm_f64x2_sub(one, wasm_f64x2_mul(hi_a, hi_a)));
      } else {
        lo = wasm_f64x2_mul(wasm_f64x2_mul(lo_b, lo_a), wasm_f64x2_sub(one, lo_a));
        hi = wasm_f64x2_mul(wasm_f64x2_mul(hi_b, hi_a), wasm_f64x2_sub(one, hi_a));
      }
      v128_t l = wasm_f32x4_demote_f64x2_zero(lo);
      v128_t h = wasm_f32x4_demote_f64x2_zero(hi);
      return wasm_i32x4_shuffle(l, h, 0, 1, 4, 5);
    }
    default: return wasm_v128_and(x, wasm_f32x4_gt(y, wasm_f32x4_splat(0.0f)));
  }
}

static inline float bin1(int op, float x, float y) {
  switch (op) {
    case 0: return x + y;
    case 1: return x - y;
    case 2: return x * y;
    case 3: return x / y;
    case 4: return (float)((double)y * (1.0 - (double)x * (double)x));
    case 5: return (float)((double)y * (double)x * (1.0 - (double)x));
    default: return y > 0.0f ? x : 0.0f;
  }
}

__attribute__((export_name("binary_f32")))
void binary_f32(int op, const float *a, const float *b, float *o, int n, int bRow) {
  if (bRow <= 0) {
    int i = 0;
    for (; i + 4 <= n; i += 4) wasm_v128_store(o + i, bin4(op, wasm_v128_load(a + i), wasm_v128_load(b + i)));
    for (; i < n; i++) o[i] = bin1(op, a[i], b[i]);
    return;
  }
  for (int r = 0; r + bRow <= n; r += bRow) {
    const float *x = a + r;
    float *z = o + r;
    int j = 0;
    for (; j + 4 <= bRow; j += 4) wasm_v128_store(z + j, bin4(op, wasm_v128_load(x + j), wasm_v128_load(b + j)));
    for (; j < bRow; j++) z[j] = bin1(op, x[j], b[j]);
  }
}

/*
 * o[k] = sum over r < R of x[r*K + k], accumulated in doubles row after row and rounded once
 * (the JS kernel's order and precision, so the same bits). acc: K doubles of scratch.
 */
__attribute__((export_name("sum_rows_f32")))
void sum_rows_f32(const float *x, int R, int K, float *o, double *acc) {
  for (int k = 0; k < K; k++) acc[k] = 0.0;
  for (int r = 0; r < R; r++) {
    const float *row = x + (size_t)r * K;
    int k = 0;
    for (; k + 4 <= K; k += 4) {
      v128_t v = wasm_v128_load(row + k);
      wasm_v128_store(acc + k, wasm_f64x2_add(wasm_v128_load(acc + k), wasm_f64x2_promote_low_f32x4(v)));
      wasm_v128_store(acc + k + 2, wasm_f64x2_add(wasm_v128_load(acc + k + 2), wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1))));
    }
    for (; k < K; k++) acc[k] += (double)row[k];
  }
  for (int k = 0; k < K; k++) o[k] = (float)acc[k];
}
