/**
 * Crash safety: a child process writes checkpoint A, then is SIGKILLed after each low-level step
 * of writing checkpoint B (same prefix, or new prefix + state file). After every kill the state
 * file and the checkpoint it names must read back as exactly A or exactly B.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CRASH_ENV_VAR } from '../../src/train/checkpoint/atomic';
import { BundleTensor, readBundle, readBundleEntry, writeBundle } from '../../src/train/checkpoint/bundle';
import { checkpointLog, getCheckpointState, latestCheckpoint } from '../../src/train/checkpoint/state';
import { checkpointA, checkpointB } from './crash_fixtures';

const ROOT = path.resolve(__dirname, '..', '..');
const CHILD = path.join(__dirname, 'crash_child.ts');

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runChild(dir: string, mode: 'same' | 'new', env: Record<string, string>, extra: string[] = []): Promise<ChildResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'tsx/cjs', CHILD, dir, mode, ...extra],
      { cwd: ROOT, env: { ...process.env, ...env } },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; signal?: NodeJS.Signals | null }) | null;
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
      },
    );
  });
}

/** Runs jobs with a small pool: child start-up dominates, and it parallelises well. */
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

const bytesOf = (t: BundleTensor): Buffer => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);

function sameTensors(a: Map<string, BundleTensor>, b: Map<string, BundleTensor>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, x] of a) {
    const y = b.get(k);
    if (!y || x.dtype !== y.dtype || x.shape.join() !== y.shape.join() || !bytesOf(x).equals(bytesOf(y))) return false;
  }
  return true;
}

/** 'A' or 'B' for what the directory holds now; throws on anything else. */
function classify(dir: string): 'A' | 'B' {
  const latest = latestCheckpoint(dir);
  if (latest === null) throw new Error('latest_checkpoint returned null');
  const got = readBundle(latest);
  for (const k of got.keys()) {
    if (!sameTensors(new Map([[k, readBundleEntry(latest, k)]]), new Map([[k, got.get(k) as BundleTensor]]))) {
      throw new Error(`readBundleEntry(${k}) disagrees with readBundle`);
    }
  }
  if (sameTensors(got, checkpointA())) return 'A';
  if (sameTensors(got, checkpointB())) return 'B';
  throw new Error(`checkpoint ${latest} is neither A nor B: keys ${[...got.keys()].join(', ')}`);
}

const tempsIn = (dir: string): string[] => fs.readdirSync(dir).filter((n) => /\.(tempstate\d+|tmp[0-9a-f]{32})$/.test(n));

let root: string;
const warnings: string[] = [];
const originalWarn = checkpointLog.warn;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tf1ts-crash-'));
  checkpointLog.warn = (m) => warnings.push(m);
});
afterAll(() => {
  checkpointLog.warn = originalWarn;
  fs.rmSync(root, { recursive: true, force: true });
});

const WIDTH = Math.max(2, Math.min(6, os.cpus().length));

describe.each(['same', 'new'] as const)('killed while writing checkpoint B (%s prefix)', (mode) => {
  test('every crash point leaves A or B, never a mix or an error', async () => {
    const dry = path.join(root, `${mode}-dry`);
    fs.mkdirSync(dry);
    const clean = await runChild(dry, mode, {});
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    const { aSteps, bSteps } = JSON.parse(clean.stdout) as { aSteps: number; bSteps: number };
    expect(bSteps).toBeGreaterThan(10);
    expect(classify(dry)).toBe('B');

    const ks = Array.from({ length: bSteps + 1 }, (_, i) => i + 1); // bSteps + 1: no crash at all
    const runs = await pool(
      ks.map((k) => async () => {
        const dir = path.join(root, `${mode}-k${k}`);
        fs.mkdirSync(dir);
        return { k, dir, result: await runChild(dir, mode, { [CRASH_ENV_VAR]: String(aSteps + k) }) };
      }),
      WIDTH,
    );

    const outcomes: string[] = [];
    let recoveredFromTemp = 0;
    for (const { k, dir, result } of runs) {
      if (k <= bSteps) expect({ k, signal: result.signal }).toEqual({ k, signal: 'SIGKILL' });
      else expect({ k, code: result.code }).toEqual({ k, code: 0 });
      const hadTemps = tempsIn(dir).some((n) => n.includes('.index.tempstate'));
      const got = classify(dir);
      outcomes.push(got);
      if (hadTemps && got === 'B') recoveredFromTemp++;
      if (mode === 'new') {
        // The state file decides: it names ckpt-2 only once B is complete.
        const state = getCheckpointState(dir);
        expect(state?.modelCheckpointPath.endsWith(got === 'A' ? 'model.ckpt-1' : 'model.ckpt-2')).toBe(true);
      }
      // The next save to the same prefix cleans up after the interrupted one.
      const prefix = latestCheckpoint(dir) as string;
      const c = new Map<string, BundleTensor>([['c', { dtype: 'int32', shape: [1], data: new Int32Array([k]) }]]);
      writeBundle(prefix, c);
      expect(sameTensors(readBundle(prefix), c)).toBe(true);
      expect(tempsIn(dir).filter((n) => n.startsWith(path.basename(prefix) + '.'))).toEqual([]);
    }
    // The early kills keep A, the late ones give B, and the switch happens exactly once.
    expect(outcomes[0]).toBe('A');
    expect(outcomes[outcomes.length - 1]).toBe('B');
    expect(outcomes.join('')).toMatch(/^A+B+$/);
    if (mode === 'same') {
      // Killed between the data and index renames: B is found through the complete temporary index.
      expect(recoveredFromTemp).toBeGreaterThan(0);
    }
    expect(warnings).toEqual([]);
  });
});

test('the crashAfterWrite option kills at the given step too', async () => {
  const dir = path.join(root, 'opt');
  fs.mkdirSync(dir);
  // B's steps: 5 data chunk writes, fsync, 4 index chunk writes, fsync, then step 12 renames the
  // data file; the index is not renamed yet.
  const r = await runChild(dir, 'same', {}, ['opt=12']);
  expect(r.signal).toBe('SIGKILL');
  expect(tempsIn(dir).some((n) => n.startsWith('model.ckpt.index.tempstate'))).toBe(true);
  expect(classify(dir)).toBe('B');
});
