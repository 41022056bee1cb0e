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
    expect(Array.from(values(be.unary('tanh', up([9, -9, 50, -50], [4]))))).toEqual([1, -1, 1, -1]);
  });
});
