/**
 * Throughput of the CPU backend's hot kernels (a script, not a test):
 *   npx tsx src/backend/cpu/matmul.bench.ts
 * Prints GFLOP/s of float32 matmul at the shapes that dominate MNIST RNN training, and the time
 * of the elementwise / reduction kernels of one RNN step at batch 150.
 */
import { DType } from '../../core/dtypes';
import { NDArray } from '../../ndarray/ndarray';
import { CpuBackend, CpuTensor } from './index';

const be = new CpuBackend();

function rand(shape: number[]): CpuTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.random() - 0.5;
  return be.fromHost(new NDArray(d, shape, DType.float32));
}

/** Best-of-5 seconds per call, after warm-up. */
function time(f: () => void, minSeconds = 0.2): number {
  for (let i = 0; i < 3; i++) f();
  let reps = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) f();
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (dt > minSeconds / 5) break;
    reps *= 2;
  }
  let best = Infinity;
  for (let trial = 0; trial < 5; trial++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) f();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9 / reps);
  }
  return best;
}

console.log('matmul (float32)');
for (const [M, K, N] of [
  [150, 178, 150],
  [150, 156, 128],
  [512, 512, 512],
]) {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
  ] as const) {
    const a = rand(ta ? [K, M] : [M, K]);
    const b = rand(tb ? [N, K] : [K, N]);
    const s = time(() => be.matmul(a, b, ta, tb));
    const label = `${M}x${K}x${N}${ta ? ' tA' : ''}${tb ? ' tB' : ''}`;
    console.log(`  ${label.padEnd(20)} ${(s * 1e3).toFixed(3).padStart(8)} ms  ${((2 * M * N * K) / s / 1e9).toFixed(2)} GFLOP/s`);
  }
}

console.log('elementwise / reductions at [150,128] float32');
const x = rand([150, 128]);
const y = rand([150, 128]);
const bias = rand([128]);
const col = rand([150, 1]);
const cases: [string, () => unknown][] = [
  ['add same shape', () => be.binary('add', x, y)],
  ['add bias row [128]', () => be.binary('add', x, bias)],
  ['mul column [150,1]', () => be.binary('mul', x, col)],
  ['tanh', () => be.unary('tanh', x)],
  ['tanh_grad', () => be.binary('tanh_grad', x, y)],
  ['sum axis 0 (bias grad)', () => be.reduce('sum', x, [0])],
  ['sum axis 1', () => be.reduce('sum', x, [1])],
  ['concat [150,28]+[150,128] axis 1', () => be.concat([rand([150, 28]), x], 1)],
  ['slice [150,128] cols 0..64', () => be.slice(x, [0, 0], [150, 64])],
  ['transpose', () => be.transpose(x, [1, 0])],
  ['softmax', () => be.softmax(x, false)],
];
for (const [name, f] of cases) console.log(`  ${name.padEnd(36)} ${(time(f) * 1e6).toFixed(1).padStart(8)} us`);
