/**
 * Handles of the gpu.js backend and the lazy elementwise IR.
 *
 * A GpuTensor is in one of two states:
 *  - materialized: it points at a Storage (device buffer and/or host copy), shared by reshapes;
 *  - lazy: it holds a LazyNode, an elementwise expression over other tensors that is compiled
 *    into a single kernel only when something non-elementwise (or toHost) needs its values.
 * Realizing a lazy tensor fills in its Storage and drops the node, so each lazy tensor is
 * computed at most once by its own kernel (consumers may also inline it, see codegen.ts).
 */
import { BinaryOp, BackendTensor, UnaryOp } from '../backend';
import { DType, TypedArray } from '../../core/dtypes';
import { DeviceBuf } from './gpujs_adapter';

/** Largest integer every float32 represents exactly: int values ride on the device below it. */
export const EXACT_INT_LIMIT = 2 ** 24;
/**
 * Largest tensor kept on the device: kernels index in float32, exact below 2^24. Bigger tensors
 * stay on the host and their ops run on the CPU backend.
 */
export const MAX_DEVICE_ELEMENTS = 2 ** 24;

let nextId = 1;

/** Backing store of one or more same-sized tensors (reshape shares it). */
export class Storage {
  readonly id = nextId++;
  buf: DeviceBuf | null = null;
  /** Host values in the dtype's host layout; set for uploads not yet made and for host-only data. */
  host: TypedArray | null = null;
  /** Host-only: float64, ints beyond 2^24, or too large for the device. Ops touching it run on the CPU. */
  pinned = false;
  /** Handles attached to this storage; explicit dispose frees the device buffer at zero. */
  refs = 0;
  constructor(readonly size: number) {}
}

export type LazyNode =
  | { readonly k: 'unary'; readonly op: UnaryOp; readonly x: GpuTensor }
  | { readonly k: 'binary'; readonly op: BinaryOp; readonly a: GpuTensor; readonly b: GpuTensor }
  | { readonly k: 'select'; readonly c: GpuTensor; readonly a: GpuTensor; readonly b: GpuTensor }
  /** Converts x to this tensor's dtype; also the identity used by broadcastTo. */
  | { readonly k: 'cast'; readonly x: GpuTensor }
  /** A value broadcast to the shape; a kernel uniform, so new values never recompile. */
  | { readonly k: 'const'; readonly value: number }
  /** The coordinate along `axis` (oneHot, sparse labels). */
  | { readonly k: 'iota'; readonly axis: number }
  /** One element of a (batched) matmul: fusing it lets elementwise epilogues share its kernel. */
  | { readonly k: 'dot'; readonly a: GpuTensor; readonly b: GpuTensor; readonly ta: boolean; readonly tb: boolean }
  /** x read in row-major order with this tensor's shape. */
  | { readonly k: 'reshape'; readonly x: GpuTensor };

export class GpuTensor implements BackendTensor {
  readonly id = nextId++;
  readonly size: number;
  storage: Storage | null;
  node: LazyNode | null;
  /** Unrealized lazy nodes that read this tensor (dispose waits for them). */
  pendingUses = 0;
  disposeRequested = false;
  /** Operation count of the expression (0 when materialized); bounds fused kernel size. */
  cost = 0;
  /** Distinct materialized buffers the expression reads; bounds texture units per kernel. */
  leaves: ReadonlySet<number> = new Set();
  /** Whether the expression contains a matmul (too costly to recompute in several consumers). */
  hasDot = false;
  /** Lazy consumers built on this tensor: a shared dot is realized rather than recomputed. */
  lazyConsumers = 0;

  constructor(
    readonly shape: readonly number[],
    readonly dtype: DType,
    storage: Storage | null,
    node: LazyNode | null,
  ) {
    let n = 1;
    for (const d of shape) n *= d;
    this.size = n;
    this.storage = storage;
    this.node = node;
  }

  get isLazy(): boolean {
    return this.node !== null;
  }
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** The inputs a lazy node reads. */
export function nodeInputs(node: LazyNode): GpuTensor[] {
  switch (node.k) {
    case 'unary':
    case 'cast':
    case 'reshape':
      return [node.x];
    case 'binary':
    case 'dot':
      return [node.a, node.b];
    case 'select':
      return [node.c, node.a, node.b];
    case 'const':
    case 'iota':
      return [];
  }
}
