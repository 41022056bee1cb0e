/**
 * Tensor lists (the storage behind tf.TensorArray and dynamic_rnn's per-step inputs and
 * outputs). A list is one variant value holding backend tensors; ops return new lists and
 * never mutate (copy-on-write of the item array, tensors shared).
 */
import { BackendTensor } from '../backend/backend';
import { DType, DTypeLike, asDType } from '../core/dtypes';
import { InvalidArgumentError, TFTypeError, ValueError } from '../core/errors';
import { checkOptions } from '../core/options';
import { Tensor } from '../graph/graph';
import { Dim, ShapeLike, TensorShape, UNKNOWN_SHAPE } from '../graph/tensor_shape';
import { Backend } from '../backend/backend';
import { OutputSpec, TensorListValue, Value, defineOp, make1 } from './registry';
import { TensorLike, convert_to_tensor } from './common';

const bt = (v: Value): BackendTensor => v as BackendTensor;

function asList(v: Value, op: string): TensorListValue {
  if (!(v instanceof TensorListValue)) throw new InvalidArgumentError(`${op}: expected a tensor list`, op);
  return v;
}

function readIndex(backend: Backend, v: Value): number {
  const t = bt(v);
  const d = (t as unknown as { data?: ArrayLike<number> }).data;
  return d && d.length === 1 ? d[0] : backend.toHost(t).data[0];
}

/** Element static shape carried in attrs of list ops. */
function elemShape(attrs: Record<string, unknown>): TensorShape {
  return (attrs.element_shape as TensorShape | undefined) ?? UNKNOWN_SHAPE;
}

function zerosFor(backend: Backend, list: TensorListValue, like: BackendTensor | null): BackendTensor {
  const shape = like ? like.shape : list.elementShape;
  if (!shape) throw new InvalidArgumentError('Trying to read an element of a tensor list that was never written, with an unknown element shape', null);
  return backend.fill(shape, list.dtype, 0);
}

/** Adds two lists item by item (gradient accumulation); null items count as zeros. */
export function addLists(backend: Backend, a: TensorListValue, b: TensorListValue): TensorListValue {
  const n = Math.max(a.items.length, b.items.length);
  const items: (BackendTensor | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const x = a.items[i] ?? null;
    const y = b.items[i] ?? null;
    items[i] = x && y ? backend.binary('add', x, y) : (x ?? y);
  }
  return new TensorListValue(items, a.elementShape ?? b.elementShape, a.dtype);
}

defineOp({
  type: 'TensorListReserve',
  inferShape: () => [{ dtype: DType.variant, shape: TensorShape.scalar() }],
  kernel(ctx, inputs): Value[] {
    const n = readIndex(ctx.backend, inputs[0]);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`TensorArray size must be a non-negative integer, got ${n}`, ctx.op.name);
    const es = elemShape(ctx.attrs);
    return [new TensorListValue(new Array(n).fill(null), es.isFullyDefined() ? es.toArray() : null, ctx.attrs.element_dtype as DType)];
  },
  grad: null,
});

defineOp({
  type: 'TensorListFromTensor',
  inferShape: () => [{ dtype: DType.variant, shape: TensorShape.scalar() }],
  kernel(ctx, inputs): Value[] {
    const t = bt(inputs[0]);
    if (t.shape.length === 0) throw new InvalidArgumentError('TensorArray unstack: input must be at least rank 1', ctx.op.name);
    const rest = t.shape.slice(1);
    const b = ctx.backend;
    const flat = b.reshape(t, [t.shape[0], rest.reduce((x, y) => x * y, 1)]);
    const items: BackendTensor[] = [];
    for (let i = 0; i < t.shape[0]; i++) {
      const row = b.slice(flat, [i, 0], [1, flat.shape[1]]);
      items.push(b.reshape(row, rest));
      b.dispose?.(row); // the item's handle keeps the storage
    }
    b.dispose?.(flat);
    return [new TensorListValue(items, rest, t.dtype)];
  },
  grad: (op, g) => [g[0] ? make1('TensorListStack', [g[0]], { element_dtype: op.inputs[0].dtype, element_shape: elementShapeOf(op.inputs[0]), like: true }, { defaultName: 'TensorArrayStack' }) : null],
});

function elementShapeOf(t: Tensor): TensorShape {
  return t.shape.dims ? new TensorShape(t.shape.dims.slice(1)) : UNKNOWN_SHAPE;
}

defineOp({
  type: 'TensorListStack',
  inferShape(ctx): OutputSpec[] {
    const es = elemShape(ctx.attrs);
    return [{ dtype: ctx.attrs.element_dtype as DType, shape: es.dims ? new TensorShape([null, ...es.dims]) : UNKNOWN_SHAPE }];
  },
  kernel(ctx, inputs): Value[] {
    const list = asList(inputs[0], ctx.op.name);
    const b = ctx.backend;
    const like = list.items.find((x): x is BackendTensor => x !== null) ?? null;
    if (list.items.length === 0) {
      const es = list.elementShape ?? [];
      return [b.fill([0, ...es], list.dtype, 0)];
    }
    const zeros: BackendTensor[] = [];
    const items = list.items.map((x) => x ?? (zeros[zeros.length] = zerosFor(b, list, like)));
    const expanded = items.map((x) => b.reshape(x, [1, ...x.shape]));
    const out = expanded.length === 1 ? expanded[0] : b.concat(expanded, 0);
    // Temporaries of this kernel (handles sharing storage with the items, zeros for unwritten ones).
    for (const t of [...zeros, ...expanded]) if (t !== out) b.dispose?.(t);
    return [out];
  },
  grad: (op, g) => [g[0] ? make1('TensorListFromTensor', [g[0]], {}, { defaultName: 'TensorArrayUnstack' }) : null],
});

defineOp({
  type: 'TensorListGetItem',
  inferShape: (ctx) => [{ dtype: ctx.attrs.element_dtype as DType, shape: elemShape(ctx.attrs) }],
  kernel(ctx, inputs): Value[] {
    const list = asList(inputs[0], ctx.op.name);
    const i = readIndex(ctx.backend, inputs[1]);
    if (!Number.isInteger(i) || i < 0 || i >= list.items.length) {
      throw new InvalidArgumentError(`Tried to read from index ${i} but array size is: ${list.items.length}`, ctx.op.name);
    }
    const like = list.items.find((x): x is BackendTensor => x !== null) ?? null;
    const item = list.items[i];
    // A handle of its own (sharing storage): the executor may free it after its last reader
    // while the list still holds the item.
    return [item ? ctx.backend.reshape(item, item.shape) : zerosFor(ctx.backend, list, like)];
  },
  grad(op, g) {
    if (!g[0]) return [null, null];
    // d list = a list of zeros (unwritten) with g at the index.
    const empty = make1('TensorListLike', [op.inputs[0]], {}, { defaultName: 'TensorArrayGrad' });
    return [make1('TensorListSetItem', [empty, op.inputs[1], g[0]], { element_dtype: g[0].dtype, element_shape: g[0].shape }, { defaultName: 'TensorArrayWrite' }), null];
  },
});

/** A list of the same length whose items are all unwritten (zeros). */
defineOp({
  type: 'TensorListLike',
  inferShape: () => [{ dtype: DType.variant, shape: TensorShape.scalar() }],
  kernel(ctx, inputs): Value[] {
    const l = asList(inputs[0], ctx.op.name);
    const like = l.items.find((x): x is BackendTensor => x !== null);
    return [new TensorListValue(new Array(l.items.length).fill(null), like ? like.shape : l.elementShape, l.dtype)];
  },
  grad: null,
});

defineOp({
  type: 'TensorListSetItem',
  inferShape: () => [{ dtype: DType.variant, shape: TensorShape.scalar() }],
  kernel(ctx, inputs): Value[] {
    const list = asList(inputs[0], ctx.op.name);
    const i = readIndex(ctx.backend, inputs[1]);
    const item = bt(inputs[2]);
    const dynamic = ctx.attrs.dynamic_size === true;
    if (!Number.isInteger(i) || i < 0 || (i >= list.items.length && !dynamic)) {
      throw new InvalidArgumentError(`Tried to write to index ${i} but array is not resizeable and size is: ${list.items.length}`, ctx.op.name);
    }
    if (list.elementShape && (list.elementShape.length !== item.shape.length || list.elementShape.some((d, k) => d !== item.shape[k]))) {
      throw new InvalidArgumentError(`Could not write to TensorArray index ${i} because the value shape is [${item.shape.join(',')}] which is incompatible with the TensorArray's element shape: [${list.elementShape.join(',')}]`, ctx.op.name);
    }
    const items = list.items.slice();
    while (items.length <= i) items.push(null);
    items[i] = item;
    return [new TensorListValue(items, list.elementShape ?? item.shape, list.dtype)];
  },
  grad(op, g) {
    if (!g[0]) return [null, null, null];
    const item = make1('TensorListGetItem', [g[0], op.inputs[1]], { element_dtype: op.inputs[2].dtype, element_shape: op.inputs[2].shape }, { defaultName: 'TensorArrayRead' });
    const rest = make1('TensorListClearItem', [g[0], op.inputs[1]], {}, { defaultName: 'TensorArrayGrad' });
    return [rest, null, item];
  },
});

/** The list with item i unwritten (the gradient of a write w.r.t. the list it wrote into). */
defineOp({
  type: 'TensorListClearItem',
  inferShape: () => [{ dtype: DType.variant, shape: TensorShape.scalar() }],
  kernel(ctx, inputs): Value[] {
    const list = asList(inputs[0], ctx.op.name);
    const i = readIndex(ctx.backend, inputs[1]);
    const items = list.items.slice();
    if (i < items.length) items[i] = null;
    const like = list.items.find((x): x is BackendTensor => x !== null);
    return [new TensorListValue(items, list.elementShape ?? (like ? like.shape : null), list.dtype)];
  },
  grad: null,
});

defineOp({
  type: 'TensorListLength',
  inferShape: () => [{ dtype: DType.int32, shape: TensorShape.scalar() }],
  kernel: (ctx, inputs) => [ctx.backend.fill([], DType.int32, asList(inputs[0], ctx.op.name).items.length)],
  grad: null,
});

/**
 * tf.TensorArray: a list of tensors written and read by index, usable as a while-loop
 * variable. Each write returns a new TensorArray (functional, as in TF1's flow semantics).
 */
export class TensorArray {
  readonly dtype: DType;
  readonly element_shape: TensorShape;
  readonly dynamic_size: boolean;
  /** The variant tensor that carries the list (TF's `flow`). */
  readonly flow: Tensor;

  constructor(
    dtype: DTypeLike,
    opts: { size?: TensorLike; dynamic_size?: boolean; clear_after_read?: boolean; element_shape?: ShapeLike; infer_shape?: boolean; name?: string; flow?: Tensor; tensor_array_name?: string } = {},
  ) {
    opts = checkOptions('TensorArray', opts, ['size', 'dynamic_size', 'clear_after_read', 'element_shape', 'infer_shape', 'name', 'flow', 'tensor_array_name']);
    this.dtype = asDType(dtype);
    this.element_shape = TensorShape.of(opts.element_shape ?? null);
    this.dynamic_size = !!opts.dynamic_size;
    if (opts.flow) this.flow = opts.flow;
    else {
      if (opts.size === undefined) throw new ValueError('Size must be provided if handle is not provided');
      const size = convert_to_tensor(opts.size, DType.int32);
      this.flow = make1('TensorListReserve', [size], { element_dtype: this.dtype, element_shape: this.element_shape }, { name: opts.name, defaultName: 'TensorArray' });
    }
  }

  private withFlow(flow: Tensor, shape?: TensorShape): TensorArray {
    return new TensorArray(this.dtype, { flow, dynamic_size: this.dynamic_size, element_shape: shape ?? this.element_shape });
  }

  read(index: TensorLike, name?: string): Tensor {
    const i = convert_to_tensor(index, DType.int32);
    return make1('TensorListGetItem', [this.flow, i], { element_dtype: this.dtype, element_shape: this.element_shape }, { name, defaultName: 'TensorArrayReadV3' });
  }

  write(index: TensorLike, value: TensorLike, name?: string): TensorArray {
    const i = convert_to_tensor(index, DType.int32);
    const v = convert_to_tensor(value, this.dtype);
    if (!this.element_shape.isCompatibleWith(v.shape)) {
      throw new ValueError(`Inconsistent shapes: saw ${v.shape.toString()} but expected ${this.element_shape.toString()} (and infer_shape=True)`);
    }
    const flow = make1('TensorListSetItem', [this.flow, i, v], { element_dtype: this.dtype, element_shape: this.element_shape, dynamic_size: this.dynamic_size }, { name, defaultName: 'TensorArrayWrite' });
    return this.withFlow(flow, this.element_shape.merge(v.shape));
  }

  stack(name?: string): Tensor {
    return make1('TensorListStack', [this.flow], { element_dtype: this.dtype, element_shape: this.element_shape }, { name, defaultName: 'TensorArrayStack' });
  }

  unstack(value: TensorLike, name?: string): TensorArray {
    const v = convert_to_tensor(value, this.dtype);
    const flow = make1('TensorListFromTensor', [v], {}, { name, defaultName: 'TensorArrayUnstack' });
    return this.withFlow(flow, this.element_shape.merge(elementShapeOf(v)));
  }

  size(name?: string): Tensor {
    return make1('TensorListLength', [this.flow], {}, { name, defaultName: 'TensorArraySize' });
  }
}

export function isTensorArray(x: unknown): x is TensorArray {
  return x instanceof TensorArray;
}

export type { Dim };
export { TFTypeError };
