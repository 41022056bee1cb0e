/**
 * `rnn bench` (`npm run bench`): trains the notebook's MNIST RNN (and the time-series RNN) on
 * this project's CPU backend, its gpu.js backend, TensorFlow.js (cpu and wasm) and PyTorch when
 * python3 has torch, each in its own child process (so peak memory is per runner and no runner
 * warms another's caches), one after the other (so none competes for the cores), then prints
 * one table. See workloads.ts for the workloads and the data (synthetic, MNIST-shaped).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MATMUL_SIZES, MNIST, RESULT_TAG, RunnerResult, SERIES } from './workloads';

export interface BenchOptions {
  json?: string;
  quick?: boolean;
}

interface RunnerSpec {
  name: string;
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Why it cannot run here (then it is reported as skipped). */
  skip?: string;
}

const ROOT = path.resolve(__dirname, '..', '..');
const BOOT = path.join(ROOT, 'cli', 'bootstrap.js');

function has(cmd: string, args: string[]): boolean {
  try {
    return spawnSync(cmd, args, { stdio: 'ignore', timeout: 60000 }).status === 0;
  } catch {
    return false;
  }
}

function runners(quick: boolean, budget: number): RunnerSpec[] {
  const mode = quick ? 'quick' : 'full';
  const threads = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const node = (script: string, ...a: string[]): string[] => [BOOT, path.join(ROOT, 'cli', 'bench', script), ...a, mode, String(budget)];
  const py = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const torch: RunnerSpec = {
    name: 'PyTorch',
    cmd: py,
    args: [path.join(ROOT, 'cli', 'bench', 'torch_bench.py'), mode, String(threads), String(budget)],
    env: { OMP_WAIT_POLICY: 'PASSIVE', OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) },
  };
  if (!has(py, ['-c', 'import torch'])) torch.skip = `${py} cannot import torch (Debian: apt-get install python3-torch libopenblas0-pthread)`;
  // gpu.js through headless-gl needs an X display: under xvfb-run when there is none.
  const gl: RunnerSpec = { name: 'tf1-ts gpu.js headlessgl', cmd: process.execPath, args: node('run_tf1ts.ts', 'gpu-headlessgl') };
  if (!process.env.DISPLAY) {
    if (has('xvfb-run', ['--help'])) {
      gl.args = ['-a', gl.cmd, ...gl.args];
      gl.cmd = 'xvfb-run';
    } else gl.skip = 'no X display and no xvfb-run';
  }
  // The fast runners first, back to back, so that the closest comparisons share the machine's
  // conditions (the slow ones take minutes).
  return [
    { name: 'tf1-ts cpu', cmd: process.execPath, args: node('run_tf1ts.ts', 'cpu') },
    torch,
    { name: 'tfjs wasm', cmd: process.execPath, args: node('run_tfjs.ts', 'wasm') },
    { name: 'tfjs cpu', cmd: process.execPath, args: node('run_tfjs.ts', 'cpu') },
    { name: 'tf1-ts gpu.js webasm', cmd: process.execPath, args: node('run_tf1ts.ts', 'gpu-webasm') },
    gl,
  ];
}

/** Runs one runner to completion; its stderr passes through, its result line is parsed. */
function runOne(r: RunnerSpec, timeoutS: number): Promise<RunnerResult> {
  if (r.skip) return Promise.resolve({ name: r.name, detail: '', skipped: r.skip });
  return new Promise((resolve) => {
    const child = spawn(r.cmd, r.args, { cwd: ROOT, env: { ...process.env, ...r.env, TF1TS_BANNER: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(RESULT_TAG));
      if (line) {
        try {
          const res = JSON.parse(line.slice(RESULT_TAG.length)) as RunnerResult;
          res.name = r.name;
          resolve(res);
          return;
        } catch {
          // fall through
        }
      }
      const why = signal === 'SIGKILL' ? `timed out after ${timeoutS} s` : `exited with ${signal ?? code}`;
      const tail = (err.trim().split('\n').pop() ?? '').slice(0, 200);
      resolve({ name: r.name, detail: '', error: `${why}${tail ? `: ${tail}` : ''}` });
    });
  });
}

const f1 = (x: number | undefined, d = 1): string => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));

function fmtMs(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toFixed(1);
}

export function renderTable(results: RunnerResult[]): string {
  const ours = results.find((r) => r.name === 'tf1-ts cpu' && r.mnist);
  const header = [
    'runner',
    'MNIST ms/iter median (min-max)',
    's/epoch',
    'test fwd ms',
    'series ms/iter',
    ...MATMUL_SIZES.map(([m, k, n]) => `GFLOP/s ${m}x${k}x${n}`),
    'peak RSS MiB',
    'x tf1-ts cpu',
  ];
  const rows: string[][] = results.map((r) => {
    if (r.skipped || r.error || !r.mnist) {
      return [r.name, r.skipped ? `skipped: ${r.skipped}` : `failed: ${r.error ?? 'no result'}`, '', '', '', ...MATMUL_SIZES.map(() => ''), '', ''];
    }
    const m = r.mnist;
    const ratio = ours?.mnist ? m.median / ours.mnist.median : NaN;
    return [
      r.name,
      `${fmtMs(m.median)} (${fmtMs(m.min)}-${fmtMs(m.max)}) n=${m.n}`,
      f1(r.epochSeconds),
      r.testForwardMs === undefined ? '-' : fmtMs(r.testForwardMs),
      r.series ? fmtMs(r.series.median) : '-',
      ...MATMUL_SIZES.map(([a, b, c]) => f1(r.gflops?.[`${a}x${b}x${c}`])),
      f1(r.peakRssMiB, 0),
      r === ours ? '1' : `${ratio.toFixed(ratio >= 10 ? 0 : 2)}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i].startsWith('skipped') || r[i].startsWith('failed') ? 0 : r[i].length))));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.startsWith('skipped') || c.startsWith('failed') ? c : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of rows) out.push(line(r));
  return out.join('\n');
}

export async function benchCommand(opts: BenchOptions): Promise<number> {
  const quick = !!opts.quick;
  const budget = quick ? 40 : 150;
  const specs = runners(quick, budget);
  const cpu = os.cpus();
  const startLoad = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  process.stderr.write(
    `rnn bench${quick ? ' --quick' : ''}: ${cpu.length} x ${cpu[0]?.model ?? '?'}, Node ${process.version}, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}\n`,
  );
  const results: RunnerResult[] = [];
  for (const s of specs) {
    process.stderr.write(`  ${s.name} ... `);
    const t0 = Date.now();
    const r = await runOne(s, budget * 3 + 180);
    results.push(r);
    process.stderr.write(
      r.skipped ? `skipped (${r.skipped})\n` : r.error ? `failed (${r.error})\n` : `${fmtMs(r.mnist!.median)} ms/iter (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`,
    );
  }
  const title =
    `MNIST RNN: BasicRNNCell(${MNIST.units}) x ${MNIST.steps} steps of ${MNIST.inputs}, fully_connected ${MNIST.classes}, sparse softmax xent, Adam ${MNIST.lr}, batch ${MNIST.batch};` +
    ` one iteration = forward + backward + update; epoch = ${MNIST.itersPerEpoch} iterations; test fwd = ${MNIST.testImages} images.\n` +
    `Time series: BasicRNNCell(${SERIES.units}, relu) in OutputProjectionWrapper(${SERIES.outputs}), ${SERIES.steps} steps, MSE, Adam, batch ${SERIES.batch}.\n` +
    `Synthetic random data of the real shapes (timing does not depend on values). Times: median after warm-up (min-max over n iterations).\n` +
    (quick ? `--quick: a smoke run (few iterations; test fwd timed on 1000 images and scaled to 10000).\n` : '') +
    `"x tf1-ts cpu" = the runner's MNIST ms/iter / tf1-ts cpu's (above 1: tf1-ts cpu is faster).\n` +
    `Machine: ${cpu.length} x ${cpu[0]?.model ?? '?'}, Node ${process.version}; load average at start ${startLoad} (other processes skew every row).`;
  process.stdout.write(`\n${title}\n\n${renderTable(results)}\n`);
  const details = results.filter((r) => r.detail).map((r) => `  ${r.name}: ${r.detail}`);
  if (details.length) process.stdout.write(`\n${details.join('\n')}\n`);
  if (opts.json) {
    const doc = {
      date: new Date().toISOString(),
      quick,
      machine: { cpus: cpu.length, model: cpu[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}`, loadavg: os.loadavg() },
      workloads: { mnist: MNIST, series: SERIES, matmul: MATMUL_SIZES, data: 'synthetic, seeded, MNIST-shaped' },
      results,
    };
    fs.writeFileSync(opts.json, JSON.stringify(doc, null, 2) + '\n');
    process.stdout.write(`\nwrote ${opts.json}\n`);
  }
  const ours = results.find((r) => r.name === 'tf1-ts cpu');
  return ours?.mnist ? 0 : 1;
}
