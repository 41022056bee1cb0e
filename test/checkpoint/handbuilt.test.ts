/**
 * Checkpoints whose bytes this test assembles by hand from the format description
 * (TF1_SEMANTICS.md section 9), with its own bit-at-a-time CRC32C and varint code, so the reader
 * is checked against the specification rather than against our own writer.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readBundle, readBundleEntry, writeBundle, BundleTensor } from '../../src/train/checkpoint/bundle';
import { crc32c as libCrc, mask as libMask, unmask as libUnmask } from '../../src/train/checkpoint/crc32c';

// ---- independent helpers ---------------------------------------------------------------------

/** Bitwise CRC32C: no tables, straight from the definition. */
function crc(bytes: number[] | Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
const maskCrc = (c: number): number => (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
function varint(v: number): number[] {
  const out: number[] = [];
  while (v >= 128) {
    out.push((v & 127) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const field = (num: number, wire: number): number[] => varint((num << 3) | wire);
const lenField = (num: number, body: number[]): number[] => [...field(num, 2), ...varint(body.length), ...body];

function f32le(values: number[]): number[] {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeFloatLE(v, i * 4));
  return [...b];
}

/** BundleEntryProto: dtype(1) shape(2){dim(2){size(1)}} shard_id(3) offset(4) size(5) crc32c(6, fixed32). */
function entry(dtype: number, shape: number[], offset: number, bytes: number[], opts: { explicitZeros?: boolean; unknownField?: boolean } = {}): number[] {
  const shapeBody = shape.flatMap((d) => lenField(2, d === 0 ? [] : [...field(1, 0), ...varint(d)]));
  const out = [...field(1, 0), ...varint(dtype), ...lenField(2, shapeBody)];
  if (opts.explicitZeros || offset !== 0) {
    if (opts.explicitZeros) out.push(...field(3, 0), 0); // shard_id 0 written explicitly
    out.push(...field(4, 0), ...varint(offset));
  }
  if (bytes.length !== 0) out.push(...field(5, 0), ...varint(bytes.length));
  out.push(...field(6, 5), ...u32(maskCrc(crc(bytes))));
  if (opts.unknownField) out.push(...lenField(99, ascii('future')));
  return out;
}

/** BundleHeaderProto {num_shards: 1, endianness: LITTLE (default, omitted), version {producer: 1}}. */
const HEADER = [...field(1, 0), 1, ...lenField(3, [...field(1, 0), 1])];

/** A block: prefix-compressed entries, restart every `interval` entries, restart array, count. */
function block(entries: Array<[number[], number[]]>, interval: number): number[] {
  const out: number[] = [];
  const restarts: number[] = [];
  let prev: number[] = [];
  entries.forEach(([k, v], i) => {
    let shared = 0;
    if (i % interval === 0) restarts.push(out.length);
    else while (shared < Math.min(prev.length, k.length) && prev[shared] === k[shared]) shared++;
    out.push(...varint(shared), ...varint(k.length - shared), ...varint(v.length), ...k.slice(shared), ...v);
    prev = k;
  });
  if (restarts.length === 0) restarts.push(0);
  for (const r of restarts) out.push(...u32(r));
  out.push(...u32(restarts.length));
  return out;
}

/** A whole table: one data block per group, empty metaindex, index with the given index keys. */
function table(groups: Array<Array<[number[], number[]]>>, indexKeys: number[][], interval = 16): number[] {
  const file: number[] = [];
  const put = (contents: number[]): number[] => {
    const handle = [...varint(file.length), ...varint(contents.length)];
    file.push(...contents, 0, ...u32(maskCrc(crc([...contents, 0]))));
    return handle;
  };
  const handles = groups.map((g) => put(block(g, interval)));
  const meta = put(block([], 16));
  const index = put(block(handles.map((h, i) => [indexKeys[i], h]), 1));
  const footer = [...meta, ...index];
  while (footer.length < 40) footer.push(0);
  footer.push(...u32(0x8b80fb57), ...u32(0xdb477524));
  file.push(...footer);
  return file;
}

// ---- tests -----------------------------------------------------------------------------------

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf1ts-handbuilt-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('CRC32C', () => {
  test('check values', () => {
    expect(crc(ascii('123456789'))).toBe(0xe3069283);
    expect(libCrc(new Uint8Array(ascii('123456789')))).toBe(0xe3069283);
    // RFC 3720 B.4 vectors.
    expect(libCrc(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(libCrc(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(libCrc(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(libCrc(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(libCrc(new Uint8Array(0))).toBe(0);
  });

  test('table-driven matches bitwise on odd lengths and offsets', () => {
    const data = Uint8Array.from({ length: 1031 }, (_, i) => (i * 7919 + 13) & 0xff);
    for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 1031]) {
      expect(libCrc(data.subarray(0, n))).toBe(crc(data.subarray(0, n)));
      expect(libCrc(data.subarray(3, 3 + Math.min(n, 1028)))).toBe(crc(data.subarray(3, 3 + Math.min(n, 1028))));
    }
  });

  test('mask / unmask', () => {
    for (const c of [0, 1, 0xe3069283, 0xffffffff, 0x8a9136aa]) {
      expect(libMask(c)).toBe(maskCrc(c));
      expect(libUnmask(libMask(c))).toBe(c);
      expect(libMask(c)).not.toBe(c);
    }
  });
});

describe('hand-built V2 checkpoint', () => {
  const variable = [1.5, -2.25];
  const kernel = [0.125, 1, -3, 4.5];
  const varBytes = f32le(variable);
  const kernelBytes = f32le(kernel);
  const rows: Array<[number[], number[]]> = [
    [[], HEADER],
    [ascii('Variable'), entry(1, [2], 0, varBytes)],
    [ascii('rnn/basic_rnn_cell/kernel'), entry(1, [2, 2], 8, kernelBytes)],
  ];

  test('two float32 variables read back', () => {
    const prefix = path.join(dir, 'model.ckpt');
    // Index key of the only block: LevelDB's short successor of the last key ("r" + 1 = "s").
    fs.writeFileSync(`${prefix}.index`, Buffer.from(table([rows], [ascii('s')])));
    fs.writeFileSync(`${prefix}.data-00000-of-00001`, Buffer.from([...varBytes, ...kernelBytes]));
    const got = readBundle(prefix);
    expect([...got.keys()]).toEqual(['Variable', 'rnn/basic_rnn_cell/kernel']);
    expect(got.get('Variable')).toEqual({ dtype: 'float32', shape: [2], data: new Float32Array(variable) });
    expect(got.get('rnn/basic_rnn_cell/kernel')).toEqual({ dtype: 'float32', shape: [2, 2], data: new Float32Array(kernel) });
    expect(readBundleEntry(prefix, 'rnn/basic_rnn_cell/kernel').data).toEqual(new Float32Array(kernel));
  });

  test('our writer produces exactly these bytes', () => {
    const prefix = path.join(dir, 'ours.ckpt');
    const tensors = new Map<string, BundleTensor>([
      ['rnn/basic_rnn_cell/kernel', { dtype: 'float32', shape: [2, 2], data: new Float32Array(kernel) }],
      ['Variable', { dtype: 'float32', shape: [2], data: new Float32Array(variable) }],
    ]);
    writeBundle(prefix, tensors);
    expect([...fs.readFileSync(`${prefix}.index`)]).toEqual(table([rows], [ascii('s')]));
    expect([...fs.readFileSync(`${prefix}.data-00000-of-00001`)]).toEqual([...varBytes, ...kernelBytes]);
  });

  test('layout variations a valid writer may produce are accepted', () => {
    // One block per entry, index keys equal to each block's last key, restart at every entry,
    // explicit zero fields and an unknown field (proto3 readers skip those).
    const prefix = path.join(dir, 'variant.ckpt');
    const r: Array<[number[], number[]]> = [
      [[], HEADER],
      [ascii('Variable'), entry(1, [2], 0, varBytes, { explicitZeros: true, unknownField: true })],
      [ascii('rnn/basic_rnn_cell/kernel'), entry(1, [2, 2], 8, kernelBytes)],
    ];
    fs.writeFileSync(`${prefix}.index`, Buffer.from(table([[r[0]], [r[1]], [r[2]]], r.map((x) => x[0]), 1)));
    fs.writeFileSync(`${prefix}.data-00000-of-00001`, Buffer.from([...varBytes, ...kernelBytes]));
    const got = readBundle(prefix);
    expect(got.get('Variable')?.data).toEqual(new Float32Array(variable));
    expect(got.get('rnn/basic_rnn_cell/kernel')?.data).toEqual(new Float32Array(kernel));
  });

  test('many keys across blocks with prefix compression and other dtypes', () => {
    const prefix = path.join(dir, 'many.ckpt');
    const all: Array<[number[], number[]]> = [[[], HEADER]];
    const data: number[] = [];
    const expected = new Map<string, number[]>();
    for (let i = 0; i < 40; i++) {
      const key = `layer_${String(i).padStart(3, '0')}/weights`;
      const vals = [i, -i, i * 1000];
      const bytes = [...Buffer.from(new Int32Array(vals).buffer)];
      all.push([ascii(key), entry(3, [3], data.length, bytes)]);
      data.push(...bytes);
      expected.set(key, vals);
    }
    // Blocks of 10 entries, restart interval 4; each index key is its block's full last key
    // (valid: the format only needs last key <= index key < next block's first key).
    const groups = [all.slice(0, 10), all.slice(10, 20), all.slice(20, 30), all.slice(30)];
    fs.writeFileSync(`${prefix}.index`, Buffer.from(table(groups, groups.map((g) => g[g.length - 1][0]), 4)));
    fs.writeFileSync(`${prefix}.data-00000-of-00001`, Buffer.from(data));
    const got = readBundle(prefix);
    expect(got.size).toBe(40);
    for (const [k, v] of expected) expect(got.get(k)).toEqual({ dtype: 'int32', shape: [3], data: new Int32Array(v) });
  });

  test('a two-shard bundle (as Saver(sharded=True) writes) reads from both data files', () => {
    const prefix = path.join(dir, 'sharded.ckpt');
    const header2 = [...field(1, 0), 2, ...lenField(3, [...field(1, 0), 1])];
    const onShard1 = entry(1, [2, 2], 0, kernelBytes);
    // shard_id (field 3) goes between shape (2) and offset (4); insert it after the shape field.
    const shapeEnd = 2 + 2 + onShard1[3];
    const withShard = [...onShard1.slice(0, shapeEnd), ...field(3, 0), 1, ...onShard1.slice(shapeEnd)];
    const r: Array<[number[], number[]]> = [
      [[], header2],
      [ascii('Variable'), entry(1, [2], 0, varBytes)],
      [ascii('rnn/basic_rnn_cell/kernel'), withShard],
    ];
    fs.writeFileSync(`${prefix}.index`, Buffer.from(table([r], [ascii('s')])));
    fs.writeFileSync(`${prefix}.data-00000-of-00002`, Buffer.from(varBytes));
    fs.writeFileSync(`${prefix}.data-00001-of-00002`, Buffer.from(kernelBytes));
    const got = readBundle(prefix);
    expect(got.get('Variable')?.data).toEqual(new Float32Array(variable));
    expect(got.get('rnn/basic_rnn_cell/kernel')?.data).toEqual(new Float32Array(kernel));
    expect(readBundleEntry(prefix, 'rnn/basic_rnn_cell/kernel').data).toEqual(new Float32Array(kernel));
  });

  test('int64, double, bool, scalar and empty entries', () => {
    const prefix = path.join(dir, 'types.ckpt');
    const i64 = Buffer.alloc(16);
    i64.writeBigInt64LE(-5n, 0);
    i64.writeBigInt64LE(2n ** 53n - 1n, 8);
    const f64 = Buffer.alloc(8);
    f64.writeDoubleLE(Math.PI, 0);
    const boolBytes = [1, 0, 1];
    const d: number[] = [];
    const rowsT: Array<[number[], number[]]> = [[[], HEADER]];
    const add = (key: string, dtype: number, shape: number[], bytes: number[]): void => {
      rowsT.push([ascii(key), entry(dtype, shape, d.length, bytes)]);
      d.push(...bytes);
    };
    add('a_int64', 9, [2], [...i64]);
    add('b_scalar_double', 2, [], [...f64]);
    add('c_bool', 10, [3], boolBytes);
    add('d_empty', 1, [0, 4], []);
    fs.writeFileSync(`${prefix}.index`, Buffer.from(table([rowsT], [ascii('e')])));
    fs.writeFileSync(`${prefix}.data-00000-of-00001`, Buffer.from(d));
    const got = readBundle(prefix);
    expect(got.get('a_int64')).toEqual({ dtype: 'int64', shape: [2], data: new Float64Array([-5, 2 ** 53 - 1]) });
    expect(got.get('b_scalar_double')).toEqual({ dtype: 'float64', shape: [], data: new Float64Array([Math.PI]) });
    expect(got.get('c_bool')).toEqual({ dtype: 'bool', shape: [3], data: new Uint8Array(boolBytes) });
    expect(got.get('d_empty')).toEqual({ dtype: 'float32', shape: [0, 4], data: new Float32Array(0) });
  });
});
