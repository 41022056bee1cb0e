/**
 * The two benchmark workloads, their sizes and the synthetic data every runner uses (timing
 * does not depend on pixel values, so no runner needs the MNIST files; each builds the same
 * seeded arrays).
 *
 * - mnist: the notebook's MNIST classifier. BasicRNNCell(150, tanh) unrolled by dynamic_rnn over
 *   28 steps of 28 inputs, fully_connected to 10 (no activation) on the final state, sparse
 *   softmax cross-entropy, Adam(0.001), batch 150. One iteration = forward + backward + update;
 *   one epoch = 366 iterations (55000 / 150).
 * - timeseries: BasicRNNCell(100, relu) in OutputProjectionWrapper(1), 20 steps of 1 input,
 *   MSE against [50, 20, 1] targets, Adam(0.001), batch 50.
 */

export const MNIST = { steps: 28, inputs: 28, units: 150, classes: 10, batch: 150, itersPerEpoch: Math.floor(55000 / 150), testImages: 10000, lr: 0.001 };
export const SERIES = { steps: 20, inputs: 1, units: 100, outputs: 1, batch: 50, lr: 0.001 };

/** Matmul sizes reported in GFLOP/s: [M, K, N]. */
export const MATMUL_SIZES: readonly [number, number, number][] = [
  [150, 178, 150],
  [512, 512, 512],
];

export interface Counts {
  warmup: number;
  iters: number;
  seriesIters: number;
  testReps: number;
  /** Images in the timed test-set forward pass (the result is scaled to MNIST.testImages). */
  testImages: number;
  matmulSeconds: number;
}

export const FULL: Counts = { warmup: 8, iters: 60, seriesIters: 60, testReps: 3, testImages: 10000, matmulSeconds: 1 };
export const QUICK: Counts = { warmup: 1, iters: 3, seriesIters: 3, testReps: 1, testImages: 1000, matmulSeconds: 0.1 };

/** Deterministic uniform [0, 1) numbers (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Synthetic MNIST-shaped batches: pixels in [0, 1) [n, 28, 28], labels 0..9. */
export function mnistBatch(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const r = rng(seed);
  const x = new Float32Array(n * MNIST.steps * MNIST.inputs);
  for (let i = 0; i < x.length; i++) x[i] = r();
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.floor(r() * MNIST.classes);
  return { x, y };
}

/** Time-series batches as the notebook makes them: t*sin(t)/3 + 2*sin(5t) windows, shifted by one. */
export function seriesBatch(n: number, seed: number): { x: Float32Array; y: Float32Array } {
  const r = rng(seed);
  const f = (t: number): number => (t * Math.sin(t)) / 3 + 2 * Math.sin(t * 5);
  const x = new Float32Array(n * SERIES.steps);
  const y = new Float32Array(n * SERIES.steps);
  for (let i = 0; i < n; i++) {
    const t0 = r() * (30 - 0.1 * SERIES.steps);
    for (let s = 0; s < SERIES.steps; s++) {
      x[i * SERIES.steps + s] = f(t0 + 0.1 * s);
      y[i * SERIES.steps + s] = f(t0 + 0.1 * (s + 1));
    }
  }
  return { x, y };
}

/** One runner's results (a row of the table). Times in ms, memory in MiB. */
export interface RunnerResult {
  name: string;
  /** What ran: backend, threads, versions. */
  detail: string;
  mnist?: { median: number; min: number; max: number; n: number; loss0?: number; loss1?: number };
  epochSeconds?: number;
  testForwardMs?: number;
  series?: { median: number; min: number; max: number; n: number };
  gflops?: Record<string, number>;
  peakRssMiB?: number;
  skipped?: string;
  error?: string;
}

export function stats(times: number[]): { median: number; min: number; max: number; n: number } {
  const s = [...times].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { median, min: s[0], max: s[n - 1], n };
}

/**
 * ms per call of `run`: `warmup` untimed calls (2 when one call takes over a second), then up to
 * `iters` timed ones, stopping early (after at least 5) when `budgetMs` is spent.
 */
export function timeIterations(run: () => void, warmup: number, iters: number, budgetMs: number): number[] {
  const t0 = performance.now();
  run();
  if (performance.now() - t0 > 1000) warmup = Math.min(warmup, 2);
  for (let i = 1; i < warmup; i++) run();
  const times: number[] = [];
  const end = performance.now() + budgetMs;
  for (let i = 0; i < iters; i++) {
    const t1 = performance.now();
    run();
    times.push(performance.now() - t1);
    if (performance.now() > end && times.length >= 5) break;
  }
  return times;
}

/** Seconds per call of f, best of several timed batches (after a warm-up call). */
export function timeBest(f: () => void, seconds: number): number {
  f();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    const dt = performance.now() - t0;
    if (dt > 20 || reps > 1 << 20) break;
    reps *= 2;
  }
  let best = Infinity;
  const end = performance.now() + seconds * 1000;
  do {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    best = Math.min(best, (performance.now() - t0) / reps);
  } while (performance.now() < end);
  return best / 1000;
}

export const RESULT_TAG = 'BENCH_RESULT ';

export function emit(r: RunnerResult): void {
  r.peakRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`\n${RESULT_TAG}${JSON.stringify(r)}\n`);
}
