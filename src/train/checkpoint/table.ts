/**
 * LevelDB's SSTable ("table") format, the container of a tensor bundle's `.index` file
 * (tensorflow/core/lib/io/{table_builder,block_builder,format}.cc carry LevelDB's format).
 *
 * File: data blocks, a metaindex block (empty here), an index block, a 48-byte footer.
 * Block: entries `varint shared, varint unshared, varint value_len, key[shared:], value`, keys
 * prefix-compressed against the previous key except at restart points; then the uint32 restart
 * offsets and their count. Each block is followed by a trailer: 1 compression-type byte (0 = none)
 * and the masked CRC32C of block+type. Footer: metaindex and index BlockHandles (varint64 offset,
 * varint64 size) zero-padded to 40 bytes, then the magic 0xdb4775248b80fb57 (low word first).
 *
 * Only uncompressed tables with the bytewise comparator are handled, which is what TF writes.
 */
import { DataLossError, UnimplementedError } from '../../core/errors';
import { crc32cExtend, mask, unmask } from './crc32c';
import { ByteReader, ByteWriter } from './proto';

export const TABLE_MAGIC_LO = 0x8b80fb57;
export const TABLE_MAGIC_HI = 0xdb477524;
export const BLOCK_TRAILER_SIZE = 5;
export const FOOTER_SIZE = 48;
const MAX_HANDLES_SIZE = 40; // 2 * BlockHandle::kMaxEncodedLength
const NO_COMPRESSION = 0;
const SNAPPY_COMPRESSION = 1;

export interface TableOptions {
  /** Data blocks are cut once their size estimate reaches this (bytes). */
  blockSize?: number;
  /** Entries between restart points in data blocks. */
  restartInterval?: number;
}

export interface TableEntry {
  key: Uint8Array;
  value: Uint8Array;
}

export interface BlockHandle {
  offset: number;
  size: number;
}

/** Bytewise comparison, the comparator TF's tables use. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

function sharedPrefixLength(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** LevelDB's FindShortestSeparator: a short key k with start <= k < limit. */
export function shortestSeparator(start: Uint8Array, limit: Uint8Array): Uint8Array {
  const diff = sharedPrefixLength(start, limit);
  if (diff < Math.min(start.length, limit.length)) {
    const b = start[diff];
    if (b < 0xff && b + 1 < limit[diff]) {
      const out = start.slice(0, diff + 1);
      out[diff]++;
      return out;
    }
  }
  return start;
}

/** LevelDB's FindShortSuccessor: a short key k >= key. */
export function shortSuccessor(key: Uint8Array): Uint8Array {
  for (let i = 0; i < key.length; i++) {
    if (key[i] !== 0xff) {
      const out = key.slice(0, i + 1);
      out[i]++;
      return out;
    }
  }
  return key;
}

class BlockBuilder {
  private w = new ByteWriter(4096);
  private restarts: number[] = [0];
  private counter = 0;
  private lastKey: Uint8Array = new Uint8Array(0);
  entries = 0;

  constructor(private readonly restartInterval: number) {}

  add(key: Uint8Array, value: Uint8Array): void {
    let shared = 0;
    if (this.counter < this.restartInterval) {
      shared = sharedPrefixLength(this.lastKey, key);
    } else {
      this.restarts.push(this.w.length);
      this.counter = 0;
    }
    this.w.varint(shared);
    this.w.varint(key.length - shared);
    this.w.varint(value.length);
    this.w.bytes(key.subarray(shared));
    this.w.bytes(value);
    this.lastKey = key;
    this.counter++;
    this.entries++;
  }

  sizeEstimate(): number {
    return this.w.length + this.restarts.length * 4 + 4;
  }

  finish(): Uint8Array {
    for (const r of this.restarts) this.w.fixed32(r);
    this.w.fixed32(this.restarts.length);
    return this.w.finish();
  }
}

/** Writes a table into a list of chunks (one per block, then the footer), in file order. */
export class TableBuilder {
  private readonly blockSize: number;
  private readonly restartInterval: number;
  private data: BlockBuilder;
  // The index block restarts at every entry, as LevelDB's TableBuilder sets it up.
  private readonly index = new BlockBuilder(1);
  private readonly chunks: Uint8Array[] = [];
  private offset = 0;
  private lastKey: Uint8Array | null = null;
  private pendingHandle: BlockHandle | null = null;
  private finished = false;

  constructor(opts: TableOptions = {}) {
    this.blockSize = opts.blockSize ?? 4096;
    this.restartInterval = opts.restartInterval ?? 16;
    if (!(this.blockSize >= 1) || !(this.restartInterval >= 1)) throw new RangeError('TableBuilder: bad options');
    this.data = new BlockBuilder(this.restartInterval);
  }

  /** Keys must arrive in strictly increasing bytewise order. */
  add(key: Uint8Array, value: Uint8Array): void {
    if (this.finished) throw new Error('TableBuilder.add after finish');
    if (this.lastKey !== null && compareBytes(this.lastKey, key) >= 0) {
      throw new Error('TableBuilder.add: keys must be strictly increasing');
    }
    if (this.pendingHandle !== null && this.lastKey !== null) {
      // The index entry of the previous block is emitted now that the next key bounds it.
      this.index.add(shortestSeparator(this.lastKey, key), encodeHandle(this.pendingHandle));
      this.pendingHandle = null;
    }
    this.data.add(key, value);
    this.lastKey = key;
    if (this.data.sizeEstimate() >= this.blockSize) this.flush();
  }

  private flush(): void {
    if (this.data.entries === 0) return;
    this.pendingHandle = this.writeBlock(this.data.finish());
    this.data = new BlockBuilder(this.restartInterval);
  }

  private writeBlock(contents: Uint8Array): BlockHandle {
    const handle = { offset: this.offset, size: contents.length };
    const out = new Uint8Array(contents.length + BLOCK_TRAILER_SIZE);
    out.set(contents);
    out[contents.length] = NO_COMPRESSION;
    const crc = crc32cExtend(0, out, 0, contents.length + 1);
    new DataView(out.buffer).setUint32(contents.length + 1, mask(crc), true);
    this.chunks.push(out);
    this.offset += out.length;
    return handle;
  }

  finish(): Uint8Array[] {
    if (this.finished) throw new Error('TableBuilder.finish called twice');
    this.finished = true;
    this.flush();
    const metaHandle = this.writeBlock(new BlockBuilder(this.restartInterval).finish());
    if (this.pendingHandle !== null && this.lastKey !== null) {
      this.index.add(shortSuccessor(this.lastKey), encodeHandle(this.pendingHandle));
      this.pendingHandle = null;
    }
    const indexHandle = this.writeBlock(this.index.finish());
    const footer = new Uint8Array(FOOTER_SIZE);
    const handles = new ByteWriter();
    handles.bytes(encodeHandle(metaHandle));
    handles.bytes(encodeHandle(indexHandle));
    footer.set(handles.finish());
    const dv = new DataView(footer.buffer);
    dv.setUint32(MAX_HANDLES_SIZE, TABLE_MAGIC_LO, true);
    dv.setUint32(MAX_HANDLES_SIZE + 4, TABLE_MAGIC_HI, true);
    this.chunks.push(footer);
    return this.chunks;
  }
}

function encodeHandle(h: BlockHandle): Uint8Array {
  const w = new ByteWriter(20);
  w.varint(h.offset);
  w.varint(h.size);
  return w.finish();
}

function decodeHandle(r: ByteReader): BlockHandle {
  return { offset: r.varint(), size: r.varint() };
}

// ---- reading --------------------------------------------------------------------------------

function corrupt(fileName: string, detail: string): never {
  throw new DataLossError(`${fileName}: corrupted SSTable: ${detail}`);
}

/** Reads the block at `h`, checking bounds, the trailer CRC and the compression type. */
function readBlock(file: Uint8Array, h: BlockHandle, limit: number, fileName: string, what: string): Uint8Array {
  if (h.offset + h.size + BLOCK_TRAILER_SIZE > limit) {
    corrupt(fileName, `${what} block handle (offset ${h.offset}, size ${h.size}) is out of bounds`);
  }
  const end = h.offset + h.size;
  const stored = unmask(new DataView(file.buffer, file.byteOffset + end + 1, 4).getUint32(0, true));
  const actual = crc32cExtend(0, file, h.offset, end + 1);
  if (stored !== actual) {
    corrupt(fileName, `${what} block checksum mismatch at offset ${h.offset}: stored ${stored} vs. calculated ${actual}`);
  }
  const type = file[end];
  if (type === SNAPPY_COMPRESSION) {
    throw new UnimplementedError(`${fileName}: snappy-compressed table blocks are not supported`);
  }
  if (type !== NO_COMPRESSION) corrupt(fileName, `${what} block at offset ${h.offset} has unknown compression type ${type}`);
  return file.subarray(h.offset, end);
}

/** Decodes every entry of a block, validating the restart array against the entries. */
function parseBlock(block: Uint8Array, fileName: string, what: string): TableEntry[] {
  if (block.length < 4) corrupt(fileName, `${what} block is too short`);
  const dv = new DataView(block.buffer, block.byteOffset, block.length);
  const numRestarts = dv.getUint32(block.length - 4, true);
  if (numRestarts > Math.floor((block.length - 4) / 4)) corrupt(fileName, `${what} block has a bad restart count`);
  const restartsAt = block.length - 4 - 4 * numRestarts;
  const r = new ByteReader(block, 0, restartsAt, `${fileName}: corrupted SSTable: ${what} block`);
  const entries: TableEntry[] = [];
  const starts = new Map<number, number>(); // entry offset -> shared length
  let prev: Uint8Array = new Uint8Array(0);
  while (!r.done) {
    const at = r.pos;
    const shared = r.varint();
    const unshared = r.varint();
    const valueLen = r.varint();
    if (shared > prev.length) r.fail(`entry at ${at} shares ${shared} bytes with a ${prev.length}-byte key`);
    const suffix = r.bytes(unshared);
    const key = new Uint8Array(shared + unshared);
    key.set(prev.subarray(0, shared));
    key.set(suffix, shared);
    entries.push({ key, value: r.bytes(valueLen) });
    starts.set(at, shared);
    prev = key;
  }
  if (entries.length === 0) {
    // An empty block (LevelDB writes the metaindex like this) has the single restart point 0.
    if (numRestarts !== 1 || dv.getUint32(restartsAt, true) !== 0) corrupt(fileName, `empty ${what} block has bad restart points`);
    return entries;
  }
  let last = -1;
  for (let i = 0; i < numRestarts; i++) {
    const off = dv.getUint32(restartsAt + 4 * i, true);
    if (off <= last || starts.get(off) !== 0) corrupt(fileName, `${what} block has a bad restart point ${off}`);
    last = off;
  }
  if (numRestarts === 0 || dv.getUint32(restartsAt, true) !== 0) {
    corrupt(fileName, `${what} block does not restart at its first entry`);
  }
  return entries;
}

/**
 * Parses and fully verifies a table held in memory: footer magic and padding, every block's CRC
 * and structure, strictly increasing keys, and index keys that bound their blocks.
 * Returns all entries in key order. Throws DataLossError naming `fileName` on any defect.
 */
export function readTable(file: Uint8Array, fileName: string): TableEntry[] {
  if (file.length < FOOTER_SIZE) corrupt(fileName, `file is too short (${file.length} bytes) to be an SSTable`);
  const footerAt = file.length - FOOTER_SIZE;
  const fdv = new DataView(file.buffer, file.byteOffset + footerAt, FOOTER_SIZE);
  if (fdv.getUint32(MAX_HANDLES_SIZE, true) !== TABLE_MAGIC_LO || fdv.getUint32(MAX_HANDLES_SIZE + 4, true) !== TABLE_MAGIC_HI) {
    corrupt(fileName, 'bad magic number (truncated file or not an SSTable)');
  }
  const fr = new ByteReader(file, footerAt, footerAt + MAX_HANDLES_SIZE, `${fileName}: corrupted SSTable: footer`);
  const metaHandle = decodeHandle(fr);
  const indexHandle = decodeHandle(fr);
  // LevelDB ignores the padding and accepts over-long varints; writers always produce canonical
  // varints and zero padding, so insisting on both lets a damaged footer never go unnoticed.
  if (fr.pos - footerAt !== encodeHandle(metaHandle).length + encodeHandle(indexHandle).length) {
    corrupt(fileName, 'footer block handles are not canonically encoded');
  }
  for (let i = fr.pos; i < footerAt + MAX_HANDLES_SIZE; i++) {
    if (file[i] !== 0) corrupt(fileName, 'footer padding is not zero');
  }
  parseBlock(readBlock(file, metaHandle, footerAt, fileName, 'metaindex'), fileName, 'metaindex');
  const index = parseBlock(readBlock(file, indexHandle, footerAt, fileName, 'index'), fileName, 'index');
  const out: TableEntry[] = [];
  let prevIndexKey: Uint8Array | null = null;
  for (const ie of index) {
    const hr = new ByteReader(ie.value, 0, ie.value.length, `${fileName}: corrupted SSTable: index entry`);
    const h = decodeHandle(hr);
    if (!hr.done) hr.fail('trailing bytes after block handle');
    const entries = parseBlock(readBlock(file, h, footerAt, fileName, 'data'), fileName, 'data');
    if (entries.length === 0) corrupt(fileName, `data block at offset ${h.offset} is empty`);
    if (prevIndexKey !== null && compareBytes(prevIndexKey, entries[0].key) >= 0) {
      corrupt(fileName, `data block at offset ${h.offset} starts at or before the previous block's index key`);
    }
    for (const e of entries) {
      if (out.length > 0 && compareBytes(out[out.length - 1].key, e.key) >= 0) {
        corrupt(fileName, `keys out of order in data block at offset ${h.offset}`);
      }
      out.push(e);
    }
    if (compareBytes(ie.key, entries[entries.length - 1].key) < 0) {
      corrupt(fileName, `index key is below the last key of data block at offset ${h.offset}`);
    }
    prevIndexKey = ie.key;
  }
  return out;
}
