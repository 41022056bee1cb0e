/**
 * float32 kernels in WebAssembly SIMD (wasm/kernels.c, built by wasm/build.sh; the built
 * kernels.wasm is committed): the matrix product, on up to all cores through worker_threads
 * sharing one WebAssembly memory, with an optional fused bias + activation epilogue; and tanh.
 *
 * Per call: A and B are copied into the wasm memory, each thread packs the columns of B it owns
 * and multiplies (4x8 register tiles, A read in place), the result is copied out. Copies are
 * O(MK + KN + MN) against the product's O(MNK), and keep memory management trivial: one shared
 * memory, grown once to the largest call so far and reused (never shrunk, nothing to free).
 *
 * Threads: a product worth at least PARALLEL_FLOPS is split by columns (by rows when N is
 * narrow) between the calling thread and the helper workers (wasm/worker.js). Workers wait
 * on a futex in the shared memory, after spinning briefly, since products come in bursts (one
 * per RNN step); they start lazily, are unref'd, and are used only once they are ready, so the
 * first product never waits for a thread to boot.
 *
 * Environment: TF1TS_WASM=0 disables this path (the JS kernel of matmul.ts runs instead);
 * TF1TS_THREADS=n caps the threads (default: the machine's parallelism, at most 8);
 * TF1TS_GEMM_SPIN=n sets the helpers' spin budget (Atomics.load iterations, default 200000).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Worker as WorkerT } from 'worker_threads';

// The project compiles without the DOM lib, which is where TypeScript keeps WebAssembly's types:
// the little used here, declared locally.
interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}
interface WasmModule {
  readonly __brand?: 'WebAssembly.Module';
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (m: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
};

const MR = 4;
const NR = 8;
const KC = 256;
const PAGE = 65536;
/** 1 GiB: larger products fall back to the JS kernel. */
const MAX_PAGES = 16384;
/** Products below this many flops (2MNK) run on the calling thread alone. */
export let PARALLEL_FLOPS = 1.5e6;
const MAX_THREADS = 8;
const CTRL_INTS = 32;

interface Helper {
  worker: WorkerT;
  /** Control block (see worker.js). */
  c: Int32Array;
  seq: number;
}

/** Set by the worker (control word 18) once it has instantiated the module. */
const ready = (h: Helper): boolean => h.c[18] === 1;

interface Engine {
  memory: WasmMemory;
  gemm: (...args: number[]) => void;
  tanh: (x: number, y: number, n: number) => void;
  biasAct: (c: number, M: number, N: number, ldc: number, bias: number, act: number) => void;
  /** Byte offset of the control blocks, then one 128-byte scratch tile per thread, then operands. */
  ctrlBase: number;
  scratchBase: number;
  dynBase: number;
  f32: Float32Array;
  threads: number;
  helpers: Helper[] | null;
  module: WasmModule;
  spin: number;
}

let engine: Engine | null | undefined;

/** Whether WebAssembly SIMD and shared memory are usable here (and not disabled). */
export function wasmGemmAvailable(): boolean {
  return getEngine() !== null;
}

function getEngine(): Engine | null {
  if (engine !== undefined) return engine;
  engine = null;
  if (process.env.TF1TS_WASM === '0' || typeof WebAssembly === 'undefined' || typeof SharedArrayBuffer === 'undefined') return null;
  try {
    const bytes = fs.readFileSync(path.join(__dirname, 'wasm', 'kernels.wasm'));
    if (!WebAssembly.validate(bytes)) return null; // no SIMD (or no threads) in this engine
    const module = new WebAssembly.Module(bytes);
    const memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const heapBase = (instance.exports.__heap_base as { value: number }).value;
    const ctrlBase = align(heapBase, 64);
    const scratchBase = ctrlBase + MAX_THREADS * CTRL_INTS * 4;
    const dynBase = scratchBase + MAX_THREADS * 128;
    const envThreads = Number(process.env.TF1TS_THREADS);
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    const threads = Math.max(1, Math.min(MAX_THREADS, Number.isInteger(envThreads) && envThreads > 0 ? envThreads : cores));
    const spinEnv = Number(process.env.TF1TS_GEMM_SPIN);
    engine = {
      memory,
      gemm: instance.exports.gemm_f32 as (...args: number[]) => void,
      tanh: instance.exports.tanh_f32 as Engine['tanh'],
      biasAct: instance.exports.bias_act_f32 as Engine['biasAct'],
      ctrlBase,
      scratchBase,
      dynBase,
      f32: new Float32Array(memory.buffer),
      threads,
      helpers: null,
      module,
      spin: Number.isFinite(spinEnv) && spinEnv >= 0 ? Math.floor(spinEnv) : 200000,
    };
  } catch {
    engine = null;
  }
  return engine;
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Makes the memory at least `bytes` long (grows in one step, with headroom) or says it cannot. */
function ensure(e: Engine, bytes: number): boolean {
  const have = e.memory.buffer.byteLength;
  if (bytes <= have) return true;
  const want = Math.min(MAX_PAGES, Math.ceil((bytes * 1.25) / PAGE));
  if (want * PAGE < bytes) return false;
  try {
    e.memory.grow(want - have / PAGE);
  } catch {
    return false;
  }
  e.f32 = new Float32Array(e.memory.buffer);
  return true;
}

/** Starts the helper workers (once); they become usable when each reports ready. */
function startHelpers(e: Engine): Helper[] {
  if (e.helpers) return e.helpers;
  e.helpers = [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Worker } = require('worker_threads') as typeof import('worker_threads');
  for (let w = 1; w < e.threads; w++) {
    const ctrl = e.ctrlBase + w * CTRL_INTS * 4;
    const c = new Int32Array(e.memory.buffer, ctrl, CTRL_INTS);
    c.fill(0);
    c[17] = e.spin;
    try {
      const worker = new Worker(path.join(__dirname, 'wasm', 'worker.js'), { workerData: { module: e.module, memory: e.memory, ctrl } });
      worker.unref();
      worker.on('error', () => undefined);
      worker.on('exit', () => Atomics.store(c, 18, 0));
      e.helpers.push({ worker, c, seq: 0 });
    } catch {
      break;
    }
  }
  return e.helpers;
}

/**
 * C = op(A) . op(B) (or C += when `accumulate`), float32, with C [M,N] row-major at cOff.
 * Returns false (having done nothing) when the wasm path is unavailable or the operands do not
 * fit its memory; the caller then uses the JS kernel.
 */
export function wasmGemm(
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  aOff: number,
  ta: boolean,
  B: Float32Array,
  bOff: number,
  tb: boolean,
  C: Float32Array,
  cOff: number,
  accumulate: boolean,
): boolean {
  const e = getEngine();
  if (!e) return false;
  const cPtr = compute(e, M, N, K, A, aOff, ta, B, bOff, tb, accumulate ? C : null, cOff);
  if (cPtr < 0) return false;
  C.set(e.f32.subarray(cPtr >> 2, (cPtr >> 2) + M * N), cOff);
  return true;
}

/** Activation codes of the fused epilogue (kernels.c's bias_act_f32). */
export const ACT = { none: 0, tanh: 1, relu: 2 } as const;
export type FusedActivation = keyof typeof ACT;

/**
 * act(op(A) . op(B) + bias) as a fresh Float32Array [M*N] (bias [N] optional, act 'none' by
 * default), or null when the wasm path cannot do it.
 */
export function wasmMatmulF32(
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  aOff: number,
  ta: boolean,
  B: Float32Array,
  bOff: number,
  tb: boolean,
  bias: Float32Array | null = null,
  act: FusedActivation = 'none',
): Float32Array | null {
  const e = getEngine();
  if (!e) return null;
  const cPtr = compute(e, M, N, K, A, aOff, ta, B, bOff, tb, null, 0, bias ? N : 0);
  if (cPtr < 0) return null;
  if (bias || act !== 'none') {
    let bPtr = 0;
    if (bias) {
      bPtr = cPtr + align(M * N * 4, 64);
      e.f32.set(bias.subarray(0, N), bPtr >> 2);
    }
    e.biasAct(cPtr, M, N, N, bPtr, ACT[act]);
  }
  return e.f32.slice(cPtr >> 2, (cPtr >> 2) + M * N);
}

/** tanh of float32 values as a fresh Float32Array (kernels.c's rational approximation), or null. */
export function wasmTanhF32(x: Float32Array): Float32Array | null {
  const e = getEngine();
  if (!e) return null;
  const n = x.length;
  const p = e.dynBase;
  if (!ensure(e, p + n * 4)) return null;
  e.f32.set(x, p >> 2);
  e.tanh(p, p, n);
  return e.f32.slice(p >> 2, (p >> 2) + n);
}

/** Runs the product in wasm memory; returns the byte offset of C there, or -1. `extra` floats are reserved after C. */
function compute(e: Engine, M: number, N: number, K: number, A: Float32Array, aOff: number, ta: boolean, B: Float32Array, bOff: number, tb: boolean, Cin: Float32Array | null, cOff: number, extra = 0): number {
  const flops = 2 * M * N * K;
  let parts = 1;
  let helpers: Helper[] | null = null;
  if (e.threads > 1 && flops >= PARALLEL_FLOPS && M * N >= 2 * MR * NR) {
    helpers = startHelpers(e);
    for (const h of helpers) if (ready(h)) parts++;
  }
  // Split by columns in multiples of NR when N is wide enough, else by rows in multiples of MR.
  const byCols = parts > 1 && N >= NR * 2 * parts;
  if (parts > 1 && !byCols && M < MR * 2 * parts) parts = 1;
  const kc = Math.min(K, KC);
  const partCols = byCols ? align(Math.ceil(N / parts), NR) : N;
  const pbFloats = kc * align(partCols, NR) + 16;
  let p = e.dynBase;
  const pb = p;
  p += align(pbFloats * 4, 64) * parts;
  const aPtr = p;
  p += align(M * K * 4, 64);
  const bPtr = p;
  p += align(K * N * 4, 64);
  const cPtr = p;
  p += align(M * N * 4, 64) + extra * 4;
  if (!ensure(e, p)) return -1;
  const f = e.f32;
  if (M * K) f.set(A.subarray(aOff, aOff + M * K), aPtr >> 2);
  if (K * N) f.set(B.subarray(bOff, bOff + K * N), bPtr >> 2);
  if (Cin) f.set(Cin.subarray(cOff, cOff + M * N), cPtr >> 2);
  const beta = Cin ? 1 : 0;
  const ars = ta ? 1 : K;
  const aks = ta ? M : 1;
  if (parts === 1) {
    e.gemm(M, N, K, aPtr, ars, aks, bPtr, tb ? 1 : 0, cPtr, N, 0, N, pb, beta, e.scratchBase);
    return cPtr;
  }
  // Thread t gets columns [t*partCols, ...) or rows [t*partRows, ...); the caller takes part 0.
  const partRows = align(Math.ceil(M / parts), MR);
  const jobs: Helper[] = [];
  const args: number[][] = [];
  let t = 1;
  for (const h of helpers!) {
    if (!ready(h) || t >= parts) continue;
    const pbT = pb + t * align(pbFloats * 4, 64);
    const scratch = e.scratchBase + t * 128;
    let a: number[];
    if (byCols) {
      const n0 = Math.min(N, t * partCols);
      const n1 = Math.min(N, n0 + partCols);
      a = [M, N, K, aPtr, ars, aks, bPtr, tb ? 1 : 0, cPtr, N, n0, n1, pbT, beta, scratch];
    } else {
      const m0 = Math.min(M, t * partRows);
      const m1 = Math.min(M, m0 + partRows);
      a = [m1 - m0, N, K, aPtr + m0 * ars * 4, ars, aks, bPtr, tb ? 1 : 0, cPtr + m0 * N * 4, N, 0, N, pbT, beta, scratch];
    }
    const c = h.c;
    for (let i = 0; i < a.length; i++) c[2 + i] = a[i];
    h.seq = h.seq >= 0x3fffffff ? 1 : h.seq + 1;
    Atomics.store(c, 0, h.seq);
    Atomics.notify(c, 0);
    jobs.push(h);
    args.push(a);
    t++;
  }
  const t0 = performance.now();
  if (byCols) e.gemm(M, N, K, aPtr, ars, aks, bPtr, tb ? 1 : 0, cPtr, N, 0, Math.min(N, partCols), pb, beta, e.scratchBase);
  else e.gemm(Math.min(M, partRows), N, K, aPtr, ars, aks, bPtr, tb ? 1 : 0, cPtr, N, 0, N, pb, beta, e.scratchBase);
  const own = performance.now() - t0;
  for (let j = 0; j < jobs.length; j++) {
    const c = jobs[j].c;
    const seq = jobs[j].seq;
    let done = Atomics.load(c, 1);
    for (let n = 100000; done !== seq && n > 0; n--) done = Atomics.load(c, 1);
    while (done !== seq) {
      Atomics.wait(c, 1, done, 20);
      done = Atomics.load(c, 1);
      if (done !== seq && performance.now() - t0 > 2000 + 50 * own) {
        // The helper is gone (terminated, or starved for seconds): retire it and do its part here.
        Atomics.store(c, 18, 0);
        const a = args[j];
        a[a.length - 1] = e.scratchBase;
        a[a.length - 3] = pb;
        e.gemm(...a);
        break;
      }
    }
    if (c[19] !== 0) {
      c[19] = 0;
      throw new Error('gemm helper thread failed');
    }
  }
  return cPtr;
}

/** Tunables for the bench script. */
export function setParallelFlops(f: number): void {
  PARALLEL_FLOPS = f;
}

/** Number of threads a large product uses now (1 until the helpers are up). */
export function gemmThreads(): number {
  const e = getEngine();
  if (!e) return 0;
  return 1 + (e.helpers ? e.helpers.filter(ready).length : 0);
}

/** Starts the helper threads now and resolves when they are ready (for benchmarks). */
export async function warmGemmThreads(): Promise<number> {
  const e = getEngine();
  if (!e || e.threads < 2) return gemmThreads();
  const hs = startHelpers(e);
  for (let i = 0; i < 200 && hs.some((h) => !ready(h)); i++) await new Promise((r) => setTimeout(r, 10));
  return gemmThreads();
}
