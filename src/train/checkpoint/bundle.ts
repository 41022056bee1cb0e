/**
 * TF1's V2 checkpoint format ("tensor bundle"), read and write.
 *
 * A checkpoint with prefix P is two files:
 *  - `P.index`: an SSTable mapping "" to a BundleHeaderProto and each tensor name to a
 *    BundleEntryProto (dtype, shape, shard, offset, size, masked CRC32C of the bytes);
 *  - `P.data-00000-of-00001`: the tensors' little-endian bytes concatenated in key order.
 *
 * Writing is crash-safe: both files are written to temporaries and fsynced first, then renamed
 * data-first, index-last (TF's order), then the directory is fsynced. The one window where the
 * pair is inconsistent (overwriting an existing prefix, killed between the two renames: new data,
 * old index) is recoverable because the new index is then complete in `P.index.tempstate*`:
 * readers fall back to a temporary index that verifies against the data, and the next write to
 * P rolls it forward before cleaning up. Readers verify every byte they return.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataLossError, InvalidArgumentError, NotFoundError, UnimplementedError } from '../../core/errors';
import {
  WriteHooks,
  WriteSteps,
  ioError,
  listTemporaries,
  renameInto,
  syncDir,
  tempstateName,
  unlinkIfExists,
  writeTempFile,
} from './atomic';
import { crc32c, mask, unmask } from './crc32c';
import {
  BundleEntry,
  BundleHeader,
  LITTLE_ENDIAN,
  decodeBundleEntry,
  decodeBundleHeader,
  encodeBundleEntry,
  encodeBundleHeader,
} from './proto';
import { TableBuilder, TableOptions, compareBytes, readTable } from './table';

/** The dtypes a checkpoint can hold here (spelled as src/core/dtypes names them). */
export type BundleDType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';

export type BundleData = Float32Array | Float64Array | Int32Array | Uint8Array;

/**
 * One tensor. Storage follows src/core/dtypes: int64 is a Float64Array of integers (exact up to
 * 2^53; larger stored values are rounded to the nearest double on read), bool a Uint8Array of 0/1.
 */
export interface BundleTensor {
  dtype: BundleDType;
  shape: number[];
  data: BundleData;
}

export interface WriteBundleOptions extends WriteHooks, TableOptions {}

/** TF's DataType enum values for the supported dtypes. */
export const DATA_TYPE_ENUM: Readonly<Record<BundleDType, number>> = {
  float32: 1, // DT_FLOAT
  float64: 2, // DT_DOUBLE
  int32: 3, // DT_INT32
  int64: 9, // DT_INT64
  bool: 10, // DT_BOOL
};

const DTYPE_FROM_ENUM = new Map<number, BundleDType>(
  (Object.keys(DATA_TYPE_ENUM) as BundleDType[]).map((k) => [DATA_TYPE_ENUM[k], k]),
);

/** Names of TF dtypes we recognise but cannot load, for clearer errors. */
const UNSUPPORTED_DTYPE_NAMES: Readonly<Record<number, string>> = {
  4: 'uint8',
  5: 'int16',
  6: 'int8',
  7: 'string',
  8: 'complex64',
  11: 'qint8',
  12: 'quint8',
  13: 'qint32',
  14: 'bfloat16',
  15: 'qint16',
  16: 'quint16',
  17: 'uint16',
  18: 'complex128',
  19: 'half',
  20: 'resource',
  21: 'variant',
  22: 'uint32',
  23: 'uint64',
};

const BYTE_SIZE: Readonly<Record<BundleDType, number>> = { float32: 4, float64: 8, int32: 4, int64: 8, bool: 1 };

/** Producer/min-consumer of the bundle format (kTensorBundleVersion, kTensorBundleMinConsumer). */
const BUNDLE_VERSION = 1;
const BUNDLE_MIN_PRODUCER = 0;
const BUNDLE_MIN_CONSUMER = 0;

const HOST_LITTLE_ENDIAN = os.endianness() === 'LE';

export function indexFilename(prefix: string): string {
  return `${prefix}.index`;
}

/** `<prefix>.data-%05d-of-%05d`, TF's DataFilename. */
export function dataFilename(prefix: string, shard = 0, numShards = 1): string {
  const pad = (n: number): string => String(n).padStart(5, '0');
  return `${prefix}.data-${pad(shard)}-of-${pad(numShards)}`;
}

/** Whether a V2 checkpoint exists at `prefix` (its index file is present), as checkpoint_exists. */
export function bundleExists(prefix: string): boolean {
  return fs.existsSync(indexFilename(prefix));
}

// ---- encoding -------------------------------------------------------------------------------

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function numElements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function expectedArray(dtype: BundleDType): string {
  switch (dtype) {
    case 'float32':
      return 'Float32Array';
    case 'float64':
    case 'int64':
      return 'Float64Array';
    case 'int32':
      return 'Int32Array';
    case 'bool':
      return 'Uint8Array';
  }
}

function arrayMatches(dtype: BundleDType, data: BundleData): boolean {
  switch (dtype) {
    case 'float32':
      return data instanceof Float32Array;
    case 'float64':
    case 'int64':
      return data instanceof Float64Array;
    case 'int32':
      return data instanceof Int32Array;
    case 'bool':
      return data instanceof Uint8Array;
  }
}

/** Checks one tensor and returns its checkpoint bytes (row-major, little-endian). */
function tensorBytes(key: string, t: BundleTensor): Uint8Array {
  if (!Object.prototype.hasOwnProperty.call(BYTE_SIZE, t.dtype)) {
    throw new InvalidArgumentError(`Tensor ${key}: unsupported dtype ${JSON.stringify(t.dtype)}`);
  }
  if (!Array.isArray(t.shape) || t.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new InvalidArgumentError(`Tensor ${key}: invalid shape [${String(t.shape)}]`);
  }
  if (!arrayMatches(t.dtype, t.data)) {
    throw new InvalidArgumentError(`Tensor ${key}: dtype ${t.dtype} needs a ${expectedArray(t.dtype)} of data`);
  }
  const n = numElements(t.shape);
  if (t.data.length !== n) {
    throw new InvalidArgumentError(`Tensor ${key}: shape [${t.shape.join(', ')}] has ${n} elements but data has ${t.data.length}`);
  }
  const out = new Uint8Array(n * BYTE_SIZE[t.dtype]);
  if (t.dtype === 'int64') {
    const dv = new DataView(out.buffer);
    for (let i = 0; i < n; i++) {
      const v = t.data[i];
      // 2^63 itself is exactly representable but out of range; everything below it fits.
      if (!Number.isInteger(v) || v < -(2 ** 63) || v >= 2 ** 63) {
        throw new InvalidArgumentError(`Tensor ${key}: int64 element ${i} is ${v}, not an int64 value`);
      }
      dv.setBigInt64(i * 8, BigInt(v), true);
    }
  } else if (t.dtype === 'bool') {
    for (let i = 0; i < n; i++) out[i] = t.data[i] ? 1 : 0;
  } else if (HOST_LITTLE_ENDIAN) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, out.length));
  } else {
    const dv = new DataView(out.buffer);
    for (let i = 0; i < n; i++) {
      if (t.dtype === 'float32') dv.setFloat32(i * 4, t.data[i], true);
      else if (t.dtype === 'float64') dv.setFloat64(i * 8, t.data[i], true);
      else dv.setInt32(i * 4, t.data[i], true);
    }
  }
  return out;
}

/**
 * Writes the checkpoint `<prefix>.index` + `<prefix>.data-00000-of-00001` holding `tensors`.
 * Everything is validated before any file is touched. Creates the prefix's directory if its
 * parent exists (as TF's BundleWriter does). Throws InvalidArgumentError for bad tensors,
 * NotFoundError when the directory cannot be created.
 */
export function writeBundle(prefix: string, tensors: ReadonlyMap<string, BundleTensor>, opts: WriteBundleOptions = {}): void {
  if (prefix === '') throw new InvalidArgumentError('Bundle prefix must not be empty');
  const items = [...tensors].map(([key, t]) => ({ key, keyBytes: utf8.encode(key), t }));
  items.sort((a, b) => compareBytes(a.keyBytes, b.keyBytes));
  const dataChunks: Uint8Array[] = [];
  const table = new TableBuilder(opts);
  const header: BundleHeader = {
    numShards: 1,
    endianness: LITTLE_ENDIAN,
    version: { producer: BUNDLE_VERSION, minConsumer: BUNDLE_MIN_CONSUMER, badConsumers: [] },
  };
  table.add(new Uint8Array(0), encodeBundleHeader(header));
  let offset = 0;
  let prevKey: Uint8Array | null = null;
  for (const { key, keyBytes, t } of items) {
    if (key === '') throw new InvalidArgumentError('The empty tensor name is reserved for the bundle header');
    if (prevKey !== null && compareBytes(prevKey, keyBytes) === 0) {
      throw new InvalidArgumentError(`Adding duplicate key: ${key}`); // e.g. two lone surrogates -> U+FFFD
    }
    prevKey = keyBytes;
    const bytes = tensorBytes(key, t);
    const entry: BundleEntry = {
      dtype: DATA_TYPE_ENUM[t.dtype],
      shape: [...t.shape],
      unknownRank: false,
      shardId: 0,
      offset,
      size: bytes.length,
      crc32c: mask(crc32c(bytes)),
      hasSlices: false,
    };
    table.add(keyBytes, encodeBundleEntry(entry));
    if (bytes.length > 0) dataChunks.push(bytes);
    offset += bytes.length;
  }
  const indexChunks = table.finish();

  const steps = new WriteSteps(opts);
  const dir = path.dirname(prefix);
  try {
    fs.mkdirSync(dir); // non-recursive, like Env::CreateDir in BundleWriter
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(err, dir);
  }
  recoverBundle(prefix, steps);
  const dataPath = dataFilename(prefix);
  const indexPath = indexFilename(prefix);
  const dataTmp = tempstateName(dataPath);
  const indexTmp = tempstateName(indexPath);
  writeTempFile(dataTmp, dataChunks, steps);
  try {
    writeTempFile(indexTmp, indexChunks, steps);
  } catch (err) {
    fs.rmSync(dataTmp, { force: true });
    throw err;
  }
  // The new index is complete on disk before the data is swapped: that is what makes the
  // data-renamed-but-index-not state recoverable.
  renameInto(dataTmp, dataPath, steps);
  renameInto(indexTmp, indexPath, steps);
  syncDir(dir, steps);
}

/**
 * Deletes the checkpoint at `prefix` (index first, so a half-deleted checkpoint is no longer
 * found) and any temporaries left by interrupted writes.
 */
export function deleteBundle(prefix: string, hooks: WriteHooks = {}): void {
  const steps = new WriteSteps(hooks);
  unlinkIfExists(indexFilename(prefix), steps);
  unlinkIfExists(dataFilename(prefix), steps);
  for (const t of bundleTemporaries(prefix)) unlinkIfExists(t, steps);
  syncDir(path.dirname(prefix), steps);
}

function bundleTemporaries(prefix: string): string[] {
  const dir = path.dirname(prefix);
  return [
    ...listTemporaries(dir, path.basename(indexFilename(prefix))),
    ...listTemporaries(dir, path.basename(dataFilename(prefix))),
  ];
}

/**
 * Finishes or discards what an interrupted write to `prefix` left behind: if the current pair
 * does not verify but a temporary index does, that index is renamed into place (roll forward);
 * then every temporary of the prefix is removed. A no-op when there are none.
 */
function recoverBundle(prefix: string, steps: WriteSteps): void {
  const temps = bundleTemporaries(prefix);
  if (temps.length === 0) return;
  const indexPath = indexFilename(prefix);
  if (fs.existsSync(indexPath)) {
    let consistent = true;
    try {
      readWithIndex(prefix, indexPath);
    } catch {
      // Whatever is wrong (torn pair, missing data), only a verified temporary can fix it.
      consistent = false;
    }
    if (!consistent) {
      const good = findVerifiedTempIndex(prefix);
      if (good !== null) {
        renameInto(good.path, indexPath, steps);
        syncDir(path.dirname(prefix), steps);
      }
    }
  }
  for (const t of temps) unlinkIfExists(t, steps);
}

// ---- reading --------------------------------------------------------------------------------

interface ParsedIndex {
  indexPath: string;
  header: BundleHeader;
  /** Tensor entries in key order (the header entry excluded). */
  entries: Map<string, BundleEntry>;
}

function readWholeFile(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw ioError(err, file);
  }
}

function corruptFile(file: string, detail: string): DataLossError {
  // TF's wording for an index it cannot make sense of.
  return new DataLossError(
    `Unable to read file (${file}). Perhaps the file is corrupt or was produced by a newer version of TensorFlow with format changes (${detail})`,
  );
}

function parseIndex(indexPath: string): ParsedIndex {
  const file = readWholeFile(indexPath);
  const rows = readTable(file, indexPath);
  if (rows.length === 0 || rows[0].key.length !== 0) throw corruptFile(indexPath, 'failed to seek to header entry');
  const header = decodeBundleHeader(rows[0].value, `${indexPath}: bundle header`);
  checkHeader(indexPath, header);
  const entries = new Map<string, BundleEntry>();
  for (let i = 1; i < rows.length; i++) {
    let key: string;
    try {
      key = utf8Strict.decode(rows[i].key);
    } catch {
      throw corruptFile(indexPath, `tensor name at entry ${i} is not valid UTF-8`);
    }
    const entry = decodeBundleEntry(rows[i].value, `${indexPath}: entry for key ${key}`);
    checkEntry(indexPath, key, entry, header);
    entries.set(key, entry);
  }
  return { indexPath, header, entries };
}

function checkHeader(indexPath: string, h: BundleHeader): void {
  if (h.numShards < 1) throw corruptFile(indexPath, `bundle header has num_shards ${h.numShards}`);
  if (h.endianness !== LITTLE_ENDIAN) {
    if (h.endianness === 1) {
      throw new UnimplementedError(`${indexPath}: reading a bundle with different endianness from the reader is unsupported`);
    }
    throw corruptFile(indexPath, `bundle header has unknown endianness ${h.endianness}`);
  }
  // TF's CheckVersions(header.version(), kTensorBundleVersion, kTensorBundleMinProducer, ...).
  const v = h.version;
  if (v.producer < BUNDLE_MIN_PRODUCER) {
    throw new InvalidArgumentError(`Checkpoint producer version ${v.producer} below min producer ${BUNDLE_MIN_PRODUCER} supported by tf1-ts.  Please regenerate your checkpoint.`);
  }
  if (v.minConsumer > BUNDLE_VERSION) {
    throw new InvalidArgumentError(`Checkpoint min consumer version ${v.minConsumer} above current version ${BUNDLE_VERSION} for tf1-ts.  Please upgrade.`);
  }
  if (v.badConsumers.includes(BUNDLE_VERSION)) {
    throw new InvalidArgumentError(`Checkpoint disallows consumer version ${BUNDLE_VERSION}.`);
  }
}

function checkEntry(indexPath: string, key: string, e: BundleEntry, h: BundleHeader): void {
  if (e.hasSlices) {
    throw new UnimplementedError(`${indexPath}: key ${key} is a partitioned (sliced) variable, which is not supported`);
  }
  const dtype = DTYPE_FROM_ENUM.get(e.dtype);
  if (dtype === undefined) {
    const name = UNSUPPORTED_DTYPE_NAMES[e.dtype];
    if (name !== undefined) throw new UnimplementedError(`${indexPath}: key ${key} has dtype ${name}, which is not supported`);
    throw corruptFile(indexPath, `key ${key} has invalid dtype enum ${e.dtype}`);
  }
  if (e.unknownRank || e.shape.some((d) => d < 0)) {
    throw corruptFile(indexPath, `key ${key} has a shape that is not fully defined`);
  }
  if (e.shardId < 0 || e.shardId >= h.numShards) {
    throw corruptFile(indexPath, `key ${key} has shard_id ${e.shardId} but the bundle has ${h.numShards} shard(s)`);
  }
  if (e.offset < 0) throw corruptFile(indexPath, `key ${key} has negative offset ${e.offset}`);
  const expected = numElements(e.shape) * BYTE_SIZE[dtype];
  if (e.size !== expected) {
    throw new DataLossError(`Invalid size in bundle entry: key ${key}; stored size ${e.size}; expected size ${expected} (${indexPath})`);
  }
}

/** Source of a shard's bytes: whole file in memory (readBundle) or ranged reads (readBundleEntry). */
interface ShardSource {
  read(shard: number, offset: number, size: number, key: string): Uint8Array;
}

class WholeShards implements ShardSource {
  private readonly files = new Map<number, Uint8Array>();
  constructor(
    private readonly prefix: string,
    private readonly numShards: number,
  ) {}

  read(shard: number, offset: number, size: number, key: string): Uint8Array {
    let bytes = this.files.get(shard);
    if (bytes === undefined) {
      bytes = readWholeFile(dataFilename(this.prefix, shard, this.numShards));
      this.files.set(shard, bytes);
    }
    if (offset + size > bytes.length) {
      throw new DataLossError(
        `${dataFilename(this.prefix, shard, this.numShards)}: key ${key} needs bytes [${offset}, ${offset + size}) but the file has ${bytes.length} bytes (truncated?)`,
      );
    }
    return bytes.subarray(offset, offset + size);
  }
}

function readRange(file: string, offset: number, size: number, key: string): Uint8Array {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw ioError(err, file);
  }
  try {
    const out = new Uint8Array(size);
    let done = 0;
    while (done < size) {
      const n = fs.readSync(fd, out, done, size - done, offset + done);
      if (n === 0) {
        throw new DataLossError(`${file}: key ${key} needs bytes [${offset}, ${offset + size}) but only ${done} could be read (truncated?)`);
      }
      done += n;
    }
    return out;
  } catch (err) {
    throw ioError(err, file);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads, checksums and decodes one entry's tensor. */
function loadTensor(key: string, e: BundleEntry, src: ShardSource): BundleTensor {
  const dtype = DTYPE_FROM_ENUM.get(e.dtype) as BundleDType; // checked by checkEntry
  const bytes = src.read(e.shardId, e.offset, e.size, key);
  const actual = crc32c(bytes);
  const stored = unmask(e.crc32c);
  if (stored !== actual) {
    // TF prints the stored value with %08u.
    throw new DataLossError(
      `Checksum does not match: stored ${String(stored).padStart(8, '0')} vs. calculated on the restored bytes ${actual} (key ${key})`,
    );
  }
  return { dtype, shape: [...e.shape], data: decodeBytes(dtype, bytes) };
}

function decodeBytes(dtype: BundleDType, bytes: Uint8Array): BundleData {
  const n = bytes.length / BYTE_SIZE[dtype];
  // Copy into a fresh, aligned buffer: the source may sit at any offset of a shared file buffer.
  // (new Uint8Array(x) copies; Buffer#slice would not.)
  const copy = new Uint8Array(bytes);
  if (dtype === 'bool') return copy;
  if (dtype === 'int64') {
    const dv = new DataView(copy.buffer);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Number(dv.getBigInt64(i * 8, true));
    return out;
  }
  if (HOST_LITTLE_ENDIAN) {
    if (dtype === 'float32') return new Float32Array(copy.buffer);
    if (dtype === 'float64') return new Float64Array(copy.buffer);
    return new Int32Array(copy.buffer);
  }
  const dv = new DataView(copy.buffer);
  const out = dtype === 'float32' ? new Float32Array(n) : dtype === 'float64' ? new Float64Array(n) : new Int32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = dtype === 'float32' ? dv.getFloat32(i * 4, true) : dtype === 'float64' ? dv.getFloat64(i * 8, true) : dv.getInt32(i * 4, true);
  }
  return out;
}

function readWithIndex(prefix: string, indexPath: string): Map<string, BundleTensor> {
  const idx = parseIndex(indexPath);
  const src = new WholeShards(prefix, idx.header.numShards);
  const out = new Map<string, BundleTensor>();
  for (const [key, e] of idx.entries) out.set(key, loadTensor(key, e, src));
  return out;
}

/** The newest temporary index of `prefix` whose every entry verifies against the data, if any. */
function findVerifiedTempIndex(prefix: string): { path: string; tensors: Map<string, BundleTensor> } | null {
  const dir = path.dirname(prefix);
  const candidates = listTemporaries(dir, path.basename(indexFilename(prefix)))
    .map((p) => {
      try {
        return { p, mtime: fs.statSync(p).mtimeMs };
      } catch {
        return null;
      }
    })
    .filter((c): c is { p: string; mtime: number } => c !== null)
    .sort((a, b) => b.mtime - a.mtime);
  for (const c of candidates) {
    try {
      return { path: c.p, tensors: readWithIndex(prefix, c.p) };
    } catch {
      // Not the index of the current data: keep looking.
    }
  }
  return null;
}

/**
 * Reads every tensor of the checkpoint at `prefix`, in key order, verifying the index (block
 * CRCs, structure, header, entries) and each tensor's CRC32C.
 * Missing files: NotFoundError; any corruption: DataLossError naming the file and key.
 */
export function readBundle(prefix: string): Map<string, BundleTensor> {
  try {
    return readWithIndex(prefix, indexFilename(prefix));
  } catch (err) {
    if (!(err instanceof DataLossError)) throw err;
    // A write interrupted between its two renames: the new index waits in a temporary.
    const recovered = findVerifiedTempIndex(prefix);
    if (recovered !== null) return recovered.tensors;
    // A write that completed while we were reading (data swapped under our index): read again.
    try {
      return readWithIndex(prefix, indexFilename(prefix));
    } catch {
      throw err;
    }
  }
}

/** Key → {dtype, shape} of every tensor in the checkpoint (verified like readBundle). */
export function listBundle(prefix: string): Map<string, { dtype: BundleDType; shape: number[] }> {
  const out = new Map<string, { dtype: BundleDType; shape: number[] }>();
  for (const [k, t] of readBundle(prefix)) out.set(k, { dtype: t.dtype, shape: t.shape });
  return out;
}

/**
 * Reads one tensor. NotFoundError `Key <key> not found in checkpoint` when absent.
 * Normally only that tensor's bytes are read from the data file (and checksummed). When an
 * interrupted write left a temporary index behind, the whole checkpoint is verified instead, so
 * that this agrees with readBundle about which version (old or new) is current.
 */
export function readBundleEntry(prefix: string, key: string): BundleTensor {
  const dir = path.dirname(prefix);
  const viaWhole = (): BundleTensor => {
    const t = readBundle(prefix).get(key);
    if (t === undefined) throw new NotFoundError(`Key ${key} not found in checkpoint`);
    return t;
  };
  if (listTemporaries(dir, path.basename(indexFilename(prefix))).length > 0) return viaWhole();
  try {
    const idx = parseIndex(indexFilename(prefix));
    const e = idx.entries.get(key);
    if (e === undefined) throw new NotFoundError(`Key ${key} not found in checkpoint`);
    const src: ShardSource = {
      read: (shard, offset, size, k) => readRange(dataFilename(prefix, shard, idx.header.numShards), offset, size, k),
    };
    return loadTensor(key, e, src);
  } catch (err) {
    if (!(err instanceof DataLossError)) throw err;
    // Same recovery and retry as readBundle (a write may have started or finished meanwhile).
    try {
      return viaWhole();
    } catch {
      throw err;
    }
  }
}
