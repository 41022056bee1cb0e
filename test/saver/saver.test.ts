// tf.train.Saver: round trips, naming, max_to_keep, restore into a rebuilt graph, errors.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from 'tf1-ts';
import { readBundle } from '../../src/train/checkpoint';
import { checkpointLog } from '../../src/train/checkpoint/state';
import { Model, buildModel, snapshot, snapshotText, trainStep } from './model';

let root: string;
let dirCount = 0;
const warnings: string[] = [];
const originalWarn = checkpointLog.warn;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tf1ts-saver-'));
  checkpointLog.warn = (m) => warnings.push(m);
});
afterAll(() => {
  checkpointLog.warn = originalWarn;
  fs.rmSync(root, { recursive: true, force: true });
});
const open: tf.Session[] = [];
/** A session on the default graph, closed after the test (a session left open pins its graph). */
function session(): tf.Session {
  const s = new tf.Session();
  open.push(s);
  return s;
}
function closeAll(): void {
  for (const s of open.splice(0)) s.close();
}
beforeEach(() => {
  closeAll();
  tf.reset_default_graph();
  warnings.length = 0;
});
afterEach(closeAll);

function freshDir(): string {
  const d = path.join(root, `d${++dirCount}`);
  fs.mkdirSync(d);
  return d;
}

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error to be thrown');
}

/** A trained model in the default graph with an open, initialized session. */
function trained(steps: number): { m: Model; sess: tf.Session } {
  const m = buildModel();
  const sess = session();
  sess.run(tf.global_variables_initializer());
  for (let i = 0; i < steps; i++) trainStep(sess, m, i);
  return { m, sess };
}

const filesOf = (dir: string): string[] => fs.readdirSync(dir).sort();

describe('save / restore round trip', () => {
  test('a trained model (with Adam slots and global_step) comes back bit for bit', () => {
    const dir = freshDir();
    const { m, sess } = trained(7);
    const saver = new tf.train.Saver();
    expect(saver.keys.sort()).toEqual(tf.global_variables().map((v) => v.op.name).sort());
    expect(saver.keys).toEqual(expect.arrayContaining(['dense/kernel/Adam', 'dense/kernel/Adam_1', 'beta1_power', 'beta2_power', 'global_step']));
    const before = snapshotText(snapshot(sess));
    const prefix = saver.save(sess, path.join(dir, 'model.ckpt'));
    expect(prefix).toBe(path.join(dir, 'model.ckpt'));
    expect(filesOf(dir)).toEqual(['checkpoint', 'model.ckpt.data-00000-of-00001', 'model.ckpt.index']);

    // The checkpoint holds exactly the variables, with TF's dtypes (global_step int64).
    const stored = readBundle(prefix as string);
    expect([...stored.keys()].sort()).toEqual(Object.keys(before));
    expect(stored.get('global_step')).toMatchObject({ dtype: 'int64', shape: [] });
    expect(Array.from(stored.get('global_step')!.data)).toEqual([7]);

    for (let i = 7; i < 12; i++) trainStep(sess, m, i);
    expect(snapshotText(snapshot(sess))).not.toEqual(before);
    saver.restore(sess, prefix as string);
    expect(snapshotText(snapshot(sess))).toEqual(before);
    sess.close();
  });

  test('restore into a fresh session of a rebuilt graph, without running the initializer, then training continues identically', () => {
    const dir = freshDir();
    const a = trained(5);
    const prefix = new tf.train.Saver().save(a.sess, path.join(dir, 'model.ckpt'), { global_step: a.m.globalStep });
    expect(prefix).toBe(path.join(dir, 'model.ckpt-5'));
    const saved = snapshotText(snapshot(a.sess));
    const lossA = [5, 6, 7].map((i) => trainStep(a.sess, a.m, i));
    const afterA = snapshotText(snapshot(a.sess));
    a.sess.close();

    closeAll();
    tf.reset_default_graph();
    const m = buildModel();
    const saver = new tf.train.Saver();
    const sess = session();
    expect(tf.train.latest_checkpoint(dir)).toBe(prefix);
    saver.restore(sess, tf.train.latest_checkpoint(dir) as string);
    expect(snapshotText(snapshot(sess))).toEqual(saved);
    // Same optimizer state, same step: the continued run is the same computation, bit for bit.
    const lossB = [5, 6, 7].map((i) => trainStep(sess, m, i));
    expect(lossB).toEqual(lossA);
    expect(snapshotText(snapshot(sess))).toEqual(afterA);
    sess.close();
  });

  test('a dict var_list uses its keys; a list uses op names; restoring a subset leaves the rest alone', () => {
    const dir = freshDir();
    const v = new tf.Variable([1.5, -2.25], { name: 'v' });
    const w = new tf.Variable([[1, 2, 3]], { name: 'scope/w', dtype: tf.int32 });
    const flag = new tf.Variable(true, { name: 'flag' });
    const d = new tf.Variable(tf.constant([0.1, 0.2], { dtype: tf.float64 }), { name: 'd' });
    const sess = session();
    sess.run(tf.global_variables_initializer());
    const p = new tf.train.Saver({ renamed_v: v, 'other/w': w, flag, d }).save(sess, path.join(dir, 'dict'));
    expect([...readBundle(p as string).keys()]).toEqual(['d', 'flag', 'other/w', 'renamed_v']);
    sess.run([v.assign([0, 0]), w.assign([[0, 0, 0]]), flag.assign(false), d.assign(tf.constant([0, 0], { dtype: tf.float64 }))]);
    new tf.train.Saver({ renamed_v: v, 'other/w': w, flag, d }).restore(sess, p as string);
    expect(sess.run(v).tolist()).toEqual([1.5, -2.25]);
    expect(sess.run(w).tolist()).toEqual([[1, 2, 3]]);
    expect(sess.run(flag).tolist()).toBe(true);
    expect(sess.run(d).tolist()).toEqual([0.1, 0.2]);

    const p2 = new tf.train.Saver([v]).save(sess, path.join(dir, 'list'));
    expect([...readBundle(p2 as string).keys()]).toEqual(['v']);
    sess.run([v.assign([7, 7]), w.assign([[9, 9, 9]])]);
    new tf.train.Saver([v]).restore(sess, p2 as string);
    expect(sess.run(v).tolist()).toEqual([1.5, -2.25]);
    expect(sess.run(w).tolist()).toEqual([[9, 9, 9]]);
    sess.close();
  });

  test('the saver adds its restore ops under save/ (save_1/ for the next), as TF does', () => {
    new tf.Variable(1.0, { name: 'v' });
    new tf.train.Saver();
    new tf.train.Saver();
    const names = tf.get_default_graph().operations.map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining(['save/restore_all', 'save/Assign', 'save_1/restore_all']));
  });

  test('variables created after the saver are not in it (TF builds the list at construction)', () => {
    new tf.Variable(1.0, { name: 'a' });
    const saver = new tf.train.Saver();
    new tf.Variable(2.0, { name: 'b' });
    expect(saver.keys).toEqual(['a']);
    expect(new tf.train.Saver(null, { defer_build: true }).keys).toEqual(['a', 'b']);
  });

  test('reshape: true restores a tensor of another shape with the same element count', () => {
    const dir = freshDir();
    const v = new tf.Variable([1, 2, 3, 4, 5, 6], { name: 'v', dtype: tf.float32 });
    const sess = session();
    sess.run(v.initializer);
    const p = new tf.train.Saver([v]).save(sess, path.join(dir, 'flat')) as string;
    closeAll();
    tf.reset_default_graph();
    const v2 = new tf.Variable(tf.zeros([2, 3]), { name: 'v' });
    const s2 = session();
    expect(caught(() => new tf.train.Saver([v2]).restore(s2, p)).name).toBe('InvalidArgumentError');
    new tf.train.Saver([v2], { reshape: true }).restore(s2, p);
    expect(s2.run(v2).tolist()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });
});

describe('naming and the state file', () => {
  test('global_step as a number, a Variable, a tensor, positional, and padded', () => {
    const dir = freshDir();
    const { m, sess } = trained(3);
    const saver = new tf.train.Saver(null, { max_to_keep: 0 });
    const base = path.join(dir, 'model.ckpt');
    expect(saver.save(sess, base, { global_step: 1000 })).toBe(`${base}-1000`);
    expect(saver.save(sess, base, { global_step: m.globalStep })).toBe(`${base}-3`);
    expect(saver.save(sess, base, { global_step: tf.add(m.globalStep.value(), tf.constant(10, { dtype: tf.int64 })) })).toBe(`${base}-13`);
    expect(saver.save(sess, base, 42)).toBe(`${base}-42`);
    expect(saver.save(sess, base, m.globalStep)).toBe(`${base}-3`);
    expect(new tf.train.Saver(null, { pad_step_number: true }).save(sess, base, { global_step: 7 })).toBe(`${base}-00000007`);
    expect(saver.save(sess, base)).toBe(base);
    expect(tf.train.latest_checkpoint(dir)).toBe(base);
    expect(tf.train.checkpoint_exists(`${base}-1000`)).toBe(true);
    expect(tf.train.checkpoint_exists(`${base}-1001`)).toBe(false);
    sess.close();
  });

  test('the state file lists the kept checkpoints, newest last; latest_filename and write_state', () => {
    const dir = freshDir();
    const { sess } = trained(1);
    const saver = new tf.train.Saver(null, { max_to_keep: 3 });
    const base = path.join(dir, 'model.ckpt');
    for (const s of [10, 20, 30]) saver.save(sess, base, { global_step: s });
    const st = tf.train.get_checkpoint_state(dir)!;
    expect(st.model_checkpoint_path).toBe(`${base}-30`);
    expect(st.all_model_checkpoint_paths).toEqual([`${base}-10`, `${base}-20`, `${base}-30`]);
    expect(st.all_model_checkpoint_timestamps).toHaveLength(3);

    saver.save(sess, base, { global_step: 40, write_state: false });
    expect(tf.train.latest_checkpoint(dir)).toBe(`${base}-30`);
    expect(fs.existsSync(`${base}-10.index`)).toBe(true);

    saver.save(sess, base, { global_step: 50, latest_filename: 'other_state' });
    expect(tf.train.latest_checkpoint(dir, 'other_state')).toBe(`${base}-50`);
    expect(tf.train.latest_checkpoint(dir)).toBe(`${base}-30`);
    expect(tf.train.latest_checkpoint(path.join(dir, 'nothing-here'))).toBeNull();
    sess.close();
  });

  test('relative save paths are stored relative to the directory', () => {
    const dir = freshDir();
    const { sess } = trained(1);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const p = new tf.train.Saver().save(sess, 'sub/model', { global_step: 1 });
      expect(p).toBe('sub/model-1');
      expect(fs.readFileSync('sub/checkpoint', 'utf8')).toMatch(/^model_checkpoint_path: "model-1"\nall_model_checkpoint_paths: "model-1"\n/);
      expect(tf.train.latest_checkpoint('sub')).toBe('sub/model-1');
    } finally {
      process.chdir(cwd);
    }
    sess.close();
  });
});

describe('max_to_keep', () => {
  test('keeps the newest n, deleting older files only after the new checkpoint and state are written', () => {
    const dir = freshDir();
    const { m, sess } = trained(1);
    const saver = new tf.train.Saver(null, { max_to_keep: 2 });
    const base = path.join(dir, 'model.ckpt');
    const snaps: Record<string, string>[] = [];
    for (let s = 1; s <= 5; s++) {
      trainStep(sess, m, s);
      snaps.push(snapshotText(snapshot(sess)));
      saver.save(sess, base, { global_step: s });
      expect(saver.last_checkpoints).toEqual([Math.max(1, s - 1), s].filter((x, i, a) => a.indexOf(x) === i).map((k) => `${base}-${k}`));
    }
    expect(filesOf(dir)).toEqual(['checkpoint', 'model.ckpt-4.data-00000-of-00001', 'model.ckpt-4.index', 'model.ckpt-5.data-00000-of-00001', 'model.ckpt-5.index']);
    expect(tf.train.get_checkpoint_state(dir)!.all_model_checkpoint_paths).toEqual([`${base}-4`, `${base}-5`]);
    // Both kept checkpoints restore to what was saved.
    saver.restore(sess, `${base}-4`);
    expect(snapshotText(snapshot(sess))).toEqual(snaps[3]);
    saver.restore(sess, `${base}-5`);
    expect(snapshotText(snapshot(sess))).toEqual(snaps[4]);
    sess.close();
  });

  test('re-saving the same prefix does not delete it; max_to_keep 0 / null keeps everything; .meta files of old checkpoints go too', () => {
    const dir = freshDir();
    const { sess } = trained(1);
    const base = path.join(dir, 'model.ckpt');
    const one = new tf.train.Saver(null, { max_to_keep: 1 });
    for (let i = 0; i < 3; i++) one.save(sess, base);
    expect(filesOf(dir)).toEqual(['checkpoint', 'model.ckpt.data-00000-of-00001', 'model.ckpt.index']);

    fs.writeFileSync(`${base}-1.meta`, 'meta written by TF');
    one.save(sess, base, { global_step: 1 });
    one.save(sess, base, { global_step: 2 });
    expect(fs.existsSync(`${base}-1.meta`)).toBe(false);
    expect(fs.existsSync(`${base}-1.index`)).toBe(false);

    for (const keep of [0, null]) {
      const d2 = freshDir();
      const all = new tf.train.Saver(null, { max_to_keep: keep });
      for (let s = 0; s < 7; s++) all.save(sess, path.join(d2, 'm'), { global_step: s });
      expect(filesOf(d2).filter((f) => f.endsWith('.index'))).toHaveLength(7);
      expect(tf.train.get_checkpoint_state(d2)!.all_model_checkpoint_paths).toEqual([path.join(d2, 'm-6')]);
    }
    sess.close();
  });

  test('recover_last_checkpoints takes over checkpoints of an earlier saver', () => {
    const dir = freshDir();
    const { sess } = trained(1);
    const base = path.join(dir, 'm');
    const first = new tf.train.Saver(null, { max_to_keep: 3 });
    for (let s = 1; s <= 3; s++) first.save(sess, base, { global_step: s });
    const second = new tf.train.Saver(null, { max_to_keep: 3 });
    second.recover_last_checkpoints(tf.train.get_checkpoint_state(dir)!.all_model_checkpoint_paths);
    expect(second.last_checkpoints).toEqual([`${base}-1`, `${base}-2`, `${base}-3`]);
    second.save(sess, base, { global_step: 4 });
    expect(fs.existsSync(`${base}-1.index`)).toBe(false);
    expect(tf.train.get_checkpoint_state(dir)!.all_model_checkpoint_paths).toEqual([`${base}-2`, `${base}-3`, `${base}-4`]);
    sess.close();
  });
});

describe('errors', () => {
  test('construction: no variables, bad var_list, duplicates, bad and unknown options', () => {
    expect(caught(() => new tf.train.Saver())).toMatchObject({ name: 'ValueError', message: 'No variables to save' });
    expect(caught(() => new tf.train.Saver([]))).toMatchObject({ name: 'ValueError', message: 'No variables to save' });
    expect(new tf.train.Saver([], { allow_empty: true }).keys).toEqual([]);
    const v = new tf.Variable(1.0, { name: 'v' });
    const t = tf.constant(1);
    expect(caught(() => new tf.train.Saver([v, v]))).toMatchObject({ name: 'ValueError', message: 'At least two variables have the same name: v' });
    expect(caught(() => new tf.train.Saver([v, t as never]))).toMatchObject({ name: 'TypeError', message: expect.stringMatching(/^Variable to save is not a Variable: Tensor\("Const:0"/) });
    expect(caught(() => new tf.train.Saver(v as never))).toMatchObject({ name: 'TypeError', message: expect.stringMatching(/should be passed in a dict or a list/) });
    expect(caught(() => new tf.train.Saver('v' as never)).name).toBe('TypeError');
    expect(caught(() => new tf.train.Saver({ '': v })).name).toBe('ValueError');
    expect(caught(() => new tf.train.Saver({ a: 3 as never })).name).toBe('TypeError');
    expect(caught(() => new tf.train.Saver(null, { max_to_kep: 3 } as never))).toMatchObject({
      name: 'TypeError',
      message: "Saver() got an unexpected keyword argument 'max_to_kep' (did you mean 'max_to_keep'?)",
    });
    for (const bad of [-1, 1.5, '5', NaN]) expect(caught(() => new tf.train.Saver(null, { max_to_keep: bad as never })).name).toBe('ValueError');
    expect(caught(() => new tf.train.Saver(null, { keep_checkpoint_every_n_hours: 0 })).name).toBe('ValueError');
    expect(caught(() => new tf.train.Saver(null, { write_version: 1 })).name).toBe('UnimplementedError');
    expect(caught(() => new tf.train.Saver(null, { reshape: 'yes' as never })).name).toBe('TypeError');
    const g2 = new tf.Graph();
    let other: tf.Variable;
    {
      using _ = g2.as_default();
      other = new tf.Variable(2.0, { name: 'w' });
    }
    expect(caught(() => new tf.train.Saver([v, other])).name).toBe('ValueError');
  });

  test('save: bad arguments, uninitialized variables and missing directories fail before any file is written', () => {
    const dir = freshDir();
    const v = new tf.Variable([1, 2], { name: 'v', dtype: tf.float32 });
    const w = new tf.Variable([3], { name: 'w', dtype: tf.float32 });
    const saver = new tf.train.Saver();
    const sess = session();
    sess.run(v.initializer);
    const p = path.join(dir, 'model');
    const e = caught(() => saver.save(sess, p));
    expect(e.name).toBe('FailedPreconditionError');
    expect(e.message).toMatch(/^Attempting to use uninitialized value w/);
    expect(filesOf(dir)).toEqual([]);
    sess.run(w.initializer);

    expect(caught(() => saver.save({} as never, p))).toMatchObject({ name: 'TypeError', message: expect.stringMatching(/^'sess' must be a Session/) });
    expect(caught(() => saver.save(sess, 42 as never)).name).toBe('TypeError');
    expect(caught(() => saver.save(sess, '')).name).toBe('ValueError');
    expect(caught(() => saver.save(sess, p, { global_stp: 1 } as never))).toMatchObject({ name: 'TypeError', message: expect.stringMatching(/unexpected keyword argument 'global_stp' \(did you mean 'global_step'\?\)/) });
    for (const bad of [1.5, NaN, Infinity, '3', {}]) expect(caught(() => saver.save(sess, p, { global_step: bad as never })).name).toBe('TypeError');
    expect(caught(() => saver.save(sess, p, { global_step: tf.constant([1, 2]) })).name).toBe('ValueError');
    expect(caught(() => saver.save(sess, p, { global_step: tf.constant(true) })).name).toBe('TypeError');
    expect(caught(() => saver.save(sess, p, { latest_filename: 'a/b' })).message).toBe("'latest_filename' must not contain path components");
    expect(caught(() => saver.save(sess, path.join(dir, 'checkpoint'))).message).toMatch(/conflicts with path used for checkpoint state/);
    expect(caught(() => saver.save(sess, path.join(dir, 'no', 'such', 'dir', 'model')))).toMatchObject({
      name: 'ValueError',
      message: `Parent directory of ${path.join(dir, 'no', 'such', 'dir', 'model')} doesn't exist, can't save.`,
    });
    expect(filesOf(dir)).toEqual([]);

    const other = new tf.Session({ graph: new tf.Graph() });
    expect(caught(() => saver.save(other, p)).name).toBe('ValueError');
    other.close();
    sess.close();
    expect(caught(() => saver.save(sess, p))).toMatchObject({ name: 'RuntimeError', message: 'Attempted to use a closed Session.' });
    expect(filesOf(dir)).toEqual([]);
  });

  describe('restore: every failure leaves every variable as it was', () => {
    let dir: string;
    let prefix: string;
    beforeEach(() => {
      dir = freshDir();
      const a = new tf.Variable([1, 2, 3], { name: 'a', dtype: tf.float32 });
      const b = new tf.Variable([[1, 2], [3, 4]], { name: 'b', dtype: tf.float32 });
      const sess = session();
      sess.run(tf.global_variables_initializer());
      prefix = new tf.train.Saver([a, b]).save(sess, path.join(dir, 'model')) as string;
      sess.close();
      closeAll();
    tf.reset_default_graph();
    });

    /** The graph to restore into: a and b as saved, plus whatever `extra` adds; all set to sentinels. */
    function target(extra: () => tf.Variable[]): { sess: tf.Session; saver: tf.train.Saver; vars: tf.Variable[] } {
      const a = new tf.Variable([-1, -1, -1], { name: 'a', dtype: tf.float32 });
      const vars = [a, ...extra(), new tf.Variable([[-1, -1], [-1, -1]], { name: 'b', dtype: tf.float32 })];
      const sess = session();
      sess.run(tf.global_variables_initializer());
      return { sess, saver: new tf.train.Saver(vars), vars };
    }
    const values = (sess: tf.Session, vars: tf.Variable[]): unknown[] => vars.map((v) => sess.run(v).tolist());

    test('missing key: NotFoundError naming it', () => {
      const { sess, saver, vars } = target(() => [new tf.Variable([5], { name: 'c', dtype: tf.float32 })]);
      const before = values(sess, vars);
      const e = caught(() => saver.restore(sess, prefix));
      expect(e).toBeInstanceOf(tf.errors.NotFoundError);
      expect(e.message).toMatch(/^Key c not found in checkpoint/);
      expect(values(sess, vars)).toEqual(before);
    });

    test('shape mismatch: InvalidArgumentError naming the variable and both shapes', () => {
      const { sess, saver, vars } = target(() => [new tf.Variable([[0, 0, 0]], { name: 'b2', dtype: tf.float32 })]);
      void saver;
      // b2 restored from b's key [2,2] into shape [1,3]; a (before it) must not change either.
      const s2 = new tf.train.Saver({ a: vars[0], b: vars[1] });
      const before = values(sess, vars);
      const e = caught(() => s2.restore(sess, prefix));
      expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
      expect(e.message).toMatch(/^Restoring variable b2 failed: shape mismatch for key b: the variable has shape \[1,3\] but the checkpoint holds shape \[2,2\]/);
      expect(values(sess, vars)).toEqual(before);
    });

    test('dtype mismatch: InvalidArgumentError naming the variable and both dtypes', () => {
      const a = new tf.Variable([-1, -1, -1], { name: 'a', dtype: tf.float32 });
      const b = new tf.Variable(tf.constant([[-1, -1], [-1, -1]], { dtype: tf.float64 }), { name: 'b' });
      const sess = session();
      sess.run(tf.global_variables_initializer());
      const e = caught(() => new tf.train.Saver([a, b]).restore(sess, prefix));
      expect(e.name).toBe('InvalidArgumentError');
      expect(e.message).toMatch(/^Restoring variable b failed: tensor_name = b; expected dtype double does not equal original dtype float/);
      expect(values(sess, [a, b])).toEqual([[-1, -1, -1], [[-1, -1], [-1, -1]]]);
    });

    test('corrupted data: DataLossError, nothing changed', () => {
      const { sess, saver, vars } = target(() => []);
      const data = `${prefix}.data-00000-of-00001`;
      const bytes = fs.readFileSync(data);
      bytes[bytes.length - 1] ^= 0x40;
      fs.writeFileSync(data, bytes);
      const before = values(sess, vars);
      expect(caught(() => saver.restore(sess, prefix)).name).toBe('DataLossError');
      expect(values(sess, vars)).toEqual(before);
    });

    test('bad paths and arguments', () => {
      const { sess, saver } = target(() => []);
      expect(caught(() => saver.restore(sess, path.join(dir, 'nope')))).toMatchObject({ name: 'ValueError', message: `The passed save_path is not a valid checkpoint: ${path.join(dir, 'nope')}` });
      expect(caught(() => saver.restore(sess, dir)).message).toMatch(/it is a directory/);
      expect(caught(() => saver.restore(sess, null as never)).message).toBe("Can't load save_path when it is None.");
      expect(caught(() => saver.restore(sess, 3 as never)).name).toBe('TypeError');
      expect(caught(() => saver.restore('sess' as never, prefix)).name).toBe('TypeError');
      expect(caught(() => tf.train.latest_checkpoint(undefined as never)).name).toBe('TypeError');
    });

    test('a restore into uninitialized variables initializes them all (no initializer needed)', () => {
      const a = new tf.Variable([-1, -1, -1], { name: 'a', dtype: tf.float32 });
      const b = new tf.Variable([[-1, -1], [-1, -1]], { name: 'b', dtype: tf.float32 });
      const sess = session();
      new tf.train.Saver().restore(sess, prefix);
      expect(values(sess, [a, b])).toEqual([[1, 2, 3], [[1, 2], [3, 4]]]);
    });
  });
});
