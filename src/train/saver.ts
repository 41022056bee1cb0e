/**
 * tf.train.Saver: saves and restores variables as TF1 V2 checkpoints (TF1_SEMANTICS.md §9),
 * through the storage layer in ./checkpoint (bundle files, the `checkpoint` state file, atomic
 * writes).
 *
 * Guarantees:
 *  - save: every variable is read and every argument checked before any file is touched; the
 *    bundle (data, then index) is complete and durable before the state file names it; the state
 *    file is written last; checkpoints beyond max_to_keep are deleted only after that, so at any
 *    instant `latest_checkpoint(dir)` names a complete checkpoint (the new one or the previous).
 *  - restore: the whole checkpoint is read and verified (CRCs), and every key, dtype and shape is
 *    checked, before any variable changes; the values are then assigned in one session run, whose
 *    variable writes are committed only if all of them succeed. A failed restore changes nothing.
 *
 * As in TF, the Saver adds its restore ops to the graph when it is built (at construction unless
 * `defer_build`): one placeholder and one Assign per variable under the name scope `save`
 * (`save_1`, ... for later savers) and a `save/restore_all` group.
 *
 * Not supported: `.meta` files (MetaGraphDef export; `write_meta_graph` is accepted and ignored),
 * V1 checkpoints, `saver_def` / `builder`, partitioned variables.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DType } from '../core/dtypes';
import { InvalidArgumentError, NotFoundError, TFError, TFTypeError, UnimplementedError, ValueError } from '../core/errors';
import { checkOptions } from '../core/options';
import { NDArray } from '../ndarray/ndarray';
import { Graph, GraphKeys, Operation, Tensor, get_default_graph, withDefaultGraph } from '../graph/graph';
import { Session } from '../session/session';
import { Variable, assign, group } from '../ops/state_ops';
import { placeholder } from '../ops/array_ops';
import {
  BundleDType,
  BundleTensor,
  bundleExists,
  checkpointLog,
  deleteBundle,
  getCheckpointState,
  latestCheckpoint,
  readBundle,
  updateCheckpointState,
  writeBundle,
} from './checkpoint';

/** What a Saver saves: a list of variables (keyed by op name) or an explicit name -> variable map. */
export type SaverVarList = readonly Variable[] | { readonly [key: string]: Variable } | ReadonlyMap<string, Variable>;

export interface SaverOptions {
  /** Allow restoring a variable from a checkpoint tensor of another shape with the same number of elements. */
  reshape?: boolean;
  /** Accepted; checkpoints are written as one shard (one device). */
  sharded?: boolean;
  /** Checkpoints kept (older ones are deleted after each save); 0 or null keeps all. Default 5. */
  max_to_keep?: number | null;
  /** Additionally keep one checkpoint every this many hours. Default 10000. */
  keep_checkpoint_every_n_hours?: number;
  /** Name scope of the saver's ops (default 'save'). */
  name?: string | null;
  /** Accepted and ignored (restores are one run). */
  restore_sequentially?: boolean;
  /** Not supported (must be null). */
  saver_def?: null;
  /** Not supported (must be null). */
  builder?: null;
  /** Build the restore ops at the first save/restore/build() instead of now. */
  defer_build?: boolean;
  /** With no variables, save() returns null and restore() does nothing instead of raising. */
  allow_empty?: boolean;
  /** Only V2 (2, the default) is written. */
  write_version?: number;
  /** Name checkpoints `<path>-%08d` instead of `<path>-<step>`. */
  pad_step_number?: boolean;
  /** Store paths in the state file relative to its directory. */
  save_relative_paths?: boolean;
  /** Accepted (default save path of TF's SaverDef); unused. */
  filename?: string | null;
}

export interface SaveOptions {
  /** Appended to the prefix as `-<step>`: a number, or an integer Variable / tensor evaluated in `sess`. */
  global_step?: number | Variable | Tensor | null;
  /** Name of the state file (default 'checkpoint'); no path components. */
  latest_filename?: string | null;
  meta_graph_suffix?: string;
  /** Accepted for compatibility; no `.meta` file is written. */
  write_meta_graph?: boolean;
  /** Update the state file and apply max_to_keep (default true). */
  write_state?: boolean;
  strip_default_attrs?: boolean;
  save_debug_info?: boolean;
}

const SAVER_OPTIONS = [
  'reshape',
  'sharded',
  'max_to_keep',
  'keep_checkpoint_every_n_hours',
  'name',
  'restore_sequentially',
  'saver_def',
  'builder',
  'defer_build',
  'allow_empty',
  'write_version',
  'pad_step_number',
  'save_relative_paths',
  'filename',
];

const SAVE_OPTIONS = ['global_step', 'latest_filename', 'meta_graph_suffix', 'write_meta_graph', 'write_state', 'strip_default_attrs', 'save_debug_info'];

interface Entry {
  key: string;
  variable: Variable;
}

interface Built {
  restoreOp: Operation;
  /** key -> the placeholder its value is fed through. */
  feeds: Map<string, Tensor>;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (typeof x === 'string') return JSON.stringify(x);
  if (typeof x === 'object') {
    const s = String(x);
    return s === '[object Object]' ? `an object (${(x as object).constructor?.name ?? 'Object'})` : s;
  }
  return `${typeof x} ${String(x)}`;
}

function shapeText(dims: readonly (number | null)[] | null): string {
  return dims === null ? '<unknown>' : `[${dims.map((d) => (d === null ? '?' : String(d))).join(',')}]`;
}

/** TF's op_list_to_dict: the saver's keys and variables, validated. */
function toEntries(varList: SaverVarList | null | undefined): Entry[] {
  const isVar = (v: unknown, where: string): Variable => {
    if (!(v instanceof Variable)) throw new TFTypeError(`Variable to save is not a Variable: ${describe(v)}${where}`);
    return v;
  };
  if (varList === null || varList === undefined) {
    const all = get_default_graph().root.get_collection<unknown>(GraphKeys.GLOBAL_VARIABLES);
    return all.filter((v): v is Variable => v instanceof Variable).map((v) => ({ key: v.op.name, variable: v }));
  }
  if (Array.isArray(varList)) {
    const seen = new Set<string>();
    return (varList as readonly unknown[]).map((v, i) => {
      const variable = isVar(v, ` (element ${i} of var_list)`);
      const key = variable.op.name;
      if (seen.has(key)) throw new ValueError(`At least two variables have the same name: ${key}`);
      seen.add(key);
      return { key, variable };
    });
  }
  let pairs: [unknown, unknown][];
  if (varList instanceof Map) pairs = [...varList.entries()];
  else if (typeof varList === 'object' && !(varList instanceof Variable) && !(varList instanceof Tensor) && Object.getPrototypeOf(varList) === Object.prototype) {
    pairs = Object.entries(varList);
  } else throw new TFTypeError(`Variables to save should be passed in a dict or a list: ${describe(varList)}`);
  return pairs.map(([key, v]) => {
    if (typeof key !== 'string') throw new TFTypeError(`Checkpoint keys must be strings, got ${describe(key)}`);
    if (key === '') throw new ValueError('A checkpoint key must not be empty (the empty key is the bundle header)');
    return { key, variable: isVar(v, ` (key '${key}' of var_list)`) };
  });
}

function checkSession(sess: unknown, method: string): Session {
  if (!(sess instanceof Session)) throw new TFTypeError(`'sess' must be a Session; ${describe(sess)} (Saver.${method})`);
  return sess;
}

function formatStep(step: number, pad: boolean): string {
  if (!pad) return String(step);
  const s = String(Math.abs(step));
  return step < 0 ? `-${s.padStart(7, '0')}` : s.padStart(8, '0');
}

export class Saver {
  private readonly entries: Entry[];
  private readonly graph: Graph;
  private readonly maxToKeep: number;
  private readonly keepEveryNHours: number;
  private readonly opts: SaverOptions;
  private built: Built | null = null;
  private lastCheckpoints: [string, number][] = [];
  private toDelete: [string, number][] = [];
  private nextCheckpointTime: number;
  private lastPreservedTimestamp = 0;

  constructor(var_list?: SaverVarList | null, opts: SaverOptions = {}) {
    opts = checkOptions('Saver', opts, SAVER_OPTIONS);
    this.opts = { ...opts };
    const maxToKeep = opts.max_to_keep === undefined ? 5 : opts.max_to_keep;
    if (maxToKeep !== null && (typeof maxToKeep !== 'number' || !Number.isInteger(maxToKeep) || maxToKeep < 0)) {
      throw new ValueError(`max_to_keep must be a non-negative integer or null, got ${describe(maxToKeep)}`);
    }
    this.maxToKeep = maxToKeep ?? 0;
    const hours = opts.keep_checkpoint_every_n_hours ?? 10000;
    if (typeof hours !== 'number' || !(hours > 0)) {
      throw new ValueError(`keep_checkpoint_every_n_hours must be a positive number, got ${describe(hours)}`);
    }
    this.keepEveryNHours = hours;
    if (opts.write_version !== undefined && opts.write_version !== 2) {
      throw new UnimplementedError(`Saver: only write_version=2 (SaverDef.V2) is supported, got ${describe(opts.write_version)}`);
    }
    if (opts.saver_def !== undefined && opts.saver_def !== null) throw new UnimplementedError('Saver: saver_def is not supported');
    if (opts.builder !== undefined && opts.builder !== null) throw new UnimplementedError('Saver: builder is not supported');
    if (opts.name !== undefined && opts.name !== null && typeof opts.name !== 'string') throw new TFTypeError(`Saver: name must be a string, got ${describe(opts.name)}`);
    for (const k of ['reshape', 'sharded', 'defer_build', 'allow_empty', 'pad_step_number', 'save_relative_paths', 'restore_sequentially'] as const) {
      if (opts[k] !== undefined && typeof opts[k] !== 'boolean') throw new TFTypeError(`Saver: ${k} must be a boolean, got ${describe(opts[k])}`);
    }

    this.entries = toEntries(var_list);
    if (this.entries.length === 0 && !opts.allow_empty) throw new ValueError('No variables to save');
    const graphs = new Set(this.entries.map((e) => e.variable.graph));
    if (graphs.size > 1) throw new ValueError('Saver: all variables must be in the same graph');
    this.graph = this.entries.length ? this.entries[0].variable.graph : get_default_graph().root;
    for (const e of this.entries) {
      if (e.variable.dtype === DType.variant) throw new UnimplementedError(`Saver: variable ${e.variable.op.name} has dtype variant, which cannot be saved`);
    }
    this.nextCheckpointTime = Date.now() / 1000 + this.keepEveryNHours * 3600;
    if (!opts.defer_build) this.build();
  }

  /** Adds the restore ops to the graph (done by the constructor unless defer_build). */
  build(): void {
    if (this.built || this.entries.length === 0) return;
    const g = this.graph;
    this.built = withDefaultGraph(g, () => {
      const noDeps = g.controlDependencies(null);
      const scope = g.nameScope(this.opts.name ?? 'save');
      try {
        const feeds = new Map<string, Tensor>();
        const assigns: Tensor[] = [];
        this.entries.forEach((e, i) => {
          const v = e.variable;
          const ph = placeholder(v.dtype, v.shape, i === 0 ? 'restore_value' : `restore_value_${i}`);
          feeds.set(e.key, ph);
          assigns.push(assign(v, ph, { validate_shape: v.shape.isFullyDefined() }));
        });
        return { restoreOp: group(assigns, { name: 'restore_all' }), feeds };
      } finally {
        scope[Symbol.dispose]();
        noDeps[Symbol.dispose]();
      }
    });
  }

  /** The checkpoint keys, in the order the variables were given. */
  get keys(): string[] {
    return this.entries.map((e) => e.key);
  }

  /** Prefixes of the checkpoints this saver keeps, oldest first. */
  get last_checkpoints(): string[] {
    return this.lastCheckpoints.map(([p]) => p);
  }

  /** Replaces the list of kept checkpoints (TF's deprecated set_last_checkpoints). */
  set_last_checkpoints(last_checkpoints: readonly string[]): void {
    if (!Array.isArray(last_checkpoints) || last_checkpoints.some((p) => typeof p !== 'string')) {
      throw new TFTypeError('set_last_checkpoints: expected an array of checkpoint prefixes');
    }
    this.lastCheckpoints = last_checkpoints.map((p) => [p, Date.now() / 1000]);
  }

  /** Replaces the list of kept checkpoints with [prefix, seconds since the epoch] pairs. */
  set_last_checkpoints_with_time(last_checkpoints_with_time: readonly (readonly [string, number])[]): void {
    if (!Array.isArray(last_checkpoints_with_time)) throw new TFTypeError('set_last_checkpoints_with_time: expected an array of [prefix, time] pairs');
    this.lastCheckpoints = last_checkpoints_with_time.map((p) => {
      if (!Array.isArray(p) || typeof p[0] !== 'string' || typeof p[1] !== 'number') throw new TFTypeError('set_last_checkpoints_with_time: expected [prefix, time] pairs');
      return [p[0], p[1]];
    });
  }

  /**
   * Takes over checkpoints written earlier (e.g. by a previous process), so that max_to_keep
   * also deletes them: typically `saver.recover_last_checkpoints(get_checkpoint_state(dir).all_model_checkpoint_paths)`.
   */
  recover_last_checkpoints(checkpoint_paths: readonly string[]): void {
    if (!Array.isArray(checkpoint_paths) || checkpoint_paths.some((p) => typeof p !== 'string')) {
      throw new TFTypeError('recover_last_checkpoints: expected an array of checkpoint prefixes');
    }
    const withTime: [string, number][] = [];
    for (const p of checkpoint_paths) {
      try {
        withTime.push([p, fs.statSync(`${p}.index`).mtimeMs / 1000]);
      } catch {
        // TF's get_checkpoint_mtimes skips checkpoints that are gone.
      }
    }
    this.lastCheckpoints = withTime;
  }

  /**
   * Saves every variable to `<save_path>` (or `<save_path>-<global_step>`) and returns that
   * prefix; null for an empty saver (allow_empty). The third argument may also be the global
   * step itself, as in Python's positional `saver.save(sess, path, step)`.
   */
  save(sess: Session, save_path: string, opts: SaveOptions | number | Variable | Tensor = {}): string | null {
    const session = checkSession(sess, 'save');
    const o: SaveOptions =
      typeof opts === 'number' || opts instanceof Variable || opts instanceof Tensor ? { global_step: opts } : checkOptions('Saver.save', opts, SAVE_OPTIONS);
    if (typeof save_path !== 'string') throw new TFTypeError(`Saver.save: save_path must be a string, got ${describe(save_path)}`);
    if (save_path === '') throw new ValueError('Saver.save: save_path must not be empty');
    const latestFilename = o.latest_filename ?? 'checkpoint';
    if (typeof latestFilename !== 'string' || latestFilename === '') throw new TFTypeError(`Saver.save: latest_filename must be a non-empty string, got ${describe(latestFilename)}`);
    if (latestFilename.includes('/') || latestFilename.includes(path.sep)) throw new ValueError("'latest_filename' must not contain path components");
    for (const k of ['write_meta_graph', 'write_state', 'strip_default_attrs', 'save_debug_info'] as const) {
      if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new TFTypeError(`Saver.save: ${k} must be a boolean, got ${describe(o[k])}`);
    }
    if (o.meta_graph_suffix !== undefined && typeof o.meta_graph_suffix !== 'string') throw new TFTypeError('Saver.save: meta_graph_suffix must be a string');
    const writeState = o.write_state ?? true;
    const metaSuffix = o.meta_graph_suffix ?? 'meta';

    // The global step: a number, or a tensor / variable read in the same run as the variables.
    const gs = o.global_step;
    let stepTensor: Tensor | null = null;
    let step: number | null = null;
    if (gs !== undefined && gs !== null) {
      if (typeof gs === 'number') {
        if (!Number.isSafeInteger(gs)) throw new TFTypeError(`Saver.save: global_step must be an integer, got ${gs}`);
        step = gs;
      } else if (gs instanceof Variable) stepTensor = gs.value();
      else if (gs instanceof Tensor) stepTensor = gs;
      else throw new TFTypeError(`Saver.save: global_step must be a number, a Variable or a Tensor, got ${describe(gs)}`);
      if (stepTensor && stepTensor.dtype === DType.bool) throw new TFTypeError(`Saver.save: global_step must be numeric, got a ${stepTensor.dtype.name} tensor`);
    }

    this.build();
    if (this.entries.length === 0) {
      checkpointLog.warn('Saver is empty: nothing to save.');
      return null;
    }
    if (session.graph !== this.graph) throw new ValueError("Saver.save: the session's graph is not the graph of the saver's variables");

    // Read everything first (uninitialized variables, a closed session fail here, before any file is touched).
    const fetches: Tensor[] = this.entries.map((e) => e.variable._ref());
    if (stepTensor) fetches.push(stepTensor);
    const values = session.run(fetches) as NDArray[];
    if (stepTensor) {
      const sv = values.pop() as NDArray;
      if (sv.size !== 1) throw new ValueError(`Saver.save: global_step must be a scalar, got shape [${sv.shape.join(',')}]`);
      const x = sv.data[0];
      if (!Number.isFinite(x)) throw new ValueError(`Saver.save: global_step is ${x}`);
      step = Math.trunc(x); // Python's int()
    }
    const prefix = step === null ? save_path : `${save_path}-${formatStep(step, !!this.opts.pad_step_number)}`;
    const saveDir = path.dirname(save_path);
    if (writeState && path.resolve(saveDir, latestFilename) === path.resolve(prefix)) {
      throw new ValueError(`Save path '${prefix}' conflicts with path used for checkpoint state.  Please use a different save path.`);
    }
    const tensors = new Map<string, BundleTensor>();
    this.entries.forEach((e, i) => {
      const v = values[i];
      tensors.set(e.key, { dtype: v.dtype.name as BundleDType, shape: [...v.shape], data: v.data });
    });

    try {
      writeBundle(prefix, tensors);
    } catch (err) {
      if (err instanceof NotFoundError && !isDirectory(saveDir)) {
        throw new ValueError(`Parent directory of ${save_path} doesn't exist, can't save.`);
      }
      throw err;
    }

    if (writeState) {
      this.recordLastCheckpoint(prefix);
      // The state file is written last: it names the new checkpoint only once that is complete.
      updateCheckpointState(saveDir, prefix, {
        latestFilename,
        allModelCheckpointPaths: this.last_checkpoints,
        allModelCheckpointTimestamps: this.lastCheckpoints.map(([, t]) => t),
        lastPreservedTimestamp: this.lastPreservedTimestamp,
        saveRelativePaths: !!this.opts.save_relative_paths,
      });
      this.maybeDeleteOldCheckpoints(metaSuffix);
    }
    return prefix;
  }

  private recordLastCheckpoint(prefix: string): void {
    if (!this.maxToKeep) return;
    this.lastCheckpoints = this.lastCheckpoints.filter(([p]) => p !== prefix);
    this.lastCheckpoints.push([prefix, Date.now() / 1000]);
    while (this.lastCheckpoints.length > this.maxToKeep) this.toDelete.push(this.lastCheckpoints.shift()!);
  }

  private maybeDeleteOldCheckpoints(metaSuffix: string): void {
    while (this.toDelete.length) {
      const [p, t] = this.toDelete.shift()!;
      if (t > this.nextCheckpointTime) {
        // keep_checkpoint_every_n_hours: this one is preserved for good.
        this.nextCheckpointTime += this.keepEveryNHours * 3600;
        this.lastPreservedTimestamp = t;
        continue;
      }
      try {
        deleteBundle(p);
        fs.rmSync(`${p}.${metaSuffix}`, { force: true });
      } catch (err) {
        checkpointLog.warn(`Ignoring: failed to delete old checkpoint ${p}: ${(err as Error).message}`);
      }
    }
  }

  /**
   * Restores every variable of this saver from the checkpoint `save_path` (a prefix, as returned
   * by save() or latest_checkpoint()). Nothing changes unless everything can be restored.
   */
  restore(sess: Session, save_path: string): void {
    const session = checkSession(sess, 'restore');
    if (save_path === null || save_path === undefined) throw new ValueError("Can't load save_path when it is None.");
    if (typeof save_path !== 'string') throw new TFTypeError(`Saver.restore: save_path must be a string, got ${describe(save_path)}`);
    this.build();
    if (this.entries.length === 0) return;
    if (session.graph !== this.graph) throw new ValueError("Saver.restore: the session's graph is not the graph of the saver's variables");
    if (!bundleExists(save_path)) {
      const hint = isDirectory(save_path) ? ' (it is a directory: pass a checkpoint prefix, e.g. tf.train.latest_checkpoint(dir))' : fs.existsSync(save_path) ? ' (V1 checkpoints are not supported)' : '';
      throw new ValueError(`The passed save_path is not a valid checkpoint: ${save_path}${hint}`);
    }
    const stored = readBundle(save_path);

    // Every check before any assignment.
    const missing = this.entries.filter((e) => !stored.has(e.key)).map((e) => e.key);
    if (missing.length) {
      const others = missing.length > 1 ? ` (also missing: ${missing.slice(1).join(', ')})` : '';
      throw new NotFoundError(
        `Key ${missing[0]} not found in checkpoint${others}\nRestoring from checkpoint ${save_path} failed. This is most likely due to a Variable name or other graph key that is missing from the checkpoint. Please ensure that you have not altered the graph expected based on the checkpoint.`,
      );
    }
    const feeds = new Map<Tensor, NDArray>();
    for (const e of this.entries) {
      const t = stored.get(e.key)!;
      const v = e.variable;
      if (t.dtype !== v.dtype.name) {
        const word = (name: string): string => (name === 'float32' ? 'float' : name === 'float64' ? 'double' : name);
        throw new InvalidArgumentError(
          `Restoring variable ${v.op.name} failed: tensor_name = ${e.key}; expected dtype ${word(v.dtype.name)} does not equal original dtype ${word(t.dtype)} (variable dtype ${v.dtype.name}, checkpoint ${t.dtype}; checkpoint ${save_path})`,
        );
      }
      let shape = t.shape;
      const dims = v.shape.dims;
      const fits = dims === null || (dims.length === shape.length && dims.every((d, i) => d === null || d === shape[i]));
      if (!fits) {
        const n = shape.reduce((a, b) => a * b, 1);
        if (this.opts.reshape && v.shape.isFullyDefined() && v.shape.num_elements() === n) shape = v.shape.toArray();
        else {
          throw new InvalidArgumentError(
            `Restoring variable ${v.op.name} failed: shape mismatch for key ${e.key}: the variable has shape ${shapeText(dims)} but the checkpoint holds shape ${shapeText(shape)} (Assign requires shapes of both tensors to match. lhs shape= ${shapeText(dims)} rhs shape= ${shapeText(shape)}; checkpoint ${save_path})`,
          );
        }
      }
      feeds.set(this.built!.feeds.get(e.key)!, new NDArray(t.data, shape, v.dtype));
    }
    // One run: the session commits its variable writes only if every assignment succeeds.
    try {
      session.run(this.built!.restoreOp, feeds);
    } catch (err) {
      if (err instanceof TFError) throw err;
      throw new InvalidArgumentError(`Restoring from checkpoint ${save_path} failed: ${(err as Error).message}`);
    }
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p === '' ? '.' : p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * tf.train.latest_checkpoint(checkpoint_dir, latest_filename?): the newest checkpoint's prefix
 * named by the state file, or null when there is none (or its files are gone).
 */
export function latest_checkpoint(checkpoint_dir: string, latest_filename?: string | null): string | null {
  if (typeof checkpoint_dir !== 'string') throw new TFTypeError(`latest_checkpoint: checkpoint_dir must be a string, got ${describe(checkpoint_dir)}`);
  if (latest_filename !== undefined && latest_filename !== null && typeof latest_filename !== 'string') {
    throw new TFTypeError(`latest_checkpoint: latest_filename must be a string, got ${describe(latest_filename)}`);
  }
  return latestCheckpoint(checkpoint_dir, latest_filename ?? undefined);
}

/** TF's CheckpointState proto fields, as get_checkpoint_state returns them. */
export interface CheckpointStateProto {
  model_checkpoint_path: string;
  all_model_checkpoint_paths: string[];
  all_model_checkpoint_timestamps: number[];
  last_preserved_timestamp: number;
}

/** tf.train.get_checkpoint_state(checkpoint_dir, latest_filename?): the parsed state file, or null. */
export function get_checkpoint_state(checkpoint_dir: string, latest_filename?: string | null): CheckpointStateProto | null {
  if (typeof checkpoint_dir !== 'string') throw new TFTypeError(`get_checkpoint_state: checkpoint_dir must be a string, got ${describe(checkpoint_dir)}`);
  const s = getCheckpointState(checkpoint_dir, latest_filename ?? undefined);
  if (s === null) return null;
  return {
    model_checkpoint_path: s.modelCheckpointPath,
    all_model_checkpoint_paths: s.allModelCheckpointPaths,
    all_model_checkpoint_timestamps: s.allModelCheckpointTimestamps,
    last_preserved_timestamp: s.lastPreservedTimestamp,
  };
}

/** tf.train.checkpoint_exists(prefix): whether a V2 checkpoint is at `prefix`. */
export function checkpoint_exists(checkpoint_prefix: string): boolean {
  if (typeof checkpoint_prefix !== 'string') throw new TFTypeError(`checkpoint_exists: checkpoint_prefix must be a string, got ${describe(checkpoint_prefix)}`);
  return bundleExists(checkpoint_prefix);
}
