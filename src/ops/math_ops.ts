/**
 * Math ops: elementwise unary and binary ops (NumPy broadcasting), matmul, reductions,
 * argmax/argmin, add_n, clip. Each op: shape inference, kernel, gradient, side by side.
 */
import { BackendTensor, BinaryOp, ReduceOp, UnaryOp } from '../backend/backend';
import { DType, DTypeLike, asDType } from '../core/dtypes';
import { InvalidArgumentError, TFTypeError, ValueError } from '../core/errors';
import { checkOptions } from '../core/options';
import { NDArray } from '../ndarray/ndarray';
import { Operation, Tensor, get_default_graph } from '../graph/graph';
import { Dim, TensorShape, UNKNOWN_SHAPE } from '../graph/tensor_shape';
import { GradFn, OutputSpec, ShapeContext, TensorListValue, Value, defineOp, make1 } from './registry';
import { addLists } from './list_ops';
import { TensorLike, broadcastStatic, convertPair, convert_to_tensor, sameDType } from './common';
import { broadcast_to, cast, expand_dims, reshape, shape, unbroadcast, zeros_like } from './array_ops';

const bt = (v: Value): BackendTensor => v as BackendTensor;

// ---- unary ----------------------------------------------------------------------------------

interface UnarySpec {
  type: string;
  prim: UnaryOp;
  defaultName?: string;
  /** dtype class the op accepts. */
  accepts: 'float' | 'number' | 'bool';
  outDType?: DType;
  grad: ((x: Tensor, y: Tensor, g: Tensor) => Tensor | null) | null;
}

const unaryFns = new Map<string, (x: TensorLike, name?: string) => Tensor>();

function defineUnary(spec: UnarySpec): (x: TensorLike, name?: string) => Tensor {
  const g = spec.grad;
  defineOp({
    type: spec.type,
    inferShape(ctx): OutputSpec[] {
      const dt = ctx.inputs[0].dtype;
      const ok = spec.accepts === 'float' ? dt.isFloating : spec.accepts === 'number' ? dt !== DType.bool : dt === DType.bool;
      if (!ok) {
        throw new TFTypeError(`Value passed to parameter 'x' has DataType ${dt.name} not in list of allowed values for ${spec.type}`);
      }
      return [{ dtype: spec.outDType ?? dt, shape: ctx.inputs[0].shape }];
    },
    kernel: (ctx, inputs) => [ctx.backend.unary(spec.prim, bt(inputs[0]))],
    grad: g ? (op, grads) => [grads[0] ? g(op.inputs[0], op.outputs[0], grads[0]) : null] : null,
  });
  const fn = (x: TensorLike, name?: string): Tensor => make1(spec.type, [convert_to_tensor(x)], {}, { name, defaultName: spec.defaultName ?? spec.type });
  unaryFns.set(spec.type, fn);
  return fn;
}

export const negative = defineUnary({ type: 'Neg', prim: 'neg', accepts: 'number', grad: (_x, _y, g) => negative(g) });
export const abs = defineUnary({ type: 'Abs', prim: 'abs', accepts: 'number', grad: (x, _y, g) => multiply(g, sign(x)) });
export const sign = defineUnary({ type: 'Sign', prim: 'sign', accepts: 'number', grad: (x) => zeros_like(x) });
export const exp = defineUnary({ type: 'Exp', prim: 'exp', accepts: 'float', grad: (_x, y, g) => multiply(g, y) });
export const log = defineUnary({ type: 'Log', prim: 'log', accepts: 'float', grad: (x, _y, g) => multiply(g, reciprocal(x)) });
export const log1p = defineUnary({ type: 'Log1p', prim: 'log1p', accepts: 'float', grad: (x, _y, g) => divide(g, add(x, 1)) });
export const sqrt = defineUnary({ type: 'Sqrt', prim: 'sqrt', accepts: 'float', grad: (_x, y, g) => divide(multiply(g, 0.5), y) });
export const rsqrt = defineUnary({
  type: 'Rsqrt',
  prim: 'rsqrt',
  accepts: 'float',
  grad: (_x, y, g) => multiply(multiply(g, -0.5), multiply(y, square(y))),
});
export const square = defineUnary({ type: 'Square', prim: 'square', accepts: 'number', grad: (x, _y, g) => multiply(g, multiply(x, 2)) });
export const reciprocal = defineUnary({
  type: 'Reciprocal',
  prim: 'reciprocal',
  accepts: 'float',
  grad: (_x, y, g) => negative(multiply(g, square(y))),
});
export const tanh = defineUnary({ type: 'Tanh', prim: 'tanh', accepts: 'float', grad: (_x, y, g) => binaryOp('TanhGrad', y, g) });
export const sigmoid = defineUnary({ type: 'Sigmoid', prim: 'sigmoid', accepts: 'float', grad: (_x, y, g) => binaryOp('SigmoidGrad', y, g) });
export const relu = defineUnary({ type: 'Relu', prim: 'relu', accepts: 'number', grad: (_x, y, g) => binaryOp('ReluGrad', g, y) });
export const floor = defineUnary({ type: 'Floor', prim: 'floor', accepts: 'float', grad: null });
export const ceil = defineUnary({ type: 'Ceil', prim: 'ceil', accepts: 'float', grad: null });
export const round = defineUnary({ type: 'Round', prim: 'round', accepts: 'float', grad: null });
export const sin = defineUnary({ type: 'Sin', prim: 'sin', accepts: 'float', grad: (x, _y, g) => multiply(g, cos(x)) });
export const cos = defineUnary({ type: 'Cos', prim: 'cos', accepts: 'float', grad: (x, _y, g) => negative(multiply(g, sin(x))) });
export const logical_not = defineUnary({ type: 'LogicalNot', prim: 'logical_not', accepts: 'bool', grad: null });
export const is_nan = defineUnary({ type: 'IsNan', prim: 'is_nan', accepts: 'float', outDType: DType.bool, grad: null });
export const is_finite = defineUnary({ type: 'IsFinite', prim: 'is_finite', accepts: 'float', outDType: DType.bool, grad: null });

// ---- binary ---------------------------------------------------------------------------------

interface BinarySpec {
  type: string;
  prim: BinaryOp;
  defaultName: string;
  accepts: 'float' | 'number' | 'bool' | 'any';
  outBool?: boolean;
  /** Gradients w.r.t. (a, b) before unbroadcasting. */
  grad: ((a: Tensor, b: Tensor, y: Tensor, g: Tensor) => [Tensor | null, Tensor | null]) | null;
  /** Grad ops that are themselves elementwise grads keep equal-shape inputs (no unbroadcast). */
  sameShape?: boolean;
}

function binaryShape(spec: BinarySpec) {
  return (ctx: ShapeContext): OutputSpec[] => {
    const dt = sameDType(ctx, spec.sameShape ? ['y', 'dy'] : ['x', 'y']);
    const ok =
      spec.accepts === 'any' ||
      (spec.accepts === 'float' && dt.isFloating) ||
      (spec.accepts === 'number' && dt !== DType.bool) ||
      (spec.accepts === 'bool' && dt === DType.bool);
    if (!ok) throw new TFTypeError(`Value passed to parameter 'x' has DataType ${dt.name} not in list of allowed values for ${spec.type}`);
    return [{ dtype: spec.outBool ? DType.bool : dt, shape: broadcastStatic(ctx, ctx.inputs[0].shape, ctx.inputs[1].shape) }];
  };
}

const binarySpecs = new Map<string, BinarySpec>();

function defineBinary(spec: BinarySpec): (x: TensorLike, y: TensorLike, name?: string) => Tensor {
  binarySpecs.set(spec.type, spec);
  const g = spec.grad;
  const gradFn: GradFn | null = g
    ? (op, grads) => {
        if (!grads[0]) return [null, null];
        const [a, b] = op.inputs;
        const [ga, gb] = g(a, b, op.outputs[0], grads[0]);
        return [ga ? unbroadcast(ga, a, b) : null, gb ? unbroadcast(gb, b, a) : null];
      }
    : null;
  defineOp({
    type: spec.type,
    inferShape: binaryShape(spec),
    kernel: (ctx, inputs) => [ctx.backend.binary(spec.prim, bt(inputs[0]), bt(inputs[1]))],
    grad: gradFn,
  });
  return (x: TensorLike, y: TensorLike, name?: string): Tensor => {
    const [a, b] = convertPair(x, y);
    return make1(spec.type, [a, b], {}, { name, defaultName: spec.defaultName });
  };
}

/** Creates a registered binary op by type with already-converted operands. */
export function binaryOp(type: string, a: Tensor, b: Tensor, name?: string): Tensor {
  const spec = binarySpecs.get(type);
  if (!spec) throw new ValueError(`unknown binary op ${type}`);
  if (type === 'RealDiv' && a.dtype.isInteger && a.dtype === b.dtype) return intTrueDiv(a, b, name ?? spec.defaultName);
  return make1(type, [a, b], {}, { name, defaultName: spec.defaultName });
}

export const add = defineBinary({ type: 'Add', prim: 'add', defaultName: 'Add', accepts: 'number', grad: (_a, _b, _y, g) => [g, g] });
export const subtract = defineBinary({ type: 'Sub', prim: 'sub', defaultName: 'Sub', accepts: 'number', grad: (_a, _b, _y, g) => [g, negative(g)] });
export const multiply = defineBinary({
  type: 'Mul',
  prim: 'mul',
  defaultName: 'Mul',
  accepts: 'number',
  grad: (a, b, _y, g) => [multiply(g, b), multiply(a, g)],
});
defineBinary({
  type: 'RealDiv',
  prim: 'div',
  defaultName: 'truediv',
  accepts: 'number',
  grad: (a, b, _y, g) => [divide(g, b), negative(divide(multiply(g, a), square(b)))],
});

/** tf.divide / tf.truediv (Python's `/`): RealDiv, with integer operands cast to float64 first. */
export function divide(x: TensorLike, y: TensorLike, name?: string): Tensor {
  const [a, b] = convertPair(x, y);
  return binaryOp('RealDiv', a, b, name);
}

/**
 * TF1's truediv on integers: int32/int64 operands become float64 (inside a 'truediv' name
 * scope: truediv/Cast, truediv/Cast_1), and the RealDiv op takes the scope's name.
 */
function intTrueDiv(a: Tensor, b: Tensor, name: string): Tensor {
  const scope = get_default_graph().nameScope(name);
  let opName: string;
  let fa: Tensor;
  let fb: Tensor;
  try {
    opName = scope.name.slice(0, -1);
    fa = cast(a, DType.float64);
    fb = cast(b, DType.float64);
  } finally {
    scope[Symbol.dispose]();
  }
  return make1('RealDiv', [fa, fb], {}, { name: opName, exactName: true });
}
export const floordiv = defineBinary({ type: 'FloorDiv', prim: 'floordiv', defaultName: 'floordiv', accepts: 'number', grad: null });
export const floormod = defineBinary({ type: 'FloorMod', prim: 'mod', defaultName: 'floormod', accepts: 'number', grad: null });
export const pow = defineBinary({
  type: 'Pow',
  prim: 'pow',
  defaultName: 'Pow',
  accepts: 'float',
  grad: (a, b, y, g) => {
    const ga = multiply(g, multiply(b, pow(a, subtract(b, 1))));
    // d/db a^b = a^b log a, defined as 0 where a <= 0 (TF's rule).
    const safeLog = make1('SelectV2', [greater(a, 0), log(a), zeros_like(a)], {}, { defaultName: 'Select' });
    return [ga, multiply(g, multiply(y, safeLog))];
  },
});
export const maximum = defineBinary({
  type: 'Maximum',
  prim: 'maximum',
  defaultName: 'Maximum',
  accepts: 'number',
  grad: (a, b, _y, g) => {
    const m = cast(greater_equal(a, b), g.dtype);
    return [multiply(g, m), multiply(g, subtract(1, m))];
  },
});
export const minimum = defineBinary({
  type: 'Minimum',
  prim: 'minimum',
  defaultName: 'Minimum',
  accepts: 'number',
  grad: (a, b, _y, g) => {
    const m = cast(less_equal(a, b), g.dtype);
    return [multiply(g, m), multiply(g, subtract(1, m))];
  },
});
export const squared_difference = defineBinary({
  type: 'SquaredDifference',
  prim: 'squared_difference',
  defaultName: 'SquaredDifference',
  accepts: 'number',
  grad: (a, b, _y, g) => {
    const d = multiply(multiply(g, 2), subtract(a, b));
    return [d, negative(d)];
  },
});
export const equal = defineBinary({ type: 'Equal', prim: 'equal', defaultName: 'Equal', accepts: 'any', outBool: true, grad: null });
export const not_equal = defineBinary({ type: 'NotEqual', prim: 'not_equal', defaultName: 'NotEqual', accepts: 'any', outBool: true, grad: null });
export const less = defineBinary({ type: 'Less', prim: 'less', defaultName: 'Less', accepts: 'number', outBool: true, grad: null });
export const less_equal = defineBinary({ type: 'LessEqual', prim: 'less_equal', defaultName: 'LessEqual', accepts: 'number', outBool: true, grad: null });
export const greater = defineBinary({ type: 'Greater', prim: 'greater', defaultName: 'Greater', accepts: 'number', outBool: true, grad: null });
export const greater_equal = defineBinary({
  type: 'GreaterEqual',
  prim: 'greater_equal',
  defaultName: 'GreaterEqual',
  accepts: 'number',
  outBool: true,
  grad: null,
});
export const logical_and = defineBinary({ type: 'LogicalAnd', prim: 'logical_and', defaultName: 'LogicalAnd', accepts: 'bool', grad: null });
export const logical_or = defineBinary({ type: 'LogicalOr', prim: 'logical_or', defaultName: 'LogicalOr', accepts: 'bool', grad: null });

// Gradient helper ops: differentiable themselves (second order), as in TF.
defineBinary({
  type: 'TanhGrad',
  prim: 'tanh_grad',
  defaultName: 'TanhGrad',
  accepts: 'float',
  sameShape: true,
  grad: (y, dy, _o, g) => [multiply(multiply(g, dy), multiply(y, -2)), binaryOp('TanhGrad', y, g)],
});
defineBinary({
  type: 'SigmoidGrad',
  prim: 'sigmoid_grad',
  defaultName: 'SigmoidGrad',
  accepts: 'float',
  sameShape: true,
  grad: (y, dy, _o, g) => [multiply(multiply(g, dy), subtract(1, multiply(y, 2))), binaryOp('SigmoidGrad', y, g)],
});
defineBinary({
  type: 'ReluGrad',
  prim: 'relu_grad',
  defaultName: 'ReluGrad',
  accepts: 'number',
  sameShape: true,
  grad: (_dy, x, _o, g) => [binaryOp('ReluGrad', g, x), zeros_like(x)],
});

// ---- add_n, clip ----------------------------------------------------------------------------

defineOp({
  type: 'AddN',
  inferShape(ctx): OutputSpec[] {
    const dt = sameDType(ctx, ctx.inputs.map((_, i) => `inputs_${i}`));
    let s = ctx.inputs[0].shape;
    for (const i of ctx.inputs) {
      if (!s.isCompatibleWith(i.shape)) ctx.fail(`Shapes must be equal rank, but are ${s.ndims} and ${i.shape.ndims}`);
      s = s.merge(i.shape);
    }
    return [{ dtype: dt, shape: s }];
  },
  kernel(ctx, inputs): Value[] {
    if (inputs[0] instanceof TensorListValue) {
      let acc = inputs[0] as TensorListValue;
      for (const l of inputs.slice(1)) acc = addLists(ctx.backend, acc, l as TensorListValue);
      return [acc];
    }
    const xs = inputs.map(bt);
    for (const x of xs) {
      if (x.shape.length !== xs[0].shape.length || x.shape.some((d, i) => d !== xs[0].shape[i])) {
        throw new InvalidArgumentError(`Inputs to operation ${ctx.op.name} of type AddN must have the same size and shape.  Input 0: [${xs[0].shape.join(',')}] != input ${xs.indexOf(x)}: [${x.shape.join(',')}]`, ctx.op.name);
      }
    }
    return [xs.length === 1 ? xs[0] : ctx.backend.addN(xs)];
  },
  grad: (op, g) => op.inputs.map(() => g[0]),
});

export function add_n(inputs: readonly TensorLike[], name?: string): Tensor {
  if (!Array.isArray(inputs) || inputs.length === 0) throw new ValueError('inputs must be a list of at least one Tensor/IndexedSlices with the same dtype and shape');
  const ts = inputs.map((x) => convert_to_tensor(x));
  if (ts.length === 1 && !name) return ts[0];
  return make1('AddN', ts, {}, { name, defaultName: 'AddN' });
}

defineOp({
  type: 'ClipByValue',
  inferShape: (ctx) => [{ dtype: ctx.inputs[0].dtype, shape: ctx.inputs[0].shape }],
  kernel: (ctx, inputs) => [ctx.backend.clip(bt(inputs[0]), ctx.attrs.lo as number, ctx.attrs.hi as number)],
  grad(op, g) {
    if (!g[0]) return [null];
    const x = op.inputs[0];
    const inside = logical_and(greater_equal(x, op.attrs.lo as number), less_equal(x, op.attrs.hi as number));
    return [make1('SelectV2', [inside, g[0], zeros_like(g[0])], {}, { defaultName: 'Select' })];
  },
});

export function clip_by_value(t: TensorLike, clip_value_min: number, clip_value_max: number, name?: string): Tensor {
  if (typeof clip_value_min !== 'number' || typeof clip_value_max !== 'number') throw new TFTypeError('clip_by_value: clip values must be numbers');
  if (clip_value_min > clip_value_max) throw new ValueError(`clip_by_value: clip_value_min ${clip_value_min} > clip_value_max ${clip_value_max}`);
  return make1('ClipByValue', [convert_to_tensor(t)], { lo: clip_value_min, hi: clip_value_max }, { name, defaultName: 'clip_by_value' });
}

// ---- matmul ---------------------------------------------------------------------------------

defineOp({
  type: 'MatMul',
  inferShape(ctx): OutputSpec[] {
    const [a, b] = ctx.inputs;
    const ta = ctx.attrs.transpose_a as boolean;
    const tb = ctx.attrs.transpose_b as boolean;
    for (const x of [a, b]) {
      if (x.shape.ndims !== null && x.shape.ndims !== 2) ctx.fail(`Shape must be rank 2 but is rank ${x.shape.ndims}`);
    }
    const dt = sameDType(ctx, ['a', 'b']);
    if (dt === DType.bool) throw new TFTypeError(`Value passed to parameter 'a' has DataType bool not in list of allowed values: float32, float64, int32, int64`);
    const ad = a.shape.dims ?? [null, null];
    const bd = b.shape.dims ?? [null, null];
    const [m, ka] = ta ? [ad[1], ad[0]] : [ad[0], ad[1]];
    const [kb, n] = tb ? [bd[1], bd[0]] : [bd[0], bd[1]];
    if (ka !== null && kb !== null && ka !== kb) ctx.fail(`Dimensions must be equal, but are ${ka} and ${kb}`);
    return [{ dtype: dt, shape: new TensorShape([m, n]) }];
  },
  kernel(ctx, inputs): Value[] {
    const a = bt(inputs[0]);
    const b = bt(inputs[1]);
    const ta = ctx.attrs.transpose_a as boolean;
    const tb = ctx.attrs.transpose_b as boolean;
    const ka = ta ? a.shape[0] : a.shape[1];
    const kb = tb ? b.shape[1] : b.shape[0];
    if (ka !== kb) {
      throw new InvalidArgumentError(
        `Matrix size-incompatible: In[0]: [${a.shape.join(',')}], In[1]: [${b.shape.join(',')}]\n\t [[{{node ${ctx.op.name}}} = MatMul[transpose_a=${ta}, transpose_b=${tb}]]]`,
        ctx.op.name,
      );
    }
    return [ctx.backend.matmul(a, b, ta, tb)];
  },
  grad(op, grads) {
    const g = grads[0];
    if (!g) return [null, null];
    const [a, b] = op.inputs;
    const ta = op.attrs.transpose_a as boolean;
    const tb = op.attrs.transpose_b as boolean;
    if (!ta && !tb) return [matmul(g, b, { transpose_b: true }), matmul(a, g, { transpose_a: true })];
    if (!ta && tb) return [matmul(g, b), matmul(g, a, { transpose_a: true })];
    if (ta && !tb) return [matmul(b, g, { transpose_b: true }), matmul(a, g)];
    return [matmul(b, g, { transpose_a: true, transpose_b: true }), matmul(g, a, { transpose_a: true, transpose_b: true })];
  },
});

defineOp({
  type: 'BatchMatMul',
  inferShape(ctx): OutputSpec[] {
    const [a, b] = ctx.inputs;
    const dt = sameDType(ctx, ['x', 'y']);
    const ad = a.shape.dims;
    const bd = b.shape.dims;
    if (!ad || !bd) return [{ dtype: dt, shape: UNKNOWN_SHAPE }];
    if (ad.length !== 3 || bd.length !== 3) ctx.fail(`Shape must be rank 3 but is rank ${ad.length !== 3 ? ad.length : bd.length}`);
    const ta = ctx.attrs.adj_x as boolean;
    const tb = ctx.attrs.adj_y as boolean;
    const ka = ta ? ad[1] : ad[2];
    const kb = tb ? bd[2] : bd[1];
    if (ka !== null && kb !== null && ka !== kb) ctx.fail(`Dimensions must be equal, but are ${ka} and ${kb}`);
    if (ad[0] !== null && bd[0] !== null && ad[0] !== bd[0]) ctx.fail(`Dimensions must be equal, but are ${ad[0]} and ${bd[0]}`);
    return [{ dtype: dt, shape: new TensorShape([ad[0] ?? bd[0], ta ? ad[2] : ad[1], tb ? bd[1] : bd[2]]) }];
  },
  kernel(ctx, inputs): Value[] {
    const a = bt(inputs[0]);
    const b = bt(inputs[1]);
    const ta = ctx.attrs.adj_x as boolean;
    const tb = ctx.attrs.adj_y as boolean;
    if (a.shape[0] !== b.shape[0] || (ta ? a.shape[1] : a.shape[2]) !== (tb ? b.shape[2] : b.shape[1])) {
      throw new InvalidArgumentError(`In[0] and In[1] must have compatible batch dimensions: [${a.shape.join(',')}] vs. [${b.shape.join(',')}]`, ctx.op.name);
    }
    return [ctx.backend.matmul(a, b, ta, tb)];
  },
  grad(op, grads) {
    const g = grads[0];
    if (!g) return [null, null];
    const [a, b] = op.inputs;
    const ta = op.attrs.adj_x as boolean;
    const tb = op.attrs.adj_y as boolean;
    const bmm = (x: Tensor, y: Tensor, adj_x: boolean, adj_y: boolean): Tensor => make1('BatchMatMul', [x, y], { adj_x, adj_y }, { defaultName: 'MatMul' });
    if (!ta && !tb) return [bmm(g, b, false, true), bmm(a, g, true, false)];
    if (!ta && tb) return [bmm(g, b, false, false), bmm(g, a, true, false)];
    if (ta && !tb) return [bmm(b, g, false, true), bmm(a, g, false, false)];
    return [bmm(b, g, true, true), bmm(g, a, true, true)];
  },
});

export interface MatMulOptions {
  transpose_a?: boolean;
  transpose_b?: boolean;
  adjoint_a?: boolean;
  adjoint_b?: boolean;
  a_is_sparse?: boolean;
  b_is_sparse?: boolean;
  name?: string;
}

export function matmul(a: TensorLike, b: TensorLike, opts: MatMulOptions = {}): Tensor {
  opts = checkOptions('matmul', opts, ['transpose_a', 'transpose_b', 'adjoint_a', 'adjoint_b', 'a_is_sparse', 'b_is_sparse', 'name']);
  const [x, y] = convertPair(a, b);
  const ta = !!(opts.transpose_a || opts.adjoint_a);
  const tb = !!(opts.transpose_b || opts.adjoint_b);
  if ((x.shape.ndims ?? 2) > 2 || (y.shape.ndims ?? 2) > 2) {
    return make1('BatchMatMul', [x, y], { adj_x: ta, adj_y: tb }, { name: opts.name, defaultName: 'MatMul' });
  }
  return make1('MatMul', [x, y], { transpose_a: ta, transpose_b: tb }, { name: opts.name, defaultName: 'MatMul' });
}

// ---- reductions -----------------------------------------------------------------------------

function reduceShape(ctx: ShapeContext): OutputSpec[] {
  const x = ctx.inputs[0];
  const axes = ctx.attrs.axes as number[] | null;
  const keep = ctx.attrs.keep_dims as boolean;
  const dt = ctx.attrs.out_dtype ? (ctx.attrs.out_dtype as DType) : x.dtype;
  const d = x.shape.dims;
  if (!d) return [{ dtype: dt, shape: keep || axes === null ? (keep ? UNKNOWN_SHAPE : TensorShape.scalar()) : UNKNOWN_SHAPE }];
  const r = d.length;
  const norm = axes === null ? d.map((_, i) => i) : axes.map((a) => {
    if (a < -r || a >= r) ctx.fail(`Invalid reduction dimension ${a} for input with ${r} dimensions.`);
    return a < 0 ? a + r : a;
  });
  const out: Dim[] = [];
  d.forEach((dim, i) => {
    if (norm.includes(i)) {
      if (keep) out.push(1);
    } else out.push(dim);
  });
  return [{ dtype: dt, shape: new TensorShape(out) }];
}

function runtimeAxes(axes: number[] | null, rank: number): number[] {
  if (axes === null) return Array.from({ length: rank }, (_, i) => i);
  return [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))].sort((p, q) => p - q);
}

function reduceKernel(prim: ReduceOp) {
  return (ctx: { backend: import('../backend/backend').Backend; attrs: Record<string, unknown>; op: Operation }, inputs: readonly Value[]): Value[] => {
    const x = bt(inputs[0]);
    const axes = runtimeAxes(ctx.attrs.axes as number[] | null, x.shape.length);
    for (const a of axes) {
      if (a < 0 || a >= x.shape.length) throw new InvalidArgumentError(`Invalid reduction dimension (${a} for input with ${x.shape.length} dimension(s)`, ctx.op.name);
    }
    let r = axes.length ? ctx.backend.reduce(prim, x, axes) : x;
    if (prim === 'mean' && axes.length === 0) r = x;
    if (ctx.attrs.keep_dims) {
      const kept = ctx.backend.reshape(r, x.shape.map((d, i) => (axes.includes(i) ? 1 : d)));
      if (r !== x) ctx.backend.dispose?.(r); // the reshaped view keeps the storage
      r = kept;
    }
    return [r];
  };
}

/** g reshaped to the keep_dims shape of the reduction and broadcast back to x's shape. */
function broadcastReduced(op: Operation, g: Tensor): Tensor {
  const x = op.inputs[0];
  const kept = make1('ReducedShape', [shape(x)], { axes: op.attrs.axes }, { defaultName: 'ReducedShape' });
  return broadcast_to(reshape(g, kept), shape(x));
}

defineOp({
  type: 'ReducedShape',
  inferShape(ctx): OutputSpec[] {
    const n = ctx.inputs[0].shape.dims?.[0] ?? null;
    const cv = ctx.inputs[0].constValue;
    let known: NDArray | null = null;
    if (cv) {
      const axes = runtimeAxes(ctx.attrs.axes as number[] | null, cv.size);
      known = new NDArray(Int32Array.from(cv.data, (d, i) => (axes.includes(i) ? 1 : d)), [cv.size], DType.int32);
    }
    return [{ dtype: DType.int32, shape: new TensorShape([n]), constValue: known }];
  },
  kernel(ctx, inputs): Value[] {
    const s = Array.from(ctx.backend.toHost(bt(inputs[0])).data);
    const axes = runtimeAxes(ctx.attrs.axes as number[] | null, s.length);
    return [ctx.backend.fromHost(new NDArray(Int32Array.from(s, (d, i) => (axes.includes(i) ? 1 : d)), [s.length], DType.int32))];
  },
  grad: null,
});

defineOp({
  type: 'Sum',
  inferShape: reduceShape,
  kernel: reduceKernel('sum'),
  grad: (op, g) => [g[0] ? broadcastReduced(op, g[0]) : null],
});

defineOp({
  type: 'Mean',
  inferShape: reduceShape,
  kernel: reduceKernel('mean'),
  grad(op, g) {
    if (!g[0]) return [null];
    const x = op.inputs[0];
    const y = op.outputs[0];
    const count = make1('ReductionCount', [shape(x), shape(y)], {}, { defaultName: 'Cast' });
    return [divide(broadcastReduced(op, g[0]), cast(count, g[0].dtype))];
  },
});

/** size(x) / size(y): how many elements each reduced output averaged. */
defineOp({
  type: 'ReductionCount',
  inferShape(ctx): OutputSpec[] {
    const a = ctx.inputs[0].constValue;
    const b = ctx.inputs[1].constValue;
    const known = a && b ? new NDArray(Int32Array.of(Math.max(1, prod(a.data) / Math.max(1, prod(b.data)))), [], DType.int32) : null;
    return [{ dtype: DType.int32, shape: TensorShape.scalar(), constValue: known }];
  },
  kernel(ctx, inputs): Value[] {
    const a = prod(ctx.backend.toHost(bt(inputs[0])).data);
    const b = prod(ctx.backend.toHost(bt(inputs[1])).data);
    return [ctx.backend.fill([], DType.int32, b === 0 ? 1 : a / b)];
  },
  grad: null,
});

function prod(a: ArrayLike<number>): number {
  let p = 1;
  for (let i = 0; i < a.length; i++) p *= a[i];
  return p;
}

function minMaxGrad(op: Operation, g: Tensor | null): (Tensor | null)[] {
  if (!g) return [null];
  const x = op.inputs[0];
  const kept = make1('ReducedShape', [shape(x)], { axes: op.attrs.axes }, { defaultName: 'ReducedShape' });
  const yb = broadcast_to(reshape(op.outputs[0], kept), shape(x));
  const ind = cast(equal(x, yb), g.dtype);
  const count = broadcast_to(reshape(reduce_sum(ind, op.attrs.axes as number[] | null), kept), shape(x));
  return [multiply(divide(ind, count), broadcastReduced(op, g))];
}

defineOp({ type: 'Max', inferShape: reduceShape, kernel: reduceKernel('max'), grad: (op, g) => minMaxGrad(op, g[0]) });
defineOp({ type: 'Min', inferShape: reduceShape, kernel: reduceKernel('min'), grad: (op, g) => minMaxGrad(op, g[0]) });
defineOp({
  type: 'Prod',
  inferShape: reduceShape,
  kernel: reduceKernel('prod'),
  grad(op, g) {
    if (!g[0]) return [null];
    // d prod / dx_i = prod / x_i (inputs without zeros; TF's general rule handles zeros too).
    const x = op.inputs[0];
    const kept = make1('ReducedShape', [shape(x)], { axes: op.attrs.axes }, { defaultName: 'ReducedShape' });
    const yb = broadcast_to(reshape(op.outputs[0], kept), shape(x));
    return [multiply(broadcastReduced(op, g[0]), divide(yb, x))];
  },
});
defineOp({ type: 'Any', inferShape: reduceShape, kernel: reduceKernel('any'), grad: null });
defineOp({ type: 'All', inferShape: reduceShape, kernel: reduceKernel('all'), grad: null });

export interface ReduceOptions {
  axis?: number | readonly number[] | null;
  keepdims?: boolean;
  keep_dims?: boolean;
  reduction_indices?: number | readonly number[] | null;
  name?: string;
}

function reduceFn(type: string, defaultName: string, fnName: string) {
  return (input_tensor: TensorLike, axis?: number | readonly number[] | null | ReduceOptions, opts: ReduceOptions = {}): Tensor => {
    let o: ReduceOptions = opts;
    let ax: number | readonly number[] | null | undefined;
    if (axis !== null && typeof axis === 'object' && !Array.isArray(axis)) o = axis as ReduceOptions;
    else ax = axis as number | readonly number[] | null | undefined;
    o = checkOptions(fnName, o, ['axis', 'keepdims', 'keep_dims', 'reduction_indices', 'name']);
    ax = ax ?? o.axis ?? o.reduction_indices ?? null;
    const x = convert_to_tensor(input_tensor);
    if ((type === 'Any' || type === 'All') !== (x.dtype === DType.bool)) {
      throw new TFTypeError(`Value passed to parameter 'input' has DataType ${x.dtype.name} not in list of allowed values for ${type}`);
    }
    if (ax !== null && typeof ax !== 'number' && !Array.isArray(ax)) throw new TFTypeError(`${fnName}: axis must be an integer, an array of integers or null, got ${typeof ax}`);
    const axes = ax === null ? null : typeof ax === 'number' ? [ax] : [...ax];
    if (axes) for (const a of axes) if (typeof a !== 'number' || !Number.isInteger(a)) throw new TFTypeError(`${fnName}: axis must be an integer, got ${String(a)}`);
    const keep = o.keepdims ?? o.keep_dims;
    if (keep !== undefined && keep !== null && typeof keep !== 'boolean') throw new TFTypeError(`${fnName}: keepdims must be a boolean, got ${typeof keep}`);
    return make1(type, [x], { axes, keep_dims: !!keep }, { name: o.name, defaultName });
  };
}

export const reduce_sum = reduceFn('Sum', 'Sum', 'reduce_sum');
export const reduce_mean = reduceFn('Mean', 'Mean', 'reduce_mean');
export const reduce_max = reduceFn('Max', 'Max', 'reduce_max');
export const reduce_min = reduceFn('Min', 'Min', 'reduce_min');
export const reduce_prod = reduceFn('Prod', 'Prod', 'reduce_prod');
export const reduce_any = reduceFn('Any', 'Any', 'reduce_any');
export const reduce_all = reduceFn('All', 'All', 'reduce_all');

/**
 * tf.reduce_logsumexp(input_tensor, axis=None, keepdims=False): log(sum(exp(x))) computed
 * stably, as TF does: the (finite) max along the axes is subtracted first and added back, and
 * treated as a constant by the gradient (the result's gradient is softmax(x) either way).
 */
export function reduce_logsumexp(input_tensor: TensorLike, axis: number | readonly number[] | null = null, opts: { keepdims?: boolean; name?: string } = {}): Tensor {
  opts = checkOptions('reduce_logsumexp', opts, ['keepdims', 'name']);
  const g = get_default_graph();
  const scope = g.nameScope(opts.name ?? 'ReduceLogSumExp');
  try {
    const x = convert_to_tensor(input_tensor);
    const rawMax = reduce_max(x, axis, { keepdims: true });
    const finite = make1('SelectV2', [is_finite(rawMax), rawMax, zeros_like(rawMax)], {}, { defaultName: 'Select' });
    const m = make1('StopGradient', [finite], {}, { defaultName: 'StopGradient' });
    const lse = log(reduce_sum(exp(subtract(x, m)), axis, { keepdims: opts.keepdims ?? false }));
    return add(lse, opts.keepdims ? m : reshape(m, shape(lse)));
  } finally {
    scope[Symbol.dispose]();
  }
}

// ---- argmax / argmin ------------------------------------------------------------------------

function argShape(ctx: ShapeContext): OutputSpec[] {
  const d = ctx.inputs[0].shape.dims;
  const dt = ctx.attrs.output_type as DType;
  if (!d) return [{ dtype: dt, shape: UNKNOWN_SHAPE }];
  const axis = ctx.attrs.axis as number;
  if (axis < -d.length || axis >= d.length) ctx.fail(`Expected dimension in the range [${-d.length}, ${d.length}), but got ${axis}`);
  const a = axis < 0 ? axis + d.length : axis;
  return [{ dtype: dt, shape: new TensorShape(d.filter((_, i) => i !== a)) }];
}

for (const [type, prim] of [
  ['ArgMax', 'argmax'],
  ['ArgMin', 'argmin'],
] as const) {
  defineOp({
    type,
    inferShape: argShape,
    kernel(ctx, inputs): Value[] {
      const x = bt(inputs[0]);
      const axis = ctx.attrs.axis as number;
      const a = axis < 0 ? axis + x.shape.length : axis;
      if (x.shape[a] === 0) throw new InvalidArgumentError(`Reduction axis ${a} is empty in shape [${x.shape.join(',')}]`, ctx.op.name);
      return [ctx.backend.argReduce(prim, x, a, ctx.attrs.output_type as DType)];
    },
    grad: null,
  });
}

function argFn(type: string, fnName: string) {
  return (input: TensorLike, axis?: number | null | { axis?: number; name?: string; dimension?: number; output_type?: DTypeLike }, opts: { name?: string; output_type?: DTypeLike; dimension?: number } = {}): Tensor => {
    let o = opts;
    let ax: number | null | undefined;
    if (axis !== null && typeof axis === 'object') o = axis;
    else ax = axis;
    o = checkOptions(fnName, o, ['axis', 'name', 'dimension', 'output_type']);
    const a = ax ?? (o as { axis?: number }).axis ?? o.dimension ?? 0;
    if (typeof a !== 'number' || !Number.isInteger(a)) throw new TFTypeError(`${fnName}: axis must be an integer, got ${typeof a === 'number' ? a : typeof a}`);
    const outType = asDType(o.output_type ?? DType.int64);
    if (outType !== DType.int32 && outType !== DType.int64) throw new TFTypeError(`${fnName}: output_type must be int32 or int64, got ${outType.name}`);
    const x = convert_to_tensor(input);
    return make1(type, [x], { axis: a, output_type: outType }, { name: o.name, defaultName: type });
  };
}

export const argmax = argFn('ArgMax', 'argmax');
export const argmin = argFn('ArgMin', 'argmin');

// ---- range / sequence_mask ------------------------------------------------------------------

/** The length of range(start, limit, delta), with TF's errors (thrown through `fail`). */
function rangeSize(start: number, limit: number, delta: number, fail: (m: string) => never): number {
  if (delta === 0) fail('Requires delta != 0: 0');
  if (delta > 0 && start > limit) fail(`Requires start <= limit when delta > 0: ${start}/${limit}`);
  if (delta < 0 && start < limit) fail(`Requires start >= limit when delta < 0: ${start}/${limit}`);
  return Math.ceil(Math.abs((limit - start) / delta));
}

defineOp({
  type: 'Range',
  inferShape(ctx): OutputSpec[] {
    const dtype = sameDType(ctx, ['start', 'limit', 'delta']);
    for (const inp of ctx.inputs) {
      const r = inp.shape.ndims;
      if (r !== null && r !== 0) ctx.fail(`Shape must be rank 0 but is rank ${r}`);
    }
    const cv = ctx.inputs.map((i) => i.constValue);
    if (cv.every((c) => c !== null)) {
      const [start, limit, delta] = cv.map((c) => c!.data[0]);
      const n = rangeSize(start, limit, delta, (m) => ctx.fail(m));
      const data = dtype.alloc(n);
      for (let k = 0; k < n; k++) data[k] = start + k * delta;
      return [{ dtype, shape: new TensorShape([n]), constValue: new NDArray(data, [n], dtype) }];
    }
    return [{ dtype, shape: new TensorShape([null]) }];
  },
  kernel(ctx, inputs): Value[] {
    const [start, limit, delta] = inputs.map((v) => ctx.backend.toHost(bt(v)).data[0]);
    const dtype = bt(inputs[0]).dtype;
    const n = rangeSize(start, limit, delta, (m) => {
      throw new InvalidArgumentError(m, ctx.op.name);
    });
    const data = dtype.alloc(n);
    for (let k = 0; k < n; k++) data[k] = start + k * delta;
    return [ctx.backend.fromHost(new NDArray(data, [n], dtype))];
  },
  grad: null,
});

/** TF's order for range's inferred dtype: the widest of the arguments' dtypes wins. */
const RANGE_DTYPES = [DType.int32, DType.int64, DType.float32, DType.float64];

/**
 * tf.range(start, limit, delta=1, dtype, name='range'): [start, start + delta, ...) up to
 * `limit` (exclusive); with one argument, [0, start). The dtype is the widest of the arguments'
 * (int32 < int64 < float32 < float64) unless given.
 */
export function range(start: TensorLike, limit?: TensorLike | null, delta: TensorLike = 1, opts: { dtype?: DTypeLike | null; name?: string } = {}): Tensor {
  opts = checkOptions('range', opts, ['dtype', 'name']);
  if (limit === undefined || limit === null) [start, limit] = [0, start];
  const args = [start, limit, delta].map((a) => convert_to_tensor(a as TensorLike));
  const dtype = opts.dtype ? asDType(opts.dtype) : args.map((a) => a.dtype).reduce((a, b) => (RANGE_DTYPES.indexOf(b) > RANGE_DTYPES.indexOf(a) ? b : a));
  if (!RANGE_DTYPES.includes(dtype)) throw new TFTypeError(`range: dtype must be one of int32, int64, float32, float64, got ${dtype.name}`);
  const scope = get_default_graph().nameScope(opts.name ?? 'range');
  try {
    const [s, l, d] = args.map((a) => (a.dtype === dtype ? a : cast(a, dtype)));
    return make1('Range', [s, l, d], {}, { name: get_default_graph().currentNameScope, exactName: true });
  } finally {
    scope[Symbol.dispose]();
  }
}

/**
 * tf.sequence_mask(lengths, maxlen=None, dtype=tf.bool): mask[i..., j] = j < lengths[i...],
 * for j in [0, maxlen) (maxlen defaults to max(lengths)).
 */
export function sequence_mask(lengths: TensorLike, maxlen?: TensorLike | null, dtype: DTypeLike = DType.bool, name?: string): Tensor {
  const scope = get_default_graph().nameScope(name ?? 'SequenceMask');
  try {
    const lens = convert_to_tensor(lengths);
    if (!lens.dtype.isInteger) throw new TFTypeError(`sequence_mask: lengths must be integers, got ${lens.dtype.name}`);
    const m = maxlen === undefined || maxlen === null ? reduce_max(lens) : convert_to_tensor(maxlen);
    if (m.shape.ndims !== null && m.shape.ndims !== 0) throw new ValueError('maxlen must be scalar for sequence_mask');
    const row = range(0, cast(m, lens.dtype), 1);
    const mask = less(row, expand_dims(lens, -1));
    const dt = asDType(dtype);
    return dt === DType.bool ? mask : cast(mask, dt);
  } finally {
    scope[Symbol.dispose]();
  }
}

/** Python-operator names: x + y is 'add', x - y 'sub', x * y 'mul', x / y 'truediv'. */
export function operatorAdd(x: TensorLike, y: TensorLike): Tensor {
  return add(x, y, 'add');
}

export { unaryFns };
