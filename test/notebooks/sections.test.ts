/**
 * Every ported section script (notebooks-ported/<section>.ts) through the real CLI
 * (`node cli/rnn.js run --seed N <script> ...`), with short training settings, in parallel child
 * processes. Each run has TF1TS_COMPARE=1 so its stdout carries the In()/plot()/metric() markers;
 * the outputs are then checked with the compare runner's own machinery (notebooks-ported/checks.ts):
 * every check that does not measure trained quality must pass even with a few iterations.
 */
import { spawn } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';
import { CHECKS } from '../../notebooks-ported/checks';
import { SECTIONS } from '../../notebooks-ported/original/parse';
import { collectSection, evaluate, loadOriginal, parseNumpyArrays, type CellResult, type PortedCell, type SectionRun } from '../../cli/compare';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'cli', 'rnn.js');
const SEED = '11';

/** Short settings: enough to exercise every code path (an epoch line, two MSE log lines, ...). */
const SHORT_ARGS: Record<string, string[]> = {
  mnist_classifier: ['--epochs', '2', '--iterations-per-epoch', '2'],
  time_series: ['--iterations', '101'],
  creative_rnn: ['--iterations', '30'],
  deep_rnn: ['--iterations', '3'],
  dropout: ['--iterations', '3'],
  lstm: ['--iterations', '3'],
  peepholes: ['--iterations', '3'],
  gru: ['--iterations', '3'],
};

/** Checks that judge trained quality; they need the default settings (rnn compare), not these. */
const QUALITY_CHECKS = new Set(['epoch0-test-accuracy', 'best-test-accuracy', 'no-collapse', 'mse-decreases', 'final-mse', 'as-tf1', 'prediction-mse', 'not-flat']);

interface Outcome {
  stdout: string;
  stderr: string;
  code: number | null;
  ms: number;
}

function runCli(args: string[], compare = true): Promise<Outcome> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, TF1TS_COMPARE: compare ? '1' : '' };
    delete env.TF1TS_SEED;
    const child = spawn(process.execPath, [CLI, 'run', '--quiet', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ stdout, stderr, code, ms: Date.now() - t0 }));
  });
}

/** Runs the jobs with at most `limit` child processes at a time. */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const k = next++;
      out[k] = await jobs[k]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}

const script = (section: string): string => path.join(ROOT, 'notebooks-ported', `${section}.ts`);

const outcomes = new Map<string, Outcome>();
let extra: Record<string, Outcome> = {};
let cells: CellResult[] = [];
const ported = new Map<string, PortedCell>();
const runs: SectionRun[] = [];

beforeAll(async () => {
  const limit = Math.max(2, Math.min(4, os.cpus().length));
  const sectionJobs = SECTIONS.map((s) => async () => {
    outcomes.set(s, await runCli(['--seed', SEED, script(s), ...(SHORT_ARGS[s] ?? [])]));
  });
  // Reproducibility and argument handling, in the same pool.
  const extraJobs: Record<string, () => Promise<Outcome>> = {
    manualAgain: () => runCli(['--seed', SEED, script('manual_rnn')]),
    manualOtherSeed: () => runCli(['--seed', '12', script('manual_rnn')]),
    timeSeriesA: () => runCli(['--seed', '5', script('time_series'), '--iterations', '1'], false),
    timeSeriesB: () => runCli(['--seed', '5', script('time_series'), '--iterations', '1'], false),
    badOption: () => runCli([script('time_series'), '--iteration', '5'], false),
  };
  const names = Object.keys(extraJobs);
  const results = await pool<Outcome | void>([...sectionJobs, ...names.map((n) => extraJobs[n])], limit);
  extra = Object.fromEntries(names.map((n, k) => [n, results[sectionJobs.length + k] as Outcome]));

  const original = loadOriginal(ROOT);
  const knownIds = new Set(original.filter((c) => c.kind === 'code').map((c) => c.id));
  for (const s of SECTIONS) {
    const o = outcomes.get(s)!;
    const { run, cells: cs } = collectSection(s, script(s), fs.readFileSync(script(s), 'utf8'), o, knownIds, o.ms);
    runs.push(run);
    cs.forEach((c, id) => ported.set(id, c));
  }
  cells = evaluate(original, ported, CHECKS, SECTIONS, runs);
}, 600_000);

const describeRun = (s: string): string => {
  const o = outcomes.get(s);
  return o ? `exit ${o.code} after ${(o.ms / 1000).toFixed(1)} s\n--- stderr ---\n${o.stderr.slice(-3000)}` : 'not run';
};

describe.each(SECTIONS)('%s', (section) => {
  test('runs to the end (exit 0), enters every cell of its section, prints nothing before the first In()', () => {
    expect(describeRun(section)).toMatch(/^exit 0 /);
    const run = runs.find((r) => r.section === section)!;
    expect(run.problems).toEqual([]);
    expect(run.preamble.trim()).toBe('');
    const mine = cells.filter((c) => c.section === section);
    expect(mine.length).toBeGreaterThan(0);
    for (const c of mine) expect([c.id, c.ported.reached, c.ported.completed]).toEqual([c.id, true, true]);
  });

  test("passes every check of checks.ts that does not judge trained quality", () => {
    const failed = cells
      .filter((c) => c.section === section)
      .flatMap((c) => c.checks.filter((k) => !k.ok && !QUALITY_CHECKS.has(k.name)).map((k) => `${c.id} ${k.name}: ${k.detail}`));
    expect(failed).toEqual([]);
  });
});

const cell = (id: string): PortedCell => {
  const c = ported.get(id);
  if (!c) throw new Error(`cell ${id} was not run`);
  return c;
};

test('manual_rnn prints Y0_val and Y1_val: two [4, 5] arrays of tanh outputs', () => {
  const arrays = parseNumpyArrays(cell('In [4]').output);
  expect(arrays.map((a) => a.shape)).toEqual([[4, 5], [4, 5]]);
  for (const a of arrays) expect(a.values.every((v) => v >= -1 && v <= 1)).toBe(true);
});

test('stacked_inputs prints a [4, 2, 5] array', () => {
  expect(parseNumpyArrays(cell('In [18]').output).map((a) => a.shape)).toEqual([[4, 2, 5]]);
});

test('variable_length: the padded step of instance 1 is a zero row, and the states are the last valid outputs', () => {
  const [out] = parseNumpyArrays(cell('In [25]').output);
  const [states] = parseNumpyArrays(cell('In [26]').output);
  expect(out.shape).toEqual([4, 2, 5]);
  expect(states.shape).toEqual([4, 5]);
  const row = (b: number, t: number): number[] => out.values.slice((b * 2 + t) * 5, (b * 2 + t + 1) * 5);
  expect(row(1, 1)).toEqual([0, 0, 0, 0, 0]);
  expect(row(0, 1).some((v) => v !== 0)).toBe(true);
  const lastValid = [row(0, 1), row(1, 0), row(2, 1), row(3, 1)].flat();
  expect(states.values).toEqual(lastValid);
});

test('mnist_classifier: 10000 test images, one epoch line per epoch in the original format', () => {
  expect(cell('In [32]').metrics.test_examples).toEqual([10000]);
  expect(cell('In [32]').output).toContain('Extracting tmp/data/t10k-images-idx3-ubyte.gz');
  const lines = cell('In [34]').output.trim().split('\n');
  expect(lines).toHaveLength(2);
  lines.forEach((l, k) => expect(l).toMatch(new RegExp(`^${k} Train accuracy [01](\\.\\d+)? Test accuracy: [01](\\.\\d+)?$`)));
  expect(cell('In [34]').metrics.test_accuracy).toHaveLength(2);
});

test('time_series: "<iteration> \\tmse <value>" every 100 iterations, the final MSE, the prediction plot', () => {
  const out = cell('In [None]#1').output;
  expect(out).toMatch(/^0 \tmse \S+\n100 \tmse \S+\nfinal mse \S+ \(after 101 iterations, on 500 fresh windows\)\n$/);
  expect(cell('In [None]#1').metrics.final_mse).toHaveLength(1);
  const plot = cell('In [None]#2').plots.find((p) => p.id === 'time_series_prediction')!;
  expect(plot.series.map((s) => [s.name, s.y.length])).toEqual([['instance', 20], ['target', 20], ['prediction', 20]]);
  expect(plot.series[1].x[0]).toBeCloseTo(12.305, 10);
});

test('creative_rnn: the plotted sequence is 20 zeros followed by 300 finite predictions', () => {
  const seq = cell('In [None]#5').plots.find((p) => p.id === 'creative_sequence')!.series[0].y;
  expect(seq).toHaveLength(320);
  expect(seq.slice(0, 20).every((v) => v === 0)).toBe(true);
  expect(seq.slice(20).every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
});

test.each([
  ['deep_rnn', 'In [53]'],
  ['dropout', 'In [59]'],
  ['lstm', 'In [60]'],
  ['peepholes', 'In [61]'],
  ['gru', 'In [62]'],
])('%s also trains on the time series: log on stderr, MSE curve and prediction plots, stdout silent', (section, id) => {
  const o = outcomes.get(section)!;
  expect(o.stderr).toMatch(new RegExp(`${section}: 0 \\tmse \\d`));
  expect(o.stderr).toMatch(new RegExp(`${section}: final mse \\d`));
  const c = cell(id);
  expect(c.output).toBe('');
  expect(c.metrics.final_mse).toHaveLength(1);
  expect(c.plots.map((p) => p.id)).toEqual([`${section}_mse`, `${section}_prediction`]);
});

test('dropout: trained with keep_prob 0.5, tested with dropout off by default', () => {
  const c = cell('In [59]');
  expect(c.metrics.mse_dropout_on_at_test).toHaveLength(1);
  expect(outcomes.get('dropout')!.stderr).toMatch(/dropout: test mse with dropout off \d\S*, on \(keep_prob 0\.5\) \d/);
});

test('--seed makes a run reproducible (graph seeds and np.random), another seed changes it', () => {
  const a = outcomes.get('manual_rnn')!.stdout;
  expect(extra.manualAgain.code).toBe(0);
  expect(extra.manualAgain.stdout).toBe(a);
  expect(extra.manualOtherSeed.stdout).not.toBe(a);
  // time_series draws its batches from np.random: same seed, same loss.
  expect(extra.timeSeriesA.code).toBe(0);
  expect(extra.timeSeriesA.stdout).toMatch(/^0 \tmse \d/);
  expect(extra.timeSeriesB.stdout).toBe(extra.timeSeriesA.stdout);
});

test('a mistyped option is an error, not a silent default', () => {
  expect(extra.badOption.code).toBe(2);
  expect(extra.badOption.stderr).toContain("time_series: unknown argument '--iteration'");
  expect(extra.badOption.stderr).toContain('--iterations N');
});
