/**
 * NDArray: a host-side, row-major n-dimensional array. It is what `sess.run` returns and what a
 * feed_dict accepts, and it prints as NumPy's `print` does (see format.ts).
 */
import { inspect } from 'util';
import { DType, DTypeLike, TypedArray, asDType, coerce } from '../core/dtypes';
import { TFTypeError, ValueError } from '../core/errors';
import { formatNumpy } from './format';

export type Nested = number | boolean | readonly Nested[];

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
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

/** Most dimensions a tensor may have (TF's TensorShape::MaxDimensions()). */
export const MAX_RANK = 254;

/** Largest element count we agree to allocate (V8's typed-array limit, and a sane bound). */
export const MAX_ELEMENTS = 2 ** 31 - 1;

export function checkShape(shape: readonly number[], what: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(`${what}: dimensions must be non-negative integers, got shape [${shape.join(',')}]`);
    }
  }
  if (sizeOf(shape) > MAX_ELEMENTS) {
    throw new ValueError(`${what}: shape [${shape.join(',')}] has ${sizeOf(shape)} elements, more than can be allocated (${MAX_ELEMENTS})`);
  }
}

export class NDArray {
  readonly shape: number[];
  readonly dtype: DType;
  readonly data: TypedArray;

  constructor(data: TypedArray, shape: readonly number[], dtype: DTypeLike) {
    this.dtype = asDType(dtype);
    this.shape = [...shape];
    if (data.length !== sizeOf(shape)) {
      throw new ValueError(`NDArray: ${data.length} values do not fill shape [${shape.join(',')}] (${sizeOf(shape)} elements)`);
    }
    this.data = data;
  }

  get size(): number {
    return this.data.length;
  }
  get rank(): number {
    return this.shape.length;
  }
  get ndim(): number {
    return this.shape.length;
  }

  /** Flat index of a (possibly negative, NumPy-style) multi-index. */
  private flatIndex(idx: readonly number[]): number {
    if (idx.length !== this.shape.length) {
      throw new ValueError(`NDArray.get: expected ${this.shape.length} indices for shape [${this.shape.join(',')}], got ${idx.length}`);
    }
    let flat = 0;
    for (let i = 0; i < idx.length; i++) {
      let k = idx[i];
      const d = this.shape[i];
      if (k < 0) k += d;
      if (!Number.isInteger(k) || k < 0 || k >= d) {
        throw new ValueError(`index ${idx[i]} is out of bounds for axis ${i} with size ${d}`);
      }
      flat = flat * d + k;
    }
    return flat;
  }

  /** Element access, NumPy style: `a.get(0, -1, 0)` is `a[0, -1, 0]`. */
  get(...idx: number[]): number {
    return this.data[this.flatIndex(idx)];
  }

  /** The value of a one-element array (NumPy's `.item()`). */
  item(): number {
    if (this.size !== 1) throw new ValueError('can only convert an array of size 1 to a Python scalar');
    return this.data[0];
  }

  /** Nested JS arrays (NumPy's `.tolist()`); bools become booleans. */
  tolist(): Nested {
    const conv = (v: number): number | boolean => (this.dtype === DType.bool ? v !== 0 : v);
    if (this.shape.length === 0) return conv(this.data[0]);
    const build = (dim: number, offset: number): Nested[] => {
      const n = this.shape[dim];
      const stride = sizeOf(this.shape.slice(dim + 1));
      const out: Nested[] = [];
      for (let i = 0; i < n; i++) {
        out.push(dim === this.shape.length - 1 ? conv(this.data[offset + i]) : build(dim + 1, offset + i * stride));
      }
      return out;
    };
    return build(0, 0);
  }

  toArray(): Nested {
    return this.tolist();
  }

  /** A view with another shape (one dimension may be -1), NumPy's `reshape`. */
  reshape(...shape: (number | readonly number[])[]): NDArray {
    const dims: number[] = shape.length === 1 && Array.isArray(shape[0]) ? [...(shape[0] as readonly number[])] : (shape as number[]);
    return new NDArray(this.data, resolveReshape(this.shape, dims, 'reshape'), this.dtype);
  }

  /** Copy with another dtype (NumPy's astype). */
  astype(dtype: DTypeLike): NDArray {
    const dt = asDType(dtype);
    const out = dt.alloc(this.size);
    for (let i = 0; i < this.size; i++) out[i] = coerce(dt, this.data[i]);
    return new NDArray(out, this.shape, dt);
  }

  toString(): string {
    return formatNumpy(this.data, this.shape, this.dtype);
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Resolves a reshape target against a known element count; the error text is NumPy's/TF's. */
export function resolveReshape(from: readonly number[], to: readonly number[], what: string): number[] {
  const total = sizeOf(from);
  let unknown = -1;
  let known = 1;
  for (let i = 0; i < to.length; i++) {
    const d = to[i];
    if (d === -1) {
      if (unknown >= 0) throw new ValueError(`${what}: can only specify one unknown dimension`);
      unknown = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(`${what}: invalid dimension ${d} in shape [${to.join(',')}]`);
    } else known *= d;
  }
  const out = [...to];
  if (unknown >= 0) {
    if (known === 0 || total % known !== 0) {
      throw new ValueError(`cannot reshape array of size ${total} into shape (${to.join(', ')})`);
    }
    out[unknown] = total / known;
  } else if (known !== total) {
    throw new ValueError(`cannot reshape array of size ${total} into shape (${to.join(', ')})`);
  }
  return out;
}

/** Anything a user may hand in as a value: nested arrays, a typed array, an NDArray or a scalar. */
export type ArrayLike = NDArray | TypedArray | Nested;

/** Infers the shape of a nested JS array, rejecting ragged arrays and non-numbers. */
export function inferNestedShape(value: Nested, what: string): number[] {
  const shape: number[] = [];
  let v: Nested = value;
  while (Array.isArray(v)) {
    if (shape.length >= MAX_RANK) throw new ValueError(`${what}: nested array deeper than ${MAX_RANK} levels (tensors have at most ${MAX_RANK} dimensions)`);
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  const check = (x: Nested, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (Array.isArray(x)) throw new ValueError(`${what}: ragged nested array (an array at ${path || 'top'} where a number was expected by the shape [${shape.join(',')}] of the first elements)`);
      if (typeof x !== 'number' && typeof x !== 'boolean') {
        throw new TFTypeError(`${what}: element at ${path || 'top'} is ${describe(x)}, not a number or boolean`);
      }
      return;
    }
    if (!Array.isArray(x)) throw new ValueError(`${what}: ragged nested array (a scalar at ${path} where an array of length ${shape[dim]} was expected)`);
    if (x.length !== shape[dim]) {
      throw new ValueError(`${what}: ragged nested array (length ${x.length} at ${path || 'top'}, expected ${shape[dim]} as in the first element)`);
    }
    for (let i = 0; i < x.length; i++) check(x[i], dim + 1, `${path}[${i}]`);
  };
  check(value, 0, '');
  return shape;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 20 ? x.slice(0, 20) + '...' : x)}`;
  return `a value of type ${typeof x}`;
}

function inferDTypeOfNested(value: Nested): DType {
  let sawFloat = false;
  let sawBool = false;
  let sawNumber = false;
  const walk = (x: Nested): void => {
    if (Array.isArray(x)) for (const e of x) walk(e);
    else if (typeof x === 'boolean') sawBool = true;
    else {
      sawNumber = true;
      if (!Number.isInteger(x)) sawFloat = true;
    }
  };
  walk(value);
  if (sawBool && !sawNumber) return DType.bool;
  return sawFloat ? DType.float32 : DType.int32;
}

function typedArrayDType(a: TypedArray): DType {
  if (a instanceof Float32Array) return DType.float32;
  if (a instanceof Float64Array) return DType.float64;
  if (a instanceof Int32Array) return DType.int32;
  return DType.bool;
}

export function isTypedArray(x: unknown): x is TypedArray {
  return x instanceof Float32Array || x instanceof Float64Array || x instanceof Int32Array || x instanceof Uint8Array;
}

/**
 * Converts any ArrayLike into an NDArray, as `np.asarray(value, dtype)` does. Without a dtype,
 * JS numbers become int32 if all are integers, else float32 (TF1's rule for Python literals).
 */
export function toNDArray(value: ArrayLike, dtype?: DTypeLike, what = 'value'): NDArray {
  const dt = dtype === undefined ? undefined : asDType(dtype);
  if (value instanceof NDArray) {
    if (!dt || dt === value.dtype) return value;
    return value.astype(dt);
  }
  if (isTypedArray(value)) {
    const nd = new NDArray(value, [value.length], typedArrayDType(value));
    return dt && dt !== nd.dtype ? nd.astype(dt) : nd;
  }
  if (value === null || value === undefined || (typeof value !== 'number' && typeof value !== 'boolean' && !Array.isArray(value))) {
    throw new TFTypeError(`${what}: expected a number, boolean, nested array, typed array or NDArray, got ${describe(value)}`);
  }
  const shape = inferNestedShape(value, what);
  const target = dt ?? inferDTypeOfNested(value);
  const out = target.alloc(sizeOf(shape));
  let k = 0;
  const fill = (x: Nested): void => {
    if (Array.isArray(x)) for (const e of x) fill(e);
    else {
      const num = typeof x === 'boolean' ? (x ? 1 : 0) : (x as number);
      if (target.isInteger && !Number.isFinite(num)) {
        throw new ValueError(`${what}: cannot convert ${num} to ${target.name}`);
      }
      out[k++] = coerce(target, num);
    }
  };
  fill(value);
  return new NDArray(out, shape, target);
}
