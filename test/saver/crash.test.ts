/**
 * Crash safety of tf.train.Saver end to end: a child process trains and saves after
 * every step (max_to_keep 2, so the third save also deletes the first checkpoint) and is
 * SIGKILLed right after the k-th low-level write step (TF1TS_CRASH_AFTER_WRITE), for many k.
 * After every kill, latest_checkpoint(dir) must name a complete checkpoint (the last one the
 * child finished, or the one it was finishing), which restores bit for bit into a rebuilt
 * graph; so must every checkpoint the state file still lists.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from 'tf1-ts';
import { CRASH_ENV_VAR } from '../../src/train/checkpoint/atomic';
import { checkpointLog } from '../../src/train/checkpoint/state';
import { buildModel, snapshot, snapshotText, trainStep } from './model';

const ROOT = path.resolve(__dirname, '..', '..');
const CHILD = path.join(__dirname, 'crash_child.ts');
const SAVES = 3;
/**
 * Kill points: every write step of the last save (it overwrites the state file and deletes the
 * oldest checkpoint), every 2nd of the one before, every 4th of the first, and each save's
 * boundaries. TF1TS_FULL_CRASH=1 takes every step of every save (about 3x longer).
 */
const FULL = !!process.env.TF1TS_FULL_CRASH;

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the child through `rnn run` (viaCli) or directly under tsx (one node process instead of
 * two: node start-up dominates each kill run, and there are many).
 */
function runChild(dir: string, env: Record<string, string>, viaCli: boolean, extra: string[] = []): Promise<ChildResult> {
  return new Promise((resolve) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    if (!(CRASH_ENV_VAR in env)) delete childEnv[CRASH_ENV_VAR];
    const args = viaCli ? [path.join(ROOT, 'cli', 'rnn.js'), 'run', '-q', CHILD] : ['-r', 'tsx/cjs', CHILD];
    execFile(
      process.execPath,
      [...args, dir, String(SAVES), ...extra],
      { cwd: ROOT, env: childEnv },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; signal?: NodeJS.Signals | null }) | null;
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
      },
    );
  });
}

async function pool<T>(jobs: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return out;
}

let root: string;
const warnings: string[] = [];
const originalWarn = checkpointLog.warn;
/** expected[s]: every variable after s training steps (what checkpoint model.ckpt-s must hold). */
const expected: Record<string, string>[] = [];

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tf1ts-saver-crash-'));
  checkpointLog.warn = (m) => warnings.push(m);
  // The same training, in this process: the reference values, bit for bit.
  tf.reset_default_graph();
  const m = buildModel();
  const sess = new tf.Session();
  sess.run(tf.global_variables_initializer());
  expected.push(snapshotText(snapshot(sess)));
  for (let i = 1; i <= SAVES; i++) {
    trainStep(sess, m, i - 1);
    expected.push(snapshotText(snapshot(sess)));
  }
  sess.close();
});
afterAll(() => {
  checkpointLog.warn = originalWarn;
  fs.rmSync(root, { recursive: true, force: true });
});

/** Restores `prefix` into a freshly built graph and returns the variables' values. */
function restoreFresh(prefix: string): Record<string, string> {
  tf.reset_default_graph();
  buildModel();
  const saver = new tf.train.Saver();
  const sess = new tf.Session();
  try {
    saver.restore(sess, prefix);
    return snapshotText(snapshot(sess));
  } finally {
    sess.close();
  }
}

const stepOf = (prefix: string): number => Number(/model\.ckpt-(\d+)$/.exec(prefix)?.[1] ?? NaN);

test('killed at every write step of repeated saves, the newest complete checkpoint restores bit for bit', async () => {
  // A dry run (through the CLI, as a user runs it) counts the write steps and where each save ends.
  const dry = path.join(root, 'count');
  fs.mkdirSync(dry);
  const counted = await runChild(dry, {}, true, ['count']);
  expect(counted.stderr).toBe('');
  expect(counted.code).toBe(0);
  const ends = counted.stdout.trim().split('\n').map((l) => Number(l.split(' ')[2]));
  expect(ends).toHaveLength(SAVES);
  const total = ends[SAVES - 1];
  expect(ends[0]).toBeGreaterThan(10);
  expect(restoreFresh(tf.train.latest_checkpoint(dry) as string)).toEqual(expected[SAVES]);

  const ks: number[] = [];
  for (let k = 1; k <= total + 1; k++) {
    // total + 1: no kill at all.
    const stride = FULL || k > ends[SAVES - 2] ? 1 : k > ends[0] ? 2 : 4;
    if (k % stride === 0 || ends.includes(k) || ends.includes(k - 1) || k === 1) ks.push(k);
  }
  const runs = await pool(
    ks.map((k) => async () => {
      const dir = path.join(root, `k${k}`);
      fs.mkdirSync(dir);
      // A few through the CLI, to see it report the kill; the rest directly.
      return { k, dir, viaCli: ends.includes(k), result: await runChild(dir, { [CRASH_ENV_VAR]: String(k) }, ends.includes(k)) };
    }),
    Math.max(2, Math.min(6, os.cpus().length + 1)),
  );

  const latestSteps: number[] = [];
  for (const { k, dir, viaCli, result } of runs) {
    if (k > total) expect({ k, code: result.code }).toEqual({ k, code: 0 });
    else if (viaCli) {
      expect({ k, code: result.code, stderr: result.stderr }).toEqual({ k, code: 1, stderr: expect.stringContaining('crash_child.ts was killed by SIGKILL') });
    } else expect({ k, signal: result.signal }).toEqual({ k, signal: 'SIGKILL' });
    const done = result.stdout.trim() === '' ? 0 : Number(result.stdout.trim().split('\n').pop()!.split(' ')[1]);
    const latest = tf.train.latest_checkpoint(dir);
    if (latest === null) {
      // Only before the first save has written its state file.
      expect({ k, done }).toEqual({ k, done: 0 });
      latestSteps.push(0);
      continue;
    }
    const s = stepOf(latest);
    // The checkpoint finished last, or the one being written if its state file was already in place.
    expect({ k, ok: s === done || s === done + 1 }).toEqual({ k, ok: true });
    expect({ k, values: restoreFresh(latest) }).toEqual({ k, values: expected[s] });
    // Nothing the state file lists was deleted or damaged (max_to_keep deletes only afterwards).
    const listed = tf.train.get_checkpoint_state(dir)!.all_model_checkpoint_paths;
    expect(listed[listed.length - 1]).toBe(latest);
    for (const p of listed) expect({ k, p, values: restoreFresh(p) }).toEqual({ k, p, values: expected[stepOf(p)] });
    latestSteps.push(s);
  }
  // The newest checkpoint only ever moves forward as the kill point moves later.
  expect(latestSteps).toEqual([...latestSteps].sort((a, b) => a - b));
  expect(latestSteps[latestSteps.length - 1]).toBe(SAVES);
  expect(new Set(latestSteps)).toEqual(new Set(Array.from({ length: SAVES + 1 }, (_, i) => i)));
  expect(warnings).toEqual([]);
}, 300000);
