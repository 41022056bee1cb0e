/*
 * A helper thread of the WebAssembly gemm (see ../wasm_kernels.ts). Plain JavaScript, so that it
 * runs without a TypeScript loader. It instantiates the same module on the same shared memory
 * and then never returns to its event loop: it waits on its control block for a job (spinning
 * a little first, since jobs tend to come in bursts), runs gemm_f32 on the columns it was
 * given, and signals completion.
 *
 * Control block (Int32Array at workerData.ctrl): [0] job sequence number (negative: exit),
 * [1] last finished sequence number, [2..16] gemm_f32's arguments, [17] spin budget in
 * iterations before sleeping, [18] 1 once this thread is ready, [19] 1 if a job failed.
 */
'use strict';
const { workerData } = require('worker_threads');

const { module: wasmModule, memory, ctrl: ctrlByte } = workerData;
const instance = new WebAssembly.Instance(wasmModule, { env: { memory } });
const gemm = instance.exports.gemm_f32;
const c = new Int32Array(memory.buffer, ctrlByte, 32);
Atomics.store(c, 18, 1);

let seen = 0;
for (;;) {
  let s = Atomics.load(c, 0);
  for (let n = c[17]; s === seen && n > 0; n--) s = Atomics.load(c, 0);
  if (s === seen) {
    Atomics.wait(c, 0, seen);
    continue;
  }
  if (s < 0) break;
  seen = s;
  try {
    gemm(c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16]);
  } catch {
    c[19] = 1;
  }
  Atomics.store(c, 1, s);
  Atomics.notify(c, 1);
}
