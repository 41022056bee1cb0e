/**
 * CpuTensor, the CPU backend's BackendTensor, and the small helpers every CPU kernel shares
 * (argument checks, shape text in TF's "[2,3]" style, axis normalization).
 */
import { BackendTensor } from '../backend';
import { DType, TypedArray } from '../../core/dtypes';
import { InvalidArgumentError } from '../../core/errors';
import { sizeOf } from '../../ndarray/ndarray';

/** A shape, dtype and row-major typed array. Immutable once a kernel has returned it. */
export class CpuTensor implements BackendTensor {
  readonly shape: readonly number[];
  readonly size: number;

  constructor(
    readonly data: TypedArray,
    shape: readonly number[],
    readonly dtype: DType,
  ) {
    this.shape = Object.freeze([...shape]);
    this.size = data.length;
    if (data.length !== sizeOf(shape)) {
      throw new InvalidArgumentError(`CpuTensor: ${data.length} values do not fill shape ${shapeStr(shape)}`);
    }
  }
}

/** TF's TensorShape::DebugString style: [2,3]. */
export const shapeStr = (s: readonly number[]): string => `[${s.join(',')}]`;

/** Narrows a handle to this backend's tensor (a handle of another backend is a usage error). */
export function cpu(t: BackendTensor, kernel: string): CpuTensor {
  if (!(t instanceof CpuTensor)) {
    throw new InvalidArgumentError(`${kernel}: expected a tensor of the cpu backend, got ${t === null || typeof t !== 'object' ? String(t) : t.constructor.name}`, kernel);
  }
  return t;
}

/** A fresh zeroed tensor. */
export function alloc(shape: readonly number[], dtype: DType): CpuTensor {
  return new CpuTensor(dtype.alloc(sizeOf(shape)), shape, dtype);
}

export function fail(kernel: string, message: string): never {
  throw new InvalidArgumentError(message, kernel);
}

/** Checks a dtype against the ones a kernel supports (TF would find no kernel for the others). */
export function requireDType(kernel: string, t: CpuTensor, ok: (d: DType) => boolean, what = 'input'): void {
  if (!ok(t.dtype)) fail(kernel, `${kernel}: no kernel for ${what} of dtype ${t.dtype.name}`);
}

export const isNumeric = (d: DType): boolean => d !== DType.bool;
export const isFloat = (d: DType): boolean => d.isFloating;
export const isIndex = (d: DType): boolean => d === DType.int32 || d === DType.int64;

/** TF's text when an input has the wrong dtype at run time. */
export function requireSameDType(kernel: string, a: CpuTensor, b: CpuTensor, index = 1): void {
  if (a.dtype !== b.dtype) {
    fail(kernel, `cannot compute ${kernel} as input #${index}(zero-based) was expected to be a ${a.dtype.tfWord} tensor but is a ${b.dtype.tfWord} tensor`);
  }
}

/** Normalizes a possibly negative axis into [0, rank). */
export function normAxis(kernel: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    fail(kernel, `${kernel}: axis ${axis} is out of range for a tensor of rank ${rank} (expected in [${-rank}, ${rank}))`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Row-major strides. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let i = shape.length - 1, acc = 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export const product = (s: readonly number[], from = 0, to = s.length): number => {
  let n = 1;
  for (let i = from; i < to; i++) n *= s[i];
  return n;
};

/** Checks a requested shape for non-negative integer dimensions. */
export function checkDims(kernel: string, shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) fail(kernel, `${kernel}: dimensions must be non-negative integers, got ${shapeStr(shape)}`);
  }
}
