/**
 * Helpers shared by op definitions: converting user values to tensors (the Const op),
 * static broadcasting, axis normalization, reading shape arguments.
 */
import { DType, DTypeLike, asDType } from '../core/dtypes';
import { TFTypeError, ValueError } from '../core/errors';
import { checkOptions } from '../core/options';
import { ArrayLike, NDArray, isTypedArray, toNDArray } from '../ndarray/ndarray';
import { Tensor, get_default_graph } from '../graph/graph';
import { Dim, TensorShape, tupleString } from '../graph/tensor_shape';
import { BackendTensor } from '../backend/backend';
import { OutputSpec, ShapeContext, Value, defineOp, make1 } from './registry';

/** Anything with a tensor view (tf.Variable implements this). */
export interface TensorConvertible {
  _asTensor(): Tensor;
}

export type TensorLike = Tensor | TensorConvertible | ArrayLike;

export function isTensorConvertible(x: unknown): x is TensorConvertible {
  return typeof x === 'object' && x !== null && typeof (x as TensorConvertible)._asTensor === 'function';
}

export function isTensorLike(x: unknown): x is TensorLike {
  return (
    x instanceof Tensor ||
    isTensorConvertible(x) ||
    x instanceof NDArray ||
    isTypedArray(x) ||
    typeof x === 'number' ||
    typeof x === 'boolean' ||
    Array.isArray(x)
  );
}

defineOp({
  type: 'Const',
  inferShape(ctx): OutputSpec[] {
    const v = ctx.attrs.value as NDArray;
    return [{ dtype: v.dtype, shape: new TensorShape(v.shape), constValue: v }];
  },
  kernel(ctx): Value[] {
    return [constOnBackend(ctx.run, ctx.op, ctx.attrs.value as NDArray)];
  },
  grad: null,
});

/** Device handles of cached constants (the executor must never dispose them). */
export const cachedConstHandles = new WeakSet<object>();

/** Constants are uploaded once per session and backend, then reused. */
const constCache = new WeakMap<object, Map<unknown, BackendTensor>>();
function constOnBackend(run: object, key: unknown, v: NDArray): BackendTensor {
  let m = constCache.get(run);
  if (!m) constCache.set(run, (m = new Map()));
  let t = m.get(key);
  if (!t) {
    t = (run as { backend: { fromHost(a: NDArray): BackendTensor } }).backend.fromHost(v);
    m.set(key, t);
    cachedConstHandles.add(t);
  }
  return t;
}

export interface ConstantOptions {
  dtype?: DTypeLike;
  shape?: readonly number[];
  name?: string;
  verify_shape?: boolean;
}

/**
 * TF's _AssertCompatible: JS numbers must fit an explicitly requested integer or bool dtype
 * (tf.constant(1.5, int32) is a TypeError, not a silent 1). NDArrays and typed arrays convert
 * as NumPy's astype does.
 */
function assertCompatible(value: unknown, dtype: DType): void {
  if (!dtype.isInteger && dtype !== DType.bool) return;
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) {
      for (const e of x) walk(e);
      return;
    }
    if (typeof x !== 'number') return;
    const fits = dtype === DType.bool ? false : Number.isFinite(x) && Number.isInteger(x) && (dtype !== DType.int32 || (x >= -(2 ** 31) && x < 2 ** 31));
    if (!fits) throw new TFTypeError(`Expected ${dtype.name}, got ${x} of type '${Number.isInteger(x) ? 'int' : 'float'}' instead.`);
  };
  walk(value);
}

/** TF's limit on a constant's content (a GraphDef proto must stay under 2GB). */
const MAX_CONSTANT_BYTES = 2 ** 31;

/** tf.constant(value, dtype?, shape?, name?) with TF1's fill rules for `shape`; the dtype may also be given alone. */
export function constant(value: ArrayLike, options: ConstantOptions | DTypeLike = {}): Tensor {
  const opts: ConstantOptions =
    options instanceof DType || typeof options === 'string' ? { dtype: options } : checkOptions('constant', options, ['dtype', 'shape', 'name', 'verify_shape']);
  let arr = toNDArray(value, opts.dtype ?? undefined, 'tf.constant');
  if (opts.dtype !== undefined && opts.dtype !== null && !(value instanceof NDArray) && !isTypedArray(value)) assertCompatible(value, arr.dtype);
  if (opts.shape !== undefined && opts.shape !== null && !Array.isArray(opts.shape)) {
    throw new TFTypeError(`tf.constant: shape must be an array of non-negative integers, got ${typeof opts.shape}`);
  }
  if (opts.shape) {
    const shape = [...opts.shape];
    for (const d of shape) {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
        throw new ValueError(`tf.constant: invalid dimension ${String(d)} in shape [${shape.map(String).join(',')}]: dimensions must be non-negative integers`);
      }
    }
    const n = shape.reduce((a, b) => a * b, 1);
    if (n * arr.dtype.byteSize > MAX_CONSTANT_BYTES) throw new ValueError(`Cannot create a tensor proto whose content is larger than 2GB (shape ${tupleString(shape)}, dtype ${arr.dtype.name}).`);
    if (opts.verify_shape && (arr.shape.length !== shape.length || arr.shape.some((d, i) => d !== shape[i]))) {
      throw new TFTypeError(`Expected Tensor's shape: ${tupleString(shape)}, got ${tupleString(arr.shape)}.`);
    }
    if (arr.size > n) throw new ValueError(`Too many elements provided. Needed at most ${n}, but received ${arr.size}`);
    if (arr.size !== n) {
      if (arr.size === 0) throw new ValueError(`tf.constant: cannot fill shape (${shape.join(', ')}) from an empty value`);
      const data = arr.dtype.alloc(n);
      for (let i = 0; i < n; i++) data[i] = arr.data[Math.min(i, arr.size - 1)];
      arr = new NDArray(data, shape, arr.dtype);
    } else arr = new NDArray(arr.data, shape, arr.dtype);
  }
  return make1('Const', [], { value: arr, dtype: arr.dtype }, { name: opts.name, defaultName: 'Const' });
}

/**
 * tf.convert_to_tensor: tensors pass through (dtype checked), variables give their value,
 * JS values become constants of `dtype` (or the inferred dtype).
 */
export function convert_to_tensor(value: TensorLike, dtype?: DTypeLike | null, name?: string): Tensor {
  if (value instanceof Tensor) {
    if (dtype && asDType(dtype) !== value.dtype) {
      throw new ValueError(`Tensor conversion requested dtype ${asDType(dtype).name} for Tensor with dtype ${value.dtype.name}: '${value.toString()}'`);
    }
    return value;
  }
  if (isTensorConvertible(value)) return convert_to_tensor(value._asTensor(), dtype, name);
  if (!isTensorLike(value)) {
    throw new TFTypeError(`Failed to convert object of type ${value === null ? 'null' : typeof value} to Tensor. Contents: ${String(value)}. Consider casting elements to a supported type.`);
  }
  return constant(value as ArrayLike, { dtype: dtype ?? undefined, name: name ?? 'Const' });
}

/** Converts the operands of a binary op: JS values take the dtype of the tensor operand. */
export function convertPair(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const ta = a instanceof Tensor ? a : isTensorConvertible(a) ? a._asTensor() : null;
  const tb = b instanceof Tensor ? b : isTensorConvertible(b) ? b._asTensor() : null;
  if (ta && tb) return [ta, tb];
  if (ta) return [ta, convert_to_tensor(b, ta.dtype.isFloating || typeof b !== 'object' ? ta.dtype : undefined, 'y')];
  if (tb) return [convert_to_tensor(a, tb.dtype.isFloating || typeof a !== 'object' ? tb.dtype : undefined, 'x'), tb];
  const x = convert_to_tensor(a, undefined, 'x');
  return [x, convert_to_tensor(b, x.dtype, 'y')];
}

/** Static broadcast of two shapes; fails in TF's words when a pair of known dims differ. */
export function broadcastStatic(ctx: ShapeContext, a: TensorShape, b: TensorShape): TensorShape {
  if (!a.dims || !b.dims) return TensorShape.of(null);
  const n = Math.max(a.dims.length, b.dims.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = i - (n - a.dims.length) >= 0 ? a.dims[i - (n - a.dims.length)] : 1;
    const y = i - (n - b.dims.length) >= 0 ? b.dims[i - (n - b.dims.length)] : 1;
    if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (x === null) out.push(y);
    else if (y === null) out.push(x);
    else if (x === y) out.push(x);
    else ctx.fail(`Dimensions must be equal, but are ${x} and ${y}`);
  }
  return new TensorShape(out);
}

/** The same dtype for all inputs, as TF1 requires (no implicit casts). */
export function sameDType(ctx: ShapeContext, names: readonly string[] = ['x', 'y']): DType {
  const d0 = ctx.inputs[0].dtype;
  for (let i = 1; i < ctx.inputs.length; i++) {
    if (ctx.inputs[i].dtype !== d0) {
      throw new TFTypeError(
        `Input '${names[i] ?? `input_${i}`}' of '${ctx.type}' Op has type ${ctx.inputs[i].dtype.name} that does not match type ${d0.name} of argument '${names[0]}'.`,
      );
    }
  }
  return d0;
}

/** Normalizes a possibly negative axis against a rank, with TF's error text. */
export function normAxis(axis: number, rank: number, what = 'axis'): number {
  if (!Number.isInteger(axis)) throw new TFTypeError(`${what} must be an integer, got ${axis}`);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new ValueError(`${what} ${axis} is out of bounds: must be in range [${-rank}, ${rank})`);
  return a;
}

/** A static shape argument (array of ints, maybe with -1/null) or a shape tensor's known value. */
export function shapeArgument(x: readonly (number | null)[] | Tensor | TensorShape): { dims: Dim[] | null; tensor: Tensor | null } {
  if (x instanceof TensorShape) return { dims: x.dims ? [...x.dims] : null, tensor: null };
  if (x instanceof Tensor) return { dims: constantValueAsShape(x), tensor: x };
  if (!Array.isArray(x)) throw new TFTypeError(`Expected a shape (array of ints or an int32 tensor), got ${String(x)}`);
  for (const d of x) {
    if (d !== null && (typeof d !== 'number' || !Number.isInteger(d))) {
      throw new TFTypeError(`Expected int for a shape dimension, got ${typeof d === 'string' ? JSON.stringify(d) : typeof d === 'number' || d === null ? String(d) : typeof d}`);
    }
  }
  return { dims: x.map((d) => (d === null ? null : d)), tensor: null };
}

/**
 * What is statically known of a 1-D shape tensor's value (TF's constant_value_as_shape):
 * constants, Shape of a partially known tensor, and stacks of known scalars.
 */
export function constantValueAsShape(t: Tensor): Dim[] | null {
  if (t.constValue) return Array.from(t.constValue.data, (v) => (v < 0 ? null : v));
  const op = t.op;
  if (op.type === 'Shape') {
    const d = op.inputs[0].shape.dims;
    return d ? [...d] : null;
  }
  if (op.type === 'Pack') {
    return op.inputs.map((i) => (i.constValue && i.constValue.size === 1 ? i.constValue.data[0] : null));
  }
  if (op.type === 'ConcatV2') {
    const parts = op.inputs.map(constantValueAsShape); // the axis is an attr here, not an input
    if (parts.some((p) => p === null)) return t.shape.dims && t.shape.dims[0] !== null && t.shape.dims[0] <= 254 ? new Array<Dim>(t.shape.dims[0]).fill(null) : null;
    return parts.flat() as Dim[];
  }
  const n = t.shape.dims?.[0];
  // A shape has at most 254 dimensions; a longer "shape" vector is left for the op to reject.
  return typeof n === 'number' && t.shape.ndims === 1 && n <= 254 ? new Array<Dim>(n).fill(null) : null;
}

export function defaultGraphName(): string {
  return get_default_graph().currentNameScope;
}

/**
 * Frees a kernel's temporaries on backends with device memory (gpu.js), except `keep` (its
 * outputs) and `inputs`. A handle made by reshape shares its storage, so freeing the handle a
 * result was reshaped from keeps the result intact.
 */
export function freeTemps(backend: { dispose?(t: BackendTensor): void }, temps: readonly BackendTensor[], keep: readonly unknown[], inputs: readonly unknown[] = []): void {
  if (!backend.dispose) return;
  for (const t of temps) if (!keep.includes(t) && !inputs.includes(t)) backend.dispose(t);
}

/** TF's attr check for index arguments (indices, labels, axes, lengths): int32 or int64. */
export function requireIndexDType(t: { dtype: DType }, param: string): void {
  if (t.dtype !== DType.int32 && t.dtype !== DType.int64) {
    throw new TFTypeError(`Value passed to parameter '${param}' has DataType ${t.dtype.name} not in list of allowed values: int32, int64`);
  }
}
