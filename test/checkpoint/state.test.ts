import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ValueError } from '../../src/core/errors';
import { writeBundle } from '../../src/train/checkpoint/bundle';
import {
  CheckpointState,
  checkpointLog,
  checkpointStateToText,
  generateCheckpointState,
  getCheckpointState,
  latestCheckpoint,
  latest_checkpoint,
  parseCheckpointState,
  updateCheckpointState,
} from '../../src/train/checkpoint/state';

let root: string;
const warnings: string[] = [];
const originalWarn = checkpointLog.warn;
const originalCwd = process.cwd();
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tf1ts-state-'));
  checkpointLog.warn = (m) => warnings.push(m);
});
afterAll(() => {
  process.chdir(originalCwd);
  checkpointLog.warn = originalWarn;
  fs.rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  warnings.length = 0;
});

const tiny = new Map([['v', { dtype: 'float32' as const, shape: [1], data: new Float32Array([1]) }]]);

describe('text format', () => {
  test('written as text_format.MessageToString writes it', () => {
    const s: CheckpointState = {
      modelCheckpointPath: 'model.ckpt-1000',
      allModelCheckpointPaths: ['model.ckpt-500', 'model.ckpt-1000'],
      allModelCheckpointTimestamps: [],
      lastPreservedTimestamp: 0,
    };
    expect(checkpointStateToText(s)).toBe(
      'model_checkpoint_path: "model.ckpt-1000"\n' +
        'all_model_checkpoint_paths: "model.ckpt-500"\n' +
        'all_model_checkpoint_paths: "model.ckpt-1000"\n',
    );
    const withTimes = { ...s, allModelCheckpointTimestamps: [1571234500.5, 1571234567], lastPreservedTimestamp: 1571234000.25 };
    expect(checkpointStateToText(withTimes)).toContain('all_model_checkpoint_timestamps: 1571234567.0\n');
    expect(checkpointStateToText(withTimes)).toContain('last_preserved_timestamp: 1571234000.25\n');
    expect(parseCheckpointState(checkpointStateToText(withTimes))).toEqual(withTimes);
  });

  test('strings are C-escaped and round trip (quotes, backslashes, non-ASCII)', () => {
    const odd = 'dir with "quotes"/back\\slash/tab\there/caf\u00e9/\u{1F600}\'';
    const s: CheckpointState = { modelCheckpointPath: odd, allModelCheckpointPaths: [odd], allModelCheckpointTimestamps: [], lastPreservedTimestamp: 0 };
    const text = checkpointStateToText(s);
    expect(text).toContain('caf\\303\\251');
    expect(text).toContain('\\"quotes\\"');
    expect(text).toContain("\\'");
    expect(text).not.toMatch(/[^\x20-\x7e\n]/);
    expect(parseCheckpointState(text)).toEqual(s);
  });

  test('parser accepts what text_format.Merge accepts', () => {
    const text = [
      '# a comment',
      "model_checkpoint_path: 'first'",
      'model_checkpoint_path: "sec" "ond"  # adjacent strings concatenate; last value wins',
      'all_model_checkpoint_paths: ["a", "b\\x41\\101"]',
      'all_model_checkpoint_timestamps: [1.5, 2e3]',
      'last_preserved_timestamp: 7;',
    ].join('\n');
    expect(parseCheckpointState(text)).toEqual({
      modelCheckpointPath: 'second',
      allModelCheckpointPaths: ['a', 'bAA'],
      allModelCheckpointTimestamps: [1.5, 2000],
      lastPreservedTimestamp: 7,
    });
    expect(() => parseCheckpointState('no_such_field: "x"')).toThrow('has no field named "no_such_field"');
    expect(() => parseCheckpointState('model_checkpoint_path: "unterminated')).toThrow('unterminated');
  });
});

describe('update / get / latest', () => {
  test('absolute save dir: paths are written as given (TF default)', () => {
    const dir = path.join(root, 'abs');
    fs.mkdirSync(dir);
    const p1 = path.join(dir, 'model.ckpt-1');
    const p2 = path.join(dir, 'model.ckpt-2');
    writeBundle(p1, tiny);
    writeBundle(p2, tiny);
    updateCheckpointState(dir, p2, { allModelCheckpointPaths: [p1] });
    expect(fs.readFileSync(path.join(dir, 'checkpoint'), 'utf8')).toBe(
      `model_checkpoint_path: "${p2}"\nall_model_checkpoint_paths: "${p1}"\nall_model_checkpoint_paths: "${p2}"\n`,
    );
    expect(latestCheckpoint(dir)).toBe(p2);
    expect(latest_checkpoint(dir)).toBe(p2);
    expect(getCheckpointState(dir)?.allModelCheckpointPaths).toEqual([p1, p2]);
    // No temporaries left.
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('checkpoint'))).toEqual(['checkpoint']);
  });

  test('save_relative_paths=True: stored relative to the directory, returned joined to it', () => {
    const dir = path.join(root, 'rel');
    fs.mkdirSync(dir);
    const p = path.join(dir, 'model.ckpt-7');
    writeBundle(p, tiny);
    updateCheckpointState(dir, p, { saveRelativePaths: true });
    expect(fs.readFileSync(path.join(dir, 'checkpoint'), 'utf8')).toBe(
      'model_checkpoint_path: "model.ckpt-7"\nall_model_checkpoint_paths: "model.ckpt-7"\n',
    );
    expect(latestCheckpoint(dir)).toBe(p);
  });

  test('relative save dir, as in saver.save(sess, "./my_model_final.ckpt")', () => {
    process.chdir(root);
    try {
      writeBundle('./my_model_final.ckpt', tiny);
      updateCheckpointState('.', './my_model_final.ckpt');
      expect(fs.readFileSync(path.join(root, 'checkpoint'), 'utf8')).toBe(
        'model_checkpoint_path: "my_model_final.ckpt"\nall_model_checkpoint_paths: "my_model_final.ckpt"\n',
      );
      // os.path.join('.', p), not normalised.
      expect(latestCheckpoint('.')).toBe('./my_model_final.ckpt');
      expect(latestCheckpoint('./')).toBe('./my_model_final.ckpt');
    } finally {
      process.chdir(originalCwd);
    }
  });

  test('generate_checkpoint_state_proto rules', () => {
    expect(generateCheckpointState('/d', '/d/m-2', { allModelCheckpointPaths: ['/d/m-1'] }).allModelCheckpointPaths).toEqual(['/d/m-1', '/d/m-2']);
    expect(generateCheckpointState('/d', '/d/m-2', { allModelCheckpointPaths: ['/d/m-1', '/d/m-2'] }).allModelCheckpointPaths).toEqual(['/d/m-1', '/d/m-2']);
    expect(generateCheckpointState('d', 'd/m-2', { allModelCheckpointPaths: ['d/m-1'] })).toMatchObject({
      modelCheckpointPath: 'm-2',
      allModelCheckpointPaths: ['m-1', 'm-2'],
    });
    expect(() => generateCheckpointState('/d', '/d/m', { allModelCheckpointTimestamps: [1, 2] })).toThrow(ValueError);
  });

  test('latest_checkpoint is null without a state file, or when the index is missing', () => {
    const dir = path.join(root, 'missing');
    fs.mkdirSync(dir);
    expect(latestCheckpoint(dir)).toBeNull();
    expect(getCheckpointState(dir)).toBeNull();
    updateCheckpointState(dir, path.join(dir, 'gone.ckpt'));
    expect(latestCheckpoint(dir)).toBeNull();
    expect(warnings.join('\n')).toContain("Couldn't match files for checkpoint");
    expect(latestCheckpoint(path.join(root, 'no-such-dir'))).toBeNull();
  });

  test('an unparsable state file is ignored with a warning; an empty model path is a ValueError', () => {
    const dir = path.join(root, 'garbage');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'checkpoint'), 'model_checkpoint_path: "x\n\x00\xff');
    expect(getCheckpointState(dir)).toBeNull();
    expect(latestCheckpoint(dir)).toBeNull();
    expect(warnings.some((w) => w.endsWith('Checkpoint ignored'))).toBe(true);
    fs.writeFileSync(path.join(dir, 'checkpoint'), 'all_model_checkpoint_paths: "a"\n');
    expect(() => getCheckpointState(dir)).toThrow(new ValueError(`Invalid checkpoint state loaded from ${dir}`));
  });

  test('latest_filename and the state-path conflict check', () => {
    const dir = path.join(root, 'named');
    fs.mkdirSync(dir);
    const p = path.join(dir, 'm.ckpt');
    writeBundle(p, tiny);
    updateCheckpointState(dir, p, { latestFilename: 'my_state' });
    expect(fs.existsSync(path.join(dir, 'checkpoint'))).toBe(false);
    expect(latestCheckpoint(dir, 'my_state')).toBe(p);
    expect(() => updateCheckpointState(dir, path.join(dir, 'checkpoint'))).toThrow('conflicts with path used for checkpoint state');
  });
});
