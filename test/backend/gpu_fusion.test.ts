/**
 * Differential test of fusion and index generation: random programs mixing lazy elementwise ops
 * (with broadcasting), lazy reshapes, matmul epilogues, reductions, transposes, slices, concats
 * and softmax run on the gpu.js backend and on the CPU backend, and every value fetched must
 * agree (rtol 1e-4, atol 1e-5, as the conformance suite). Fetching intermediates as well as the
 * final value checks both the fused kernels and the ones realized on the way. Set
 * FUSION_DEBUG=1 to print each program.
 */
import { Backend, BackendTensor, BinaryOp, UnaryOp } from '../../src/backend/backend';
import { CpuBackend } from '../../src/backend/cpu';
import { GpuJsMode, createGpuBackend, gpuAvailability } from '../../src/backend/gpu';
import { DType } from '../../src/core/dtypes';
import { NDArray } from '../../src/ndarray/ndarray';

const avail = gpuAvailability();
const modes: GpuJsMode[] = [...(avail.headlessgl ? (['headlessgl'] as const) : []), 'webasm'];
/** Programs per mode: GL compiles cost ~50 ms each on Mesa. FUSION_PROGRAMS=400 for a longer hunt. */
const programs = (mode: GpuJsMode): number => Number(process.env.FUSION_PROGRAMS ?? (mode === 'headlessgl' ? 6 : 40));

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    this.s = (Math.imul(this.s, 1664525) + 1013904223) >>> 0;
    return this.s / 2 ** 32;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Runs the same random program on two backends, comparing each fetched value. */
function runProgram(seed: number, backends: readonly Backend[], check: (a: NDArray, b: NDArray, what: string) => void): void {
  const rng = new Rng(seed);
  const base = [2 + rng.int(4), 1 + rng.int(5), 2 + rng.int(6)];
  const vals: BackendTensor[][] = [];
  const shapes: number[][] = [];
  const add = (ts: BackendTensor[]): void => {
    vals.push(ts);
    shapes.push([...ts[0].shape]);
  };
  // inputs: the base shape and broadcastable variants (dims set to 1 or dropped)
  for (let k = 0; k < 3; k++) {
    let shape = base.map((d) => (rng.next() < 0.3 ? 1 : d));
    if (rng.next() < 0.3) shape = shape.slice(rng.int(2));
    const data = Array.from({ length: prod(shape) }, () => rng.next() * 2 - 1);
    add(backends.map((be) => be.fromHost(new NDArray(Float32Array.from(data), shape, DType.float32))));
  }
  const unaries: UnaryOp[] = ['tanh', 'sigmoid', 'neg', 'abs', 'square', 'relu', 'sin', 'exp'];
  const binaries: BinaryOp[] = ['add', 'sub', 'mul', 'maximum', 'minimum', 'squared_difference'];
  const fetch = (j: number, what: string): void => {
    const hs = vals[j].map((t, i) => backends[i].toHost(t));
    check(hs[0], hs[1], `program ${seed}: ${what}`);
  };
  for (let step = 0; step < 9; step++) {
    const j = rng.int(vals.length);
    const x = vals[j];
    const sx = shapes[j];
    const choice = rng.int(17);
    let out: BackendTensor[] | null = null;
    let what = '';
    if (choice <= 2) {
      const op = rng.pick(unaries);
      what = `${op}[${sx}]`;
      // keep exp's argument small so values stay comparable
      out = backends.map((be, i) => be.unary(op, op === 'exp' ? be.unary('tanh', x[i]) : x[i]));
    } else if (choice <= 5) {
      const k = rng.int(vals.length);
      const op = rng.pick(binaries);
      const ok = shapes[k].length <= sx.length ? sx.slice(sx.length - shapes[k].length).every((d, i) => d === shapes[k][i] || d === 1 || shapes[k][i] === 1) : true;
      if (!ok) continue;
      what = `${op}[${sx}],[${shapes[k]}]`;
      out = backends.map((be, i) => {
        try {
          return be.binary(op, x[i], vals[k][i]);
        } catch {
          return null as unknown as BackendTensor;
        }
      });
      if (out.some((t) => t === null)) continue;
    } else if (choice === 6) {
      if (sx.length === 0) continue;
      const axes = sx.map((_, d) => d).filter(() => rng.next() < 0.5);
      const op = rng.pick(['sum', 'max', 'mean'] as const);
      what = `reduce ${op} [${sx}] axes [${axes}]`;
      out = backends.map((be, i) => be.reduce(op, x[i], axes));
    } else if (choice === 7) {
      const n = prod(sx);
      const target = rng.next() < 0.5 ? [n] : [sx[0] ?? 1, n / (sx[0] ?? 1)];
      what = `reshape [${sx}] -> [${target}]`;
      out = backends.map((be, i) => be.reshape(x[i], target));
    } else if (choice === 8) {
      if (sx.length < 2) continue;
      const perm = sx.map((_, d) => d).reverse();
      what = `transpose [${sx}]`;
      out = backends.map((be, i) => be.transpose(x[i], perm));
    } else if (choice === 10) {
      if (sx.length === 0) continue;
      const begin = sx.map((d) => rng.int(d));
      const size = sx.map((d, i) => 1 + rng.int(d - begin[i]));
      what = `slice [${sx}] at [${begin}] size [${size}]`;
      out = backends.map((be, i) => be.slice(x[i], begin, size));
    } else if (choice === 11) {
      if (sx.length === 0) continue;
      const axis = rng.int(sx.length);
      what = `concat [${sx}] x3 axis ${axis}`;
      out = backends.map((be, i) => be.concat([x[i], be.unary('neg', x[i]), x[i]], axis));
    } else if (choice === 12) {
      const k = rng.int(vals.length);
      what = `select(x > y, x, clip(y)) [${sx}],[${shapes[k]}]`;
      out = backends.map((be, i) => {
        try {
          return be.select(be.binary('greater', x[i], vals[k][i]), x[i], be.clip(vals[k][i], -0.25, 0.5));
        } catch {
          return null as unknown as BackendTensor;
        }
      });
      if (out.some((t) => t === null)) continue;
    } else if (choice === 13) {
      if (sx.length === 0) continue;
      const idx = Array.from({ length: 1 + rng.int(4) }, () => rng.int(sx[0]));
      what = `gather [${sx}] rows [${idx}]`;
      out = backends.map((be, i) => be.gather(be.addN([x[i], x[i], x[i]]), be.fromHost(new NDArray(Int32Array.from(idx), [idx.length], DType.int32)), 0));
    } else if (choice === 14) {
      if (sx.length === 0) continue;
      const axis = rng.int(sx.length);
      what = `argmax [${sx}] axis ${axis} (as float)`;
      out = backends.map((be, i) => be.cast(be.argReduce('argmax', be.unary('sin', x[i]), axis, DType.int32), DType.float32));
    } else if (choice === 15) {
      what = `cast trunc [${sx}]`;
      out = backends.map((be, i) => be.cast(be.cast(be.binary('mul', x[i], be.fill([], DType.float32, 3)), DType.int32), DType.float32));
    } else if (choice === 16) {
      if (sx.length === 0 || sx[0] < 2) continue;
      const ids = Array.from({ length: sx[0] }, () => rng.int(3));
      what = `unsortedSegmentSum [${sx}] ids [${ids}]`;
      out = backends.map((be, i) => be.unsortedSegmentSum(be.unary('tanh', x[i]), be.fromHost(new NDArray(Int32Array.from(ids), [ids.length], DType.int32)), 3));
    } else {
      if (sx.length !== 2) {
        if (sx.length === 0) continue;
        const log = rng.next() < 0.5;
        what = `${log ? 'log_' : ''}softmax [${sx}]`;
        out = backends.map((be, i) => be.softmax(x[i], log));
      } else {
        // x @ x^T plus a row bias, then tanh: a matmul with an epilogue
        what = `tanh(x x^T + b) [${sx}]`;
        out = backends.map((be, i) => be.unary('tanh', be.binary('add', be.matmul(x[i], x[i], false, true), be.slice(be.matmul(x[i], x[i], false, true), [0, 0], [1, sx[0]]))));
      }
    }
    add(out);
    if (process.env.FUSION_DEBUG) console.log(`${vals.length - 1} <- ${j}: ${what}`);
    if (rng.next() < 0.35) fetch(vals.length - 1, what);
  }
  fetch(vals.length - 1, 'final');
}

function close(a: NDArray, b: NDArray, what: string): void {
  expect({ what, shape: a.shape, dtype: a.dtype.name }).toEqual({ what, shape: b.shape, dtype: b.dtype.name });
  for (let i = 0; i < a.size; i++) {
    const x = a.data[i];
    const y = b.data[i];
    if (!(Math.abs(x - y) <= 1e-5 + 1e-4 * Math.abs(y))) throw new Error(`${what}: element ${i} is ${x} on the gpu.js backend, ${y} on the CPU backend`);
  }
}

for (const mode of modes) {
  describe(`gpu.js fusion against the CPU backend: ${mode}`, () => {
    it(`${programs(mode)} random programs agree`, () => {
      const gpu = createGpuBackend(mode);
      const cpu = new CpuBackend();
      for (let p = 1; p <= programs(mode); p++) runProgram(p * 7919, [gpu, cpu], close);
    });
  });
}
