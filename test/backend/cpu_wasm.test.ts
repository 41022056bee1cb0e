/**
 * The CPU backend's WebAssembly SIMD kernels (src/backend/cpu/wasm_kernels.ts) beyond what the
 * conformance suite covers: every threading mode of the matmul (alone, shared with the helper
 * threads, and the JS fallback) against a float64 reference and against each other, the fused
 * matmul + bias + activation, the executor's fusions, and the tanh approximation's accuracy.
 */
import { BackendTensor } from '../../src/backend/backend';
import { CpuBackend, gemm } from '../../src/backend/cpu';
import { gemmJs } from '../../src/backend/cpu/matmul';
import { gemmHelperChunks, gemmThreads, setGemmThreading, warmGemmThreads, wasmGemmAvailable } from '../../src/backend/cpu/wasm_kernels';
import { DType } from '../../src/core/dtypes';
import { NDArray } from '../../src/ndarray/ndarray';
import { buildPlan, executePlan } from '../../src/session/executor';
import * as tf from '../../src/index';
import { reference } from './conformance';

const be = new CpuBackend();
const wasm = wasmGemmAvailable();
const itWasm = wasm ? it : it.skip;

function rand(n: number, seed: number): number[] {
  let a = seed >>> 0;
  return Array.from({ length: n }, () => {
    a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return (a / 4294967296) * 2 - 1;
  });
}
const up = (data: readonly number[], shape: readonly number[]): BackendTensor => be.fromHost(new NDArray(Float32Array.from(data), shape, DType.float32));
const values = (t: BackendTensor): Float32Array => be.toHost(t).data as Float32Array;

function expectClose(got: Float32Array, want: readonly number[], mag: readonly number[], what: string): void {
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= 1e-6 + 1e-6 * mag[i])) throw new Error(`${what}: element ${i} is ${got[i]}, expected ${want[i]}`);
  }
}

const SHAPES: [number, number, number][] = [
  [150, 178, 150],
  [178, 150, 150],
  [150, 150, 178],
  [300, 64, 40],
  [600, 20, 9],
  [13, 7, 19],
  [5, 300, 3],
  [3, 2, 2100],
  [66, 257, 9],
];

describe('wasm matmul', () => {
  afterAll(() => setGemmThreading('auto'));

  itWasm('helper threads start and take chunks of large products in shared mode', async () => {
    const threads = await warmGemmThreads();
    expect(threads).toBe(gemmThreads());
    if (threads < 2) return; // a one-core machine (or TF1TS_THREADS=1)
    setGemmThreading('shared');
    const a = up(rand(512 * 512, 1), [512, 512]);
    const before = gemmHelperChunks();
    for (let i = 0; i < 20; i++) be.matmul(a, a, false, false);
    expect(gemmHelperChunks()).toBeGreaterThan(before);
  });

  for (const mode of ['alone', 'shared'] as const) {
    itWasm(`${mode}: all transposes match the float64 reference and the JS kernel`, () => {
      setGemmThreading(mode);
      for (const [M, K, N] of SHAPES) {
        for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
          const a = rand(M * K, M + K);
          const b = rand(K * N, K * N + 3);
          const { c, mag } = reference.matmul(a, b, M, K, N, ta, tb);
          const got = values(be.matmul(up(a, ta ? [K, M] : [M, K]), up(b, tb ? [N, K] : [K, N]), ta, tb));
          expectClose(got, c, mag, `${mode} ${M}x${K}x${N} ta=${ta} tb=${tb}`);
          const js = new Float32Array(M * N);
          gemmJs(M, N, K, Float32Array.from(a), 0, ta, Float32Array.from(b), 0, tb, js, 0);
          expectClose(js, c, mag, `JS ${M}x${K}x${N} ta=${ta} tb=${tb}`);
        }
      }
    });
  }

  itWasm('shared and alone give the same bits (each element is the same sum either way)', () => {
    for (const [M, K, N] of SHAPES) {
      const a = up(rand(M * K, 7), [M, K]);
      const b = up(rand(K * N, 8), [K, N]);
      setGemmThreading('alone');
      const x = values(be.matmul(a, b, false, false));
      setGemmThreading('shared');
      const y = values(be.matmul(a, b, false, false));
      expect(Buffer.from(y.buffer).equals(Buffer.from(x.buffer))).toBe(true);
    }
  });

  itWasm('a B operand kept in wasm memory from the last product is only reused for the same tensor memory', () => {
    const [M, K, N] = [40, 30, 20];
    const w = up(rand(2 * K * N, 61), [2 * K, N]);
    const top = be.slice(w, [0, 0], [K, N]); // a view of w's first half
    const bottom = be.slice(w, [K, 0], [K, N]); // same shape, same buffer, other offset
    const other = up(rand(K * N, 62), [K, N]);
    for (const mode of ['alone', 'shared'] as const) {
      setGemmThreading(mode);
      for (const b of [top, top, bottom, other, top, other]) {
        for (const seed of [63, 64]) {
          const a = rand(M * K, seed);
          const bv = Array.from(values(b));
          const { c, mag } = reference.matmul(a, bv, M, K, N, false, false);
          expectClose(values(be.matmul(up(a, [M, K]), b, false, false)), c, mag, `${mode} resident B`);
          expectClose(values(be.fusedMatMul(up(a, [M, K]), b, false, false, null, 'none')), c, mag, `${mode} resident B, fused`);
        }
        // kernels sharing the memory must not leave a stale B behind
        be.unary('tanh', up(rand(5000, 65), [5000]));
      }
    }
    // gemm's caller may change its arrays between calls: never remembered
    const a = Float32Array.from(rand(M * K, 66));
    const b = Float32Array.from(rand(K * N, 67));
    const c1 = new Float32Array(M * N);
    gemm(M, N, K, a, 0, false, b, 0, false, c1, 0);
    b.fill(0);
    const c2 = new Float32Array(M * N);
    gemm(M, N, K, a, 0, false, b, 0, false, c2, 0);
    expect(c2.every((v) => v === 0)).toBe(true);
  });

  itWasm('gemm accumulates into C (C += A.B)', () => {
    const [M, K, N] = [20, 30, 40];
    const a = Float32Array.from(rand(M * K, 3));
    const b = Float32Array.from(rand(K * N, 4));
    const c0 = Float32Array.from(rand(M * N, 5));
    const c = c0.slice();
    gemm(M, N, K, a, 0, false, b, 0, false, c, 0);
    const { c: prod, mag } = reference.matmul(Array.from(a), Array.from(b), M, K, N, false, false);
    expectClose(c, prod.map((p, i) => p + c0[i]), mag.map((m, i) => m + Math.abs(c0[i])), 'gemm +=');
  });
});

describe('fused matmul + bias + activation', () => {
  it('equals matmul, then add, then the activation, bit for bit', () => {
    for (const [M, K, N] of [[150, 178, 150], [7, 5, 3], [40, 33, 17]]) {
      for (const act of ['none', 'tanh', 'relu'] as const) {
        for (const [ta, tb] of [[false, false], [true, true]] as const) {
          const a = up(rand(M * K, 11), ta ? [K, M] : [M, K]);
          const b = up(rand(K * N, 12), tb ? [N, K] : [K, N]);
          const bias = up(rand(N, 13), [N]);
          let want = be.binary('add', be.matmul(a, b, ta, tb), bias);
          if (act !== 'none') want = be.unary(act, want);
          const got = be.fusedMatMul(a, b, ta, tb, bias, act);
          expect(got.shape).toEqual([M, N]);
          expect(Array.from(values(got))).toEqual(Array.from(values(want)));
        }
      }
    }
  });
});

describe('executor fusions', () => {
  const run = (fuse: boolean, fetches: tf.Tensor[], feeds: [tf.Tensor, NDArray][]): Float32Array[] => {
    const g = fetches[0].graph;
    const plan = buildPlan(g, fetches, [], feeds.map(([t]) => t), { fuseMatMul: fuse });
    const vals: unknown[] = new Array(plan.nSlots);
    feeds.forEach(([, v], i) => (vals[plan.feedSlots[i]] = be.fromHost(v)));
    const ctx = { backend: be, readVariable: () => { throw new Error('no variables'); }, writeVariable: () => undefined, isInitialized: () => false, randomStream: () => { throw new Error('no random'); }, runSubgraph: () => [], cancelled: () => false };
    const out = executePlan(plan, vals as never[], ctx as never);
    return out.map((v) => values(v as BackendTensor));
  };

  it('MatMul -> BiasAdd -> Tanh / Relu and MatMul -> SplitV give what the ops give one by one', () => {
    const g = new tf.Graph();
    let x: tf.Tensor;
    let ts: tf.Tensor[];
    {
      using _ = g.as_default();
      x = tf.placeholder(tf.float32, [null, 12], 'x');
      const w = tf.constant(rand(12 * 9, 21), { shape: [12, 9], dtype: tf.float32 });
      const b = tf.constant(rand(9, 22), { shape: [9], dtype: tf.float32 });
      const h = tf.tanh(tf.nn.bias_add(tf.matmul(x, w), b));
      const r = tf.nn.relu(tf.nn.bias_add(tf.matmul(h, w, { transpose_b: true }), tf.constant(rand(12, 23), { shape: [12], dtype: tf.float32 })));
      const [p, q] = tf.split(tf.matmul(r, w), [4, 5], 1);
      ts = [h, r, q, p];
    }
    const feed: [tf.Tensor, NDArray][] = [[x, new NDArray(Float32Array.from(rand(6 * 12, 24)), [6, 12], DType.float32)]];
    const fused = run(true, ts, feed);
    const plain = run(false, ts, feed);
    for (let i = 0; i < ts.length; i++) expect(Array.from(fused[i])).toEqual(Array.from(plain[i]));
    const types = buildPlan(g, [ts[2]], [], [x], { fuseMatMul: true }).steps.map((s) => s.def.type);
    expect(types.some((t) => t.startsWith('_FusedMatMul(MatMul,BiasAdd,Tanh)'))).toBe(true);
    expect(types.some((t) => t.startsWith('_FusedMatMul(MatMul,SplitV)'))).toBe(true);
  });
});

describe('float32 tanh', () => {
  it('is within a few float32 ulps of Math.tanh, exact at 0 and saturation, NaN for NaN', () => {
    const xs: number[] = [0, -0, 1e-30, -1e-7, 4e-4, 0.5, -0.5, 1, 3, 5.78, 7.9, 8.99, 9, 20, -20, 1000, -1000, Infinity, -Infinity, NaN];
    for (let i = 0; i < 20000; i++) xs.push((i / 20000 - 0.5) * 24);
    const got = values(be.unary('tanh', up(xs, [xs.length])));
    for (let i = 0; i < xs.length; i++) {
      const x = Math.fround(xs[i]);
      const want = Math.tanh(x);
      if (Number.isNaN(want)) expect(got[i]).toBeNaN();
      else expect(Math.abs(got[i] - want)).toBeLessThanOrEqual(5e-7 * Math.max(Math.abs(want), 1e-30) + 1e-45);
    }
    expect(Object.is(got[1], -0)).toBe(true);
    expect(Array.from(values(be.unary('tanh', up([50, -50], [2]))))).toEqual([1, -1]);
    // the wasm approximation saturates from 9 on (Math.tanh(9) rounds to 1 - 2^-24)
    if (wasm) expect(Array.from(values(be.unary('tanh', up([9, -9], [2]))))).toEqual([1, -1]);
  });
});

describe('float32 elementwise ops and sums in wasm give the JS kernels\' bits', () => {
  const f = Math.fround;
  const special = [0, -0, 1, -1, 0.5, 1e-30, 3e38, -3e38, Infinity, -Infinity, NaN, 1e-45];
  const big = (seed: number, n = 4099): number[] => [...special, ...rand(n - special.length, seed).map((v, i) => (i % 7 === 0 ? v * 1e5 : v))];
  const sameBits = (got: Float32Array, want: readonly number[], what: string): void => {
    for (let i = 0; i < want.length; i++) {
      const w = f(want[i]);
      if (!(Object.is(got[i], w) || (Number.isNaN(got[i]) && Number.isNaN(w)))) throw new Error(`${what}: element ${i} is ${got[i]}, expected ${w}`);
    }
  };
  const formulas: Record<string, (a: number, b: number) => number> = {
    add: (a, b) => a + b,
    sub: (a, b) => a - b,
    mul: (a, b) => a * b,
    div: (a, b) => a / b,
    tanh_grad: (a, b) => b * (1 - a * a),
    sigmoid_grad: (a, b) => b * a * (1 - a),
    relu_grad: (a, b) => (b > 0 ? a : 0),
  };
  it('binary ops, same shapes and a bias row', () => {
    const a = big(31).map(f);
    const b = big(32).map(f).reverse();
    for (const [op, fn] of Object.entries(formulas)) {
      const got = values(be.binary(op as 'add', up(a, [a.length]), up(b, [b.length])));
      sameBits(got, a.map((x, i) => fn(x, b[i])), op);
      const rows = a.slice(0, 4000);
      const bias = b.slice(0, 40);
      const g2 = values(be.binary(op as 'add', up(rows, [100, 40]), up(bias, [40])));
      sameBits(g2, rows.map((x, i) => fn(x, bias[i % 40])), `${op} bias`);
    }
  });
  it('sum over the leading axis (the bias gradient), accumulated in doubles', () => {
    const x = rand(300 * 40, 41).map((v) => f(v * 100));
    const got = values(be.reduce('sum', up(x, [300, 40]), [0]));
    const want = Array.from({ length: 40 }, (_, k) => {
      let s = 0;
      for (let r = 0; r < 300; r++) s += x[r * 40 + k];
      return s;
    });
    sameBits(got, want, 'sum axis 0');
  });
  it('addN of many terms, left to right', () => {
    const xs = [51, 52, 53, 54, 55].map((s) => rand(3000, s).map(f));
    const got = values(be.addN(xs.map((x) => up(x, [30, 100]))));
    sameBits(got, xs[0].map((_, i) => xs.reduce((acc, x, k) => (k === 0 ? x[i] : f(acc + x[i])), 0)), 'addN');
  });
});
