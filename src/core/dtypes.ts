/**
 * Data types, as TF1 names them. Each DType is a singleton so `x.dtype === tf.float32` works.
 *
 * Storage on the host: float32 -> Float32Array, float64 -> Float64Array, int32 -> Int32Array,
 * int64 -> Float64Array (exact up to 2^53, which covers every index and step count a model uses),
 * bool -> Uint8Array (0/1).
 */
import { TFTypeError } from './errors';

export type DTypeName = 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'variant';

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export class DType {
  private constructor(
    readonly name: DTypeName,
    /** TF's own word for the type in error messages ('float', 'double', ...). */
    readonly tfWord: string,
    readonly isFloating: boolean,
    readonly isInteger: boolean,
    /** Bytes per element in TF's checkpoint encoding. */
    readonly byteSize: number,
  ) {}

  static readonly float32 = new DType('float32', 'float', true, false, 4);
  static readonly float64 = new DType('float64', 'double', true, false, 8);
  static readonly int32 = new DType('int32', 'int32', false, true, 4);
  static readonly int64 = new DType('int64', 'int64', false, true, 8);
  static readonly bool = new DType('bool', 'bool', false, false, 1);
  /** Opaque runtime values (tensor lists, loop traces); never stored in arrays. */
  static readonly variant = new DType('variant', 'variant', false, false, 0);

  /** Gradients flow through floating tensors and through variants (tensor lists). */
  get isDifferentiable(): boolean {
    return this.isFloating || this === DType.variant;
  }

  get is_floating(): boolean {
    return this.isFloating;
  }
  get is_integer(): boolean {
    return this.isInteger;
  }
  get base_dtype(): DType {
    return this;
  }

  /** Allocates host storage for `size` elements of this dtype. */
  alloc(size: number): TypedArray {
    switch (this.name) {
      case 'float32':
        return new Float32Array(size);
      case 'float64':
      case 'int64':
        return new Float64Array(size);
      case 'int32':
        return new Int32Array(size);
      case 'bool':
        return new Uint8Array(size);
      case 'variant':
        throw new TypeError('variant tensors have no array storage');
    }
  }

  toString(): string {
    return `<dtype: '${this.name}'>`;
  }
}

export const ALL_DTYPES: readonly DType[] = [DType.float32, DType.float64, DType.int32, DType.int64, DType.bool];

export type DTypeLike = DType | DTypeName;

export function asDType(d: DTypeLike): DType {
  if (d instanceof DType) return d;
  const found = ALL_DTYPES.find((t) => t.name === d);
  if (!found) {
    let shown: string;
    try {
      shown = typeof d === 'object' && d !== null ? `an object (${(d as object).constructor?.name ?? 'Object'})` : (JSON.stringify(d) ?? String(d));
    } catch {
      shown = String(d);
    }
    throw new TFTypeError(`Unknown dtype ${shown}; expected one of ${ALL_DTYPES.map((t) => t.name).join(', ')}`);
  }
  return found;
}

/** Converts a JS number to the value this dtype stores (casting rules of tf.cast / numpy asarray). */
export function coerce(dtype: DType, v: number): number {
  switch (dtype.name) {
    case 'int32':
      return Math.trunc(v) | 0;
    case 'int64':
      return Math.trunc(v);
    case 'bool':
      return v !== 0 ? 1 : 0;
    case 'float32':
      return Math.fround(v);
    case 'variant':
      throw new TypeError('cannot convert a number to a variant');
    default:
      return v;
  }
}
