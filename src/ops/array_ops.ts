/**
 * Array ops: placeholders, identity, shapes, reshape/transpose, stack/unstack, concat/split,
 * slice/pad, reverse/reverse_sequence, gather, one_hot, cast, fill, select/where, broadcasting helpers.
 * Each op: static shape inference, kernel over Backend primitives, gradient, side by side.
 */
import { BackendTensor } from '../backend/backend';
import { DType, DTypeLike, asDType } from '../core/dtypes';
import { InvalidArgumentError, TFTypeError, ValueError } from '../core/errors';
import { checkOptions } from '../core/options';
import { MAX_ELEMENTS, NDArray, checkShape, resolveReshape, sizeOf } from '../ndarray/ndarray';
import { Operation, Tensor } from '../graph/graph';
import { Dim, ShapeLike, TensorShape, UNKNOWN_SHAPE, tupleString } from '../graph/tensor_shape';
import { OutputSpec, Value, defineOp, make1, makeOp } from './registry';
import {
  TensorLike,
  broadcastStatic,
  constant,
  constantValueAsShape,
  convertPair,
  convert_to_tensor,
  freeTemps,
  isTensorConvertible,
  requireIndexDType,
  normAxis,
  sameDType,
  shapeArgument,
} from './common';

const bt = (v: Value): BackendTensor => v as BackendTensor;

/** Static shape of a shape-valued tensor argument (int32 vector) -> TensorShape. */
function shapeFromTensor(t: Tensor): TensorShape {
  const dims = constantValueAsShape(t);
  return dims ? new TensorShape(dims) : UNKNOWN_SHAPE;
}

function shapeVector(v: Value): number[] {
  return Array.from((v as BackendTensor & { data?: ArrayLike<number> }).data ?? []);
}

/** Reads a small int vector (a shape) from any backend. */
function readInts(ctx: { backend: { toHost(t: BackendTensor): NDArray } }, v: Value): number[] {
  const t = bt(v);
  const direct = shapeVector(v);
  if (direct.length === t.size) return direct;
  return Array.from(ctx.backend.toHost(t).data);
}

// ---- placeholders, identity -----------------------------------------------------------------

defineOp({
  type: 'Placeholder',
  inferShape: (ctx) => [{ dtype: ctx.attrs.dtype as DType, shape: ctx.attrs.shape as TensorShape }],
  kernel(ctx): Value[] {
    const dtype = ctx.attrs.dtype as DType;
    const shape = ctx.attrs.shape as TensorShape;
    const shapePart = shape.dims && shape.dims.length > 0 ? ` and shape ${shape.toShortString()}` : '';
    throw new InvalidArgumentError(
      `You must feed a value for placeholder tensor '${ctx.op.name}' with dtype ${dtype.tfWord}${shapePart}\n\t [[{{node ${ctx.op.name}}} = Placeholder[dtype=DT_${dtype.tfWord.toUpperCase()}, shape=${shape.toShortString()}]()]]`,
      ctx.op.name,
    );
  },
  grad: null,
});

export interface PlaceholderOptions {
  name?: string;
  shape?: ShapeLike;
  dtype?: DTypeLike;
}

/** tf.placeholder(dtype, shape?, name?) */
export function placeholder(dtype: DTypeLike, shape?: ShapeLike | PlaceholderOptions, name?: string | PlaceholderOptions): Tensor {
  let s: ShapeLike = null;
  let n: string | undefined;
  const take = (o: PlaceholderOptions): void => {
    o = checkOptions('placeholder', o, ['name', 'shape', 'dtype']);
    if (o.shape !== undefined) s = o.shape;
    if (o.name !== undefined) n = o.name;
  };
  if (shape !== undefined && shape !== null && !Array.isArray(shape) && !(shape instanceof TensorShape)) take(shape as PlaceholderOptions);
  else s = shape as ShapeLike;
  if (typeof name === 'string') n = name;
  else if (name) take(name);
  return make1('Placeholder', [], { dtype: asDType(dtype), shape: TensorShape.of(s) }, { name: n, defaultName: 'Placeholder' });
}

defineOp({
  type: 'PlaceholderWithDefault',
  inferShape: (ctx) => [{ dtype: ctx.inputs[0].dtype, shape: ctx.attrs.shape as TensorShape }],
  kernel: (_ctx, inputs) => [inputs[0]],
  grad: (_op, g) => [g[0]],
});

/** tf.placeholder_with_default(input, shape, name?) */
export function placeholder_with_default(input: TensorLike, shape: ShapeLike, name?: string): Tensor {
  // JS cannot tell 1.0 from 1: a plain number default is taken as Python's float (the usual
  // keep_prob / learning-rate use); pass tf.constant(n, {dtype: tf.int32}) for an int default.
  const x = typeof input === 'number' ? convert_to_tensor(input, DType.float32) : convert_to_tensor(input);
  const s = TensorShape.of(shape);
  if (!x.shape.isCompatibleWith(s)) {
    throw new ValueError(`Shapes ${x.shape.toString()} and ${s.toString()} are incompatible for placeholder_with_default`);
  }
  return make1('PlaceholderWithDefault', [x], { shape: s }, { name, defaultName: 'PlaceholderWithDefault' });
}

defineOp({
  type: 'Identity',
  inferShape: (ctx) => [{ dtype: ctx.inputs[0].dtype, shape: ctx.inputs[0].shape, constValue: ctx.inputs[0].constValue }],
  // An Identity of a variable made by read_value() reads the variable when it runs (ref semantics).
  kernel: (ctx, inputs) => [ctx.attrs.read_variable ? ctx.run.readVariable(ctx.attrs.read_variable as Operation) : inputs[0]],
  grad: (_op, g) => [g[0]],
});

export function identity(x: TensorLike, name?: string): Tensor {
  return make1('Identity', [convert_to_tensor(x)], {}, { name, defaultName: 'Identity' });
}

defineOp({
  type: 'StopGradient',
  inferShape: (ctx) => [{ dtype: ctx.inputs[0].dtype, shape: ctx.inputs[0].shape }],
  kernel: (_ctx, inputs) => [inputs[0]],
  grad: null,
});

export function stop_gradient(x: TensorLike, name?: string): Tensor {
  return make1('StopGradient', [convert_to_tensor(x)], {}, { name, defaultName: 'StopGradient' });
}

// ---- shapes ---------------------------------------------------------------------------------

defineOp({
  type: 'Shape',
  inferShape(ctx): OutputSpec[] {
    const s = ctx.inputs[0].shape;
    const dt = (ctx.attrs.out_type as DType) ?? DType.int32;
    const known = s.isFullyDefined() ? new NDArray(Int32Array.from(s.toArray()), [s.dims!.length], DType.int32) : null;
    return [{ dtype: dt, shape: new TensorShape([s.ndims]), constValue: known && dt === DType.int32 ? known : null }];
  },
  kernel(ctx, inputs): Value[] {
    const s = bt(inputs[0]).shape;
    return [ctx.backend.fromHost(new NDArray(Int32Array.from(s), [s.length], DType.int32))];
  },
  grad: null,
});

export function shape(x: TensorLike, opts: { name?: string; out_type?: DTypeLike } = {}): Tensor {
  opts = checkOptions('shape', opts, ['name', 'out_type']);
  return make1('Shape', [convert_to_tensor(x)], { out_type: DType.int32 }, { name: opts.name, defaultName: 'Shape' });
}

defineOp({
  type: 'Size',
  inferShape(ctx): OutputSpec[] {
    const n = ctx.inputs[0].shape.num_elements();
    return [{ dtype: DType.int32, shape: TensorShape.scalar(), constValue: n === null ? null : new NDArray(Int32Array.of(n), [], DType.int32) }];
  },
  kernel: (ctx, inputs) => [ctx.backend.fill([], DType.int32, bt(inputs[0]).size)],
  grad: null,
});

export function size(x: TensorLike, name?: string): Tensor {
  return make1('Size', [convert_to_tensor(x)], {}, { name, defaultName: 'Size' });
}

defineOp({
  type: 'Rank',
  inferShape(ctx): OutputSpec[] {
    const r = ctx.inputs[0].shape.ndims;
    return [{ dtype: DType.int32, shape: TensorShape.scalar(), constValue: r === null ? null : new NDArray(Int32Array.of(r), [], DType.int32) }];
  },
  kernel: (ctx, inputs) => [ctx.backend.fill([], DType.int32, bt(inputs[0]).shape.length)],
  grad: null,
});

export function rank(x: TensorLike, name?: string): Tensor {
  return make1('Rank', [convert_to_tensor(x)], {}, { name, defaultName: 'Rank' });
}

/** An int32 shape vector as a tensor (a constant when given as numbers). */
function shapeTensor(s: readonly (number | null)[] | Tensor, what: string): Tensor {
  if (s instanceof Tensor) {
    if (s.dtype !== DType.int32 && s.dtype !== DType.int64) throw new TFTypeError(`${what}: shape must be int32 or int64, got ${s.dtype.name}`);
    if (s.shape.ndims !== null && s.shape.ndims !== 1) throw new ValueError(`${what}: shape must be a vector, got a tensor of shape ${s.shape.toString()}`);
    return s;
  }
  const arr = shapeArgument(s).dims!;
  return constant(
    arr.map((d) => (d === null ? -1 : d)),
    { dtype: DType.int32, name: 'shape' },
  );
}

// ---- reshape --------------------------------------------------------------------------------

defineOp({
  type: 'Reshape',
  inferShape(ctx): OutputSpec[] {
    const x = ctx.inputs[0];
    const target = constantValueAsShape(ctx.inputs[1].tensor);
    const dtype = x.dtype;
    if (!target) return [{ dtype, shape: UNKNOWN_SHAPE }];
    const known = x.shape.num_elements();
    const cv = ctx.inputs[1].constValue;
    const minusOnes = cv ? Array.from(cv.data).filter((d) => d === -1).length : 0;
    if (minusOnes > 1) ctx.fail('Cannot infer multiple unknown dimensions in shape');
    const dims: Dim[] = [...target];
    if (cv) {
      const product = Array.from(cv.data).reduce((a, d) => (d >= 0 ? a * d : a), 1);
      const idx = Array.from(cv.data).indexOf(-1);
      if (known !== null) {
        if (idx >= 0) {
          if (product === 0 || known % product !== 0) {
            ctx.fail(`Cannot reshape a tensor with ${known} elements to shape [${Array.from(cv.data).join(',')}] (${product} elements)`);
          }
          dims[idx] = known / product;
        } else if (product !== known) {
          ctx.fail(`Cannot reshape a tensor with ${known} elements to shape [${Array.from(cv.data).join(',')}] (${product} elements)`);
        }
      } else if (idx >= 0 && x.shape.dims && product > 0) {
        // Partially known input: the -1 is known when the known dims cover the rest.
        const knownPart = x.shape.dims.reduce<number | null>((a, d) => (a === null || d === null ? a : a * d), 1);
        const unknownCount = x.shape.dims.filter((d) => d === null).length;
        if (unknownCount === 0 && knownPart !== null) dims[idx] = knownPart / product;
        else dims[idx] = null;
      }
    }
    return [{ dtype, shape: new TensorShape(dims), constValue: x.constValue && cv ? x.constValue.reshape(dims as number[]) : null }];
  },
  kernel(ctx, inputs): Value[] {
    const x = bt(inputs[0]);
    const target = readInts(ctx, inputs[1]);
    let to: number[];
    try {
      to = resolveReshape(x.shape, target, 'Reshape');
    } catch {
      throw new InvalidArgumentError(
        `Input to reshape is a tensor with ${x.size} values, but the requested shape ${target.includes(-1) ? 'requires a multiple of' : 'has'} ${target.filter((d) => d >= 0).reduce((a, b) => a * b, 1)}\n\t [[{{node ${ctx.op.name}}}]]`,
        ctx.op.name,
      );
    }
    return [ctx.backend.reshape(x, to)];
  },
  grad: (op, g) => [g[0] ? reshape(g[0], shape(op.inputs[0])) : null, null],
});

export function reshape(tensor: TensorLike, shapeArg: readonly (number | null)[] | Tensor, name?: string): Tensor {
  const x = convert_to_tensor(tensor);
  return make1('Reshape', [x, shapeTensor(shapeArg, 'reshape')], {}, { name, defaultName: 'Reshape' });
}

defineOp({
  type: 'ExpandDims',
  inferShape(ctx): OutputSpec[] {
    const d = ctx.inputs[0].shape.dims;
    if (!d) return [{ dtype: ctx.inputs[0].dtype, shape: UNKNOWN_SHAPE }];
    const axis = ctx.attrs.axis as number;
    const a = axis < 0 ? axis + d.length + 1 : axis;
    if (a < 0 || a > d.length) ctx.fail(`Tried to expand dim index ${axis} for tensor with ${d.length} dimensions.`);
    const out = [...d];
    out.splice(a, 0, 1);
    return [{ dtype: ctx.inputs[0].dtype, shape: new TensorShape(out) }];
  },
  kernel(ctx, inputs): Value[] {
    const x = bt(inputs[0]);
    const axis = ctx.attrs.axis as number;
    const a = axis < 0 ? axis + x.shape.length + 1 : axis;
    const out = [...x.shape];
    out.splice(a, 0, 1);
    return [ctx.backend.reshape(x, out)];
  },
  grad: (op, g) => [g[0] ? reshape(g[0], shape(op.inputs[0])) : null],
});

/** An integer axis argument (attrs here, so a JS number). */
function intArg(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x)) throw new TFTypeError(`${what} must be an integer, got ${typeof x === 'number' ? x : typeof x}`);
  return x;
}

export function expand_dims(x: TensorLike, axis: number, name?: string): Tensor {
  intArg(axis, 'expand_dims: axis');
  return make1('ExpandDims', [convert_to_tensor(x)], { axis }, { name, defaultName: 'ExpandDims' });
}

defineOp({
  type: 'Squeeze',
  inferShape(ctx): OutputSpec[] {
    const d = ctx.inputs[0].shape.dims;
    const axes = ctx.attrs.squeeze_dims as number[];
    if (!d) return [{ dtype: ctx.inputs[0].dtype, shape: UNKNOWN_SHAPE }];
    const norm = axes.map((a) => normAxis(a, d.length));
    for (const a of norm) if (d[a] !== null && d[a] !== 1) ctx.fail(`Can not squeeze dim[${a}], expected a dimension of 1, got ${d[a]}`);
    const out = d.filter((x, i) => (norm.length ? !norm.includes(i) : x !== 1));
    if (!norm.length && d.includes(null)) return [{ dtype: ctx.inputs[0].dtype, shape: UNKNOWN_SHAPE }];
    return [{ dtype: ctx.inputs[0].dtype, shape: new TensorShape(out) }];
  },
  kernel(ctx, inputs): Value[] {
    const x = bt(inputs[0]);
    const axes = (ctx.attrs.squeeze_dims as number[]).map((a) => normAxis(a, x.shape.length));
    for (const a of axes) {
      if (x.shape[a] !== 1) throw new InvalidArgumentError(`Can not squeeze dim[${a}], expected a dimension of 1, got ${x.shape[a]}`, ctx.op.name);
    }
    return [ctx.backend.reshape(x, x.shape.filter((d, i) => (axes.length ? !axes.includes(i) : d !== 1)))];
  },
  grad: (op, g) => [g[0] ? reshape(g[0], shape(op.inputs[0])) : null],
});

export function squeeze(x: TensorLike, axis: number | readonly number[] | null = null, name?: string): Tensor {
  if (axis !== null && axis !== undefined && typeof axis !== 'number' && !Array.isArray(axis)) throw new TFTypeError(`squeeze: axis must be an integer, an array of integers or null, got ${typeof axis}`);
  const axes = axis === null || axis === undefined ? [] : typeof axis === 'number' ? [axis] : [...axis];
  axes.forEach((a, i) => intArg(a, `squeeze: axis[${i}]`));
  return make1('Squeeze', [convert_to_tensor(x)], { squeeze_dims: axes }, { name, defaultName: 'Squeeze' });
}

// ---- transpose ------------------------------------------------------------------------------

defineOp({
  type: 'Transpose',
  inferShape(ctx): OutputSpec[] {
    const d = ctx.inputs[0].shape.dims;
    const perm = ctx.attrs.perm as number[] | null;
    if (!d) return [{ dtype: ctx.inputs[0].dtype, shape: perm ? new TensorShape(perm.map(() => null)) : UNKNOWN_SHAPE }];
    const p = perm ?? d.map((_, i) => d.length - 1 - i);
    if (p.length !== d.length) ctx.fail(`Dimension must be ${d.length} but is ${p.length}`);
    const seen = new Set(p);
    if (seen.size !== p.length || p.some((i) => i < 0 || i >= d.length)) ctx.fail(`${JSON.stringify(p)} is not a valid permutation`);
    return [{ dtype: ctx.inputs[0].dtype, shape: new TensorShape(p.map((i) => d[i])) }];
  },
  kernel(ctx, inputs): Value[] {
    const x = bt(inputs[0]);
    const perm = (ctx.attrs.perm as number[] | null) ?? x.shape.map((_, i) => x.shape.length - 1 - i);
    if (perm.length !== x.shape.length) throw new InvalidArgumentError(`transpose expects a vector of size ${x.shape.length}. But input(1) is a vector of size ${perm.length}`, ctx.op.name);
    return [ctx.backend.transpose(x, perm)];
  },
  grad(op, g) {
    if (!g[0]) return [null];
    const perm = op.attrs.perm as number[] | null;
    if (!perm) return [transpose(g[0])];
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => (inv[p] = i));
    return [transpose(g[0], inv)];
  },
});

export function transpose(a: TensorLike, perm?: readonly number[] | null | { perm?: readonly number[]; name?: string }, name?: string): Tensor {
  let p: readonly number[] | null = null;
  let n = name;
  if (Array.isArray(perm)) p = perm;
  else if (perm && typeof perm === 'object') {
    const o = checkOptions('transpose', perm as { perm?: readonly number[]; name?: string }, ['perm', 'name']);
    p = o.perm ?? null;
    n = o.name ?? n;
  } else if (perm !== undefined && perm !== null) throw new TFTypeError(`transpose: perm must be an array of integers, got ${typeof perm}`);
  if (p) p.forEach((d, i) => intArg(d, `transpose: perm[${i}]`));
  return make1('Transpose', [convert_to_tensor(a)], { perm: p ? [...p] : null }, { name: n, defaultName: 'transpose' });
}

// ---- stack / unstack ------------------------------------------------------------------------

defineOp({
  type: 'Pack',
  inferShape(ctx): OutputSpec[] {
    const dtype = sameDType(ctx, ctx.inputs.map((_, i) => (i === 0 ? 'values' : `values_${i}`)));
    let merged: TensorShape = ctx.inputs[0].shape;
    for (const i of ctx.inputs) {
      if (!merged.isCompatibleWith(i.shape)) ctx.fail(`Shapes must be equal rank, but are ${merged.ndims} and ${i.shape.ndims}`);
      merged = merged.merge(i.shape);
    }
    const axis = ctx.attrs.axis as number;
    if (!merged.dims) return [{ dtype, shape: UNKNOWN_SHAPE }];
    const r = merged.dims.length + 1;
    const a = axis < 0 ? axis + r : axis;
    if (a < 0 || a >= r) ctx.fail(`axis = ${axis} not in [${-r}, ${r})`);
    const out = [...merged.dims];
    out.splice(a, 0, ctx.inputs.length);
    let cv: NDArray | null = null;
    if (merged.dims.length === 0 && ctx.inputs.every((i) => i.constValue)) {
      const data = dtype.alloc(ctx.inputs.length);
      ctx.inputs.forEach((i, k) => (data[k] = i.constValue!.data[0]));
      cv = new NDArray(data, [ctx.inputs.length], dtype);
    }
    return [{ dtype, shape: new TensorShape(out), constValue: cv }];
  },
  kernel(ctx, inputs): Value[] {
    const xs = inputs.map(bt);
    const r = xs[0].shape.length + 1;
    const axis = ctx.attrs.axis as number;
    const a = axis < 0 ? axis + r : axis;
    for (const x of xs) {
      if (x.shape.length !== xs[0].shape.length || x.shape.some((d, i) => d !== xs[0].shape[i])) {
        throw new InvalidArgumentError(`Shapes of all inputs must match: values[0].shape = [${xs[0].shape.join(',')}] != values[${xs.indexOf(x)}].shape = [${x.shape.join(',')}]`, ctx.op.name);
      }
    }
    const expanded = xs.map((x) => {
      const s = [...x.shape];
      s.splice(a, 0, 1);
      return ctx.backend.reshape(x, s);
    });
    const out = expanded.length === 1 ? expanded[0] : ctx.backend.concat(expanded, a);
    freeTemps(ctx.backend, expanded, [out]);
    return [out];
  },
  grad: (op, g) => (g[0] ? unstack(g[0], { num: op.inputs.length, axis: op.attrs.axis as number }) : op.inputs.map(() => null)),
});

export function stack(values: readonly TensorLike[], axis: number | { axis?: number; name?: string } = 0, name?: string): Tensor {
  let ax = 0;
  let n = name;
  if (typeof axis === 'number') ax = axis;
  else {
    const o = checkOptions('stack', axis, ['axis', 'name']);
    ax = o.axis ?? 0;
    n = o.name ?? n;
  }
  if (!Array.isArray(values) || values.length === 0) throw new ValueError('stack: values must be a non-empty list of tensors');
  const conv = convertList(values);
  return make1('Pack', conv, { axis: ax, N: conv.length }, { name: n, defaultName: 'stack' });
}

/**
 * Converts a list input as TF1's op helper does: JS values take the dtype of the first tensor
 * in the list (tf.stack([x_float, 1]) is float32), else their own inferred dtype.
 */
function convertList(values: readonly TensorLike[]): Tensor[] {
  const first = values.find((v) => v instanceof Tensor || isTensorConvertible(v));
  const dtype = first === undefined ? undefined : convert_to_tensor(first).dtype;
  return values.map((v) => (v instanceof Tensor || isTensorConvertible(v) ? convert_to_tensor(v) : convert_to_tensor(v, dtype)));
}

defineOp({
  type: 'Unpack',
  inferShape(ctx): OutputSpec[] {
    const d = ctx.inputs[0].shape.dims;
    const num = ctx.attrs.num as number;
    const axis = ctx.attrs.axis as number;
    if (!d) return new Array(num).fill(0).map(() => ({ dtype: ctx.inputs[0].dtype, shape: UNKNOWN_SHAPE }));
    const a = axis < 0 ? axis + d.length : axis;
    const out = d.filter((_, i) => i !== a);
    return new Array(num).fill(0).map(() => ({ dtype: ctx.inputs[0].dtype, shape: new TensorShape(out) }));
  },
  kernel(ctx, inputs): Value[] {
    const x = bt(inputs[0]);
    const num = ctx.attrs.num as number;
    const a = normAxis(ctx.attrs.axis as number, x.shape.length);
    if (x.shape[a] !== num) throw new InvalidArgumentError(`Input shape axis ${a} must equal ${num}, got shape [${x.shape.join(',')}]`, ctx.op.name);
    const out: Value[] = [];
    const size = [...x.shape];
    size[a] = 1;
    const rest = x.shape.filter((_, i) => i !== a);
    for (let k = 0; k < num; k++) {
      const begin = x.shape.map((_, i) => (i === a ? k : 0));
      const piece = ctx.backend.slice(x, begin, size);
      out.push(ctx.backend.reshape(piece, rest));
      freeTemps(ctx.backend, [piece], out, inputs);
    }
    return out;
  },
  grad(op, gs) {
    if (gs.every((g) => g === null)) return [null];
    const filled = gs.map((g, i) => g ?? zeros_like(op.outputs[i]));
    return [stack(filled, op.attrs.axis as number)];
  },
});

export function unstack(value: TensorLike, opts: { num?: number | null; axis?: number; name?: string } = {}): Tensor[] {
  opts = checkOptions('unstack', opts, ['num', 'axis', 'name']);
  const x = convert_to_tensor(value);
  const axis = opts.axis ?? 0;
  let num = opts.num ?? null;
  if (num === null) {
    const d = x.shape.dims;
    if (!d) throw new ValueError(`Cannot infer num from shape ${x.shape.toString()}`);
    const a = normAxis(axis, d.length);
    num = d[a];
    if (num === null) throw new ValueError(`Cannot infer num from shape ${x.shape.toString()}`);
  }
  intArg(axis, 'unstack: axis');
  intArg(num, 'unstack: num');
  if (num < 0 || num > MAX_ELEMENTS) throw new ValueError(`unstack: num must be in [0, ${MAX_ELEMENTS}], got ${num}`);
  return makeOp('Unpack', [x], { num, axis }, { name: opts.name, defaultName: 'unstack' }).outputs;
}

// ---- concat / split -------------------------------------------------------------------------

defineOp({
  type: 'ConcatV2',
  inferShape(ctx): OutputSpec[] {
    const dtype = sameDType(ctx, ctx.inputs.map((_, i) => (i === 0 ? 'values' : `values_${i}`)));
    const axis = ctx.attrs.axis as number;
    const known = ctx.inputs.find((i) => i.shape.dims);
    if (!known) return [{ dtype, shape: UNKNOWN_SHAPE }];
    const r = known.shape.dims!.length;
    if (r === 0) ctx.fail('Can\'t concatenate scalars (use tf.stack instead)');
    if (axis < -r || axis >= r) ctx.fail(`Expected concatenating dimensions in the range [${-r}, ${r}), but got ${axis}`);
    const a = axis < 0 ? axis + r : axis;
    const out: Dim[] = [...known.shape.dims!];
    out[a] = 0;
    for (const inp of ctx.inputs) {
      const d = inp.shape.dims;
      if (!d) {
        out[a] = null;
        continue;
      }
      if (d.length !== r) ctx.fail(`Shape must be rank ${r} but is rank ${d.length}`);
      for (let i = 0; i < r; i++) {
        if (i === a) out[a] = out[a] === null || d[i] === null ? null : (out[a] as number) + (d[i] as number);
        else if (out[i] === null) out[i] = d[i];
        else if (d[i] !== null && d[i] !== out[i]) ctx.fail(`Dimension ${i} in both shapes must be equal, but are ${out[i]} and ${d[i]}. Shapes are ${known.shape.toShortString()} and ${inp.shape.toShortString()}`);
      }
    }
    let cv: NDArray | null = null;
    if (r === 1 && ctx.inputs.every((i) => i.constValue)) {
      const vals = ctx.inputs.flatMap((i) => Array.from(i.constValue!.data));
      const data = dtype.alloc(vals.length);
      vals.forEach((v, i) => (data[i] = v));
      cv = new NDArray(data, [vals.length], dtype);
    }
    return [{ dtype, shape: new TensorShape(out), constValue: cv }];
  },
  kernel(ctx, inputs): Value[] {
    const xs = inputs.map(bt);
    const a = normAxis(ctx.attrs.axis as number, xs[0].shape.length);
    for (const x of xs) {
      if (x.shape.length !== xs[0].shape.length || x.shape.some((d, i) => i !== a && d !== xs[0].shape[i])) {
        throw new InvalidArgumentError(
          `ConcatOp : Dimensions of inputs should match: shape[0] = [${xs[0].shape.join(',')}] vs. shape[${xs.indexOf(x)}] = [${x.shape.join(',')}]`,
          ctx.op.name,
        );
      }
    }
    return [xs.length === 1 ? xs[0] : ctx.backend.concat(xs, a)];
  },
  grad(op, g) {
    if (!g[0]) return op.inputs.map(() => null);
    const sizes = op.inputs.map((i) => gather(shape(i), (op.attrs.axis as number) < 0 ? (op.attrs.axis as number) + (i.shape.ndims ?? 0) : (op.attrs.axis as number)));
    const parts = makeOp('SplitV', [g[0], stack(sizes)], { axis: op.attrs.axis as number, num_split: op.inputs.length }, { defaultName: 'split' }).outputs;
    return parts;
  },
});

export function concat(values: readonly TensorLike[], axis: number, name?: string): Tensor {
  if (!Array.isArray(values) || values.length === 0) throw new ValueError('concat: values must be a non-empty list of tensors');
  intArg(axis, 'concat: axis');
  const ts = convertList(values);
  return make1('ConcatV2', ts, { axis, N: ts.length }, { name, defaultName: 'concat' });
}

/** SplitV: sizes given by an int vector input (static or runtime), one output per size. */
defineOp({
  type: 'SplitV',
  inferShape(ctx): OutputSpec[] {
    const d = ctx.inputs[0].shape.dims;
    const n = ctx.attrs.num_split as number;
    const sizes = constantValueAsShape(ctx.inputs[1].tensor);
    const axis = ctx.attrs.axis as number;
    if (!d) return new Array(n).fill(0).map(() => ({ dtype: ctx.inputs[0].dtype, shape: UNKNOWN_SHAPE }));
    const a = normAxis(axis, d.length);
    if (sizes && d[a] !== null && sizes.every((s) => s !== null)) {
      const total = (sizes as number[]).reduce((x, y) => x + y, 0);
      if (total !== d[a]) ctx.fail(`Determined shape must either match input shape along split_dim exactly if fully specified, or be less than the size of the input along split_dim if not fully specified.  Got: ${total}`);
    }
    return new Array(n).fill(0).map((_, i) => {
      const out = [...d];
      out[a] = sizes ? sizes[i] : null;
      return { dtype: ctx.inputs[0].dtype, shape: new TensorShape(out) };
    });
  },
  kernel(ctx, inputs): Value[] {
    const x = bt(inputs[0]);
    const sizes = readInts(ctx, inputs[1]);
    const a = normAxis(ctx.attrs.axis as number, x.shape.length);
    const total = sizes.reduce((p, q) => p + q, 0);
    if (total !== x.shape[a]) throw new InvalidArgumentError(`Split sizes ${JSON.stringify(sizes)} do not add up to dimension ${a} of shape [${x.shape.join(',')}]`, ctx.op.name);
    const out: Value[] = [];
    let off = 0;
    for (const s of sizes) {
      const begin = x.shape.map((_, i) => (i === a ? off : 0));
      const size = x.shape.map((d, i) => (i === a ? s : d));
      out.push(ctx.backend.slice(x, begin, size));
      off += s;
    }
    return out;
  },
  grad(op, gs) {
    if (gs.every((g) => g === null)) return [null, null];
    const filled = gs.map((g, i) => g ?? zeros_like(op.outputs[i]));
    return [concat(filled, op.attrs.axis as number), null];
  },
});

/** tf.split(value, num_or_size_splits, axis=0) */
export function split(value: TensorLike, num_or_size_splits: number | readonly number[], axis = 0, name?: string): Tensor[] {
  intArg(axis, 'split: axis');
  if (typeof num_or_size_splits !== 'number') {
    if (!Array.isArray(num_or_size_splits)) throw new TFTypeError(`split: num_or_size_splits must be an integer or an array of integers, got ${typeof num_or_size_splits}`);
    num_or_size_splits.forEach((s, i) => intArg(s, `split: num_or_size_splits[${i}]`));
  }
  const x = convert_to_tensor(value);
  let sizes: Tensor;
  let n: number;
  if (typeof num_or_size_splits === 'number') {
    n = num_or_size_splits;
    if (!Number.isInteger(n) || n <= 0) throw new ValueError(`num_or_size_splits must be a positive integer, got ${n}`);
    const d = x.shape.dims ? x.shape.dims[normAxis(axis, x.shape.dims.length)] : null;
    if (d !== null) {
      if (d % n !== 0) throw new ValueError(`Dimension size must be evenly divisible by ${n} but is ${d} for 'split' (op: 'Split') with input shapes: ${x.shape.toShortString()}`);
      sizes = constant(new Array(n).fill(d / n), { dtype: DType.int32 });
    } else {
      // Unknown size: split evenly at run time.
      const len = gather(shape(x), normAxis(axis, x.shape.ndims ?? 1));
      const part = make1('FloorDiv', [len, constant(n, { dtype: DType.int32 })], {}, { defaultName: 'floordiv' });
      sizes = stack(new Array(n).fill(part));
    }
  } else {
    n = num_or_size_splits.length;
    sizes = constant([...num_or_size_splits], { dtype: DType.int32 });
  }
  return makeOp('SplitV', [x, sizes], { axis, num_split: n }, { name, defaultName: 'split' }).outputs;
}

// ---- slice / pad ----------------------------------------------------------------------------

defineOp({
  type: 'Slice',
  inferShape(ctx): OutputSpec[] {
    const d = ctx.inputs[0].shape.dims;
    const begin = ctx.attrs.begin as number[];
    const size = ctx.attrs.size as number[];
    if (d && (begin.length !== d.length || size.length !== d.length)) ctx.fail(`Expected begin and size arguments to be 1-D tensors of size ${d.length}, but got shapes [${begin.length}] and [${size.length}] instead`);
    const out: Dim[] = size.map((s, i) => {
      const dim = d ? d[i] : null;
      if (dim !== null && (begin[i] < 0 || (s >= 0 && begin[i] + s > dim))) ctx.fail(`Expected size[${i}] in [0, ${dim - begin[i]}], but got ${s}`);
      return s >= 0 ? s : dim === null ? null : dim - begin[i];
    });
    return [{ dtype: ctx.inputs[0].dtype, shape: new TensorShape(out) }];
  },
  kernel(ctx, inputs): Value[] {
    const x = bt(inputs[0]);
    const begin = ctx.attrs.begin as number[];
    const size = (ctx.attrs.size as number[]).map((s, i) => (s < 0 ? x.shape[i] - begin[i] : s));
    for (let i = 0; i < x.shape.length; i++) {
      if (begin[i] < 0 || begin[i] + size[i] > x.shape[i]) {
        throw new InvalidArgumentError(`Expected size[${i}] in [0, ${x.shape[i] - begin[i]}], but got ${size[i]}`, ctx.op.name);
      }
    }
    return [ctx.backend.slice(x, begin, size)];
  },
  grad(op, g) {
    if (!g[0]) return [null];
    // Pad the gradient back to the input's shape: before = begin, after = in - begin - size.
    return [make1('SliceGrad', [g[0], shape(op.inputs[0])], { begin: op.attrs.begin }, { defaultName: 'Pad' })];
  },
});

export function slice(input: TensorLike, begin: readonly number[], size: readonly number[], name?: string): Tensor {
  if (!Array.isArray(begin) || !Array.isArray(size)) throw new TFTypeError('slice: begin and size must be arrays of integers');
  const x = convert_to_tensor(input);
  for (const v of [...begin, ...size]) if (typeof v !== 'number' || !Number.isInteger(v)) throw new TFTypeError(`slice: begin and size must be integers, got ${String(v)}`);
  return make1('Slice', [x], { begin: [...begin], size: [...size] }, { name, defaultName: 'Slice' });
}

/** Zero-pads `g` (a slice at `begin`) back to the shape given by the second input. */
defineOp({
  type: 'SliceGrad',
  inferShape: (ctx) => [{ dtype: ctx.inputs[0].dtype, shape: shapeFromTensor(ctx.inputs[1].tensor) }],
  kernel(ctx, inputs): Value[] {
    const g = bt(inputs[0]);
    const full = readInts(ctx, inputs[1]);
    const begin = ctx.attrs.begin as number[];
    return [padKernel(ctx.backend, g, full.map((d, i) => [begin[i], d - begin[i] - g.shape[i]]))];
  },
  grad: (op, g) => [g[0] ? slice(g[0], op.attrs.begin as number[], (op.inputs[0].shape.dims ?? []).map((d) => d ?? -1)) : null, null],
});

/** Zero padding built from fill + concat, one axis at a time. */
function padKernel(backend: import('../backend/backend').Backend, x: BackendTensor, pads: readonly (readonly [number, number])[]): BackendTensor {
  let cur = x;
  pads.forEach(([before, after], axis) => {
    if (before === 0 && after === 0) return;
    const parts: BackendTensor[] = [];
    if (before > 0) parts.push(backend.fill(cur.shape.map((d, i) => (i === axis ? before : d)), cur.dtype, 0));
    parts.push(cur);
    if (after > 0) parts.push(backend.fill(cur.shape.map((d, i) => (i === axis ? after : d)), cur.dtype, 0));
    const next = backend.concat(parts, axis);
    freeTemps(backend, parts, [next], [x]); // the zeros and the previous axis's result
    cur = next;
  });
  return cur;
}

defineOp({
  type: 'Pad',
  inferShape(ctx): OutputSpec[] {
    const d = ctx.inputs[0].shape.dims;
    const p = ctx.attrs.paddings as [number, number][];
    if (d && d.length !== p.length) ctx.fail(`The first dimension of paddings must be the rank of inputs[${p.length},2] ${ctx.inputs[0].shape.toShortString()}`);
    return [{ dtype: ctx.inputs[0].dtype, shape: new TensorShape(p.map(([a, b], i) => (d && d[i] !== null ? (d[i] as number) + a + b : null))) }];
  },
  kernel: (ctx, inputs) => [padKernel(ctx.backend, bt(inputs[0]), ctx.attrs.paddings as [number, number][])],
  grad(op, g) {
    if (!g[0]) return [null];
    const p = op.attrs.paddings as [number, number][];
    const dims = op.inputs[0].shape.dims;
    if (dims && dims.every((d) => d !== null)) return [slice(g[0], p.map(([a]) => a), dims as number[])];
    // Unknown dims: a static slice size of -1 would keep the trailing padding, so cut each
    // padded axis into [before, size, after] with the run-time size and keep the middle.
    const xs = shape(op.inputs[0]);
    let cur = g[0];
    p.forEach(([a, b], axis) => {
      if (a === 0 && b === 0) return;
      const sizes = stack([constant(a, { dtype: DType.int32 }), gather(xs, axis), constant(b, { dtype: DType.int32 })]);
      cur = makeOp('SplitV', [cur, sizes], { axis, num_split: 3 }, { defaultName: 'split' }).outputs[1];
    });
    return [cur];
  },
});

export function pad(tensor: TensorLike, paddings: readonly (readonly [number, number])[], opts: { mode?: 'CONSTANT'; name?: string } = {}): Tensor {
  opts = checkOptions('pad', opts, ['mode', 'name']);
  if (opts.mode && opts.mode !== 'CONSTANT') throw new ValueError(`pad: only mode CONSTANT is supported, got ${opts.mode}`);
  if (!Array.isArray(paddings) || paddings.some((p) => !Array.isArray(p) || p.length !== 2)) {
    throw new TFTypeError('pad: paddings must be an array of [before, after] pairs, one per dimension');
  }
  paddings.forEach((p, i) => {
    intArg(p[0], `pad: paddings[${i}][0]`);
    intArg(p[1], `pad: paddings[${i}][1]`);
    if (p[0] < 0 || p[1] < 0) throw new ValueError(`Paddings must be non-negative: ${p[0]} ${p[1]}`);
  });
  return make1('Pad', [convert_to_tensor(tensor)], { paddings: paddings.map((p) => [p[0], p[1]]) }, { name: opts.name, defaultName: 'Pad' });
}

// ---- reverse / reverse_sequence ------------------------------------------------------------

/** Gathers `idx` (host ints) along `axis`; the index tensor is freed at once on device backends. */
function gatherHost(b: { fromHost(a: NDArray): BackendTensor; gather(x: BackendTensor, i: BackendTensor, axis: number): BackendTensor; dispose?(t: BackendTensor): void }, x: BackendTensor, idx: Int32Array, axis: number): BackendTensor {
  const it = b.fromHost(new NDArray(idx, [idx.length], DType.int32));
  const y = b.gather(x, it, axis);
  b.dispose?.(it);
  return y;
}

/** Canonical axes of tf.reverse, with TF's errors (graph time: ValueError via fail; run time: InvalidArgument). */
function reverseAxes(axes: readonly number[], rank: number, fail: (m: string) => never): number[] {
  const seen = new Array<boolean>(rank).fill(false);
  return axes.map((a, i) => {
    const c = a < 0 ? a + rank : a;
    if (c < 0 || c >= rank) fail(`'axis'[${i}] = ${a} is out of valid range [0, ${rank - 1}`);
    if (seen[c]) fail(`axis ${c} specified more than once.`);
    seen[c] = true;
    return c;
  });
}

defineOp({
  type: 'ReverseV2',
  inferShape(ctx): OutputSpec[] {
    const [x, axis] = ctx.inputs;
    requireIndexDType(axis, 'axis');
    if (axis.shape.ndims !== null && axis.shape.ndims !== 1) ctx.fail(`Shape must be rank 1 but is rank ${axis.shape.ndims}`);
    if (axis.constValue && x.shape.ndims !== null) reverseAxes(Array.from(axis.constValue.data), x.shape.ndims, (m) => ctx.fail(m));
    return [{ dtype: x.dtype, shape: x.shape }];
  },
  kernel(ctx, inputs): Value[] {
    let y = bt(inputs[0]);
    const axes = reverseAxes(readInts(ctx, inputs[1]), y.shape.length, (m) => {
      throw new InvalidArgumentError(m, ctx.op.name);
    });
    const b = ctx.backend;
    for (const a of axes) {
      const n = y.shape[a];
      if (n < 2) continue;
      const prev = y;
      y = gatherHost(b, y, Int32Array.from({ length: n }, (_, k) => n - 1 - k), a);
      if (prev !== inputs[0]) b.dispose?.(prev);
    }
    // Nothing reversed: a new handle all the same (outputs never alias inputs).
    return [y === inputs[0] ? b.reshape(y, y.shape) : y];
  },
  grad: (op, g) => [g[0] ? make1('ReverseV2', [g[0], op.inputs[1]], {}, { defaultName: 'ReverseV2' }) : null, null],
});

/** tf.reverse(tensor, axis): reverses the given dimensions (a list of ints, negative from the end). */
export function reverse(tensor: TensorLike, axis: readonly number[] | TensorLike, name?: string): Tensor {
  return make1('ReverseV2', [convert_to_tensor(tensor), convert_to_tensor(axis as TensorLike, DType.int32)], {}, { name, defaultName: 'ReverseV2' });
}

defineOp({
  type: 'ReverseSequence',
  inferShape(ctx): OutputSpec[] {
    const [x, lens] = ctx.inputs;
    const seq = ctx.attrs.seq_dim as number;
    const batch = ctx.attrs.batch_dim as number;
    requireIndexDType(lens, 'seq_lengths');
    if (lens.shape.ndims !== null && lens.shape.ndims !== 1) ctx.fail(`Shape must be rank 1 but is rank ${lens.shape.ndims}`);
    if (seq === batch) ctx.fail(`batch_dim == seq_dim == ${seq}`);
    const r = x.shape.ndims;
    if (r !== null) {
      if (batch >= r) ctx.fail(`batch_dim must be < input rank: ${batch} vs. ${r}`);
      if (seq >= r) ctx.fail(`seq_dim must be < input rank: ${seq} vs. ${r}`);
      const bd = x.shape.dim(batch);
      const ld = lens.shape.ndims === 1 ? lens.shape.dim(0) : null;
      if (bd !== null && ld !== null && bd !== ld) ctx.fail(`Dimensions must be equal, but are ${bd} and ${ld}`);
      if (bd === null && ld !== null) return [{ dtype: x.dtype, shape: new TensorShape(x.shape.dims!.map((d, i) => (i === batch ? ld : d))) }];
    }
    return [{ dtype: x.dtype, shape: x.shape }];
  },
  kernel(ctx, inputs): Value[] {
    const x = bt(inputs[0]);
    const lensT = bt(inputs[1]);
    const seq = ctx.attrs.seq_dim as number;
    const batch = ctx.attrs.batch_dim as number;
    const fail = (m: string): never => {
      throw new InvalidArgumentError(m, ctx.op.name);
    };
    if (lensT.shape.length !== 1) fail(`seq_lengths must be 1-dim, not ${lensT.shape.length}`);
    const lens = readInts(ctx, lensT);
    const B = x.shape[batch];
    const T = x.shape[seq];
    if (lens.length !== B) fail(`Length of seq_lengths != input.dims(${batch}), (${lens.length} vs. ${B})`);
    lens.forEach((l, d) => {
      if (l < 0) fail(`seq_lens(${d}) < 0`);
      if (l > T) fail(`seq_lens(${d}) > input.dims(${seq})`);
    });
    const b = ctx.backend;
    // [.., B, .., T, ..] -> [B, T, rest] -> rows b*T + t gathered from b*T + (t < L_b ? L_b - 1 - t : t) -> back.
    const r = x.shape.length;
    const rest = Array.from({ length: r }, (_, i) => i).filter((i) => i !== batch && i !== seq);
    const perm = [batch, seq, ...rest];
    const moved = perm.every((p, i) => p === i) ? x : b.transpose(x, perm);
    const flat = b.reshape(moved, [B * T, ...rest.map((i) => x.shape[i])]);
    const idx = new Int32Array(B * T);
    for (let bi = 0; bi < B; bi++) {
      const L = lens[bi];
      for (let t = 0; t < T; t++) idx[bi * T + t] = bi * T + (t < L ? L - 1 - t : t);
    }
    const g = gatherHost(b, flat, idx, 0);
    const back = b.reshape(g, moved.shape);
    const inv = perm.map((_, i) => perm.indexOf(i));
    const y = moved === x ? back : b.transpose(back, inv);
    for (const t of [flat, g, ...(moved === x ? [] : [moved, back])]) if (t !== y) b.dispose?.(t);
    return [y];
  },
  grad: (op, g) => [g[0] ? make1('ReverseSequence', [g[0], op.inputs[1]], { ...op.attrs }, { defaultName: 'ReverseSequence' }) : null, null],
});

export interface ReverseSequenceOptions {
  seq_axis?: number;
  batch_axis?: number;
  name?: string;
  /** Old names of seq_axis / batch_axis. */
  seq_dim?: number;
  batch_dim?: number;
}

/**
 * tf.reverse_sequence(input, seq_lengths, {seq_axis, batch_axis}): reverses the first
 * seq_lengths[i] entries along seq_axis of every slice i along batch_axis (default 0); entries
 * past a sequence's length stay in place.
 */
export function reverse_sequence(input: TensorLike, seq_lengths: TensorLike, opts: ReverseSequenceOptions = {}): Tensor {
  opts = checkOptions('reverse_sequence', opts, ['seq_axis', 'batch_axis', 'name', 'seq_dim', 'batch_dim']);
  const pick = (a: number | undefined, old: number | undefined, what: string): number | undefined => {
    if (a !== undefined && old !== undefined && a !== old) throw new ValueError(`Cannot specify both '${what}' and '${what === 'seq_axis' ? 'seq_dim' : 'batch_dim'}'`);
    return a ?? old;
  };
  const seq = pick(opts.seq_axis, opts.seq_dim, 'seq_axis');
  if (seq === undefined) throw new TFTypeError("reverse_sequence() missing required argument: 'seq_axis'");
  const batch = pick(opts.batch_axis, opts.batch_dim, 'batch_axis') ?? 0;
  intArg(seq, 'reverse_sequence: seq_axis');
  intArg(batch, 'reverse_sequence: batch_axis');
  const x = convert_to_tensor(input);
  const lens = convert_to_tensor(seq_lengths, null);
  return make1('ReverseSequence', [x, lens], { seq_dim: seq, batch_dim: batch }, { name: opts.name, defaultName: 'ReverseSequence' });
}

// ---- gather / one_hot -----------------------------------------------------------------------

defineOp({
  type: 'GatherV2',
  inferShape(ctx): OutputSpec[] {
    const p = ctx.inputs[0].shape.dims;
    const idx = ctx.inputs[1];
    requireIndexDType(idx, 'indices');
    const axis = ctx.attrs.axis as number;
    if (!p || !idx.shape.dims) return [{ dtype: ctx.inputs[0].dtype, shape: UNKNOWN_SHAPE }];
    if (p.length === 0) ctx.fail('Shape must be at least rank 1 but is rank 0');
    const a = normAxis(axis, p.length);
    let cv: NDArray | null = null;
    const pc = ctx.inputs[0].constValue;
    const ic = idx.constValue;
    if (pc && ic && p.length === 1 && ic.size <= 1 && ic.data[0] >= 0 && ic.data[0] < pc.size) {
      const d = pc.dtype.alloc(1);
      d[0] = pc.data[ic.data[0]];
      cv = new NDArray(d, idx.shape.dims as number[], pc.dtype);
    }
    return [{ dtype: ctx.inputs[0].dtype, shape: new TensorShape([...p.slice(0, a), ...idx.shape.dims, ...p.slice(a + 1)]), constValue: cv }];
  },
  kernel: (ctx, inputs) => [ctx.backend.gather(bt(inputs[0]), bt(inputs[1]), normAxis(ctx.attrs.axis as number, bt(inputs[0]).shape.length))],
  grad(op, g) {
    if (!g[0] || !op.inputs[0].dtype.isFloating) return [null, null];
    return [make1('GatherGrad', [g[0], op.inputs[1], shape(op.inputs[0])], { axis: op.attrs.axis }, { defaultName: 'GatherGrad' }), null];
  },
});

/** Dense gradient of a gather: scatter-add of g's slices back into zeros of params' shape. */
defineOp({
  type: 'GatherGrad',
  inferShape: (ctx) => [{ dtype: ctx.inputs[0].dtype, shape: shapeFromTensor(ctx.inputs[2].tensor) }],
  kernel(ctx, inputs): Value[] {
    const g = bt(inputs[0]);
    const idx = bt(inputs[1]);
    const pshape = readInts(ctx, inputs[2]);
    const a = normAxis(ctx.attrs.axis as number, pshape.length);
    const b = ctx.backend;
    // Move the gathered axis to the front: g is [pre..., idx..., post...].
    const pre = pshape.slice(0, a);
    const post = pshape.slice(a + 1);
    const nIdx = idx.size;
    const g3 = b.reshape(g, [sizeOf(pre), nIdx, sizeOf(post)]);
    const moved = b.transpose(g3, [1, 0, 2]);
    const front = b.reshape(moved, [nIdx, sizeOf(pre) * sizeOf(post)]);
    const flatIdx = b.reshape(idx, [nIdx]);
    const summed = b.unsortedSegmentSum(front, flatIdx, pshape[a]);
    const summed3 = b.reshape(summed, [pshape[a], sizeOf(pre), sizeOf(post)]);
    const back = b.transpose(summed3, [1, 0, 2]);
    const out = b.reshape(back, pshape);
    freeTemps(b, [g3, moved, front, flatIdx, summed, summed3, back], [out], inputs);
    return [out];
  },
  grad: null,
});

export function gather(params: TensorLike, indices: TensorLike, axis: number | { axis?: number; name?: string } = 0, name?: string): Tensor {
  let ax = 0;
  let n = name;
  if (typeof axis === 'number') ax = axis;
  else {
    const o = checkOptions('gather', axis, ['axis', 'name']);
    ax = o.axis ?? 0;
    n = o.name ?? n;
  }
  return make1('GatherV2', [convert_to_tensor(params), convert_to_tensor(indices, null)], { axis: ax }, { name: n, defaultName: 'GatherV2' });
}

// ---- gather_nd ------------------------------------------------------------------------------

/**
 * Flat row numbers of gather_nd's index tuples: indices [..., K] into the first K dims of
 * `pshape`, with TF's run-time error for a tuple out of range.
 */
function gatherNdRows(ctx: { backend: { toHost(t: BackendTensor): NDArray }; op: Operation }, idx: BackendTensor, pshape: readonly number[]): { rows: Int32Array; K: number; N: number } {
  const host = ctx.backend.toHost(idx);
  const K = idx.shape[idx.shape.length - 1];
  const M = K === 0 ? sizeOf(idx.shape.slice(0, -1)) : host.size / K;
  const strides = new Array<number>(K).fill(1);
  for (let j = K - 2; j >= 0; j--) strides[j] = strides[j + 1] * pshape[j + 1];
  const rows = new Int32Array(M);
  for (let m = 0; m < M; m++) {
    let r = 0;
    for (let j = 0; j < K; j++) {
      const v = host.data[m * K + j];
      if (!(v >= 0 && v < pshape[j])) {
        const where = idx.shape.length > 1 ? `[${unravel(m, idx.shape.slice(0, -1)).join(',')}]` : '';
        const tuple = Array.from(host.data.slice(m * K, m * K + K)).join(', ');
        throw new InvalidArgumentError(`indices${where} = [${tuple}] does not index into param shape [${pshape.join(',')}]`, ctx.op.name);
      }
      r += v * strides[j];
    }
    rows[m] = r;
  }
  return { rows, K, N: sizeOf(pshape.slice(0, K)) };
}

function unravel(i: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return out;
}

defineOp({
  type: 'GatherNd',
  inferShape(ctx): OutputSpec[] {
    const [p, idx] = ctx.inputs;
    requireIndexDType(idx, 'indices');
    const id = idx.shape.dims;
    const pd = p.shape.dims;
    if (id && id.length === 0) ctx.fail('Shape must be at least rank 1 but is rank 0');
    const K = id ? id[id.length - 1] : null;
    if (K !== null && pd && K > pd.length) {
      ctx.fail(`indices.shape[-1] must be <= params.rank, but saw indices shape: ${idx.shape.toShortString()} and params shape: ${p.shape.toShortString()}`);
    }
    if (!id || !pd || K === null) return [{ dtype: p.dtype, shape: UNKNOWN_SHAPE }];
    return [{ dtype: p.dtype, shape: new TensorShape([...id.slice(0, -1), ...pd.slice(K)]) }];
  },
  kernel(ctx, inputs): Value[] {
    const p = bt(inputs[0]);
    const idx = bt(inputs[1]);
    const b = ctx.backend;
    const K = idx.shape[idx.shape.length - 1];
    if (K > p.shape.length) throw new InvalidArgumentError(`indices.shape[-1] must be <= params.rank, but saw indices shape: [${idx.shape.join(',')}] and params shape: [${p.shape.join(',')}]`, ctx.op.name);
    const { rows, N } = gatherNdRows(ctx, idx, p.shape);
    const rest = p.shape.slice(K);
    const table = b.reshape(p, [N, sizeOf(rest)]);
    const at = b.fromHost(new NDArray(rows, [rows.length], DType.int32));
    const picked = b.gather(table, at, 0);
    const out = b.reshape(picked, [...idx.shape.slice(0, -1), ...rest]);
    freeTemps(b, [table, at, picked], [out], inputs);
    return [out];
  },
  grad(op, g) {
    if (!g[0] || !op.inputs[0].dtype.isFloating) return [null, null];
    return [make1('GatherNdGrad', [g[0], op.inputs[1], shape(op.inputs[0])], {}, { defaultName: 'ScatterNd' }), null];
  },
});

/** Gradient of gather_nd (TF's scatter_nd into zeros): rows of g summed into the gathered places. */
defineOp({
  type: 'GatherNdGrad',
  inferShape: (ctx) => [{ dtype: ctx.inputs[0].dtype, shape: shapeFromTensor(ctx.inputs[2].tensor) }],
  kernel(ctx, inputs): Value[] {
    const g = bt(inputs[0]);
    const idx = bt(inputs[1]);
    const pshape = readInts(ctx, inputs[2]);
    const b = ctx.backend;
    const { rows, K, N } = gatherNdRows(ctx, idx, pshape);
    const R = sizeOf(pshape.slice(K));
    const flatG = b.reshape(g, [rows.length, R]);
    const at = b.fromHost(new NDArray(rows, [rows.length], DType.int32));
    const summed = b.unsortedSegmentSum(flatG, at, N);
    const out = b.reshape(summed, pshape);
    freeTemps(b, [flatG, at, summed], [out], inputs);
    return [out];
  },
  grad: null,
});

/**
 * tf.gather_nd(params, indices): for each index tuple along indices' last axis (length K), the
 * slice params[i0, ..., iK-1]; output shape indices.shape[:-1] + params.shape[K:]. E.g. the
 * last valid RNN output per row: gather_nd(outputs, stack([range(B), lengths - 1], 1)).
 */
export function gather_nd(params: TensorLike, indices: TensorLike, name?: string): Tensor {
  return make1('GatherNd', [convert_to_tensor(params), convert_to_tensor(indices, null)], {}, { name, defaultName: 'GatherNd' });
}

defineOp({
  type: 'OneHot',
  inferShape(ctx): OutputSpec[] {
    const d = ctx.inputs[0].shape.dims;
    const depth = ctx.attrs.depth as number;
    const axis = ctx.attrs.axis as number;
    if (!d) return [{ dtype: ctx.attrs.dtype as DType, shape: UNKNOWN_SHAPE }];
    const out: Dim[] = [...d];
    out.splice(axis < 0 ? d.length + 1 + axis : axis, 0, depth);
    return [{ dtype: ctx.attrs.dtype as DType, shape: new TensorShape(out) }];
  },
  kernel(ctx, inputs): Value[] {
    const b = ctx.backend;
    const idx = bt(inputs[0]);
    const a = ctx.attrs;
    const last = b.oneHot(idx, a.depth as number, a.on_value as number, a.off_value as number, a.dtype as DType);
    const axis = a.axis as number;
    const r = idx.shape.length + 1;
    const ax = axis < 0 ? r + axis : axis;
    if (ax === r - 1) return [last];
    const perm: number[] = [];
    for (let i = 0; i < r - 1; i++) perm.push(i);
    perm.splice(ax, 0, r - 1);
    const out = b.transpose(last, perm);
    freeTemps(b, [last], [out]);
    return [out];
  },
  grad: null,
});

export function one_hot(
  indices: TensorLike,
  depth: number,
  opts: { on_value?: number; off_value?: number; axis?: number; dtype?: DTypeLike; name?: string } = {},
): Tensor {
  opts = checkOptions('one_hot', opts, ['on_value', 'off_value', 'axis', 'dtype', 'name']);
  if (!Number.isInteger(depth) || depth < 0) throw new ValueError(`one_hot: depth must be a non-negative integer, got ${depth}`);
  const idx = convert_to_tensor(indices);
  if (idx.dtype.isFloating || idx.dtype === DType.bool) throw new TFTypeError(`one_hot: indices must be int32 or int64, got ${idx.dtype.name}`);
  return make1(
    'OneHot',
    [idx],
    { depth, on_value: opts.on_value ?? 1, off_value: opts.off_value ?? 0, axis: opts.axis ?? -1, dtype: asDType(opts.dtype ?? DType.float32) },
    { name: opts.name, defaultName: 'one_hot' },
  );
}

// ---- cast -----------------------------------------------------------------------------------

defineOp({
  type: 'Cast',
  inferShape(ctx): OutputSpec[] {
    const to = ctx.attrs.DstT as DType;
    const cv = ctx.inputs[0].constValue;
    return [{ dtype: to, shape: ctx.inputs[0].shape, constValue: cv ? cv.astype(to) : null }];
  },
  kernel: (ctx, inputs) => [ctx.backend.cast(bt(inputs[0]), ctx.attrs.DstT as DType)],
  grad(op, g) {
    if (!g[0] || !op.inputs[0].dtype.isFloating || !op.outputs[0].dtype.isFloating) return [null];
    return [cast(g[0], op.inputs[0].dtype)];
  },
});

export function cast(x: TensorLike, dtype: DTypeLike, name?: string): Tensor {
  const t = convert_to_tensor(x);
  const to = asDType(dtype);
  if (t.dtype === to) return t;
  return make1('Cast', [t], { SrcT: t.dtype, DstT: to }, { name, defaultName: 'Cast' });
}

export function to_float(x: TensorLike, name = 'ToFloat'): Tensor {
  return cast(x, DType.float32, name);
}
export function to_int32(x: TensorLike, name = 'ToInt32'): Tensor {
  return cast(x, DType.int32, name);
}

// ---- fill, zeros, ones ----------------------------------------------------------------------

defineOp({
  type: 'Fill',
  inferShape(ctx): OutputSpec[] {
    if (ctx.inputs[1].shape.ndims !== null && ctx.inputs[1].shape.ndims !== 0) ctx.fail(`Shape must be rank 0 but is rank ${ctx.inputs[1].shape.ndims}`);
    return [{ dtype: ctx.inputs[1].dtype, shape: shapeFromTensor(ctx.inputs[0].tensor) }];
  },
  kernel(ctx, inputs): Value[] {
    const dims = readInts(ctx, inputs[0]);
    for (const d of dims) if (d < 0) throw new InvalidArgumentError(`Fill dimensions must be >= 0, got [${dims.join(',')}]`, ctx.op.name);
    const v = ctx.backend.toHost(bt(inputs[1])).data[0];
    return [ctx.backend.fill(dims, bt(inputs[1]).dtype, v)];
  },
  grad: (_op, g) => [null, g[0] ? reduce_sum_all(g[0]) : null],
});

/** Sum of all elements (used by Fill's gradient); the real reduce_sum lives in math_ops. */
function reduce_sum_all(x: Tensor): Tensor {
  return make1('Sum', [x], { axes: null, keep_dims: false }, { defaultName: 'Sum' });
}

/** A shape given as numbers to fill/zeros/ones: non-negative integers, of an allocatable size. */
function concreteDims(shapeArg: unknown, fn: string): void {
  if (shapeArg instanceof Tensor) return;
  if (!Array.isArray(shapeArg)) throw new TFTypeError(`${fn}: shape must be an array of non-negative integers or an int32 tensor, got ${typeof shapeArg}`);
  for (const d of shapeArg) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d)) throw new TFTypeError(`${fn}: expected int for a shape dimension, got ${d === null ? 'null' : typeof d === 'number' ? d : typeof d}`);
    if (d < 0) throw new ValueError(`${fn}: dimensions must be >= 0, got shape [${shapeArg.join(',')}]`);
  }
  checkShape(shapeArg as number[], fn);
}

export function fill(dims: readonly number[] | Tensor, value: TensorLike, name?: string): Tensor {
  concreteDims(dims, 'fill');
  const v = convert_to_tensor(value);
  return make1('Fill', [shapeTensor(dims, 'fill'), v], {}, { name, defaultName: 'Fill' });
}

function filled(shapeArg: readonly (number | null)[] | Tensor, dtype: DTypeLike, value: number, name: string): Tensor {
  const dt = asDType(dtype);
  concreteDims(shapeArg, name);
  if (!(shapeArg instanceof Tensor)) {
    const s = shapeArgument(shapeArg).dims!;
    if (s.every((d): d is number => d !== null && d >= 0)) {
      const n = sizeOf(s);
      if (n <= 1 << 20) {
        const data = dt.alloc(n);
        if (value !== 0) data.fill(value);
        return make1('Const', [], { value: new NDArray(data, s, dt), dtype: dt }, { defaultName: name });
      }
    }
  }
  return make1('Fill', [shapeTensor(shapeArg, name), constant(value, { dtype: dt })], {}, { defaultName: name });
}

export function zeros(shapeArg: readonly (number | null)[] | Tensor, dtype: DTypeLike | { dtype?: DTypeLike; name?: string } = DType.float32, name?: string): Tensor {
  const o = typeof dtype === 'object' && !(dtype instanceof DType) ? checkOptions('zeros', dtype, ['dtype', 'name']) : { dtype: dtype as DTypeLike, name };
  const t = filled(shapeArg, o.dtype ?? DType.float32, 0, o.name ?? 'zeros');
  return t;
}

export function ones(shapeArg: readonly (number | null)[] | Tensor, dtype: DTypeLike | { dtype?: DTypeLike; name?: string } = DType.float32, name?: string): Tensor {
  const o = typeof dtype === 'object' && !(dtype instanceof DType) ? checkOptions('ones', dtype, ['dtype', 'name']) : { dtype: dtype as DTypeLike, name };
  return filled(shapeArg, o.dtype ?? DType.float32, 1, o.name ?? 'ones');
}

defineOp({
  type: 'ZerosLike',
  inferShape: (ctx) => [{ dtype: ctx.inputs[0].dtype, shape: ctx.inputs[0].shape }],
  kernel: (ctx, inputs) => [ctx.backend.fill(bt(inputs[0]).shape, bt(inputs[0]).dtype, 0)],
  grad: null,
});
defineOp({
  type: 'OnesLike',
  inferShape: (ctx) => [{ dtype: ctx.inputs[0].dtype, shape: ctx.inputs[0].shape }],
  kernel: (ctx, inputs) => [ctx.backend.fill(bt(inputs[0]).shape, bt(inputs[0]).dtype, 1)],
  grad: null,
});

export function zeros_like(x: TensorLike, opts: { dtype?: DTypeLike; name?: string } = {}): Tensor {
  opts = checkOptions('zeros_like', opts, ['dtype', 'name']);
  const t = convert_to_tensor(x);
  const z = make1('ZerosLike', [t], {}, { name: opts.name, defaultName: 'zeros_like' });
  return opts.dtype ? cast(z, opts.dtype) : z;
}
export function ones_like(x: TensorLike, opts: { dtype?: DTypeLike; name?: string } = {}): Tensor {
  opts = checkOptions('ones_like', opts, ['dtype', 'name']);
  const t = convert_to_tensor(x);
  const o = make1('OnesLike', [t], {}, { name: opts.name, defaultName: 'ones_like' });
  return opts.dtype ? cast(o, opts.dtype) : o;
}

// ---- broadcasting helpers (used by gradients of broadcasting ops) ---------------------------

defineOp({
  type: 'BroadcastTo',
  inferShape(ctx): OutputSpec[] {
    return [{ dtype: ctx.inputs[0].dtype, shape: shapeFromTensor(ctx.inputs[1].tensor) }];
  },
  kernel(ctx, inputs): Value[] {
    const x = bt(inputs[0]);
    const to = readInts(ctx, inputs[1]);
    if (x.shape.length === to.length && x.shape.every((d, i) => d === to[i])) return [x];
    return [ctx.backend.broadcastTo(x, to)];
  },
  grad: (op, g) => [g[0] ? sumToShape(g[0], shape(op.inputs[0])) : null, null],
});

export function broadcast_to(x: TensorLike, shapeArg: readonly number[] | Tensor, name?: string): Tensor {
  return make1('BroadcastTo', [convert_to_tensor(x), shapeTensor(shapeArg, 'broadcast_to')], {}, { name, defaultName: 'BroadcastTo' });
}

/** Sums x over the axes along which `shape` was broadcast to x's shape (gradient of broadcasting). */
defineOp({
  type: 'SumToShape',
  inferShape: (ctx) => [{ dtype: ctx.inputs[0].dtype, shape: shapeFromTensor(ctx.inputs[1].tensor) }],
  kernel(ctx, inputs): Value[] {
    const x = bt(inputs[0]);
    const to = readInts(ctx, inputs[1]);
    if (x.shape.length === to.length && x.shape.every((d, i) => d === to[i])) return [x];
    const lead = x.shape.length - to.length;
    const axes: number[] = [];
    for (let i = 0; i < x.shape.length; i++) {
      if (i < lead || (to[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
    }
    const r = axes.length ? ctx.backend.reduce('sum', x, axes) : x;
    const out = ctx.backend.reshape(r, to);
    if (r !== x) ctx.backend.dispose?.(r); // the reshaped view keeps the storage
    return [out];
  },
  grad: (op, g) => [g[0] ? broadcast_to(g[0], shape(op.inputs[0])) : null, null],
});

/**
 * Reduces a broadcast gradient to `like`'s shape. Statically equal shapes skip the op, so
 * same-shape elementwise graphs stay small.
 */
export function sumToShape(g: Tensor, like: Tensor): Tensor {
  if (like.op.type === 'Shape') {
    const src = like.op.inputs[0];
    if (src.shape.isFullyDefined() && g.shape.isFullyDefined() && src.shape.equals(g.shape)) return g;
    if (src.shape.dims && g.shape.dims && src.shape.dims.length === g.shape.dims.length && src.shape.dims.every((d, i) => d !== null && d === g.shape.dims![i])) return g;
    if (src.shape.dims && g.shape.dims && src.shape.equals(g.shape) && src === g) return g;
  }
  return make1('SumToShape', [g, like], {}, { defaultName: 'Sum' });
}

/** Gradient of a broadcasting binary op w.r.t. input `x`: reduce g to x's shape. */
export function unbroadcast(g: Tensor, x: Tensor, other: Tensor): Tensor {
  if (x.shape.dims && other.shape.dims && g.shape.dims) {
    // Same static shapes with no unknowns: nothing was broadcast.
    const xs = x.shape.dims;
    if (xs.length === g.shape.dims.length && xs.every((d, i) => d !== null && d === g.shape.dims![i])) return g;
    // Equal ranks where x has no 1s and the other has no larger known dims: nothing broadcast.
    if (xs.length >= other.shape.dims.length && xs.every((d) => d !== 1) && sameUnknownPattern(x, other)) return g;
  }
  return sumToShape(g, shape(x));
}

function sameUnknownPattern(x: Tensor, other: Tensor): boolean {
  // x and other are the *same* tensor: broadcasting cannot have happened.
  return x === other;
}

// ---- select / where -------------------------------------------------------------------------

defineOp({
  type: 'SelectV2',
  inferShape(ctx): OutputSpec[] {
    if (ctx.inputs[0].dtype !== DType.bool) throw new TFTypeError(`Input 'condition' of 'SelectV2' Op has type ${ctx.inputs[0].dtype.name} that does not match expected type of bool.`);
    if (ctx.inputs[1].dtype !== ctx.inputs[2].dtype) {
      throw new TFTypeError(`Input 'e' of 'SelectV2' Op has type ${ctx.inputs[2].dtype.name} that does not match type ${ctx.inputs[1].dtype.name} of argument 't'.`);
    }
    const s = broadcastStatic(ctx, broadcastStatic(ctx, ctx.inputs[0].shape, ctx.inputs[1].shape), ctx.inputs[2].shape);
    return [{ dtype: ctx.inputs[1].dtype, shape: s }];
  },
  kernel: (ctx, inputs) => [ctx.backend.select(bt(inputs[0]), bt(inputs[1]), bt(inputs[2]))],
  grad(op, g) {
    if (!g[0]) return [null, null, null];
    const [c, a, b] = op.inputs;
    const z = zeros_like(g[0]);
    const ga = make1('SelectV2', [c, g[0], z], {}, { defaultName: 'Select' });
    const gb = make1('SelectV2', [c, z, g[0]], {}, { defaultName: 'Select' });
    return [null, unbroadcast(ga, a, b), unbroadcast(gb, b, a)];
  },
});

/** Coordinates of true elements, [n, rank] int64 (tf.where with one argument). */
defineOp({
  type: 'Where',
  inferShape: (ctx) => [{ dtype: DType.int64, shape: new TensorShape([null, ctx.inputs[0].shape.ndims]) }],
  kernel(ctx, inputs): Value[] {
    const host = ctx.backend.toHost(bt(inputs[0]));
    const r = host.shape.length;
    const coords: number[] = [];
    const idx = new Array<number>(r).fill(0);
    for (let f = 0; f < host.size; f++) {
      if (host.data[f] !== 0) coords.push(...idx);
      for (let k = r - 1; k >= 0; k--) {
        if (++idx[k] < host.shape[k]) break;
        idx[k] = 0;
      }
    }
    return [ctx.backend.fromHost(new NDArray(Float64Array.from(coords), [coords.length / Math.max(r, 1), r], DType.int64))];
  },
  grad: null,
});

/**
 * tf.where(condition, x?, y?): with x and y, picks elementwise (broadcasting, TF 1.x's
 * where_v2 rule); with neither, returns the coordinates of true elements.
 */
export function where(condition: TensorLike, x?: TensorLike | null, y?: TensorLike | null, name?: string): Tensor {
  const c = convert_to_tensor(condition);
  if ((x === undefined || x === null) !== (y === undefined || y === null)) throw new ValueError('x and y must both be non-None or both be None.');
  if (x === undefined || x === null) return make1('Where', [c], {}, { name, defaultName: 'Where' });
  const [a, b] = convertPair(x, y as TensorLike);
  return make1('SelectV2', [c, a, b], {}, { name, defaultName: 'Select' });
}

export { tupleString };
