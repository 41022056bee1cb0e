/**
 * GpuBackend: the Backend interface on gpu.js (see README.md in this folder for the design).
 *
 * Placement: a tensor lives on the device (a gpu.js texture, or a typed array on webasm/cpu
 * modes) unless it cannot be represented there exactly: float64, integers beyond 2^24, empty
 * tensors and tensors over 2^24 elements stay on the host ("pinned"), and any primitive that
 * touches one runs on the CPU backend. Invalid arguments are also handed to the CPU backend,
 * whose checks raise TF's exact errors.
 *
 * Laziness: elementwise primitives (and matmul, whose result can absorb an elementwise epilogue)
 * return lazy tensors; the fused expression is compiled into one kernel when a non-elementwise
 * kernel or toHost needs it. Kernels are cached by their generated source.
 */
import { AdamParams, Backend, BackendTensor, BinaryOp, ReduceOp, UnaryOp, broadcastShapes } from '../backend';
import { CpuBackend } from '../cpu';
import { DType, TypedArray, coerce } from '../../core/dtypes';
import { InternalError, InvalidArgumentError } from '../../core/errors';
import { NDArray } from '../../ndarray/ndarray';
import { BuiltKernel, KernelBuilder } from './codegen';
import { CompiledKernel, DeviceBuf, GpuJsDevice, GpuJsMode, bestMode } from './gpujs_adapter';
import {
  argReduceKernel,
  concatKernel,
  firstOutOfRangeKernel,
  gatherKernel,
  inTopKKernel,
  partialReduceKernel,
  reduceKernel,
  segmentSumKernel,
  sliceKernel,
  transposeKernel,
} from './kernels';
import { EXACT_INT_LIMIT, GpuTensor, LazyNode, MAX_DEVICE_ELEMENTS, Storage, nodeInputs, sameShape, sizeOf } from './tensor';

/** Fused kernels read at most this many distinct buffers (WebGL1 guarantees 8 texture units; Mesa has 32). */
const MAX_LEAVES = 12;
/** Operation count beyond which an expression is split (shader size, compile time). */
const MAX_COST = 48;
/** A lazy input re-read more often than once per output is inlined only if this cheap. */
const CHEAP = 4;
/** Two-pass reductions: at least this many reduced elements, at most this many outputs. */
const SPLIT_MIN_REDUCED = 4096;
const SPLIT_MAX_OUTPUTS = 256;
/** Float tensors larger than this drop their host copy once uploaded. */
const HOST_COPY_MAX = 1 << 16;
/** unsortedSegmentSum runs on the device up to this many (output element x id) iterations. */
const SEGMENT_SUM_MAX_WORK = 2 ** 26;

export interface GpuBackendOptions {
  /** gpu.js mode; default the best available ('headlessgl', else 'webasm', else 'cpu'). */
  mode?: GpuJsMode;
  /** Backend for the primitives that cannot run on the device; default a new CpuBackend. */
  cpu?: Backend;
}

export interface GpuStats {
  /** Kernels compiled (cache misses; upload kernels included). */
  compiles: number;
  /** Compute kernel launches (GL uploads, which also run a copy kernel, are counted in uploads). */
  kernelRuns: number;
  /** Host -> device copies. */
  uploads: number;
  /** Device -> host copies (toHost, CPU fallbacks, index validation). */
  downloads: number;
  /** Device buffers allocated and not yet released (by dispose or by the garbage collector). */
  liveBuffers: number;
  /** Primitive calls that ran on the CPU backend, by primitive. */
  cpuFallbacks: Record<string, number>;
}

const UNARY_TF: Record<UnaryOp, string> = {
  neg: 'Neg', abs: 'Abs', sign: 'Sign', exp: 'Exp', log: 'Log', log1p: 'Log1p', sqrt: 'Sqrt', rsqrt: 'Rsqrt', square: 'Square',
  reciprocal: 'Reciprocal', tanh: 'Tanh', sigmoid: 'Sigmoid', relu: 'Relu', floor: 'Floor', ceil: 'Ceil', round: 'Round', sin: 'Sin',
  cos: 'Cos', logical_not: 'LogicalNot', is_nan: 'IsNan', is_finite: 'IsFinite',
};
const FLOAT_UNARY = new Set<UnaryOp>(['exp', 'log', 'log1p', 'sqrt', 'rsqrt', 'reciprocal', 'tanh', 'sigmoid', 'sin', 'cos', 'is_nan', 'is_finite']);
const FLOAT_BINARY = new Set<BinaryOp>(['tanh_grad', 'sigmoid_grad', 'relu_grad']);
const BOOL_BINARY = new Set<BinaryOp>(['logical_and', 'logical_or']);
const ANY_BINARY = new Set<BinaryOp>(['equal', 'not_equal']);
const CMP_BINARY = new Set<BinaryOp>(['equal', 'not_equal', 'less', 'less_equal', 'greater', 'greater_equal']);
const INT_DIVIDES = new Set<BinaryOp>(['div', 'floordiv', 'mod']);

function unaryDTypeOk(op: UnaryOp, d: DType): boolean {
  if (op === 'logical_not') return d === DType.bool;
  if (FLOAT_UNARY.has(op)) return d.isFloating;
  return d !== DType.bool;
}

function binaryDTypeOk(op: BinaryOp, d: DType): boolean {
  if (BOOL_BINARY.has(op)) return d === DType.bool;
  if (FLOAT_BINARY.has(op)) return d.isFloating;
  if (ANY_BINARY.has(op)) return true;
  return d !== DType.bool;
}

const isIndexDType = (d: DType): boolean => d === DType.int32 || d === DType.int64;

/** Whether host values must stay on the host (see the file comment). */
function mustPin(data: TypedArray, dtype: DType): boolean {
  const n = data.length;
  if (n === 0 || n > MAX_DEVICE_ELEMENTS || dtype === DType.float64) return true;
  if (dtype.isInteger) {
    for (let i = 0; i < n; i++) if (!(Math.abs(data[i]) < EXACT_INT_LIMIT)) return true;
  }
  return false;
}

/** Device float32 values -> host layout of `dtype`. */
function fromFloat32(f: Float32Array, dtype: DType): TypedArray {
  const out = dtype.alloc(f.length);
  if (dtype === DType.float32) {
    out.set(f);
  } else if (dtype === DType.bool) {
    for (let i = 0; i < f.length; i++) out[i] = f[i] !== 0 ? 1 : 0;
  } else if (dtype.isInteger) {
    // values are integral by construction; rounding guards the last bit of a transcendental
    for (let i = 0; i < f.length; i++) out[i] = Math.round(f[i]);
  } else {
    out.set(f);
  }
  return out;
}

export class GpuBackend implements Backend {
  readonly name: string;
  readonly mode: GpuJsMode;
  private readonly device: GpuJsDevice;
  private readonly cpu: Backend;
  private readonly cache = new Map<string, CompiledKernel>();
  private readonly registry: FinalizationRegistry<DeviceBuf>;
  private readonly counters = { kernelRuns: 0, uploads: 0, downloads: 0, liveBuffers: 0 };
  private readonly fallbacks: Record<string, number> = {};

  constructor(options: GpuBackendOptions = {}) {
    this.mode = options.mode ?? bestMode();
    this.device = new GpuJsDevice(this.mode);
    this.cpu = options.cpu ?? new CpuBackend();
    this.name = `gpu.js-${this.mode}`;
    // Device memory is not seen by the JS garbage collector; free it when no handle remains.
    this.registry = new FinalizationRegistry<DeviceBuf>((buf) => this.releaseBuf(buf));
  }

  get stats(): GpuStats {
    return { compiles: this.device.compiles, ...this.counters, cpuFallbacks: { ...this.fallbacks } };
  }

  /** Kernel objects gpu.js holds; equals stats.compiles unless gpu.js recompiled behind our back. */
  get gpuJsKernelCount(): number {
    return this.device.gpuJsKernelCount;
  }

  /** Computes t on the device now (a lazy tensor runs its fused kernel) without downloading it. */
  evaluate(t: BackendTensor): void {
    const x = this.g(t, 'evaluate');
    this.realize(x);
    const st = this.storageOf(x);
    if (!st.pinned) this.deviceBuf(st);
  }

  /** Waits for queued device work (GL draws return before they finish); for benchmarks. */
  sync(): void {
    this.device.sync();
  }

  /** Sources of the kernels compiled so far (the cache keys' sources), for inspection. */
  get kernelSources(): string[] {
    return [...this.cache.keys()].map((k) => k.slice(k.indexOf('|', k.indexOf('|') + 1) + 1));
  }

  /** Releases every kernel and the GL context; handles of this backend become unusable. */
  destroy(): void {
    this.device.destroy();
    this.cache.clear();
  }

  // ---- handles ------------------------------------------------------------------------------

  private g(t: BackendTensor, kernel: string): GpuTensor {
    if (!(t instanceof GpuTensor)) {
      throw new InvalidArgumentError(`${kernel}: expected a tensor of the ${this.name} backend, got ${t === null || typeof t !== 'object' ? String(t) : t.constructor.name}`, kernel);
    }
    if (t.storage === null && t.node === null) throw new InvalidArgumentError(`${kernel}: the tensor was disposed`, kernel);
    return t;
  }

  private attach(t: GpuTensor, st: Storage): void {
    t.storage = st;
    st.refs++;
    t.leaves = st.host !== null && st.buf === null && st.size === 1 ? new Set() : new Set([st.id]);
  }

  private hostTensor(data: TypedArray, shape: readonly number[], dtype: DType): GpuTensor {
    const st = new Storage(data.length);
    st.host = data;
    st.pinned = mustPin(data, dtype);
    const t = new GpuTensor(Object.freeze([...shape]), dtype, null, null);
    this.attach(t, st);
    return t;
  }

  /** The storage of a materialized tensor. */
  private storageOf(t: GpuTensor): Storage {
    if (t.storage === null) throw new InternalError('internal: storage of a lazy or disposed tensor');
    return t.storage;
  }

  private isPinned(t: GpuTensor): boolean {
    return t.storage !== null && t.storage.pinned;
  }

  /** Whether a primitive on these inputs producing (dtype, size) must run on the CPU backend. */
  private onHost(inputs: readonly GpuTensor[], outDType: DType, outSize: number): boolean {
    if (outDType === DType.float64 || outSize === 0 || outSize > MAX_DEVICE_ELEMENTS) return true;
    for (const t of inputs) if (this.isPinned(t) || t.size === 0) return true;
    return false;
  }

  /** A lazy tensor; bounds the fused expression and keeps shared matmuls from being recomputed. */
  private lazy(shape: readonly number[], dtype: DType, node: LazyNode): GpuTensor {
    const t = new GpuTensor(Object.freeze([...shape]), dtype, null, node);
    const ins = nodeInputs(node);
    for (const x of ins) {
      if (x.node === null || x.node.k === 'const') continue;
      const broadcast = node.k !== 'reshape' && !sameShape(x.shape, shape);
      if (broadcast || (x.hasDot && x.lazyConsumers > 0)) this.realize(x);
    }
    for (;;) {
      const leaves = new Set<number>();
      let cost = 1;
      let worst: GpuTensor | null = null;
      for (const x of ins) {
        for (const l of x.leaves) leaves.add(l);
        cost += x.cost;
        if (x.node !== null && x.node.k !== 'const' && (worst === null || x.cost + x.leaves.size > worst.cost + worst.leaves.size)) worst = x;
      }
      if ((leaves.size <= MAX_LEAVES && cost <= MAX_COST) || worst === null) {
        t.leaves = leaves;
        t.cost = cost;
        break;
      }
      this.realize(worst);
    }
    t.hasDot = node.k === 'dot' || ins.some((x) => x.hasDot);
    for (const x of ins) {
      x.pendingUses++;
      if (x.node !== null) x.lazyConsumers++;
    }
    return t;
  }

  private constant(value: number, dtype: DType): GpuTensor {
    return this.lazy([], dtype, { k: 'const', value: coerce(dtype, value) });
  }

  /** Makes `t` materialized, compiling its fused expression into one kernel. */
  realize(t: GpuTensor): void {
    const node = t.node;
    if (node === null) return;
    if (node.k === 'reshape' && node.x.node === null && node.x.storage !== null) {
      this.attach(t, node.x.storage);
    } else {
      const kb = new KernelBuilder(this, t.shape);
      const built = kb.finish(kb.load(t, kb.root));
      this.attach(t, this.runKernel(built, t.size));
    }
    t.node = null;
    t.cost = 0;
    t.hasDot = false;
    for (const x of nodeInputs(node)) {
      x.pendingUses--;
      this.tryFree(x);
    }
  }

  /** Runs a built kernel (compiling it on first use) and returns the output storage. */
  private runKernel(built: BuiltKernel, size: number): Storage {
    // gpu.js bakes argument sizes into a kernel too, and the source does not always imply them
    const key = `${size}|${built.storages.map((st) => st.size).join(',')}|${built.source}`;
    let k = this.cache.get(key);
    if (!k) {
      try {
        k = this.device.compile(built.source, size);
      } catch (e) {
        throw new InternalError(`gpu.js could not compile a kernel: ${(e as Error).message}\n${built.source}`);
      }
      this.cache.set(key, k);
    }
    const args = [...built.storages.map((st) => this.deviceBuf(st)), ...built.uniforms];
    let buf: DeviceBuf;
    try {
      buf = k.run(args);
    } catch (e) {
      throw new InternalError(`gpu.js kernel failed: ${(e as Error).message}\n${built.source}`);
    }
    this.counters.kernelRuns++;
    const st = new Storage(size);
    this.track(st, buf);
    return st;
  }

  private track(st: Storage, buf: DeviceBuf): void {
    st.buf = buf;
    this.counters.liveBuffers++;
    this.registry.register(st, buf, st);
  }

  private releaseBuf(buf: DeviceBuf): void {
    this.counters.liveBuffers--;
    this.device.release(buf);
  }

  private deviceBuf(st: Storage): DeviceBuf {
    if (st.buf !== null) return st.buf;
    if (st.host === null || st.pinned) throw new Error('internal: a host-only tensor reached a device kernel');
    const f = st.host instanceof Float32Array ? st.host : Float32Array.from(st.host);
    const buf = this.device.upload(f);
    this.track(st, buf);
    this.counters.uploads++;
    // The host copy makes toHost exact and index checks free; large float data gives it up
    // rather than living twice (int and bool copies stay: they are what indices are checked on).
    if (st.host instanceof Float32Array && st.size > HOST_COPY_MAX) st.host = null;
    return buf;
  }

  private run(built: BuiltKernel, shape: readonly number[], dtype: DType): GpuTensor {
    const t = new GpuTensor(Object.freeze([...shape]), dtype, null, null);
    this.attach(t, this.runKernel(built, t.size));
    return t;
  }

  /** Host values of t in its dtype's layout (no copy when a host copy exists). */
  private hostData(t: GpuTensor): TypedArray {
    if (t.node !== null && t.node.k === 'const') {
      const out = t.dtype.alloc(t.size);
      out.fill(t.node.value);
      return out;
    }
    this.realize(t);
    const st = this.storageOf(t);
    if (st.host !== null) return st.host;
    this.counters.downloads++;
    return fromFloat32(this.device.download(this.deviceBuf(st)), t.dtype);
  }

  // ---- the CPU fallback -----------------------------------------------------------------------

  private viaCpu(kernel: string, inputs: readonly GpuTensor[], f: (xs: BackendTensor[]) => BackendTensor): GpuTensor;
  private viaCpu(kernel: string, inputs: readonly GpuTensor[], f: (xs: BackendTensor[]) => BackendTensor[]): GpuTensor[];
  private viaCpu(kernel: string, inputs: readonly GpuTensor[], f: (xs: BackendTensor[]) => BackendTensor | BackendTensor[]): GpuTensor | GpuTensor[] {
    this.fallbacks[kernel] = (this.fallbacks[kernel] ?? 0) + 1;
    const xs = inputs.map((t) => this.cpu.fromHost(new NDArray(this.hostData(t), t.shape, t.dtype)));
    const back = (r: BackendTensor): GpuTensor => {
      const h = this.cpu.toHost(r);
      return this.hostTensor(h.data, h.shape, h.dtype);
    };
    const out = f(xs);
    return Array.isArray(out) ? out.map(back) : back(out);
  }

  // ---- host transfer ------------------------------------------------------------------------

  fromHost(a: NDArray): BackendTensor {
    const data = a.dtype.alloc(a.size);
    data.set(a.data);
    return this.hostTensor(data, a.shape, a.dtype);
  }

  toHost(t: BackendTensor): NDArray {
    const x = this.g(t, 'toHost');
    const data = this.hostData(x);
    const st = x.storage;
    // a host copy is shared with the handle: the caller gets its own
    const own = st !== null && st.host === data ? data.slice() : data;
    return new NDArray(own, x.shape, x.dtype);
  }

  reshape(t: BackendTensor, shape: readonly number[]): GpuTensor {
    const x = this.g(t, 'Reshape');
    const unknown = shape.indexOf(-1);
    if (unknown >= 0 && shape.lastIndexOf(-1) === unknown) {
      const known = -sizeOf(shape);
      if (known > 0 && x.size % known === 0) shape = shape.map((d) => (d === -1 ? x.size / known : d));
    }
    if (!shape.every((d) => Number.isInteger(d) && d >= 0) || sizeOf(shape) !== x.size) {
      return this.viaCpu('reshape', [x], ([c]) => this.cpu.reshape(c, shape));
    }
    if (x.node !== null) {
      if (x.node.k === 'const') return this.lazy(shape, x.dtype, x.node);
      return this.lazy(shape, x.dtype, { k: 'reshape', x });
    }
    const out = new GpuTensor(Object.freeze([...shape]), x.dtype, null, null);
    this.attach(out, this.storageOf(x));
    return out;
  }

  fill(shape: readonly number[], dtype: DType, value: number): BackendTensor {
    const v = coerce(dtype, value);
    const n = sizeOf(shape);
    if (dtype === DType.float64 || n === 0 || n > MAX_DEVICE_ELEMENTS || (dtype.isInteger && !(Math.abs(v) < EXACT_INT_LIMIT))) {
      const data = dtype.alloc(n);
      data.fill(v);
      return this.hostTensor(data, shape, dtype);
    }
    if (n === 1) {
      const data = dtype.alloc(1);
      data[0] = v;
      return this.hostTensor(data, shape, dtype);
    }
    // Filled on the device now rather than left lazy: a lazy constant compiles into its
    // consumers as a uniform, and when it seeds state (optimizer slots, accumulators) the first
    // step would otherwise need kernels of its own signature.
    const t = this.lazy(shape, dtype, { k: 'const', value: v });
    this.realize(t);
    return t;
  }

  dispose(t: BackendTensor): void {
    if (!(t instanceof GpuTensor)) return;
    t.disposeRequested = true;
    this.tryFree(t);
  }

  /** Frees a tensor whose disposal was asked for once no unrealized expression reads it. */
  private tryFree(t: GpuTensor): void {
    if (!t.disposeRequested || t.pendingUses > 0) return;
    const node = t.node;
    const st = t.storage;
    t.node = null;
    t.storage = null;
    if (node !== null) {
      for (const x of nodeInputs(node)) {
        x.pendingUses--;
        this.tryFree(x);
      }
    }
    // Storage is shared by reshapes: the buffer goes with its last handle (or with the GC).
    if (st !== null && --st.refs === 0 && st.buf !== null) {
      this.registry.unregister(st);
      this.releaseBuf(st.buf);
      st.buf = null;
    }
  }

  // ---- elementwise --------------------------------------------------------------------------

  unary(op: UnaryOp, t: BackendTensor): BackendTensor {
    const x = this.g(t, UNARY_TF[op] ?? 'unary');
    const outDType = op === 'is_nan' || op === 'is_finite' ? DType.bool : x.dtype;
    if (!(op in UNARY_TF) || !unaryDTypeOk(op, x.dtype) || this.onHost([x], outDType, x.size)) {
      return this.viaCpu('unary', [x], ([c]) => this.cpu.unary(op, c));
    }
    return this.lazy(x.shape, outDType, { k: 'unary', op, x });
  }

  binary(op: BinaryOp, ta: BackendTensor, tb: BackendTensor): BackendTensor {
    const a = this.g(ta, 'binary');
    const b = this.g(tb, 'binary');
    const shape = broadcastShapes(a.shape, b.shape);
    const outDType = CMP_BINARY.has(op) ? DType.bool : a.dtype;
    const valid = shape !== null && a.dtype === b.dtype && binaryDTypeOk(op, a.dtype) && !this.knownBadDivisor(op, b);
    if (!valid || this.onHost([a, b], outDType, sizeOf(shape ?? []))) {
      return this.viaCpu('binary', [a, b], ([x, y]) => this.cpu.binary(op, x, y));
    }
    return this.lazy(shape ?? [], outDType, { k: 'binary', op, a, b });
  }

  /** Integer division by zero / negative integer powers, when the divisor's values are on the host. */
  private knownBadDivisor(op: BinaryOp, b: GpuTensor): boolean {
    if (!b.dtype.isInteger || (!INT_DIVIDES.has(op) && op !== 'pow')) return false;
    const h = b.node !== null && b.node.k === 'const' ? [b.node.value] : b.storage !== null ? b.storage.host : null;
    if (h === null) return false;
    for (let i = 0; i < h.length; i++) if (op === 'pow' ? h[i] < 0 : h[i] === 0) return true;
    return false;
  }

  select(tc: BackendTensor, ta: BackendTensor, tb: BackendTensor): BackendTensor {
    const c = this.g(tc, 'SelectV2');
    const a = this.g(ta, 'SelectV2');
    const b = this.g(tb, 'SelectV2');
    const ab = broadcastShapes(a.shape, b.shape);
    const shape = ab === null ? null : broadcastShapes(c.shape, ab);
    if (shape === null || c.dtype !== DType.bool || a.dtype !== b.dtype || this.onHost([c, a, b], a.dtype, sizeOf(shape))) {
      return this.viaCpu('select', [c, a, b], ([x, y, z]) => this.cpu.select(x, y, z));
    }
    return this.lazy(shape, a.dtype, { k: 'select', c, a, b });
  }

  cast(t: BackendTensor, dtype: DType): BackendTensor {
    const x = this.g(t, 'Cast');
    if (dtype === x.dtype) return this.reshape(x, x.shape);
    if (x.dtype === DType.float64 || this.onHost([x], dtype, x.size)) {
      return this.viaCpu('cast', [x], ([c]) => this.cpu.cast(c, dtype));
    }
    return this.lazy(x.shape, dtype, { k: 'cast', x });
  }

  addN(ts: readonly BackendTensor[]): BackendTensor {
    const xs = ts.map((t) => this.g(t, 'AddN'));
    const ok = xs.length > 0 && xs.every((x) => sameShape(x.shape, xs[0].shape) && x.dtype === xs[0].dtype) && xs[0].dtype !== DType.bool;
    if (!ok || this.onHost(xs, xs[0].dtype, xs[0].size)) return this.viaCpu('addN', xs, (cs) => this.cpu.addN(cs));
    if (xs.length === 1) return this.reshape(xs[0], xs[0].shape);
    let acc = xs[0];
    for (let i = 1; i < xs.length; i++) {
      const prev = acc;
      acc = this.lazy(acc.shape, acc.dtype, { k: 'binary', op: 'add', a: acc, b: xs[i] });
      // Partial sums are temporaries: freed once the sum no longer reads them (else they would
      // keep the addends' buffers alive).
      if (prev !== xs[0]) this.dispose(prev);
    }
    return acc;
  }

  clip(t: BackendTensor, lo: number, hi: number): BackendTensor {
    const x = this.g(t, 'ClipByValue');
    if (x.dtype === DType.bool || this.onHost([x], x.dtype, x.size)) return this.viaCpu('clip', [x], ([c]) => this.cpu.clip(c, lo, hi));
    const m = this.lazy(x.shape, x.dtype, { k: 'binary', op: 'maximum', a: x, b: this.constant(lo, x.dtype) });
    const out = this.lazy(x.shape, x.dtype, { k: 'binary', op: 'minimum', a: m, b: this.constant(hi, x.dtype) });
    this.dispose(m);
    return out;
  }

  // ---- linear algebra -----------------------------------------------------------------------

  matmul(ta: BackendTensor, tb: BackendTensor, transposeA: boolean, transposeB: boolean): BackendTensor {
    const a = this.g(ta, 'MatMul');
    const b = this.g(tb, 'MatMul');
    const ra = a.shape.length;
    const rb = b.shape.length;
    let shape: number[] | null = null;
    if ((ra === 2 || ra === 3) && ra === rb && a.dtype === b.dtype && a.dtype !== DType.bool && (ra === 2 || a.shape[0] === b.shape[0])) {
      const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
      const Ka = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
      const Kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
      const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
      if (Ka === Kb) shape = ra === 3 ? [a.shape[0], M, N] : [M, N];
    }
    if (shape === null || this.onHost([a, b], a.dtype, sizeOf(shape))) {
      return this.viaCpu('matmul', [a, b], ([x, y]) => this.cpu.matmul(x, y, transposeA, transposeB));
    }
    // the dot loop reads its operands from buffers
    this.realize(a);
    this.realize(b);
    return this.lazy(shape, a.dtype, { k: 'dot', a, b, ta: transposeA, tb: transposeB });
  }

  // ---- reductions ---------------------------------------------------------------------------

  /** Realizes x if a kernel reading each element `reads` times should not recompute it. */
  private prepare(x: GpuTensor, reads = 1): GpuTensor {
    if (x.node !== null && x.node.k !== 'const' && (x.hasDot || (reads > 1 && x.cost > CHEAP))) this.realize(x);
    return x;
  }

  reduce(op: ReduceOp, t: BackendTensor, axes: readonly number[]): BackendTensor {
    const x = this.g(t, 'reduce');
    const rank = x.shape.length;
    const norm = [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))].sort((p, q) => p - q);
    const boolOp = op === 'any' || op === 'all';
    const valid = axes.every((a) => Number.isInteger(a) && a >= -rank && a < rank) && (boolOp ? x.dtype === DType.bool : x.dtype !== DType.bool);
    const outShape = x.shape.filter((_, d) => !norm.includes(d));
    if (!valid || this.onHost([x], x.dtype, sizeOf(outShape))) {
      return this.viaCpu('reduce', [x], ([c]) => this.cpu.reduce(op, c, axes));
    }
    if (norm.length === 0) return this.reshape(x, x.shape);
    return this.reduceInternal(op, x, norm, outShape);
  }

  private reduceInternal(op: ReduceOp, x: GpuTensor, axes: readonly number[], outShape: readonly number[]): GpuTensor {
    this.prepare(x);
    const R = sizeOf(axes.map((d) => x.shape[d]));
    const outSize = sizeOf(outShape);
    if (R >= SPLIT_MIN_REDUCED && outSize <= SPLIT_MAX_OUTPUTS) {
      const parts = Math.min(1024, Math.ceil(Math.sqrt(R)));
      const partial = this.run(partialReduceKernel(this, op, x, axes, outShape, parts), [...outShape, parts], x.dtype);
      const op2: ReduceOp = op === 'mean' ? 'mean' : op;
      const result = this.run(reduceKernel(this, op2, partial, [outShape.length], outShape, R), outShape, x.dtype);
      this.dispose(partial);
      return result;
    }
    return this.run(reduceKernel(this, op, x, axes, outShape, R), outShape, x.dtype);
  }

  argReduce(op: 'argmax' | 'argmin', t: BackendTensor, axis: number, dtype: DType): BackendTensor {
    const x = this.g(t, op === 'argmax' ? 'ArgMax' : 'ArgMin');
    const rank = x.shape.length;
    const ax = axis < 0 ? axis + rank : axis;
    const valid = Number.isInteger(axis) && ax >= 0 && ax < rank && x.shape[ax] > 0 && isIndexDType(dtype) && x.dtype !== DType.bool;
    const outShape = x.shape.filter((_, d) => d !== ax);
    if (!valid || this.onHost([x], dtype, sizeOf(outShape))) {
      return this.viaCpu('argReduce', [x], ([c]) => this.cpu.argReduce(op, c, axis, dtype));
    }
    return this.run(argReduceKernel(this, op, this.prepare(x), ax, outShape), outShape, dtype);
  }

  // ---- layout -------------------------------------------------------------------------------

  transpose(t: BackendTensor, perm: readonly number[]): BackendTensor {
    const x = this.g(t, 'Transpose');
    const rank = x.shape.length;
    const valid = perm.length === rank && [...perm].sort((p, q) => p - q).every((p, i) => p === i);
    if (!valid || this.onHost([x], x.dtype, x.size)) return this.viaCpu('transpose', [x], ([c]) => this.cpu.transpose(c, perm));
    if (perm.every((p, i) => p === i)) return this.reshape(x, x.shape);
    const outShape = perm.map((p) => x.shape[p]);
    return this.run(transposeKernel(this, this.prepare(x), perm, outShape), outShape, x.dtype);
  }

  slice(t: BackendTensor, begin: readonly number[], size: readonly number[]): BackendTensor {
    const x = this.g(t, 'Slice');
    const rank = x.shape.length;
    const sz = size.map((s, d) => (s === -1 ? x.shape[d] - begin[d] : s));
    const valid =
      begin.length === rank && size.length === rank && begin.every((b, d) => Number.isInteger(b) && b >= 0 && Number.isInteger(sz[d]) && sz[d] >= 0 && b + sz[d] <= x.shape[d]);
    if (!valid || this.onHost([x], x.dtype, sizeOf(sz))) return this.viaCpu('slice', [x], ([c]) => this.cpu.slice(c, begin, size));
    if (sameShape(sz, x.shape)) return this.reshape(x, x.shape);
    return this.run(sliceKernel(this, this.prepare(x), begin, sz), sz, x.dtype);
  }

  concat(ts: readonly BackendTensor[], axis: number): BackendTensor {
    const xs = ts.map((t) => this.g(t, 'ConcatV2'));
    const rank = xs.length > 0 ? xs[0].shape.length : 0;
    const ax = axis < 0 ? axis + rank : axis;
    const valid =
      xs.length > 0 &&
      ax >= 0 &&
      ax < rank &&
      xs.every((x) => x.dtype === xs[0].dtype && x.shape.length === rank && x.shape.every((s, d) => d === ax || s === xs[0].shape[d]));
    const outShape = valid ? xs[0].shape.map((s, d) => (d === ax ? xs.reduce((acc, x) => acc + x.shape[ax], 0) : s)) : [];
    const parts = xs.filter((x) => x.size > 0);
    if (!valid || this.onHost(parts, xs[0].dtype, sizeOf(outShape))) return this.viaCpu('concat', xs, (cs) => this.cpu.concat(cs, axis));
    if (parts.length === 1) return this.reshape(parts[0], outShape);
    return this.concatParts(parts.map((p) => this.prepare(p)), ax);
  }

  /** Joins parts in groups whose buffers fit one kernel's texture units. */
  private concatParts(parts: readonly GpuTensor[], axis: number): GpuTensor {
    const outShape = parts[0].shape.map((s, d) => (d === axis ? parts.reduce((acc, x) => acc + x.shape[axis], 0) : s));
    const groups: GpuTensor[][] = [[]];
    let weight = 0;
    for (const p of parts) {
      const w = Math.max(1, p.leaves.size);
      if (weight + w > MAX_LEAVES && groups[groups.length - 1].length > 0) {
        groups.push([]);
        weight = 0;
      }
      groups[groups.length - 1].push(p);
      weight += w;
    }
    if (groups.length > 1) {
      // Each group becomes one realized tensor (one buffer), so the next level has fewer leaves
      // (a lazy part left as it is would be grouped alone again, forever).
      const joined = groups.map((g) => {
        if (g.length > 1) return this.concatParts(g, axis);
        this.realize(g[0]);
        return g[0];
      });
      const out = this.concatParts(joined, axis);
      joined.forEach((j, i) => groups[i].length > 1 && this.dispose(j)); // the groups' joins are temporaries
      return out;
    }
    return this.run(concatKernel(this, parts, axis, outShape), outShape, parts[0].dtype);
  }

  broadcastTo(t: BackendTensor, shape: readonly number[]): BackendTensor {
    const x = this.g(t, 'BroadcastTo');
    const b = broadcastShapes(x.shape, shape);
    if (b === null || !sameShape(b, shape) || this.onHost([x], x.dtype, sizeOf(shape))) {
      return this.viaCpu('broadcastTo', [x], ([c]) => this.cpu.broadcastTo(c, shape));
    }
    if (sameShape(x.shape, shape)) return this.reshape(x, shape);
    return this.lazy(shape, x.dtype, { k: 'cast', x });
  }

  /** Whether every index of t is in [0, hi): host data is scanned, device data checked by a kernel. */
  private indicesInRange(t: GpuTensor, hi: number): boolean {
    if (t.node !== null && t.node.k === 'const') return t.node.value >= 0 && t.node.value < hi;
    const h = t.storage !== null ? t.storage.host : null;
    if (h !== null) {
      for (let i = 0; i < h.length; i++) if (!(h[i] >= 0 && h[i] < hi)) return false;
      return true;
    }
    const pos = this.run(firstOutOfRangeKernel(this, t, hi), [1], DType.float32);
    const ok = this.hostData(pos)[0] === t.size;
    this.dispose(pos);
    return ok;
  }

  gather(t: BackendTensor, ti: BackendTensor, axis: number): BackendTensor {
    const x = this.g(t, 'GatherV2');
    const ind = this.g(ti, 'GatherV2');
    const rank = x.shape.length;
    const ax = axis < 0 ? axis + rank : axis;
    const structural = ax >= 0 && ax < rank && isIndexDType(ind.dtype);
    const outShape = structural ? [...x.shape.slice(0, ax), ...ind.shape, ...x.shape.slice(ax + 1)] : [];
    if (!structural || this.onHost([x, ind], x.dtype, sizeOf(outShape)) || !this.indicesInRange(ind, x.shape[ax])) {
      return this.viaCpu('gather', [x, ind], ([c, i]) => this.cpu.gather(c, i, axis));
    }
    return this.run(gatherKernel(this, this.prepare(x), ind, ax, outShape), outShape, x.dtype);
  }

  unsortedSegmentSum(td: BackendTensor, ti: BackendTensor, numSegments: number): BackendTensor {
    const data = this.g(td, 'UnsortedSegmentSum');
    const ids = this.g(ti, 'UnsortedSegmentSum');
    const k = ids.shape.length;
    const structural =
      isIndexDType(ids.dtype) && data.dtype !== DType.bool && Number.isInteger(numSegments) && numSegments >= 0 && k <= data.shape.length && ids.shape.every((s, d) => s === data.shape[d]);
    const rest = structural ? data.shape.slice(k) : [];
    const outShape = [numSegments, ...rest];
    // Each output element scans every id (no atomics in gpu.js): past SEGMENT_SUM_MAX_WORK
    // iterations the CPU's single pass is cheaper than the device's quadratic one.
    const work = sizeOf(outShape) * ids.size;
    if (!structural || work > SEGMENT_SUM_MAX_WORK || this.onHost([data, ids], data.dtype, sizeOf(outShape)) || !this.indicesInRange(ids, numSegments)) {
      return this.viaCpu('unsortedSegmentSum', [data, ids], ([c, i]) => this.cpu.unsortedSegmentSum(c, i, numSegments));
    }
    const N = ids.size;
    const flatIds = this.reshape(ids, [N]);
    const flatData = this.prepare(this.reshape(data, [N, ...rest]), numSegments);
    const out = this.run(segmentSumKernel(this, flatData, flatIds, outShape), outShape, data.dtype);
    // The views are temporaries (they would keep the caller's buffers alive).
    this.dispose(flatIds);
    this.dispose(flatData);
    return out;
  }

  oneHot(ti: BackendTensor, depth: number, onValue: number, offValue: number, dtype: DType): BackendTensor {
    const ind = this.g(ti, 'OneHot');
    const outShape = [...ind.shape, depth];
    if (!isIndexDType(ind.dtype) || !Number.isInteger(depth) || depth < 0 || this.onHost([ind], dtype, sizeOf(outShape))) {
      return this.viaCpu('oneHot', [ind], ([i]) => this.cpu.oneHot(i, depth, onValue, offValue, dtype));
    }
    const hit = this.classMask(ind, outShape);
    const out = this.lazy(outShape, dtype, { k: 'select', c: hit, a: this.constant(onValue, dtype), b: this.constant(offValue, dtype) });
    this.dispose(hit);
    return out;
  }

  /** bool [..., C]: whether the last coordinate equals ids[...] (false for ids outside [0, C)). */
  private classMask(ids: GpuTensor, shape: readonly number[]): GpuTensor {
    const iota = this.lazy(shape, DType.int32, { k: 'iota', axis: shape.length - 1 });
    const col = this.reshape(ids, [...ids.shape, 1]) as GpuTensor;
    const mask = this.lazy(shape, DType.bool, { k: 'binary', op: 'equal', a: iota, b: col });
    this.dispose(col); // a view of the labels: released once the mask no longer reads it
    this.dispose(iota);
    return mask;
  }

  // ---- nn -----------------------------------------------------------------------------------

  private ew(op: BinaryOp, a: GpuTensor, b: GpuTensor): GpuTensor {
    const shape = broadcastShapes(a.shape, b.shape);
    if (shape === null) throw new InternalError(`internal: ${op} of [${a.shape}] and [${b.shape}]`);
    return this.lazy(shape, CMP_BINARY.has(op) ? DType.bool : a.dtype, { k: 'binary', op, a, b });
  }

  private ew1(op: UnaryOp, x: GpuTensor): GpuTensor {
    return this.lazy(x.shape, x.dtype, { k: 'unary', op, x });
  }

  /** Reduces the last axis, keeping it as size 1 for broadcasting. */
  private reduceLast(op: ReduceOp, x: GpuTensor): GpuTensor {
    const r = x.shape.length - 1;
    const out = this.reduceInternal(op, x, [r], x.shape.slice(0, r));
    const kept = this.reshape(out, [...x.shape.slice(0, r), 1]) as GpuTensor;
    this.dispose(out); // the reshaped handle keeps the storage
    return kept;
  }

  softmax(t: BackendTensor, log: boolean): BackendTensor {
    const x = this.g(t, log ? 'LogSoftmax' : 'Softmax');
    if (!x.dtype.isFloating || x.shape.length === 0 || this.onHost([x], x.dtype, x.size)) {
      return this.viaCpu('softmax', [x], ([c]) => this.cpu.softmax(c, log));
    }
    this.prepare(x, 3);
    const mx = this.reduceLast('max', x);
    const d = this.ew('sub', x, mx);
    const e = this.ew1('exp', d);
    const s = this.reduceLast('sum', e);
    const ls = log ? this.ew1('log', s) : null;
    const out = log ? this.ew('sub', d, ls!) : this.ew('div', e, s);
    // Temporaries go once the result no longer needs them (dispose waits for pending readers).
    this.disposeTemps([mx, d, e, s, ls], out);
    return out;
  }

  /** Asks for the release of a kernel's internal temporaries, never of what it returns. */
  private disposeTemps(temps: readonly (GpuTensor | null)[], ...keep: BackendTensor[]): void {
    for (const t of temps) if (t !== null && !keep.includes(t)) this.dispose(t);
  }

  softmaxCrossEntropy(tl: BackendTensor, ty: BackendTensor, sparse: boolean): [BackendTensor, BackendTensor] {
    const x = this.g(tl, sparse ? 'SparseSoftmaxCrossEntropyWithLogits' : 'SoftmaxCrossEntropyWithLogits');
    const y = this.g(ty, 'SoftmaxCrossEntropyWithLogits');
    const valid =
      x.shape.length === 2 &&
      x.dtype.isFloating &&
      (sparse ? isIndexDType(y.dtype) && y.shape.length === 1 && y.shape[0] === x.shape[0] : y.dtype === x.dtype && sameShape(y.shape, x.shape));
    if (!valid || this.onHost([x, y], x.dtype, x.size) || (sparse && !this.indicesInRange(y, x.shape[1]))) {
      const [l, bp] = this.viaCpu('softmaxCrossEntropy', [x, y], ([a, b]) => this.cpu.softmaxCrossEntropy(a, b, sparse));
      return [l, bp];
    }
    this.prepare(x, 4);
    const m = this.reduceLast('max', x);
    const shifted = this.ew('sub', x, m);
    const ex = this.ew1('exp', shifted);
    const se = this.reduceLast('sum', ex);
    const lse0 = this.ew1('log', se);
    const lse = this.ew('add', m, lse0);
    this.realize(lse);
    const nll = this.ew('sub', lse, x);
    const xl = this.ew('sub', x, lse);
    const p = this.ew1('exp', xl);
    let perClass: GpuTensor;
    let target: GpuTensor;
    const temps: (GpuTensor | null)[] = [m, shifted, ex, se, lse0, lse, nll, xl, p];
    if (sparse) {
      const hit = this.classMask(y, x.shape);
      const zero = this.constant(0, x.dtype);
      perClass = this.lazy(x.shape, x.dtype, { k: 'select', c: hit, a: nll, b: zero });
      target = this.lazy(x.shape, x.dtype, { k: 'cast', x: hit });
      temps.push(hit, zero, target);
    } else {
      perClass = this.ew('mul', y, nll);
      target = y;
    }
    temps.push(perClass);
    const loss = this.reduceInternal('sum', perClass, [1], [x.shape[0]]);
    const backprop = this.ew('sub', p, target);
    this.disposeTemps(temps.filter((t) => t !== y), loss, backprop);
    return [loss, backprop];
  }

  inTopK(tp: BackendTensor, tt: BackendTensor, k: number): BackendTensor {
    const p = this.g(tp, 'InTopKV2');
    const tg = this.g(tt, 'InTopKV2');
    const valid = p.shape.length === 2 && tg.shape.length === 1 && tg.shape[0] === p.shape[0] && isIndexDType(tg.dtype) && p.dtype.isFloating;
    if (!valid || this.onHost([p, tg], DType.bool, tg.size)) return this.viaCpu('inTopK', [p, tg], ([a, b]) => this.cpu.inTopK(a, b, k));
    return this.run(inTopKKernel(this, this.prepare(p, 2), tg, k), [p.shape[0]], DType.bool);
  }

  // ---- fused updates ------------------------------------------------------------------------

  applyAdam(tv: BackendTensor, tm: BackendTensor, tvv: BackendTensor, tg: BackendTensor, p: AdamParams): [BackendTensor, BackendTensor, BackendTensor] {
    const v = this.g(tv, 'ApplyAdam');
    const m = this.g(tm, 'ApplyAdam');
    const vv = this.g(tvv, 'ApplyAdam');
    const g = this.g(tg, 'ApplyAdam');
    const all = [v, m, vv, g];
    const valid = all.every((x) => sameShape(x.shape, v.shape) && x.dtype === v.dtype) && v.dtype.isFloating;
    if (!valid || this.onHost(all, v.dtype, v.size)) {
      const [a, b, c] = this.viaCpu('applyAdam', all, ([x0, x1, x2, x3]) => this.cpu.applyAdam(x0, x1, x2, x3, p));
      return [a, b, c];
    }
    // The three results are realized now: they become variables' values, and leaving them lazy
    // would grow one expression across training steps. Coefficients are uniforms.
    this.prepare(g, 2);
    // Every intermediate handle is collected and released at the end: an unreleased lazy node
    // would keep counting as a reader of the old m / v / var, so they could never be freed.
    const temps: GpuTensor[] = [];
    const t = (x: GpuTensor): GpuTensor => (temps.push(x), x);
    const c = (value: number): GpuTensor => t(this.constant(value, v.dtype));
    const lrT = (p.lr * Math.sqrt(1 - p.beta2Power)) / (1 - p.beta1Power);
    const m1 = this.ew('add', m, t(this.ew('mul', t(this.ew('sub', g, m)), c(1 - p.beta1))));
    const v1 = this.ew('add', vv, t(this.ew('mul', t(this.ew('sub', t(this.ew1('square', g)), vv)), c(1 - p.beta2))));
    this.realize(m1);
    this.realize(v1);
    const var1 = this.ew('sub', v, t(this.ew('div', t(this.ew('mul', c(lrT), m1)), t(this.ew('add', t(this.ew1('sqrt', v1)), c(p.epsilon))))));
    this.realize(var1);
    this.disposeTemps(temps, var1, m1, v1);
    return [var1, m1, v1];
  }
}
