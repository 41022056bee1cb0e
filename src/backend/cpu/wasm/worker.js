/*
 * A helper thread of the WebAssembly kernels (see ../wasm_kernels.ts, whose `J` is the layout
 * of the job block used here). Plain JavaScript, so that it runs without a TypeScript loader.
 * It instantiates the module on the shared memory and then never returns to its event loop:
 * it waits for a job (spinning a little first, since products come in bursts), claims chunks of
 * it until none is left, and waits again.
 */
'use strict';
const { workerData } = require('worker_threads');

const { module: wasmModule, memory, ctrl, index } = workerData;
const instance = new WebAssembly.Instance(wasmModule, { env: { memory } });
const gemm = instance.exports.gemm_f32;
const job = new Int32Array(memory.buffer, ctrl, 64);
// J's word numbers
const SEQ = 0, SPIN_US = 1, NEXT = 16, DONE = 17, HELPER_CHUNKS = 18;
const CHUNKS = 32, ROW_BLOCKS = 33, COL_BLOCKS = 34, M_ = 35, N_ = 36, K_ = 37, A_ = 38, ARS = 39, AKS = 40, B_ = 41, TB = 42, C_ = 43;
const BETA = 44, PB = 45, PB_STRIDE = 46, SCRATCH = 47, READY = 48;
const MR = 4, NR = 8;

function claim(seq, chunks) {
  for (;;) {
    const v = Atomics.load(job, NEXT);
    const c = v & 0xffff;
    if (v >>> 16 !== seq || c >= chunks) return -1;
    if (Atomics.compareExchange(job, NEXT, v, v + 1) === v) return c;
  }
}

function work(seq) {
  const chunks = Atomics.load(job, CHUNKS);
  let c;
  while ((c = claim(seq, chunks)) >= 0) {
    // The job cannot change before this chunk is counted done: its arguments are stable.
    const rowBlocks = job[ROW_BLOCKS], colBlocks = job[COL_BLOCKS];
    const M = job[M_], N = job[N_], ars = job[ARS];
    const mPanels = Math.ceil(M / MR), nPanels = Math.ceil(N / NR);
    const rb = c % rowBlocks;
    const cb = (c - rb) / rowBlocks;
    const i0 = Math.floor((rb * mPanels) / rowBlocks) * MR;
    const i1 = Math.min(M, Math.floor(((rb + 1) * mPanels) / rowBlocks) * MR);
    const n0 = Math.floor((cb * nPanels) / colBlocks) * NR;
    const n1 = Math.min(N, Math.floor(((cb + 1) * nPanels) / colBlocks) * NR);
    gemm(i1 - i0, N, job[K_], job[A_] + i0 * ars * 4, ars, job[AKS], job[B_], job[TB], job[C_] + i0 * N * 4, N,
      n0, n1, job[PB] + index * job[PB_STRIDE], job[BETA], job[SCRATCH] + index * 128);
    Atomics.add(job, HELPER_CHUNKS, 1);
    Atomics.add(job, DONE, 1);
    Atomics.notify(job, DONE);
  }
}

Atomics.store(job, READY + index, 1);
let seen = Atomics.load(job, SEQ);
for (;;) {
  let s = Atomics.load(job, SEQ);
  if (s === seen) {
    const until = performance.now() + job[SPIN_US] / 1000;
    for (let n = 1; s === seen; n++) {
      s = Atomics.load(job, SEQ);
      if ((n & 255) === 0 && performance.now() > until) break;
    }
  }
  if (s === seen) {
    Atomics.wait(job, SEQ, seen);
    continue;
  }
  if (s < 0) break;
  seen = s;
  work(s);
}
