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
 * Threads: a product worth at least PARALLEL_FLOPS is cut into chunks (blocks of rows x
 * columns, each some tens of microseconds of work) that the calling thread and the helper
 * workers (wasm/worker.js) claim from a shared counter until none is left. So a helper that is
 * late (asleep, or preempted on a busy machine) costs nothing: the caller does the chunks itself
 * and only ever waits for a chunk a helper has already started. Helpers spin briefly after each
 * job, since products come in bursts (a few per RNN step), then sleep on a futex; they start
 * lazily, are unref'd, and take part once they have instantiated the module, so no product ever
 * waits for a thread to boot.
 *
 * Environment: TF1TS_WASM=0 disables this path (the JS kernel of matmul.ts runs instead);
 * TF1TS_THREADS=n caps the threads (default: the machine's parallelism, at most 8);
 * TF1TS_GEMM_SPIN_US=n sets how long helpers spin for the next job (default 200 us).
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
let PARALLEL_FLOPS = 1e6;
/** Smallest chunk, in flops (~10 us of work): smaller ones cost more in claiming than they gain. */
const CHUNK_FLOPS = 4e5;
const MAX_THREADS = 8;

/**
 * The job block shared with the helpers (Int32 words at ctrlBase; worker.js reads the same
 * layout): the job, its chunk geometry, the claim and done counters, gemm_f32's arguments.
 */
const J = {
  seq: 0, // job sequence number, 1..0x7fff (helpers wait for it to change; -1: exit)
  next: 1, // (seq << 16) | next chunk to claim, claimed by compare-and-swap (see claim)
  done: 2, // chunks finished
  chunks: 3,
  rowBlocks: 4, // chunk c covers row block c % rowBlocks and column block floor(c / rowBlocks);
  colBlocks: 5, // blocks split the MR-row (NR-column) panels as evenly as integers allow
  helperChunks: 6, // chunks done by helpers, ever (statistics)
  M: 7,
  N: 8,
  K: 9,
  A: 10,
  ars: 11,
  aks: 12,
  B: 13,
  tb: 14,
  C: 15,
  beta: 16,
  pb: 17, // thread t packs into pb + t * pbStride
  pbStride: 18,
  scratch: 19, // thread t's edge tile at scratch + t * 128
  spinUs: 20,
  ready: 24, // ready[w]: helper w has instantiated the module (words 24..31)
  words: 32,
} as const;

interface Helper {
  worker: WorkerT;
  index: number;
}

/**
 * Claims the next chunk of job `seq` (-1 when none is left). The counter carries the job's
 * sequence number, so a helper that wakes up late can never claim a chunk of a later job: a
 * chunk claimed is a chunk of the job whose arguments are in the block, and that job cannot end
 * (nor the block change) before the chunk is counted done.
 */
function claim(job: Int32Array, seq: number, chunks: number): number {
  for (;;) {
    const v = Atomics.load(job, J.next);
    const c = v & 0xffff;
    if (v >>> 16 !== seq || c >= chunks) return -1;
    if (Atomics.compareExchange(job, J.next, v, v + 1) === v) return c;
  }
}

interface Engine {
  memory: WasmMemory;
  /** The job block (see J). */
  job: Int32Array;
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
    const scratchBase = ctrlBase + J.words * 4;
    const dynBase = scratchBase + MAX_THREADS * 128;
    const envThreads = Number(process.env.TF1TS_THREADS);
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    const threads = Math.max(1, Math.min(MAX_THREADS, Number.isInteger(envThreads) && envThreads > 0 ? envThreads : cores));
    const spinEnv = Number(process.env.TF1TS_GEMM_SPIN_US);
    engine = {
      memory,
      job: new Int32Array(memory.buffer, ctrlBase, J.words),
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
      spin: Number.isFinite(spinEnv) && spinEnv >= 0 ? Math.floor(spinEnv) : 200,
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

/** Starts the helper workers (once); each takes part in jobs once it reports ready. */
function startHelpers(e: Engine): Helper[] {
  if (e.helpers) return e.helpers;
  e.helpers = [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Worker } = require('worker_threads') as typeof import('worker_threads');
  const job = e.job;
  job[J.spinUs] = e.spin;
  for (let w = 1; w < e.threads; w++) {
    job[J.ready + w] = 0;
    try {
      const worker = new Worker(path.join(__dirname, 'wasm', 'worker.js'), { workerData: { module: e.module, memory: e.memory, ctrl: e.ctrlBase, index: w } });
      worker.unref();
      worker.on('error', () => undefined);
      worker.on('exit', () => Atomics.store(job, J.ready + w, 0));
      e.helpers.push({ worker, index: w });
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
  let helpers = 0;
  if (e.threads > 1 && flops >= PARALLEL_FLOPS) {
    startHelpers(e);
    for (let w = 1; w < e.threads; w++) if (e.job[J.ready + w] === 1) helpers++;
  }
  // Chunks: about 4 per thread (so that a late helper costs little), of at least CHUNK_FLOPS,
  // in row blocks of at most ~256 rows (A's block stays in L2).
  const threads = helpers + 1;
  const mPanels = Math.ceil(M / MR);
  const nPanels = Math.ceil(N / NR);
  let rowBlocks = 1;
  let colBlocks = 1;
  if (helpers) {
    rowBlocks = Math.ceil(mPanels / 64);
    const maxChunks = Math.max(1, Math.floor(flops / CHUNK_FLOPS));
    colBlocks = Math.max(1, Math.min(nPanels, Math.floor(maxChunks / rowBlocks), Math.ceil((4 * threads) / rowBlocks)));
  }
  const chunks = rowBlocks * colBlocks;
  if (chunks < 2 || chunks > 0xffff) helpers = 0;
  // Whether helpers pay is measured, not assumed: on a machine whose other cores are busy they
  // only timeshare ours. Per size class, the faster way so far is taken, the other retried now
  // and then.
  let tune: Tuning | null = null;
  if (helpers && threading === 'alone') helpers = 0;
  if (helpers && threading === 'auto') {
    const cls = Math.round(Math.log2(flops));
    tune = tuning.get(cls) ?? { alone: NaN, shared: NaN, calls: 0 };
    tuning.set(cls, tune);
    tune.calls++;
    let share: boolean;
    if (Number.isNaN(tune.shared)) share = true;
    else if (Number.isNaN(tune.alone)) share = false;
    else share = tune.shared < tune.alone !== (tune.calls % EXPLORE_EVERY === 0);
    if (!share) helpers = 0;
  }
  if (!helpers) rowBlocks = colBlocks = 1; // one call over everything: its pack spans all of N
  const kc = Math.min(K, KC);
  const pbStride = align((kc * Math.ceil(nPanels / colBlocks) * NR + 16) * 4, 64);
  let p = e.dynBase;
  const pb = p;
  p += pbStride * (helpers ? e.threads : 1);
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
  const tbi = tb ? 1 : 0;
  const t0 = tune ? performance.now() : 0;
  if (!helpers) {
    e.gemm(M, N, K, aPtr, ars, aks, bPtr, tbi, cPtr, N, 0, N, pb, beta, e.scratchBase);
    if (tune) tune.alone = ewma(tune.alone, (performance.now() - t0) / flops);
    return cPtr;
  }
  const job = e.job;
  job[J.rowBlocks] = rowBlocks;
  job[J.colBlocks] = colBlocks;
  job[J.M] = M;
  job[J.N] = N;
  job[J.K] = K;
  job[J.A] = aPtr;
  job[J.ars] = ars;
  job[J.aks] = aks;
  job[J.B] = bPtr;
  job[J.tb] = tbi;
  job[J.C] = cPtr;
  job[J.beta] = beta;
  job[J.pb] = pb;
  job[J.pbStride] = pbStride;
  job[J.scratch] = e.scratchBase;
  Atomics.store(job, J.done, 0);
  Atomics.store(job, J.chunks, chunks);
  const seq = job[J.seq] >= 0x7fff ? 1 : job[J.seq] + 1;
  Atomics.store(job, J.next, seq << 16); // from here on helpers may claim chunks
  Atomics.store(job, J.seq, seq);
  Atomics.notify(job, J.seq);
  // The caller claims chunks too, until none is left.
  let c: number;
  while ((c = claim(job, seq, chunks)) >= 0) {
    const rb = c % rowBlocks;
    const cb = (c - rb) / rowBlocks;
    const i0 = Math.floor((rb * mPanels) / rowBlocks) * MR;
    const i1 = Math.min(M, Math.floor(((rb + 1) * mPanels) / rowBlocks) * MR);
    const n0 = Math.floor((cb * nPanels) / colBlocks) * NR;
    const n1 = Math.min(N, Math.floor(((cb + 1) * nPanels) / colBlocks) * NR);
    e.gemm(i1 - i0, N, K, aPtr + i0 * ars * 4, ars, aks, bPtr, tbi, cPtr + i0 * N * 4, N, n0, n1, pb, beta, e.scratchBase);
    Atomics.add(job, J.done, 1);
  }
  // Then waits for the chunks helpers have started (they finish them: they never abandon one).
  // A chunk is tens of microseconds: spin for it (a futex wake-up costs as much), and only sleep
  // when a helper is not running (preempted on a busy machine).
  let done = Atomics.load(job, J.done);
  const spinUntil = performance.now() + 2;
  for (let n = 1; done < chunks; n++) {
    if ((n & 1023) === 0 && performance.now() > spinUntil) Atomics.wait(job, J.done, done, 1);
    done = Atomics.load(job, J.done);
  }
  if (tune) tune.shared = ewma(tune.shared, (performance.now() - t0) / flops);
  return cPtr;
}

interface Tuning {
  /** Moving averages of ms per flop on the calling thread alone and shared with helpers. */
  alone: number;
  shared: number;
  calls: number;
}

/** Per size class (log2 of the flops). */
const tuning = new Map<number, Tuning>();
const EXPLORE_EVERY = 16;

/** Moving average; one sample counts at most twice the average (a preempted call is no news). */
function ewma(avg: number, x: number): number {
  if (Number.isNaN(avg)) return x;
  return avg + 0.2 * (Math.min(x, 2 * avg) - avg);
}

/** Products below `flops` run on the calling thread alone (for experiments and benchmarks). */
export function setParallelFlops(flops: number): void {
  PARALLEL_FLOPS = flops;
}

/**
 * How products large enough for helpers use them: 'auto' (measured: the faster of alone and
 * shared, per size class), or always 'alone' / always 'shared' (for tests and benchmarks).
 */
export function setGemmThreading(mode: 'auto' | 'alone' | 'shared'): void {
  threading = mode;
}
let threading: 'auto' | 'alone' | 'shared' = 'auto';

/** Number of threads a large product uses now (1 until the helpers are up; 0 without wasm). */
export function gemmThreads(): number {
  const e = getEngine();
  if (!e) return 0;
  let n = 1;
  if (e.helpers) for (const h of e.helpers) if (e.job[J.ready + h.index] === 1) n++;
  return n;
}

/** Chunks of products the helper threads have done so far (statistics for benchmarks). */
export function gemmHelperChunks(): number {
  const e = getEngine();
  return e ? Atomics.load(e.job, J.helperChunks) : 0;
}

/** Starts the helper threads now and resolves when they are ready (for benchmarks). */
export async function warmGemmThreads(): Promise<number> {
  const e = getEngine();
  if (!e || e.threads < 2) return gemmThreads();
  startHelpers(e);
  for (let i = 0; i < 300 && gemmThreads() < e.threads; i++) await new Promise((r) => setTimeout(r, 10));
  return gemmThreads();
}
