/**
 * Crash-safe file writing for checkpoints: write a temporary file in the target's directory,
 * fsync it, rename it over the target, fsync the directory. A reader therefore sees either the
 * old file or the new one, whole, even if the process dies or the machine loses power midway.
 *
 * Every low-level step (one write of a chunk, an fsync, a rename, an unlink) goes through a
 * WriteSteps counter so tests can kill the process right after any step:
 *  - `crashAfterWrite: n` in the options of one call (counted within that call), or
 *  - the environment variable TF1TS_CRASH_AFTER_WRITE=n (counted across the whole process).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { InternalError, NotFoundError, ResourceExhaustedError, TFError } from '../../core/errors';

export const CRASH_ENV_VAR = 'TF1TS_CRASH_AFTER_WRITE';

export interface WriteHooks {
  /** Test hook: SIGKILL this process right after the n-th low-level step of this call (1-based). */
  crashAfterWrite?: number;
  /** Observer called after each low-level step with its 1-based number within the call. */
  onWrite?: (step: number, label: string) => void;
}

let processSteps = 0;

/** Counts low-level steps and carries out the crash hooks. */
export class WriteSteps {
  private count = 0;

  constructor(private readonly hooks: WriteHooks = {}) {}

  get steps(): number {
    return this.count;
  }

  step(label: string): void {
    this.count++;
    processSteps++;
    this.hooks.onWrite?.(this.count, label);
    const env = process.env[CRASH_ENV_VAR];
    const envLimit = env === undefined || env === '' ? NaN : Number(env);
    if (this.count === this.hooks.crashAfterWrite || processSteps === envLimit) {
      // Abrupt death, as a power cut or OOM kill would be: no exit handlers, no buffered flushes.
      process.kill(process.pid, 'SIGKILL');
    }
  }
}

/** Maps a Node fs error to the TF error class TF's Env would return, naming the file. */
export function ioError(err: unknown, file: string): TFError {
  if (err instanceof TFError) return err;
  const e = err as NodeJS.ErrnoException;
  const detail = e && typeof e.message === 'string' ? e.message : String(err);
  switch (e?.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new NotFoundError(`${file}; No such file or directory`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new ResourceExhaustedError(`${file}; ${detail}`);
    default:
      return new InternalError(`${file}; ${detail}`);
  }
}

/** TF's BundleWriter names temporaries `<final>.tempstate<random uint64>`. */
export function tempstateName(finalPath: string): string {
  return `${finalPath}.tempstate${crypto.randomBytes(8).readBigUInt64LE(0).toString()}`;
}

/** Python's atomic_write_string_to_file names them `<final>.tmp<uuid4 hex>`. */
export function tmpUuidName(finalPath: string): string {
  return `${finalPath}.tmp${crypto.randomBytes(16).toString('hex')}`;
}

/**
 * Writes `chunks` to the new file `tempPath` (one write step per chunk), fsyncs and closes it.
 * On failure the temporary is removed and a TF error is thrown.
 */
export function writeTempFile(tempPath: string, chunks: readonly Uint8Array[], steps: WriteSteps): void {
  let fd: number;
  try {
    fd = fs.openSync(tempPath, 'wx');
  } catch (err) {
    throw ioError(err, tempPath);
  }
  try {
    chunks.forEach((chunk, i) => {
      let done = 0;
      while (done < chunk.length) done += fs.writeSync(fd, chunk, done, chunk.length - done);
      steps.step(`write ${path.basename(tempPath)} chunk ${i + 1}/${chunks.length}`);
    });
    fs.fsyncSync(fd);
    steps.step(`fsync ${path.basename(tempPath)}`);
  } catch (err) {
    try {
      fs.closeSync(fd);
      fs.unlinkSync(tempPath);
    } catch {
      // The original error is the one worth reporting.
    }
    throw ioError(err, tempPath);
  }
  try {
    fs.closeSync(fd);
  } catch (err) {
    throw ioError(err, tempPath);
  }
}

/** Atomically replaces `finalPath` with `tempPath` (rename(2) is atomic within a directory). */
export function renameInto(tempPath: string, finalPath: string, steps: WriteSteps): void {
  try {
    fs.renameSync(tempPath, finalPath);
  } catch (err) {
    throw ioError(err, finalPath);
  }
  steps.step(`rename ${path.basename(tempPath)} -> ${path.basename(finalPath)}`);
}

/**
 * Makes the directory entries (renames, creations, unlinks) durable. Best effort: platforms
 * that cannot open or fsync a directory (Windows) just skip it.
 */
export function syncDir(dir: string, steps: WriteSteps): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF' && code !== 'EACCES') {
      throw ioError(err, dir);
    }
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
  steps.step(`fsync dir ${dir}`);
}

/** Removes a file if it exists (one step when something was removed). */
export function unlinkIfExists(file: string, steps: WriteSteps): void {
  try {
    fs.unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw ioError(err, file);
  }
  steps.step(`unlink ${path.basename(file)}`);
}

/** Names in `dir` that are temporaries of `baseName` written by this module (`.tempstate<digits>`, `.tmp<hex32>`). */
export function listTemporaries(dir: string, baseName: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw ioError(err, dir);
  }
  const re = /^\.(?:tempstate[0-9]+|tmp[0-9a-f]{32})$/;
  return names.filter((n) => n.startsWith(baseName) && re.test(n.slice(baseName.length))).map((n) => path.join(dir, n));
}

/**
 * Writes a whole file crash-safely: temporary, fsync, rename over `finalPath`, directory fsync.
 * `tempPath` defaults to TF's `.tempstate<random>` naming.
 */
export function writeFileAtomic(
  finalPath: string,
  data: Uint8Array | readonly Uint8Array[],
  hooks: WriteHooks | WriteSteps = {},
  tempPath: string = tempstateName(finalPath),
): void {
  const steps = hooks instanceof WriteSteps ? hooks : new WriteSteps(hooks);
  const chunks = data instanceof Uint8Array ? [data] : data;
  writeTempFile(tempPath, chunks, steps);
  try {
    renameInto(tempPath, finalPath, steps);
  } catch (err) {
    try {
      fs.unlinkSync(tempPath);
    } catch {
      // keep the rename error
    }
    throw err;
  }
  syncDir(path.dirname(finalPath), steps);
}
