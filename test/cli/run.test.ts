/**
 * `rnn run` end to end: small scripts written to a temporary directory outside the repository
 * (so `import * as tf from 'tf1-ts'` must resolve to this package from anywhere), run through
 * `node cli/rnn.js run`. Every failure ends with a readable message and a non-zero exit code.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const RNN = path.join(ROOT, 'cli', 'rnn.js');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf1ts-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, lines: string[]): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `node cli/rnn.js run -q <args>` in the temporary directory. */
function start(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<Result>; stdout: () => string } {
  const child = spawn(process.execPath, [RNN, 'run', '-q', ...args], { cwd: dir, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Result>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, stdout: () => stdout };
}

const run = (args: string[], env?: NodeJS.ProcessEnv): Promise<Result> => start(args, env).done;

async function waitFor(pred: () => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('a script outside the repository imports tf1-ts (and tf1-ts/...), gets its arguments, and sets the exit code', async () => {
  write('helper.ts', ["import * as tf from 'tf1-ts';", 'export function double(x: tf.Tensor): tf.Tensor {', '  return tf.multiply(x, 2);', '}']);
  const f = write('ok.ts', [
    "import * as tf from 'tf1-ts';",
    "import { latest_checkpoint } from 'tf1-ts/train/saver';",
    "import { double } from './helper';",
    'const sess = new tf.Session();',
    'const y = double(tf.constant([1.5, 2], { dtype: tf.float32 }));',
    "console.log(JSON.stringify({ y: Array.from(sess.run(y).data), args: process.argv.slice(2), latest: latest_checkpoint('.'), saver: typeof tf.train.Saver }));",
    'process.exitCode = 3;',
  ]);
  expect(dir.startsWith(ROOT)).toBe(false);
  const r = await run([f, 'a', '--flag', 'b']);
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({ y: [3, 4], args: ['a', '--flag', 'b'], latest: null, saver: 'function' });
  expect(r.code).toBe(3);
});

test('a missing script: a one-line message and exit code 2', async () => {
  const r = await run(['nope.ts']);
  expect(r.stderr).toBe('rnn: script not found: nope.ts\n');
  expect(r.code).toBe(2);
});

test('a TypeScript syntax error: SyntaxError with file:line:col and the offending line', async () => {
  write('syntax.ts', ["import * as tf from 'tf1-ts';", 'const x = ;', 'console.log(x, tf);']);
  const r = await run(['syntax.ts']);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(['', 'SyntaxError: Unexpected ";"', '    at syntax.ts:2:11', '  2 | const x = ;', '    |           ^', ''].join('\n'));
});

test('a thrown TFError: its class and message, and the file:line of the TypeScript source that called', async () => {
  write('throws.ts', [
    "import * as tf from 'tf1-ts';",
    '',
    'interface Shapes { a: number[][] }',
    'const s: Shapes = { a: [[1, 2]] };',
    'const a = tf.constant(s.a, { dtype: tf.float32 });',
    'const b = tf.matmul(a, a);',
    'console.log(b);',
  ]);
  const r = await run(['throws.ts']);
  expect(r.code).toBe(1);
  const lines = r.stderr.split('\n');
  expect(lines[1]).toBe("ValueError: Dimensions must be equal, but are 2 and 1 for 'MatMul' (op: 'MatMul') with input shapes: [1,2], [1,2].");
  // Line 6 of the .ts file (type annotations above it shift nothing: the location is source-mapped).
  expect(lines[2]).toBe('    at throws.ts:6:14');
  expect(lines[3]).toBe('  6 | const b = tf.matmul(a, a);');
  expect(r.stderr).toContain('RNN_STACK=1');
  // With RNN_STACK the whole stack follows.
  const full = await run(['throws.ts'], { RNN_STACK: '1' });
  expect(full.stderr).toMatch(/at .*src[/\\]ops[/\\]math_ops\.ts:\d+/);
});

test('errors in the user code: in an imported module, in an async main, in a timer callback', async () => {
  write('lib.ts', ['export function check(n: number): number {', '  if (n > 2) throw new RangeError(`too big: ${n}`);', '  return n;', '}']);
  write('imported.ts', ["import { check } from './lib';", 'check(1);', 'check(5);']);
  write('asyncmain.ts', [
    "import * as tf from 'tf1-ts';",
    'export async function main(): Promise<void> {',
    '  await new Promise((r) => setTimeout(r, 10));',
    '  const sess = new tf.Session();',
    "  sess.run(tf.placeholder(tf.float32, [null, 784], 'images'));",
    '}',
  ]);
  write('timer.ts', ["setTimeout(() => {", "  throw new TypeError('from a timer');", '}, 10);']);
  const [imported, asyncmain, timer] = await Promise.all([run(['imported.ts']), run(['asyncmain.ts']), run(['timer.ts'])]);

  expect(imported.code).toBe(1);
  expect(imported.stderr).toMatch(/^\nRangeError: too big: 5\n {4}at lib\.ts:2:20\n {2}2 \| {3}if \(n > 2\) throw new RangeError/);

  expect(asyncmain.code).toBe(1);
  expect(asyncmain.stderr).toMatch(
    /^\nInvalidArgumentError: You must feed a value for placeholder tensor 'images' with dtype float and shape \[\?,784\]\n[^]*\n {4}at asyncmain\.ts:5:8\n/,
  );

  expect(timer.code).toBe(1);
  expect(timer.stderr).toMatch(/^\nTypeError: from a timer\n {4}at timer\.ts:2:9\n/);
});

const TRAIN = [
  "import * as tf from 'tf1-ts';",
  'const x = tf.placeholder(tf.float32, [null, 2]);',
  'const w = new tf.Variable([[0.1], [0.2]], { dtype: tf.float32 });',
  'const loss = tf.reduce_mean(tf.square(tf.matmul(x, w)));',
  'const train = new tf.train.GradientDescentOptimizer(0.01).minimize(loss);',
  'const sess = new tf.Session();',
  'sess.run(tf.global_variables_initializer());',
  'console.log(`pid ${process.pid}`);',
  'for (let i = 0; ; i++) {',
  '  sess.run(train, [[x, [[1, 2], [3, 4]]]]);',
  '  if (i % 100 === 0) console.log(`step ${i}`);',
  '}',
];

test('Ctrl-C while a script trains in a loop: a readable message, exit code 130, and the script is gone', async () => {
  write('train.ts', TRAIN);
  const p = start(['train.ts']);
  await waitFor(() => /step 100\n/.test(p.stdout()), 60000);
  const pid = Number(/pid (\d+)/.exec(p.stdout())![1]);
  expect(alive(pid)).toBe(true);
  p.child.kill('SIGINT');
  const r = await p.done;
  expect(r.code).toBe(130);
  expect(r.stderr).toBe('\nrnn: interrupted (Ctrl-C): train.ts stopped; checkpoints already written are intact.\n');
  expect(alive(pid)).toBe(false);
});

test('a script that does not stop on Ctrl-C is killed by a second one', async () => {
  // A SIGINT listener replaces Node's default exit; in a synchronous training loop it never even runs.
  write('stubborn.ts', ["process.on('SIGINT', () => console.log('ignoring SIGINT'));", ...TRAIN]);
  const p = start(['stubborn.ts']);
  await waitFor(() => /step 0\n/.test(p.stdout()), 60000);
  const pid = Number(/pid (\d+)/.exec(p.stdout())![1]);
  p.child.kill('SIGINT');
  const steps = (): number => (p.stdout().match(/step /g) ?? []).length;
  const n = steps();
  await waitFor(() => steps() > n, 4000); // still training
  expect(alive(pid)).toBe(true);
  p.child.kill('SIGINT');
  const r = await p.done;
  expect(r.code).toBe(130);
  expect(r.stderr).toBe('\nrnn: interrupted (Ctrl-C): stubborn.ts stopped; checkpoints already written are intact.\n');
  expect(alive(pid)).toBe(false);
});

test('SIGTERM (e.g. from a job scheduler) ends the run the same way, with exit code 143', async () => {
  write('train2.ts', TRAIN);
  const p = start(['train2.ts']);
  await waitFor(() => /step 0\n/.test(p.stdout()), 60000);
  const pid = Number(/pid (\d+)/.exec(p.stdout())![1]);
  p.child.kill('SIGTERM');
  const r = await p.done;
  expect(r.code).toBe(143);
  expect(r.stderr).toBe('\nrnn: terminated (SIGTERM): train2.ts stopped; checkpoints already written are intact.\n');
  expect(alive(pid)).toBe(false);
});
