/**
 * float32 kernels in WebAssembly SIMD (wasm/kernels.c, built by wasm/build.sh; the built
 * kernels_st.wasm and kernels.wasm are committed): the matrix product, on up to all cores
 * through worker_threads, with an optional fused bias + activation epilogue; and tanh.
 *
 * Per call: A and B are copied into wasm memory, each thread packs the columns of B it owns and
 * multiplies (4x8 register tiles, A read in place), the result is copied out. Copies are
 * O(MK + KN + MN) against the product's O(MNK), and keep memory management trivial: each memory
 * is grown once to the largest call so far and reused (never shrunk, nothing to free). There are
 * two: a plain one (kernels_st.wasm) for work on the calling thread alone, and a shared one
 * (kernels.wasm, built for threads) for products split among threads; copies in and out of a
 * shared memory are ~2.5x slower (V8 copies shared buffers word by word), so it is only used
 * when it pays.
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
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
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
  Memory: new (d: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
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
  // cache line 0: what idle helpers spin on, written once per job
  seq: 0, // job sequence number, 1..0x7fff (helpers wait for it to change; -1: exit)
  spinUs: 1,
  // line 1: the counters chunks are claimed and counted with
  next: 16, // (seq << 16) | next chunk to claim, claimed by compare-and-swap (see claim)
  done: 17, // chunks finished
  helperChunks: 18, // chunks done by helpers, ever (statistics)
  // line 2: the job (written before seq, read-only while it runs)
  chunks: 32,
  rowBlocks: 33, // chunk c covers row block c % rowBlocks and column block floor(c / rowBlocks);
  colBlocks: 34, // blocks split the MR-row (NR-column) panels as evenly as integers allow
  M: 35,
  N: 36,
  K: 37,
  A: 38,
  ars: 39,
  aks: 40,
  B: 41,
  tb: 42,
  C: 43,
  beta: 44,
  pb: 45, // thread t packs into pb + t * pbStride
  pbStride: 46,
  scratch: 47, // thread t's edge tile at scratch + t * 128
  // line 3
  ready: 48, // ready[w]: helper w has instantiated the module (words 48..55)
  words: 64,
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

/** A wasm memory with its instance of the kernels. */
interface Arena {
  memory: WasmMemory;
  f32: Float32Array;
  gemm: (...args: number[]) => void;
  tanh: (x: number, y: number, n: number) => void;
  biasAct: (c: number, M: number, N: number, ldc: number, bias: number, act: number) => void;
  binary: (op: number, a: number, b: number, o: number, n: number, bRow: number) => void;
  sumRows: (x: number, R: number, K: number, o: number, acc: number) => void;
  /** Byte offsets: one 128-byte edge tile per thread, then the operands (dynBase on). */
  scratchBase: number;
  dynBase: number;
  /** What the B operand region (at dynBase) holds, when it holds a product's B. */
  residentB: { buffer: ArrayBufferLike; byteOffset: number; length: number } | null;
}

interface Engine {
  /** Plain memory: products on the calling thread, tanh. */
  st: Arena;
  /** Shared memory for products split among threads (created with the helpers; null before). */
  mt: Arena | null;
  /** The job block in mt's memory (see J). */
  job: Int32Array | null;
  ctrlBase: number;
  module: WasmModule | null;
  threads: number;
  helpers: Helper[] | null;
  spin: number;
}

let engine: Engine | null | undefined;

/** Whether WebAssembly SIMD is usable here (and not disabled). */
export function wasmGemmAvailable(): boolean {
  return getEngine() !== null;
}

function instantiate(module: WasmModule, memory: WasmMemory, reserved: number): Arena {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const scratchBase = align((instance.exports.__heap_base as { value: number }).value + reserved, 64);
  return {
    memory,
    f32: new Float32Array(memory.buffer),
    gemm: instance.exports.gemm_f32 as Arena['gemm'],
    tanh: instance.exports.tanh_f32 as Arena['tanh'],
    biasAct: instance.exports.bias_act_f32 as Arena['biasAct'],
    binary: instance.exports.binary_f32 as Arena['binary'],
    sumRows: instance.exports.sum_rows_f32 as Arena['sumRows'],
    scratchBase,
    dynBase: scratchBase + MAX_THREADS * 128,
    residentB: null,
  };
}

function getEngine(): Engine | null {
  if (engine !== undefined) return engine;
  engine = null;
  if (process.env.TF1TS_WASM === '0' || typeof WebAssembly === 'undefined') return null;
  try {
    const bytes = fs.readFileSync(path.join(__dirname, 'wasm', 'kernels_st.wasm'));
    if (!WebAssembly.validate(bytes)) return null; // no SIMD in this engine
    const st = instantiate(new WebAssembly.Module(bytes), new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES }), 0);
    const envThreads = Number(process.env.TF1TS_THREADS);
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    const threads = Math.max(1, Math.min(MAX_THREADS, Number.isInteger(envThreads) && envThreads > 0 ? envThreads : cores));
    const spinEnv = Number(process.env.TF1TS_GEMM_SPIN_US);
    engine = { st, mt: null, job: null, ctrlBase: 0, module: null, threads, helpers: null, spin: Number.isFinite(spinEnv) && spinEnv >= 0 ? Math.floor(spinEnv) : 200 };
  } catch {
    engine = null;
  }
  return engine;
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Makes the memory at least `bytes` long (grows in one step, with headroom) or says it cannot. */
function ensure(a: Arena, bytes: number): boolean {
  const have = a.memory.buffer.byteLength;
  if (bytes <= have) return true;
  const want = Math.min(MAX_PAGES, Math.ceil((bytes * 1.25) / PAGE));
  if (want * PAGE < bytes) return false;
  try {
    a.memory.grow(want - have / PAGE);
  } catch {
    return false;
  }
  a.f32 = new Float32Array(a.memory.buffer);
  return true;
}

/**
 * Starts the helper workers (once) on a shared memory; each takes part in jobs once it reports
 * ready. Without shared memory or thread support, there are none.
 */
function startHelpers(e: Engine): Helper[] {
  if (e.helpers) return e.helpers;
  e.helpers = [];
  let job: Int32Array;
  let module: WasmModule;
  let mt: Arena;
  try {
    if (typeof SharedArrayBuffer === 'undefined') return e.helpers;
    const bytes = fs.readFileSync(path.join(__dirname, 'wasm', 'kernels.wasm'));
    if (!WebAssembly.validate(bytes)) return e.helpers; // no threads in this engine
    module = new WebAssembly.Module(bytes);
    mt = instantiate(module, new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true }), J.words * 4);
    e.ctrlBase = mt.scratchBase - align(J.words * 4, 64);
    job = new Int32Array(mt.memory.buffer, e.ctrlBase, J.words);
  } catch {
    return e.helpers;
  }
  e.mt = mt;
  e.job = job;
  e.module = module;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Worker } = require('worker_threads') as typeof import('worker_threads');
  job[J.spinUs] = e.spin;
  for (let w = 1; w < e.threads; w++) {
    job[J.ready + w] = 0;
    try {
      const worker = new Worker(path.join(__dirname, 'wasm', 'worker.js'), { workerData: { module, memory: mt.memory, ctrl: e.ctrlBase, index: w } });
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
  const r = compute(e, M, N, K, A, aOff, ta, B, bOff, tb, accumulate ? C : null, cOff);
  if (!r) return false;
  C.set(r.f32.subarray(r.c >> 2, (r.c >> 2) + M * N), cOff);
  return true;
}

/** Activation codes of the fused epilogue (kernels.c's bias_act_f32). */
export const ACT = { none: 0, tanh: 1, relu: 2 } as const;
export type FusedActivation = keyof typeof ACT;

/**
 * act(op(A) . op(B) + bias) as a fresh Float32Array [M*N] (bias [N] optional, act 'none' by
 * default), or null when the wasm path cannot do it. A and B must be tensors' storage (never
 * changed afterwards): the B last copied in is reused when the same memory comes again.
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
  const r = compute(e, M, N, K, A, aOff, ta, B, bOff, tb, null, 0, bias ? N : 0, true);
  if (!r) return null;
  const cPtr = r.c;
  if (bias || act !== 'none') {
    let bPtr = 0;
    if (bias) {
      bPtr = cPtr + align(M * N * 4, 64);
      r.arena.f32.set(bias.subarray(0, N), bPtr >> 2);
    }
    r.arena.biasAct(cPtr, M, N, N, bPtr, ACT[act]);
  }
  return r.arena.f32.slice(cPtr >> 2, (cPtr >> 2) + M * N);
}

/** tanh of float32 values as a fresh Float32Array (kernels.c's rational approximation), or null. */
export function wasmTanhF32(x: Float32Array): Float32Array | null {
  const e = getEngine();
  if (!e) return null;
  const a = e.st;
  a.residentB = null;
  const n = x.length;
  const p = a.dynBase;
  if (!ensure(a, p + n * 4)) return null;
  a.f32.set(x, p >> 2);
  a.tanh(p, p, n);
  return a.f32.slice(p >> 2, (p >> 2) + n);
}

/** Binary ops with a wasm kernel (kernels.c's binary_f32 codes). */
export const WASM_BINARY: Readonly<Record<string, number>> = { add: 0, sub: 1, mul: 2, div: 3, tanh_grad: 4, sigmoid_grad: 5, relu_grad: 6 };

/**
 * a op b for float32 arrays as a fresh Float32Array of a's length (b: as long as a, or bRow
 * values repeated along a, a bias), or null. Same bits as the JS loops (see kernels.c).
 */
export function wasmBinaryF32(op: number, a: Float32Array, b: Float32Array, bRow = 0): Float32Array | null {
  const e = getEngine();
  if (!e) return null;
  const ar = e.st;
  ar.residentB = null;
  const n = a.length;
  const aP = ar.dynBase;
  const bP = aP + align(n * 4, 64);
  if (!ensure(ar, bP + b.length * 4)) return null;
  const f = ar.f32;
  f.set(a, aP >> 2);
  f.set(b, bP >> 2);
  ar.binary(op, aP, bP, aP, n, bRow);
  return f.slice(aP >> 2, (aP >> 2) + n);
}

/** xs[0] + xs[1] + ... (float32 arrays of one length, left to right, each sum rounded), or null. */
export function wasmAddNF32(xs: readonly Float32Array[]): Float32Array | null {
  const e = getEngine();
  if (!e) return null;
  const ar = e.st;
  ar.residentB = null;
  const n = xs[0].length;
  const oP = ar.dynBase;
  const tP = oP + align(n * 4, 64);
  if (!ensure(ar, tP + n * 4)) return null;
  const f = ar.f32;
  f.set(xs[0], oP >> 2);
  for (let k = 1; k < xs.length; k++) {
    f.set(xs[k], tP >> 2);
    ar.binary(WASM_BINARY.add, oP, tP, oP, n, 0);
  }
  return f.slice(oP >> 2, (oP >> 2) + n);
}

/** Column sums of x [R, K] (float32; doubles accumulated row by row, as the JS kernel), or null. */
export function wasmSumRowsF32(x: Float32Array, xOff: number, R: number, K: number): Float32Array | null {
  const e = getEngine();
  if (!e) return null;
  const ar = e.st;
  ar.residentB = null;
  const xP = ar.dynBase;
  const accP = xP + align(R * K * 4, 64);
  const oP = accP + align(K * 8, 64);
  if (!ensure(ar, oP + K * 4)) return null;
  ar.f32.set(x.subarray(xOff, xOff + R * K), xP >> 2);
  ar.sumRows(xP, R, K, oP, accP);
  return ar.f32.slice(oP >> 2, (oP >> 2) + K);
}

/** The product in wasm memory: which memory, and the byte offset of C there. */
interface Computed {
  arena: Arena;
  c: number;
  /** Float32Array view of the arena's memory (as after any growth). */
  f32: Float32Array;
}

/** Runs the product in wasm memory, or returns null. `extra` floats are reserved after C. */
function compute(e: Engine, M: number, N: number, K: number, A: Float32Array, aOff: number, ta: boolean, B: Float32Array, bOff: number, tb: boolean, Cin: Float32Array | null, cOff: number, extra = 0, immutableB = false): Computed | null {
  const flops = 2 * M * N * K;
  let helpers = 0;
  if (e.threads > 1 && flops >= PARALLEL_FLOPS) {
    startHelpers(e);
    if (e.job) for (let w = 1; w < e.threads; w++) if (e.job[J.ready + w] === 1) helpers++;
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
  const arena = helpers ? e.mt! : e.st;
  const kc = Math.min(K, KC);
  const pbStride = align((kc * Math.ceil(nPanels / colBlocks) * NR + 16) * 4, 64);
  // B first, at a fixed place: the same B as last time (an RNN's weights, step after step) is
  // still there and is not copied again. Then A, C (and `extra`), the packs.
  let p = arena.dynBase;
  const bPtr = p;
  p += align(K * N * 4, 64);
  const aPtr = p;
  p += align(M * K * 4, 64);
  const cPtr = p;
  p += align(M * N * 4, 64) + extra * 4;
  const pb = p;
  p += pbStride * (helpers ? e.threads : 1);
  if (!ensure(arena, p)) return null;
  // timed from here (copies in included: shared memory's are slower)
  const t0 = tune ? performance.now() : 0;
  const f = arena.f32;
  if (M * K) f.set(A.subarray(aOff, aOff + M * K), aPtr >> 2);
  const bSrc = B.subarray(bOff, bOff + K * N);
  const r = arena.residentB;
  if (!immutableB || !r || r.buffer !== bSrc.buffer || r.byteOffset !== bSrc.byteOffset || r.length !== bSrc.length) {
    if (K * N) f.set(bSrc, bPtr >> 2);
    // B of a tensor: tensors are immutable, so the same memory (held here, so never reused) has
    // the same values next time. (gemm's caller may change its arrays: not remembered.)
    arena.residentB = immutableB ? { buffer: bSrc.buffer, byteOffset: bSrc.byteOffset, length: bSrc.length } : null;
  }
  if (Cin) f.set(Cin.subarray(cOff, cOff + M * N), cPtr >> 2);
  const beta = Cin ? 1 : 0;
  const ars = ta ? 1 : K;
  const aks = ta ? M : 1;
  const tbi = tb ? 1 : 0;
  if (!helpers) {
    arena.gemm(M, N, K, aPtr, ars, aks, bPtr, tbi, cPtr, N, 0, N, pb, beta, arena.scratchBase);
    if (tune) tune.alone = ewma(tune.alone, (performance.now() - t0) / flops);
    return { arena, c: cPtr, f32: f };
  }
  const job = e.job!;
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
  job[J.scratch] = arena.scratchBase;
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
    arena.gemm(i1 - i0, N, K, aPtr + i0 * ars * 4, ars, aks, bPtr, tbi, cPtr + i0 * N * 4, N, n0, n1, pb, beta, arena.scratchBase);
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
  return { arena, c: cPtr, f32: f };
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
  if (e.helpers && e.job) for (const h of e.helpers) if (e.job[J.ready + h.index] === 1) n++;
  return n;
}

/** Chunks of products the helper threads have done so far (statistics for benchmarks). */
export function gemmHelperChunks(): number {
  const e = getEngine();
  return e?.job ? Atomics.load(e.job, J.helperChunks) : 0;
}

/** Starts the helper threads now and resolves when they are ready (for benchmarks). */
export async function warmGemmThreads(): Promise<number> {
  const e = getEngine();
  if (!e || e.threads < 2) return gemmThreads();
  const hs = startHelpers(e);
  for (let i = 0; i < 300 && gemmThreads() < 1 + hs.length; i++) await new Promise((r) => setTimeout(r, 10));
  return gemmThreads();
}
