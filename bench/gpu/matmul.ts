/**
 * Matmul throughput of the gpu.js backend in every gpu.js mode available here, plus the CPU
 * backend for reference. Run: `npx tsx bench/gpu/matmul.ts` (add `xvfb-run -a` in front where
 * there is no X display, to get the headlessgl row).
 *
 * Timed: one matmul from device-resident operands to a device-resident result, with a device
 * sync (GL draws are asynchronous), after a warm-up call that compiles the kernel. Not timed:
 * uploads and the download, reported separately as "+ download".
 *
 * Options: --reps N (default 5), --sizes MxKxN,... (default 150x178x150,512x512x512).
 */
import { cpus, loadavg } from 'os';
import { Backend } from '../../src/backend/backend';
import { CpuBackend } from '../../src/backend/cpu';
import { GpuJsMode, createGpuBackend, gpuAvailability } from '../../src/backend/gpu';
import { DType } from '../../src/core/dtypes';
import { NDArray } from '../../src/ndarray/ndarray';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const reps = Number(arg('reps', '5'));
const sizes = arg('sizes', '150x178x150,512x512x512')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number, number]);

function operand(be: Backend, rows: number, cols: number, seed: number) {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7 + seed) % 9) / 4 - 1;
  return be.fromHost(new NDArray(data, [rows, cols], DType.float32));
}

interface Row {
  backend: string;
  size: string;
  ms: number;
  gflops: number;
  /** Per CPU-second of this process (all threads): less sensitive to other load on the machine. */
  gflopsCpu: number;
  download: number;
  compile: number;
}

function bench(label: string, be: Backend, evaluate: (t: ReturnType<Backend['matmul']>) => void, sync: () => void): Row[] {
  const rows: Row[] = [];
  for (const [M, K, N] of sizes) {
    const a = operand(be, M, K, 1);
    const b = operand(be, K, N, 2);
    // warm-up: compiles, uploads the operands
    let t0 = performance.now();
    evaluate(be.matmul(a, b, false, false));
    sync();
    const compile = performance.now() - t0;
    const times: number[] = [];
    let last = be.matmul(a, b, false, false);
    const cpu0 = process.cpuUsage();
    for (let r = 0; r < reps; r++) {
      t0 = performance.now();
      last = be.matmul(a, b, false, false);
      evaluate(last);
      sync();
      times.push(performance.now() - t0);
    }
    const cpuUsed = process.cpuUsage(cpu0);
    const cpuMs = (cpuUsed.user + cpuUsed.system) / 1000 / reps;
    t0 = performance.now();
    be.toHost(last);
    const download = performance.now() - t0;
    times.sort((x, y) => x - y);
    const ms = times[Math.floor(times.length / 2)];
    const flop = 2 * M * K * N;
    rows.push({ backend: label, size: `${M}x${K}x${N}`, ms, gflops: flop / ms / 1e6, gflopsCpu: flop / cpuMs / 1e6, download, compile });
  }
  return rows;
}

const avail = gpuAvailability();
const modes: GpuJsMode[] = (['headlessgl', 'webasm', 'cpu'] as const).filter((m) => avail[m]);
const rows: Row[] = [];
for (const mode of modes) {
  const be = createGpuBackend(mode);
  rows.push(...bench(`gpu.js ${mode}`, be, (t) => be.evaluate(t), () => be.sync()));
  be.destroy();
}
const cpu = new CpuBackend();
rows.push(...bench('cpu backend (reference)', cpu, () => undefined, () => undefined));

const header = ['backend', 'M x K x N', 'median ms', 'GFLOP/s', 'GFLOP/CPU-s', '+ download ms', 'first call ms'];
const table = rows.map((r) => [r.backend, r.size, r.ms.toFixed(1), r.gflops.toFixed(2), r.gflopsCpu.toFixed(2), r.download.toFixed(1), r.compile.toFixed(0)]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells: string[]): string => '| ' + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
console.log(line(header));
console.log('|' + widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
for (const t of table) console.log(line(t));
if (!avail.headlessgl) console.log(`\nheadlessgl not measured: ${avail.reasons.headlessgl}`);
console.log(`\nmedian of ${reps} runs after a warm-up call; ${new Date().toISOString()}, ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)}`);
