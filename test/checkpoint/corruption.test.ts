/**
 * Damaged checkpoints: every flipped byte and every truncation of either file must raise
 * DataLossError (or NotFoundError), never return a wrong value.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataLossError, NotFoundError } from '../../src/core/errors';
import { BundleTensor, dataFilename, indexFilename, readBundle, readBundleEntry, writeBundle } from '../../src/train/checkpoint/bundle';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf1ts-corrupt-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const tensors = new Map<string, BundleTensor>([
  ['Variable', { dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) }],
  ['beta1_power', { dtype: 'float32', shape: [], data: new Float32Array([0.9]) }],
  ['global_step', { dtype: 'int64', shape: [], data: new Float64Array([1000]) }],
  ['mask', { dtype: 'bool', shape: [3], data: new Uint8Array([1, 0, 1]) }],
  ['nothing', { dtype: 'float64', shape: [0], data: new Float64Array(0) }],
  ['rnn/basic_rnn_cell/bias', { dtype: 'float64', shape: [2], data: new Float64Array([0.5, -0.5]) }],
  ['rnn/basic_rnn_cell/kernel', { dtype: 'float32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }],
  ['step_i32', { dtype: 'int32', shape: [1], data: new Int32Array([7]) }],
]);
// Enough extra keys that the index has several data blocks and restart points.
for (let i = 0; i < 24; i++) {
  tensors.set(`layer/${String(i).padStart(2, '0')}/w`, { dtype: 'float32', shape: [1], data: new Float32Array([i]) });
}

/** The key whose bytes sit at data-file offset `pos` (tensors are stored in bytewise key order). */
function keyAt(pos: number): string {
  let offset = 0;
  for (const k of [...tensors.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
    offset += (tensors.get(k) as BundleTensor).data.byteLength;
    if (pos < offset) return k;
  }
  throw new Error(`offset ${pos} is past the data`);
}

const bytesOf = (t: BundleTensor): Buffer => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);

/** Runs `read`; it must throw DataLoss/NotFound. Returns the message for spot checks. */
function expectRejected(read: () => unknown, what: string): string {
  let result: unknown;
  try {
    result = read();
  } catch (err) {
    if (err instanceof DataLossError || err instanceof NotFoundError) return err.message;
    throw new Error(`${what}: unexpected error ${String(err)}`);
  }
  throw new Error(`${what}: read succeeded (${result instanceof Map ? `${result.size} tensors` : 'a tensor'}) on a damaged checkpoint`);
}

function withDamage(file: string, damaged: Buffer, body: () => void): void {
  const original = fs.readFileSync(file);
  fs.writeFileSync(file, damaged);
  try {
    body();
  } finally {
    fs.writeFileSync(file, original);
  }
}

describe('corrupted index file', () => {
  const prefix = (): string => path.join(dir, 'idx.ckpt');
  beforeAll(() => writeBundle(prefix(), tensors, { blockSize: 160, restartInterval: 4 }));

  test('every flipped byte (three patterns) is DataLoss', () => {
    const file = indexFilename(prefix());
    const original = fs.readFileSync(file);
    expect(original.length).toBeGreaterThan(800); // several data blocks
    let cases = 0;
    for (let i = 0; i < original.length; i++) {
      for (const x of [0x01, 0x80, 0xff]) {
        const damaged = Buffer.from(original);
        damaged[i] ^= x;
        withDamage(file, damaged, () => {
          expectRejected(() => readBundle(prefix()), `index byte ${i} ^ ${x}`);
          expectRejected(() => readBundleEntry(prefix(), 'Variable'), `index byte ${i} ^ ${x} (entry)`);
        });
        cases++;
      }
    }
    expect(cases).toBe(original.length * 3);
  });

  test('every truncation, and appended bytes, are DataLoss', () => {
    const file = indexFilename(prefix());
    const original = fs.readFileSync(file);
    for (let n = 0; n < original.length; n++) {
      withDamage(file, original.subarray(0, n), () => expectRejected(() => readBundle(prefix()), `index truncated to ${n}`));
    }
    for (const extra of [Buffer.from([0]), Buffer.alloc(48), Buffer.from('garbage')]) {
      withDamage(file, Buffer.concat([original, extra]), () => expectRejected(() => readBundle(prefix()), 'index with appended bytes'));
    }
    const msg = expectRejected(() => {
      withDamage(file, original.subarray(0, 10), () => readBundle(prefix()));
    }, 'short');
    expect(msg).toContain(file);
  });

  test('still reads correctly after all that', () => {
    const got = readBundle(prefix());
    for (const [k, t] of tensors) expect(bytesOf(got.get(k) as BundleTensor).equals(bytesOf(t))).toBe(true);
  });
});

describe('corrupted data file', () => {
  const prefix = (): string => path.join(dir, 'data.ckpt');
  beforeAll(() => writeBundle(prefix(), tensors));

  test('every flipped byte is caught by the entry checksum', () => {
    const file = dataFilename(prefix());
    const original = fs.readFileSync(file);
    for (let i = 0; i < original.length; i++) {
      for (const x of [0x01, 0x80, 0xff]) {
        const damaged = Buffer.from(original);
        damaged[i] ^= x;
        withDamage(file, damaged, () => {
          const msg = expectRejected(() => readBundle(prefix()), `data byte ${i} ^ ${x}`);
          expect(msg).toMatch(/^Checksum does not match: stored \d+ vs\. calculated on the restored bytes \d+ \(key .+\)$/);
          // Single-entry reads: the damaged tensor is rejected, another one is still exact.
          const hit = keyAt(i);
          expect(() => readBundleEntry(prefix(), hit)).toThrow(DataLossError);
          const other = hit === 'Variable' ? 'step_i32' : 'Variable';
          expect(bytesOf(readBundleEntry(prefix(), other)).equals(bytesOf(tensors.get(other) as BundleTensor))).toBe(true);
        });
      }
    }
  });

  test('the checksum message names the key', () => {
    const file = dataFilename(prefix());
    const original = fs.readFileSync(file);
    const damaged = Buffer.from(original);
    damaged[0] ^= 1; // first tensor in key order: Variable
    withDamage(file, damaged, () => {
      expect(() => readBundle(prefix())).toThrow(/\(key Variable\)$/);
      expect(() => readBundleEntry(prefix(), 'Variable')).toThrow(DataLossError);
    });
  });

  test('every truncation is DataLoss', () => {
    const file = dataFilename(prefix());
    const original = fs.readFileSync(file);
    for (let n = 0; n < original.length; n++) {
      withDamage(file, original.subarray(0, n), () => {
        expectRejected(() => readBundle(prefix()), `data truncated to ${n}`);
        // The last tensor in key order always loses bytes.
        expectRejected(() => readBundleEntry(prefix(), 'step_i32'), `data truncated to ${n} (entry)`);
      });
    }
  });

  test('missing files are NotFound', () => {
    const file = dataFilename(prefix());
    const original = fs.readFileSync(file);
    fs.unlinkSync(file);
    try {
      expect(() => readBundle(prefix())).toThrow(NotFoundError);
    } finally {
      fs.writeFileSync(file, original);
    }
    expect(() => readBundle(path.join(dir, 'absent'))).toThrow(NotFoundError);
  });
});
