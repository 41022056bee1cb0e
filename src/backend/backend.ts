/**
 * The kernel interface: the small set of primitive kernels every backend implements. Op
 * definitions (src/ops) call only these; composite ops (softmax-based losses' gradients,
 * dropout, RNN cells, optimizers' arithmetic) are built from primitives in graph land.
 *
 * Values on a backend are BackendTensor handles: a shape, a dtype and backend-owned storage
 * (a typed array on the CPU, a texture on gpu.js). A handle is immutable once a kernel has
 * returned it; kernels always return fresh handles (reshape may share storage).
 */
import { DType } from '../core/dtypes';
import { NDArray } from '../ndarray/ndarray';

export interface BackendTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
}

export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'exp'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'rsqrt'
  | 'square'
  | 'reciprocal'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'sin'
  | 'cos'
  | 'logical_not'
  | 'is_nan'
  | 'is_finite';

export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'floordiv'
  | 'mod'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'squared_difference'
  | 'equal'
  | 'not_equal'
  | 'less'
  | 'less_equal'
  | 'greater'
  | 'greater_equal'
  | 'logical_and'
  | 'logical_or'
  /** dy * (1 - y^2): TanhGrad(y, dy). */
  | 'tanh_grad'
  /** dy * y * (1 - y): SigmoidGrad(y, dy). */
  | 'sigmoid_grad'
  /** dy where x > 0 else 0: ReluGrad(dy, x). */
  | 'relu_grad';

export type ReduceOp = 'sum' | 'mean' | 'max' | 'min' | 'prod' | 'any' | 'all';

/** Activations a fused matmul epilogue applies (see Backend.fusedMatMul). */
export type FusedActivation = 'none' | 'tanh' | 'relu';

/** One step of TF1's ApplyAdam, on a variable and its two slots (updated in place or not). */
export interface AdamParams {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  beta1Power: number;
  beta2Power: number;
}

export interface Backend {
  /** 'cpu', 'gpu.js-headlessgl', 'gpu.js-webasm', ... */
  readonly name: string;

  // ---- host transfer -----------------------------------------------------------------------
  /** Uploads a host array: a copy (the caller may change `a` afterwards; sessions rely on it). */
  fromHost(a: NDArray): BackendTensor;
  /** Downloads to the host (the only place values leave the device). */
  toHost(t: BackendTensor): NDArray;
  /** Same storage, new shape (sizes must agree). */
  reshape(t: BackendTensor, shape: readonly number[]): BackendTensor;
  /** A tensor of `shape` filled with `value`. */
  fill(shape: readonly number[], dtype: DType, value: number): BackendTensor;
  /** Releases storage early (optional; the garbage collector is the fallback). */
  dispose?(t: BackendTensor): void;

  // ---- elementwise -------------------------------------------------------------------------
  unary(op: UnaryOp, x: BackendTensor): BackendTensor;
  /** NumPy broadcasting; comparison ops return bool. */
  binary(op: BinaryOp, a: BackendTensor, b: BackendTensor): BackendTensor;
  /** cond ? a : b with broadcasting of all three. */
  select(cond: BackendTensor, a: BackendTensor, b: BackendTensor): BackendTensor;
  cast(x: BackendTensor, dtype: DType): BackendTensor;
  /** Elementwise sum of equal-shaped tensors (AddN). */
  addN(xs: readonly BackendTensor[]): BackendTensor;
  /** min(max(x, lo), hi). */
  clip(x: BackendTensor, lo: number, hi: number): BackendTensor;

  // ---- linear algebra ----------------------------------------------------------------------
  /** a[M,K] x b[K,N] (operands transposed as asked), rank 2; or batched rank 3 with equal batch. */
  matmul(a: BackendTensor, b: BackendTensor, transposeA: boolean, transposeB: boolean): BackendTensor;

  // ---- reductions --------------------------------------------------------------------------
  /** Reduces the listed axes away (the result drops them; keep_dims is a reshape in graph land). */
  reduce(op: ReduceOp, x: BackendTensor, axes: readonly number[]): BackendTensor;
  /** Index of the max (min) along `axis`; ties give the smallest index. */
  argReduce(op: 'argmax' | 'argmin', x: BackendTensor, axis: number, dtype: DType): BackendTensor;

  // ---- layout ------------------------------------------------------------------------------
  transpose(x: BackendTensor, perm: readonly number[]): BackendTensor;
  slice(x: BackendTensor, begin: readonly number[], size: readonly number[]): BackendTensor;
  concat(xs: readonly BackendTensor[], axis: number): BackendTensor;
  /** Broadcasts x to `shape` (NumPy rules), materialized. */
  broadcastTo(x: BackendTensor, shape: readonly number[]): BackendTensor;
  /** Rows of x (along `axis`) picked by int indices; an index out of range is an error. */
  gather(x: BackendTensor, indices: BackendTensor, axis: number): BackendTensor;
  /** out[segment_ids[i], ...] += data[i, ...], out's first dimension numSegments. */
  unsortedSegmentSum(data: BackendTensor, segmentIds: BackendTensor, numSegments: number): BackendTensor;
  oneHot(indices: BackendTensor, depth: number, onValue: number, offValue: number, dtype: DType): BackendTensor;

  // ---- nn ----------------------------------------------------------------------------------
  /** Softmax (or log-softmax) over the last axis, computed stably. */
  softmax(logits: BackendTensor, log: boolean): BackendTensor;
  /**
   * Cross-entropy over the last axis of [B, C] logits. Labels are int class ids [B] (sparse)
   * or a [B, C] distribution. Returns [loss [B], backprop [B, C] = softmax - labels].
   * Sparse labels outside [0, C) are an InvalidArgumentError with TF's text.
   */
  softmaxCrossEntropy(logits: BackendTensor, labels: BackendTensor, sparse: boolean): [BackendTensor, BackendTensor];
  /** bool [B]: predictions[b, targets[b]] among the top k (TF1's InTopK rules: ties count in favour, non-finite rows false). */
  inTopK(predictions: BackendTensor, targets: BackendTensor, k: number): BackendTensor;

  // ---- fused updates (TF1 has these as kernels too) ----------------------------------------
  /** Returns [var', m', v'] of one ApplyAdam step. */
  applyAdam(v: BackendTensor, m: BackendTensor, vv: BackendTensor, grad: BackendTensor, p: AdamParams): [BackendTensor, BackendTensor, BackendTensor];

  // ---- optional fused kernels -----------------------------------------------------------------
  /**
   * act(op(a) . op(b) + bias) in one kernel: MatMul, BiasAdd (bias [N]; null for none) and an
   * activation, as TF's grappler fuses them (_FusedMatMul). Rank-2 operands. When a backend has
   * it, the executor runs such chains of a plan through it (their intermediate results read by
   * nothing else); results must equal the three kernels run one after the other.
   */
  fusedMatMul?(a: BackendTensor, b: BackendTensor, transposeA: boolean, transposeB: boolean, bias: BackendTensor | null, activation: FusedActivation): BackendTensor;
}

/** Kernel names every backend must implement: the conformance suite iterates these. */
export const PRIMITIVES = [
  'fromHost',
  'toHost',
  'reshape',
  'fill',
  'unary',
  'binary',
  'select',
  'cast',
  'addN',
  'clip',
  'matmul',
  'reduce',
  'argReduce',
  'transpose',
  'slice',
  'concat',
  'broadcastTo',
  'gather',
  'unsortedSegmentSum',
  'oneHot',
  'softmax',
  'softmaxCrossEntropy',
  'inTopK',
  'applyAdam',
] as const;

/** Broadcast result shape of two concrete shapes, or null when incompatible. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x === y || y === 1) out[i] = x;
    else if (x === 1) out[i] = y;
    else return null;
  }
  return out;
}
