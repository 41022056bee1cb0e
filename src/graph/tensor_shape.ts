/**
 * TensorShape: a static shape whose rank or dimensions may be unknown (TF1's TensorShape).
 * `null` stands for Python's None / TF's `?`.
 */
import { ValueError } from '../core/errors';

export type Dim = number | null;
export type ShapeLike = TensorShape | readonly Dim[] | null | undefined;

export class TensorShape {
  /** null = unknown rank. */
  readonly dims: readonly Dim[] | null;

  constructor(dims: readonly Dim[] | null) {
    if (dims) {
      for (const d of dims) {
        if (d !== null && (!Number.isSafeInteger(d) || d < 0)) {
          throw new ValueError(`Dimension ${d} must be >= 0 and an integer (shape [${dims.map((x) => (x === null ? '?' : x)).join(',')}])`);
        }
      }
    }
    this.dims = dims ? [...dims] : null;
  }

  static of(s: ShapeLike): TensorShape {
    if (s instanceof TensorShape) return s;
    if (s === null || s === undefined) return UNKNOWN_SHAPE;
    if (!Array.isArray(s)) throw new ValueError(`Expected a shape (array of dimensions or null), got ${String(s)}`);
    return new TensorShape(s.map((d) => (d === undefined ? null : d)));
  }

  static scalar(): TensorShape {
    return new TensorShape([]);
  }

  get ndims(): number | null {
    return this.dims ? this.dims.length : null;
  }
  get rank(): number | null {
    return this.ndims;
  }

  isFullyDefined(): boolean {
    return this.dims !== null && this.dims.every((d) => d !== null);
  }
  is_fully_defined(): boolean {
    return this.isFullyDefined();
  }

  /** Python's `as_list()`; raises on unknown rank like TF. */
  as_list(): Dim[] {
    if (!this.dims) throw new ValueError('as_list() is not defined on an unknown TensorShape.');
    return [...this.dims];
  }

  /** The fully known dimensions; throws when some are unknown. */
  toArray(): number[] {
    if (!this.isFullyDefined()) throw new ValueError(`Shape ${this.toString()} is not fully defined`);
    return this.dims as number[];
  }

  num_elements(): number | null {
    if (!this.isFullyDefined()) return null;
    return (this.dims as number[]).reduce((a, b) => a * b, 1);
  }

  dim(i: number): Dim {
    if (!this.dims) return null;
    return this.dims[i < 0 ? this.dims.length + i : i] ?? null;
  }

  isCompatibleWith(other: TensorShape): boolean {
    if (!this.dims || !other.dims) return true;
    if (this.dims.length !== other.dims.length) return false;
    return this.dims.every((d, i) => d === null || other.dims![i] === null || d === other.dims![i]);
  }
  is_compatible_with(other: ShapeLike): boolean {
    return this.isCompatibleWith(TensorShape.of(other));
  }

  /** Most specific shape compatible with both; throws ValueError when incompatible. */
  merge(other: TensorShape): TensorShape {
    if (!this.dims) return other;
    if (!other.dims) return this;
    if (this.dims.length !== other.dims.length) {
      throw new ValueError(`Shapes ${this.toString()} and ${other.toString()} are not compatible`);
    }
    return new TensorShape(
      this.dims.map((d, i) => {
        const o = other.dims![i];
        if (d !== null && o !== null && d !== o) throw new ValueError(`Shapes ${this.toString()} and ${other.toString()} are not compatible`);
        return d ?? o;
      }),
    );
  }
  merge_with(other: ShapeLike): TensorShape {
    return this.merge(TensorShape.of(other));
  }

  equals(other: TensorShape): boolean {
    if (!this.dims || !other.dims) return this.dims === other.dims;
    return this.dims.length === other.dims.length && this.dims.every((d, i) => d === other.dims![i]);
  }

  /** Python's str(TensorShape): `(?, 784)`, `(5,)`, `()`, `<unknown>`. */
  toString(): string {
    if (!this.dims) return '<unknown>';
    const parts = this.dims.map((d) => (d === null ? '?' : String(d)));
    return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
  }

  /** TF's C++ shape string used in shape-inference errors: `[?,3]`, `?` for unknown rank. */
  toShortString(): string {
    if (!this.dims) return '?';
    return `[${this.dims.map((d) => (d === null ? '?' : String(d))).join(',')}]`;
  }
}

export const UNKNOWN_SHAPE = new TensorShape(null);

/** Formats a concrete shape as NumPy's tuple: (2, 3), (5,), (). */
export function tupleString(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}
