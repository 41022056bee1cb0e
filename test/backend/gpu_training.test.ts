/**
 * Behaviour of the gpu.js backend beyond per-primitive values: kernel caching over a training
 * loop, elementwise fusion, device residency and the explicit CPU fallback. Runs on every gpu.js
 * mode available (headlessgl only under `xvfb-run -a`).
 */
import { Backend, BackendTensor } from '../../src/backend/backend';
import { CpuBackend } from '../../src/backend/cpu';
import { GpuBackend, GpuJsMode, createGpuBackend, gpuAvailability } from '../../src/backend/gpu';
import { DType } from '../../src/core/dtypes';
import { NDArray } from '../../src/ndarray/ndarray';

const avail = gpuAvailability();
const modes: GpuJsMode[] = [...(avail.headlessgl ? (['headlessgl'] as const) : []), 'webasm', 'cpu'];

function up(be: Backend, data: readonly number[], shape: readonly number[], dtype: DType = DType.float32): BackendTensor {
  const a = dtype.alloc(data.length);
  for (let i = 0; i < data.length; i++) a[i] = data[i];
  return be.fromHost(new NDArray(a, shape, dtype));
}

const wave = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 12.9898 + seed * 78.233) * 0.5));

/** A two-layer classifier trained with Adam, written against the Backend interface only. */
class Trainer {
  static readonly B = 16;
  static readonly D = 6;
  static readonly H = 8;
  static readonly C = 3;
  params: BackendTensor[];
  slots: [BackendTensor, BackendTensor][];

  constructor(readonly be: Backend) {
    const { D, H, C } = Trainer;
    this.params = [up(be, wave(D * H, 1), [D, H]), up(be, wave(H, 2), [H]), up(be, wave(H * C, 3), [H, C]), up(be, wave(C, 4), [C])];
    this.slots = this.params.map((p) => [be.fill(p.shape, DType.float32, 0), be.fill(p.shape, DType.float32, 0)]);
  }

  /** Labels of batch `step`: argmax of a fixed linear map of x, so the task is learnable. */
  static labels(step: number): number[] {
    const { B, D, C } = Trainer;
    const x = wave(B * D, step % 5);
    const w = wave(D * C, 9);
    return Array.from({ length: B }, (_, i) => {
      const z = Array.from({ length: C }, (_, c) => x.slice(i * D, (i + 1) * D).reduce((s, v, d) => s + v * w[d * C + c], 0));
      return z.indexOf(Math.max(...z));
    });
  }

  /** One step on batch `step`; returns the mean loss handle (not downloaded). */
  step(step: number): BackendTensor {
    const { be } = this;
    const { B, D, C } = Trainer;
    const [W, b, W2, b2] = this.params;
    const x = up(be, wave(B * D, step % 5), [B, D]);
    const y = up(be, Trainer.labels(step), [B], DType.int32);
    // forward: matmul + bias + tanh, matmul + bias, sparse softmax cross-entropy, mean
    const h = be.unary('tanh', be.binary('add', be.matmul(x, W, false, false), b));
    const logits = be.binary('add', be.matmul(h, W2, false, false), b2);
    const [loss, dlogits] = be.softmaxCrossEntropy(logits, y, true);
    const mean = be.reduce('mean', loss, [0]);
    // backward
    const dl = be.binary('mul', dlogits, be.fill([], DType.float32, 1 / B));
    const dh = be.matmul(dl, W2, false, true);
    const dpre = be.binary('tanh_grad', h, dh);
    const grads = [be.matmul(x, dpre, true, false), be.reduce('sum', dpre, [0]), be.matmul(h, dl, true, false), be.reduce('sum', dl, [0])];
    const p = { lr: 0.02, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, beta1Power: 0.9 ** step, beta2Power: 0.999 ** step };
    this.params.forEach((v, i) => {
      const [v1, m1, s1] = be.applyAdam(v, this.slots[i][0], this.slots[i][1], grads[i], p);
      this.params[i] = v1;
      this.slots[i] = [m1, s1];
    });
    return mean;
  }
}

for (const mode of modes) {
  describe(`gpu.js backend behaviour: ${mode}`, () => {
    let be: GpuBackend;
    beforeAll(() => {
      be = createGpuBackend(mode);
    });

    it('a 100-step training loop compiles each kernel once and keeps values on the device', () => {
      const t = new Trainer(be);
      const first = be.toHost(t.step(1)).item();
      const afterFirst = be.stats;
      const runsPerStep: number[] = [];
      let prev = afterFirst;
      let last: BackendTensor | null = null;
      for (let s = 2; s <= 100; s++) {
        last = t.step(s);
        const now = be.stats;
        runsPerStep.push(now.kernelRuns - prev.kernelRuns);
        prev = now;
      }
      const beforeFetch = be.stats;
      const final = be.toHost(last as BackendTensor).item();
      const end = be.stats;
      // every kernel of the step was compiled during step 1; gpu.js never recompiled behind us
      expect(end.compiles).toBe(afterFirst.compiles);
      expect(be.gpuJsKernelCount).toBe(end.compiles);
      expect(new Set(runsPerStep).size).toBe(1);
      // nothing came back to the host between the two fetches of the loss
      expect(beforeFetch.downloads).toBe(afterFirst.downloads);
      expect(end.downloads).toBe(afterFirst.downloads + 1);
      // per step only the two feeds are uploaded
      expect(beforeFetch.uploads - afterFirst.uploads).toBe(2 * 99);
      expect(runsPerStep.length).toBe(99);
      expect(end.cpuFallbacks).toEqual({});
      expect(final).toBeLessThan(first * 0.2);

      // the same loop on the CPU backend gives the same losses and weights (float32 both)
      const cpu = new Trainer(new CpuBackend());
      let cpuLast: BackendTensor = cpu.step(1);
      expect(Math.abs(cpu.be.toHost(cpuLast).item() - first)).toBeLessThan(1e-5);
      for (let s = 2; s <= 100; s++) cpuLast = cpu.step(s);
      expect(Math.abs(cpu.be.toHost(cpuLast).item() - final)).toBeLessThan(1e-3);
      t.params.forEach((p, i) => {
        const g = be.toHost(p).data;
        const c = cpu.be.toHost(cpu.params[i]).data;
        for (let j = 0; j < g.length; j++) expect(Math.abs(g[j] - c[j])).toBeLessThan(2e-3);
      });
    });

    it('fuses a chain of elementwise ops into one kernel', () => {
      const x = up(be, wave(12, 7), [3, 4]);
      const b = up(be, wave(4, 8), [4]);
      const s0 = be.stats;
      const y = be.unary('relu', be.binary('sub', be.unary('tanh', be.unary('exp', be.binary('add', be.binary('mul', x, b), b))), b));
      const z = be.unary('neg', be.unary('square', y));
      expect(be.stats.kernelRuns).toBe(s0.kernelRuns);
      const got = be.toHost(z).data;
      expect(be.stats.kernelRuns - s0.kernelRuns).toBe(1);
      const xs = wave(12, 7);
      const bs = wave(4, 8);
      xs.forEach((v, i) => {
        const bb = bs[i % 4];
        const want = -(Math.max(Math.tanh(Math.exp(v * bb + bb)) - bb, 0) ** 2);
        expect(Math.abs(got[i] - want)).toBeLessThan(1e-5);
      });
    });

    it('fuses matmul with its bias + tanh epilogue, and inlines elementwise inputs of reductions', () => {
      const x = up(be, wave(20, 1), [4, 5]);
      const w = up(be, wave(15, 2), [5, 3]);
      const b = up(be, wave(3, 3), [3]);
      const s0 = be.stats;
      const h = be.unary('tanh', be.binary('add', be.matmul(x, w, false, false), b));
      be.toHost(h);
      expect(be.stats.kernelRuns - s0.kernelRuns).toBe(1);
      const s1 = be.stats;
      be.toHost(be.reduce('sum', be.unary('square', be.binary('sub', x, be.fill([], DType.float32, 0.5))), [1]));
      expect(be.stats.kernelRuns - s1.kernelRuns).toBe(1);
    });

    it('two-pass reductions (few outputs, many reduced elements) for every op', () => {
      const n = 5000;
      const v = wave(3 * n, 11).map((x) => 1 + x * 1e-3);
      const t = up(be, v, [3, n]);
      const rows = [0, 1, 2].map((r) => v.slice(r * n, (r + 1) * n));
      const want: Record<string, number[]> = {
        sum: rows.map((r) => r.reduce((a, b) => a + b, 0)),
        mean: rows.map((r) => r.reduce((a, b) => a + b, 0) / n),
        max: rows.map((r) => Math.max(...r)),
        min: rows.map((r) => Math.min(...r)),
        prod: rows.map((r) => r.reduce((a, b) => a * b, 1)),
      };
      for (const op of ['sum', 'mean', 'max', 'min', 'prod'] as const) {
        const got = be.toHost(be.reduce(op, t, [1])).data;
        want[op].forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(1e-4 * Math.abs(w)));
      }
      const bits = up(be, Array.from({ length: 3 * n }, (_, i) => (i === 4321 ? 0 : 1)), [3, n], DType.bool);
      expect(Array.from(be.toHost(be.reduce('all', bits, [1])).data)).toEqual([1 - 1, 1, 1]);
      expect(Array.from(be.toHost(be.reduce('any', be.unary('logical_not', bits), [1])).data)).toEqual([1, 0, 0]);
    });

    it('concatenates more pieces than one kernel has texture units', () => {
      const parts = Array.from({ length: 30 }, (_, j) => up(be, [j, j + 0.5], [1, 2]));
      const got = be.toHost(be.concat(parts, 0));
      expect(got.shape).toEqual([30, 2]);
      expect(Array.from(got.data)).toEqual(Array.from({ length: 60 }, (_, i) => Math.floor(i / 2) + (i % 2) * 0.5));
    });

    it('dispose frees device buffers once no pending expression needs them', () => {
      const x = up(be, [1, 2, 3], [3]);
      be.evaluate(x); // uploaded
      const live = be.stats.liveBuffers;
      const y = be.unary('exp', x);
      const z = be.binary('mul', y, x);
      be.dispose(x);
      be.dispose(y);
      expect(be.stats.liveBuffers).toBe(live); // z's expression still reads x
      expect(be.toHost(z).data[2]).toBeCloseTo(3 * Math.exp(3), 3);
      expect(be.stats.liveBuffers).toBe(live); // z's buffer allocated, x's freed
      be.dispose(z);
      expect(be.stats.liveBuffers).toBe(live - 1);
      expect(() => be.toHost(x)).toThrow(/disposed/);
    });

    it('runs float64, integers beyond 2^24 and empty tensors on the CPU backend, explicitly', () => {
      const s0 = be.stats.cpuFallbacks;
      const d = up(be, [0.1, 0.2], [2], DType.float64);
      expect(Array.from(be.toHost(be.binary('add', d, d)).data)).toEqual([0.2, 0.4]);
      const big = up(be, [2 ** 30, 3], [2], DType.int32);
      expect(Array.from(be.toHost(be.binary('add', big, big)).data)).toEqual([-(2 ** 31), 6]);
      const s1 = be.stats.cpuFallbacks;
      expect((s1.binary ?? 0) - (s0.binary ?? 0)).toBe(2);
      // small ints ride on the device as exact floats
      const small = up(be, [7, -3], [2], DType.int32);
      be.toHost(be.binary('mul', small, small));
      expect(be.stats.cpuFallbacks.binary).toBe(s1.binary);
    });
  });
}
