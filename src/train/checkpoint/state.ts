/**
 * The `checkpoint` state file: a text-format CheckpointState proto
 * (tensorflow/python/training/checkpoint_state.proto) naming the newest checkpoint and the ones
 * kept, plus TF's helpers around it (checkpoint_management.py in TF 1.x):
 * generate_checkpoint_state_proto, update_checkpoint_state, get_checkpoint_state,
 * latest_checkpoint.
 *
 *     model_checkpoint_path: "model.ckpt-1000"
 *     all_model_checkpoint_paths: "model.ckpt-500"
 *     all_model_checkpoint_paths: "model.ckpt-1000"
 */
import * as fs from 'fs';
import * as path from 'path';
import { DataLossError, OpError, ValueError } from '../../core/errors';
import { WriteHooks, WriteSteps, listTemporaries, tmpUuidName, unlinkIfExists, writeFileAtomic } from './atomic';
import { indexFilename } from './bundle';

export interface CheckpointState {
  modelCheckpointPath: string;
  allModelCheckpointPaths: string[];
  /** Seconds since the epoch, one per path (TF >= 1.13 writes them; may be empty). */
  allModelCheckpointTimestamps: number[];
  /** 0 when absent. */
  lastPreservedTimestamp: number;
}

/** Where TF-style warnings go (TF logs them with logging.warning/error). Replaceable, e.g. in tests. */
export const checkpointLog: { warn: (message: string) => void } = {
  warn: (message: string) => console.warn(message),
};

// ---- text format ----------------------------------------------------------------------------

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Python protobuf's CEscape (as_utf8=False): printable ASCII kept, the rest as octal escapes. */
function cEscape(s: string): string {
  let out = '';
  for (const b of utf8.encode(s)) {
    if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x22) out += '\\"';
    else if (b === 0x27) out += "\\'";
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += '\\' + b.toString(8).padStart(3, '0');
  }
  return out;
}

/** Python's str(float), which protobuf's text format uses for doubles. */
function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v.toFixed(0)}.0`;
  const s = String(v);
  // JS switches to exponent notation at 1e21, Python at 1e16; only the exponent form differs.
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** text_format.MessageToString(CheckpointState): proto3 defaults are not printed. */
export function checkpointStateToText(s: CheckpointState): string {
  let out = '';
  if (s.modelCheckpointPath !== '') out += `model_checkpoint_path: "${cEscape(s.modelCheckpointPath)}"\n`;
  for (const p of s.allModelCheckpointPaths) out += `all_model_checkpoint_paths: "${cEscape(p)}"\n`;
  for (const t of s.allModelCheckpointTimestamps) out += `all_model_checkpoint_timestamps: ${pyFloat(t)}\n`;
  if (s.lastPreservedTimestamp !== 0) out += `last_preserved_timestamp: ${pyFloat(s.lastPreservedTimestamp)}\n`;
  return out;
}

class TextParser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  fail(detail: string): never {
    const line = this.text.slice(0, this.pos).split('\n').length;
    throw new DataLossError(`${this.file}:${line}: ${detail}`);
  }

  skipSpace(): void {
    for (;;) {
      while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
      if (this.text[this.pos] !== '#') return;
      while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
    }
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  peek(): string {
    this.skipSpace();
    return this.text[this.pos] ?? '';
  }

  accept(ch: string): boolean {
    if (this.peek() !== ch) return false;
    this.pos++;
    return true;
  }

  expect(ch: string): void {
    if (!this.accept(ch)) this.fail(`expected "${ch}"`);
  }

  identifier(): string {
    this.skipSpace();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) this.fail('expected identifier');
    this.pos += m[0].length;
    return m[0];
  }

  /** One or more adjacent quoted strings, C-unescaped and UTF-8 decoded. */
  string(): string {
    const bytes: number[] = [];
    let any = false;
    for (;;) {
      const q = this.peek();
      if (q !== '"' && q !== "'") break;
      any = true;
      this.pos++;
      for (;;) {
        if (this.pos >= this.text.length || this.text[this.pos] === '\n') this.fail('unterminated string');
        const c = this.text[this.pos++];
        if (c === q) break;
        if (c !== '\\') {
          for (const b of utf8.encode(c)) bytes.push(b);
          continue;
        }
        const e = this.text[this.pos++] ?? '';
        const simple: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63 };
        if (e in simple) bytes.push(simple[e]);
        else if (/[0-7]/.test(e)) {
          let s = e;
          while (s.length < 3 && /[0-7]/.test(this.text[this.pos] ?? '')) s += this.text[this.pos++];
          bytes.push(parseInt(s, 8) & 0xff);
        } else if (e === 'x' && /[0-9a-fA-F]/.test(this.text[this.pos] ?? '')) {
          let s = '';
          while (s.length < 2 && /[0-9a-fA-F]/.test(this.text[this.pos] ?? '')) s += this.text[this.pos++];
          bytes.push(parseInt(s, 16));
        } else this.fail(`invalid escape \\${e}`);
      }
    }
    if (!any) this.fail('expected string');
    try {
      return utf8Strict.decode(new Uint8Array(bytes));
    } catch {
      return this.fail('string is not valid UTF-8');
    }
  }

  number(): number {
    this.skipSpace();
    const m = /^[-+]?(?:inf(?:inity)?|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)[fF]?/i.exec(this.text.slice(this.pos));
    if (!m) this.fail('expected number');
    this.pos += m[0].length;
    const s = m[0].replace(/[fF]$/, '').toLowerCase();
    if (s.endsWith('nan')) return NaN;
    if (s.includes('inf')) return s.startsWith('-') ? -Infinity : Infinity;
    return Number(s);
  }
}

/**
 * Parses a text-format CheckpointState (as text_format.Merge does: a repeated singular field keeps
 * the last value, `[a, b]` lists are accepted for repeated fields). Paths are returned as written.
 * Malformed text: DataLossError.
 */
export function parseCheckpointState(text: string, file = 'checkpoint'): CheckpointState {
  const s: CheckpointState = { modelCheckpointPath: '', allModelCheckpointPaths: [], allModelCheckpointTimestamps: [], lastPreservedTimestamp: 0 };
  const p = new TextParser(text, file);
  const repeated = <T>(one: () => T, into: T[]): void => {
    if (p.accept('[')) {
      if (!p.accept(']')) {
        do into.push(one());
        while (p.accept(','));
        p.expect(']');
      }
    } else into.push(one());
  };
  while (!p.atEnd()) {
    const name = p.identifier();
    p.expect(':');
    switch (name) {
      case 'model_checkpoint_path':
        s.modelCheckpointPath = p.string();
        break;
      case 'all_model_checkpoint_paths':
        repeated(() => p.string(), s.allModelCheckpointPaths);
        break;
      case 'all_model_checkpoint_timestamps':
        repeated(() => p.number(), s.allModelCheckpointTimestamps);
        break;
      case 'last_preserved_timestamp':
        s.lastPreservedTimestamp = p.number();
        break;
      default:
        p.fail(`Message type "tensorflow.CheckpointState" has no field named "${name}".`);
    }
    if (!p.accept(';')) p.accept(',');
  }
  return s;
}

// ---- TF's helpers ---------------------------------------------------------------------------

/** os.path.join(a, b) for the two-argument case TF uses (no normalisation, unlike path.join). */
function pyJoin(a: string, b: string): string {
  if (path.isAbsolute(b) || a === '') return b;
  return a.endsWith('/') ? a + b : `${a}/${b}`;
}

/** os.path.relpath(p, start). */
function pyRelpath(p: string, start: string): string {
  return path.relative(start, p) || '.';
}

function stateFilename(dir: string, latestFilename: string | undefined): string {
  return pyJoin(dir, latestFilename ?? 'checkpoint');
}

export interface GenerateStateOptions {
  allModelCheckpointPaths?: readonly string[];
  allModelCheckpointTimestamps?: readonly number[];
  lastPreservedTimestamp?: number;
}

/**
 * generate_checkpoint_state_proto: appends the model path to the list if it is not last, and
 * when `saveDir` is relative rewrites relative paths to be relative to it.
 */
export function generateCheckpointState(saveDir: string, modelCheckpointPath: string, opts: GenerateStateOptions = {}): CheckpointState {
  const all = [...(opts.allModelCheckpointPaths ?? [])];
  if (all.length === 0 || all[all.length - 1] !== modelCheckpointPath) all.push(modelCheckpointPath);
  const stamps = [...(opts.allModelCheckpointTimestamps ?? [])];
  if (stamps.length > 0 && stamps.length !== all.length) {
    throw new ValueError(
      `Checkpoint timestamps, if provided, must match checkpoint paths (got paths [${all.join(', ')}] and timestamps [${stamps.join(', ')}])`,
    );
  }
  let model = modelCheckpointPath;
  if (!path.isAbsolute(saveDir)) {
    if (!path.isAbsolute(model)) model = pyRelpath(model, saveDir);
    for (let i = 0; i < all.length; i++) if (!path.isAbsolute(all[i])) all[i] = pyRelpath(all[i], saveDir);
  }
  return {
    modelCheckpointPath: model,
    allModelCheckpointPaths: all,
    allModelCheckpointTimestamps: stamps,
    lastPreservedTimestamp: opts.lastPreservedTimestamp ?? 0,
  };
}

export interface UpdateStateOptions extends GenerateStateOptions, WriteHooks {
  /** Name of the state file in `saveDir` (default "checkpoint"). */
  latestFilename?: string;
  /** Saver(save_relative_paths=True): store absolute paths relative to `saveDir`. */
  saveRelativePaths?: boolean;
}

/**
 * update_checkpoint_state: writes `<saveDir>/checkpoint` crash-safely (temporary
 * `checkpoint.tmp<uuid hex>`, fsync, rename, directory fsync), then removes stale temporaries.
 * Call it after the checkpoint's files are written, so the state never names a partial checkpoint.
 */
export function updateCheckpointState(saveDir: string, modelCheckpointPath: string, opts: UpdateStateOptions = {}): void {
  const coord = stateFilename(saveDir, opts.latestFilename);
  let model = modelCheckpointPath;
  let all = opts.allModelCheckpointPaths;
  if (opts.saveRelativePaths) {
    const rel = (p: string): string => (path.isAbsolute(p) ? pyRelpath(p, saveDir) : p);
    model = rel(model);
    all = all?.map(rel);
  }
  const state = generateCheckpointState(saveDir, model, { ...opts, allModelCheckpointPaths: all });
  if (path.resolve(coord) === path.resolve(modelCheckpointPath)) {
    // TF raises RuntimeError here; ValueError is the closest class we have.
    throw new ValueError(`Save path '${modelCheckpointPath}' conflicts with path used for checkpoint state.  Please use a different save path.`);
  }
  const steps = new WriteSteps(opts);
  const tmp = tmpUuidName(coord);
  writeFileAtomic(coord, utf8.encode(checkpointStateToText(state)), steps, tmp);
  for (const stale of listTemporaries(path.dirname(coord), path.basename(coord))) unlinkIfExists(stale, steps);
}

/**
 * get_checkpoint_state: the state in `<dir>/checkpoint` with relative paths joined to `dir`, or
 * null when the file is missing, unreadable or unparsable (with a warning, as TF logs one).
 * An empty model_checkpoint_path is a ValueError, as in TF.
 */
export function getCheckpointState(dir: string, latestFilename?: string): CheckpointState | null {
  const coord = stateFilename(dir, latestFilename);
  if (!fs.existsSync(coord)) return null;
  let s: CheckpointState;
  try {
    const bytes = fs.readFileSync(coord);
    let text: string;
    try {
      text = utf8Strict.decode(bytes);
    } catch {
      throw new DataLossError(`${coord}: file is not valid UTF-8`);
    }
    s = parseCheckpointState(text, coord);
  } catch (err) {
    const e = err instanceof OpError ? err : new DataLossError(`${coord}; ${(err as Error).message}`);
    checkpointLog.warn(`${e.name}: ${e.message}`);
    checkpointLog.warn(`${coord}: Checkpoint ignored`);
    return null;
  }
  if (s.modelCheckpointPath === '') throw new ValueError(`Invalid checkpoint state loaded from ${dir}`);
  s.modelCheckpointPath = pyJoin(dir, s.modelCheckpointPath);
  s.allModelCheckpointPaths = s.allModelCheckpointPaths.map((p) => pyJoin(dir, p));
  return s;
}

/**
 * tf.train.latest_checkpoint: the newest checkpoint's full prefix, or null when there is no
 * state file or its checkpoint's `.index` is missing (TF logs an error and returns None).
 */
export function latestCheckpoint(checkpointDir: string, latestFilename?: string): string | null {
  const s = getCheckpointState(checkpointDir, latestFilename);
  if (s === null || s.modelCheckpointPath === '') return null;
  if (fs.existsSync(indexFilename(s.modelCheckpointPath))) return s.modelCheckpointPath;
  checkpointLog.warn(`Couldn't match files for checkpoint ${s.modelCheckpointPath}`);
  return null;
}

/** TF's spelling. */
export const latest_checkpoint = latestCheckpoint;
