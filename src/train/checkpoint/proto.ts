/**
 * Just enough protobuf (proto3 wire format) for the tensor bundle index: BundleHeaderProto,
 * BundleEntryProto, TensorShapeProto and VersionDef, plus the byte writer/reader and varints
 * the SSTable code shares. Field numbers follow tensorflow/core/protobuf/tensor_bundle.proto,
 * framework/tensor_shape.proto and framework/versions.proto.
 *
 * Decoding never trusts its input: any malformed byte sequence throws DataLossError naming
 * `context` (file and key), so a corrupt index can never turn into a silently wrong value.
 */
import { DataLossError } from '../../core/errors';

/** Growable little-endian byte buffer. */
export class ByteWriter {
  private buf: Uint8Array;
  length = 0;

  constructor(initialCapacity = 64) {
    this.buf = new Uint8Array(initialCapacity);
  }

  private ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b & 0xff;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  fixed32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    let p = this.length;
    b[p++] = v & 0xff;
    b[p++] = (v >>> 8) & 0xff;
    b[p++] = (v >>> 16) & 0xff;
    b[p++] = (v >>> 24) & 0xff;
    this.length = p;
  }

  /**
   * Base-128 varint of an integer. Negative values are written as their 64-bit two's complement
   * (10 bytes), as protobuf does for int32/int64 fields.
   */
  varint(v: number): void {
    if (!Number.isSafeInteger(v)) throw new RangeError(`varint: ${v} is not a safe integer`);
    if (v < 0) {
      let u = BigInt.asUintN(64, BigInt(v));
      while (u >= 0x80n) {
        this.byte(Number(u & 0x7fn) | 0x80);
        u >>= 7n;
      }
      this.byte(Number(u));
      return;
    }
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }

  /** Length-delimited bytes: varint length then the bytes. */
  lengthDelimited(data: Uint8Array): void {
    this.varint(data.length);
    this.bytes(data);
  }

  /** A copy of the bytes written so far (safe to keep after further writes). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Sequential reader over `buf[start, end)`; every overrun or bad varint is a DataLossError. */
export class ByteReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
    /** Prefix for error messages: what is being decoded and where. */
    readonly context: string,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  fail(detail: string): never {
    throw new DataLossError(`${this.context}: ${detail}`);
  }

  byte(): number {
    if (this.pos >= this.end) this.fail('unexpected end of data');
    return this.buf[this.pos++];
  }

  bytes(n: number): Uint8Array {
    if (n < 0 || n > this.end - this.pos) this.fail(`length ${n} runs past the end of the data`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  fixed32(): number {
    if (this.end - this.pos < 4) this.fail('unexpected end of data');
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  /** Raw 64-bit varint (at most 10 bytes). */
  varintBig(): bigint {
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      if (i === 9 && b > 1) this.fail('varint overflows 64 bits');
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) return result;
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** Unsigned varint that must fit a JS safe integer (lengths, offsets, sizes). */
  varint(): number {
    // Fast path: up to 7 bytes (49 bits) is exact in a double.
    let result = 0;
    let scale = 1;
    const start = this.pos;
    for (let i = 0; i < 7; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
    this.pos = start;
    const big = this.varintBig();
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`varint ${big} is too large`);
    return Number(big);
  }

  /** int64 field: two's complement, must be a safe integer. */
  varintInt64(): number {
    const v = BigInt.asIntN(64, this.varintBig());
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      this.fail(`int64 value ${v} is out of the supported range`);
    }
    return Number(v);
  }

  /** int32/enum field: protobuf keeps the low 32 bits of the varint. */
  varintInt32(): number {
    return Number(BigInt.asIntN(32, this.varintBig()));
  }
}

// ---- wire format ----------------------------------------------------------------------------

const WT_VARINT = 0;
const WT_FIXED64 = 1;
const WT_LEN = 2;
const WT_FIXED32 = 5;

function tag(w: ByteWriter, field: number, wireType: number): void {
  w.varint((field << 3) | wireType);
}

interface FieldTag {
  field: number;
  wireType: number;
}

function readTag(r: ByteReader): FieldTag {
  const t = r.varint();
  const field = Math.floor(t / 8);
  const wireType = t % 8;
  if (field === 0 || field > 0x1fffffff) r.fail(`invalid field number ${field}`);
  return { field, wireType };
}

/** Skips an unknown field (forward compatibility, as protobuf does). Groups are rejected. */
function skipField(r: ByteReader, wireType: number): void {
  switch (wireType) {
    case WT_VARINT:
      r.varintBig();
      return;
    case WT_FIXED64:
      r.bytes(8);
      return;
    case WT_LEN:
      r.bytes(r.varint());
      return;
    case WT_FIXED32:
      r.bytes(4);
      return;
    default:
      r.fail(`unsupported wire type ${wireType}`);
  }
}

function expectWire(r: ByteReader, t: FieldTag, wireType: number, name: string): void {
  if (t.wireType !== wireType) r.fail(`field ${name} (${t.field}) has wire type ${t.wireType}, expected ${wireType}`);
}

function subReader(r: ByteReader, what: string): ByteReader {
  const len = r.varint();
  const start = r.pos;
  r.bytes(len);
  return new ByteReader(r.buf, start, start + len, `${r.context} (${what})`);
}

// ---- VersionDef -----------------------------------------------------------------------------

export interface VersionDef {
  producer: number;
  minConsumer: number;
  badConsumers: number[];
}

function encodeVersionDef(w: ByteWriter, v: VersionDef): void {
  // proto3: fields equal to their default are not written.
  if (v.producer !== 0) {
    tag(w, 1, WT_VARINT);
    w.varint(v.producer);
  }
  if (v.minConsumer !== 0) {
    tag(w, 2, WT_VARINT);
    w.varint(v.minConsumer);
  }
  if (v.badConsumers.length > 0) {
    // Repeated scalars are packed by default in proto3.
    const inner = new ByteWriter();
    for (const c of v.badConsumers) inner.varint(c);
    tag(w, 3, WT_LEN);
    w.lengthDelimited(inner.finish());
  }
}

function decodeVersionDef(r: ByteReader, into: VersionDef): void {
  while (!r.done) {
    const t = readTag(r);
    if (t.field === 1) {
      expectWire(r, t, WT_VARINT, 'producer');
      into.producer = r.varintInt32();
    } else if (t.field === 2) {
      expectWire(r, t, WT_VARINT, 'min_consumer');
      into.minConsumer = r.varintInt32();
    } else if (t.field === 3) {
      if (t.wireType === WT_LEN) {
        const p = subReader(r, 'bad_consumers');
        while (!p.done) into.badConsumers.push(p.varintInt32());
      } else {
        expectWire(r, t, WT_VARINT, 'bad_consumers');
        into.badConsumers.push(r.varintInt32());
      }
    } else {
      skipField(r, t.wireType);
    }
  }
}

// ---- BundleHeaderProto ----------------------------------------------------------------------

/** BundleHeaderProto.Endianness */
export const LITTLE_ENDIAN = 0;
export const BIG_ENDIAN = 1;

export interface BundleHeader {
  numShards: number;
  endianness: number;
  version: VersionDef;
}

export function encodeBundleHeader(h: BundleHeader): Uint8Array {
  const w = new ByteWriter();
  if (h.numShards !== 0) {
    tag(w, 1, WT_VARINT);
    w.varint(h.numShards);
  }
  if (h.endianness !== 0) {
    tag(w, 2, WT_VARINT);
    w.varint(h.endianness);
  }
  // TF always sets the version submessage, so it is always present.
  const v = new ByteWriter();
  encodeVersionDef(v, h.version);
  tag(w, 3, WT_LEN);
  w.lengthDelimited(v.finish());
  return w.finish();
}

export function decodeBundleHeader(bytes: Uint8Array, context: string): BundleHeader {
  const r = new ByteReader(bytes, 0, bytes.length, context);
  const h: BundleHeader = { numShards: 0, endianness: 0, version: { producer: 0, minConsumer: 0, badConsumers: [] } };
  while (!r.done) {
    const t = readTag(r);
    if (t.field === 1) {
      expectWire(r, t, WT_VARINT, 'num_shards');
      h.numShards = r.varintInt32();
    } else if (t.field === 2) {
      expectWire(r, t, WT_VARINT, 'endianness');
      h.endianness = r.varintInt32();
    } else if (t.field === 3) {
      expectWire(r, t, WT_LEN, 'version');
      decodeVersionDef(subReader(r, 'version'), h.version);
    } else {
      skipField(r, t.wireType);
    }
  }
  return h;
}

// ---- BundleEntryProto -----------------------------------------------------------------------

export interface BundleEntry {
  /** DataType enum value (DT_FLOAT = 1, ...). */
  dtype: number;
  /** Dimension sizes; -1 (unknown) can be decoded but is rejected by the bundle reader. */
  shape: number[];
  /** TensorShapeProto.unknown_rank */
  unknownRank: boolean;
  shardId: number;
  offset: number;
  size: number;
  /** Masked CRC32C of the tensor's bytes, as stored. */
  crc32c: number;
  /** True when the entry carries `slices` (partitioned variables; not supported here). */
  hasSlices: boolean;
}

export function encodeBundleEntry(e: BundleEntry): Uint8Array {
  const w = new ByteWriter();
  if (e.dtype !== 0) {
    tag(w, 1, WT_VARINT);
    w.varint(e.dtype);
  }
  // TF fills the shape with TensorShape::AsProto on a mutable_shape(), so the field is present
  // even for scalars (an empty message), and each dim is present even when its size is 0.
  const shape = new ByteWriter();
  for (const d of e.shape) {
    const dim = new ByteWriter();
    if (d !== 0) {
      tag(dim, 1, WT_VARINT);
      dim.varint(d);
    }
    tag(shape, 2, WT_LEN);
    shape.lengthDelimited(dim.finish());
  }
  if (e.unknownRank) {
    tag(shape, 3, WT_VARINT);
    shape.varint(1);
  }
  tag(w, 2, WT_LEN);
  w.lengthDelimited(shape.finish());
  if (e.shardId !== 0) {
    tag(w, 3, WT_VARINT);
    w.varint(e.shardId);
  }
  if (e.offset !== 0) {
    tag(w, 4, WT_VARINT);
    w.varint(e.offset);
  }
  if (e.size !== 0) {
    tag(w, 5, WT_VARINT);
    w.varint(e.size);
  }
  if (e.crc32c !== 0) {
    tag(w, 6, WT_FIXED32);
    w.fixed32(e.crc32c);
  }
  return w.finish();
}

function decodeTensorShape(r: ByteReader, e: BundleEntry): void {
  while (!r.done) {
    const t = readTag(r);
    if (t.field === 2) {
      expectWire(r, t, WT_LEN, 'dim');
      const d = subReader(r, 'dim');
      let size = 0;
      while (!d.done) {
        const dt = readTag(d);
        if (dt.field === 1) {
          expectWire(d, dt, WT_VARINT, 'size');
          size = d.varintInt64();
        } else {
          skipField(d, dt.wireType); // dim.name is allowed and ignored
        }
      }
      e.shape.push(size);
    } else if (t.field === 3) {
      expectWire(r, t, WT_VARINT, 'unknown_rank');
      e.unknownRank = r.varintBig() !== 0n;
    } else {
      skipField(r, t.wireType);
    }
  }
}

export function decodeBundleEntry(bytes: Uint8Array, context: string): BundleEntry {
  const r = new ByteReader(bytes, 0, bytes.length, context);
  const e: BundleEntry = {
    dtype: 0,
    shape: [],
    unknownRank: false,
    shardId: 0,
    offset: 0,
    size: 0,
    crc32c: 0,
    hasSlices: false,
  };
  while (!r.done) {
    const t = readTag(r);
    switch (t.field) {
      case 1:
        expectWire(r, t, WT_VARINT, 'dtype');
        e.dtype = r.varintInt32();
        break;
      case 2:
        expectWire(r, t, WT_LEN, 'shape');
        decodeTensorShape(subReader(r, 'shape'), e);
        break;
      case 3:
        expectWire(r, t, WT_VARINT, 'shard_id');
        e.shardId = r.varintInt32();
        break;
      case 4:
        expectWire(r, t, WT_VARINT, 'offset');
        e.offset = r.varintInt64();
        break;
      case 5:
        expectWire(r, t, WT_VARINT, 'size');
        e.size = r.varintInt64();
        break;
      case 6:
        expectWire(r, t, WT_FIXED32, 'crc32c');
        e.crc32c = r.fixed32();
        break;
      case 7:
        expectWire(r, t, WT_LEN, 'slices');
        r.bytes(r.varint());
        e.hasSlices = true;
        break;
      default:
        skipField(r, t.wireType);
    }
  }
  return e;
}
