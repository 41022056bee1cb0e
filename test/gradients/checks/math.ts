// Gradient checks of math_ops: unary, broadcasting binary, gradient helper ops (second order),
// add_n, clip, matmul, reductions.
import * as tf from 'tf1-ts';
import { binaryOp, relu } from 'tf1-ts/ops/math_ops';
import { GradCase, InputSpec } from '../gradcheck';
import { registerGradCheck } from '../registry';

type T = tf.Tensor;

/** Input shapes every elementwise op is checked on: fixed, unknown batch, unknown rank. */
const UNARY_SHAPES: [string, InputSpec][] = [
  ['[2,3]', { shape: [2, 3] }],
  ['[?,3] fed [4,3]', { shape: [4, 3], static: [null, 3] }],
  ['scalar', { shape: [] }],
];

function unary(type: string, fn: (x: T) => T, spec: Partial<InputSpec> = {}): void {
  registerGradCheck(
    type,
    ...UNARY_SHAPES.map(([n, s]): GradCase => ({ name: `${type} ${n}`, inputs: [{ ...s, ...spec }], build: ([x]) => fn(x) })),
  );
}

unary('Neg', (x) => tf.negative(x));
unary('Abs', (x) => tf.abs(x), { awayFromZero: 0.1 });
unary('Sign', (x) => tf.sign(x), { awayFromZero: 0.1 });
unary('Exp', (x) => tf.exp(x));
unary('Log', (x) => tf.log(x), { range: [0.5, 3] });
unary('Log1p', (x) => tf.log1p(x), { range: [-0.5, 2] });
unary('Sqrt', (x) => tf.sqrt(x), { range: [0.5, 3] });
unary('Rsqrt', (x) => tf.rsqrt(x), { range: [0.5, 3] });
unary('Square', (x) => tf.square(x));
unary('Reciprocal', (x) => tf.reciprocal(x), { awayFromZero: 0.5 });
unary('Tanh', (x) => tf.tanh(x));
unary('Sigmoid', (x) => tf.sigmoid(x));
unary('Relu', (x) => relu(x), { awayFromZero: 0.1 });
unary('Sin', (x) => tf.sin(x));
unary('Cos', (x) => tf.cos(x));

/** Operand shape pairs of the broadcasting checks. */
const BROADCAST: [string, InputSpec, InputSpec][] = [
  ['[2,3] with [2,3]', { shape: [2, 3] }, { shape: [2, 3] }],
  ['[2,3] with [3]', { shape: [2, 3] }, { shape: [3] }],
  ['[2,1] with [1,3]', { shape: [2, 1] }, { shape: [1, 3] }],
  ['[2,3] with scalar', { shape: [2, 3] }, { shape: [] }],
  ['scalar with [2,3]', { shape: [] }, { shape: [2, 3] }],
  ['[?,3] fed [4,3] with [3]', { shape: [4, 3], static: [null, 3] }, { shape: [3] }],
  ['[?,3] with [?,1] fed [4,3], [4,1]', { shape: [4, 3], static: [null, 3] }, { shape: [4, 1], static: [null, 1] }],
  ['unknown rank fed [2,3] with [1,3]', { shape: [2, 3], static: null }, { shape: [1, 3] }],
];

function binary(type: string, fn: (a: T, b: T) => T, a: Partial<InputSpec> = {}, b: Partial<InputSpec> = {}): void {
  registerGradCheck(
    type,
    ...BROADCAST.map(([n, sa, sb]): GradCase => ({ name: `${type} ${n}`, inputs: [{ ...sa, ...a }, { ...sb, ...b }], build: ([x, y]) => fn(x, y) })),
  );
}

binary('Add', (a, b) => tf.add(a, b));
binary('Sub', (a, b) => tf.subtract(a, b));
binary('Mul', (a, b) => tf.multiply(a, b));
binary('RealDiv', (a, b) => tf.divide(a, b), {}, { awayFromZero: 0.5 });
binary('Pow', (a, b) => tf.pow(a, b), { range: [0.5, 2] }, { range: [-1.5, 1.5] });
// Distinct value ranges keep maximum/minimum away from ties.
binary('Maximum', (a, b) => tf.maximum(a, b), { range: [-2, 2] }, { range: [-1, 1] });
binary('Minimum', (a, b) => tf.minimum(a, b), { range: [-2, 2] }, { range: [-1, 1] });
binary('SquaredDifference', (a, b) => tf.squared_difference(a, b));

// Gradient helper ops, checked through second-order gradients: d/d(x, dy) of d(f(x))·dy/dx.
registerGradCheck(
  'TanhGrad',
  { name: 'TanhGrad via grad of tanh', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], build: ([x, dy]) => tf.gradients(tf.tanh(x), x, dy)[0]! },
  { name: 'TanhGrad direct [?,3]', inputs: [{ shape: [2, 3], static: [null, 3], range: [-0.9, 0.9] }, { shape: [2, 3], static: [null, 3] }], build: ([y, dy]) => binaryOp('TanhGrad', y, dy) },
);
registerGradCheck(
  'SigmoidGrad',
  { name: 'SigmoidGrad via grad of sigmoid', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], build: ([x, dy]) => tf.gradients(tf.sigmoid(x), x, dy)[0]! },
  { name: 'SigmoidGrad direct [?,3]', inputs: [{ shape: [2, 3], static: [null, 3], range: [0.1, 0.9] }, { shape: [2, 3], static: [null, 3] }], build: ([y, dy]) => binaryOp('SigmoidGrad', y, dy) },
);
registerGradCheck(
  'ReluGrad',
  { name: 'ReluGrad via grad of relu', inputs: [{ shape: [2, 3], awayFromZero: 0.1 }, { shape: [2, 3] }], build: ([x, dy]) => tf.gradients(relu(x), x, dy)[0]! },
  { name: 'ReluGrad direct [?,3]', inputs: [{ shape: [2, 3] }, { shape: [2, 3], static: [null, 3], awayFromZero: 0.1 }], build: ([dy, x]) => binaryOp('ReluGrad', dy, x) },
);

registerGradCheck(
  'AddN',
  { name: 'add_n of three [2,3]', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }, { shape: [2, 3] }], build: (xs) => tf.add_n(xs) },
  { name: 'add_n [?,3] fed [4,3], same input twice', inputs: [{ shape: [4, 3], static: [null, 3] }, { shape: [4, 3], static: [null, 3] }], build: ([a, b]) => tf.add_n([a, b, a]) },
);

registerGradCheck(
  'ClipByValue',
  { name: 'clip_by_value [2,3] to [-1, 1]', inputs: [{ shape: [2, 3], range: [-2, 2] }], build: ([x]) => tf.clip_by_value(x, -1, 1) },
  { name: 'clip_by_value [?,3] fed [4,3]', inputs: [{ shape: [4, 3], static: [null, 3] }], build: ([x]) => tf.clip_by_value(x, -0.5, 0.5) },
);

registerGradCheck(
  'MatMul',
  { name: 'matmul [2,3]x[3,4]', inputs: [{ shape: [2, 3] }, { shape: [3, 4] }], build: ([a, b]) => tf.matmul(a, b) },
  { name: 'matmul transpose_a', inputs: [{ shape: [3, 2] }, { shape: [3, 4] }], build: ([a, b]) => tf.matmul(a, b, { transpose_a: true }) },
  { name: 'matmul transpose_b', inputs: [{ shape: [2, 3] }, { shape: [4, 3] }], build: ([a, b]) => tf.matmul(a, b, { transpose_b: true }) },
  { name: 'matmul transpose_a and transpose_b', inputs: [{ shape: [3, 2] }, { shape: [4, 3] }], build: ([a, b]) => tf.matmul(a, b, { transpose_a: true, transpose_b: true }) },
  { name: 'matmul [?,3] fed [5,3] x [3,2]', inputs: [{ shape: [5, 3], static: [null, 3] }, { shape: [3, 2] }], build: ([a, b]) => tf.matmul(a, b) },
  { name: 'matmul shared operand x·x', inputs: [{ shape: [3, 3] }], build: ([a]) => tf.matmul(a, a) },
);

registerGradCheck(
  'BatchMatMul',
  { name: 'batch matmul [2,2,3]x[2,3,4]', inputs: [{ shape: [2, 2, 3] }, { shape: [2, 3, 4] }], build: ([a, b]) => tf.matmul(a, b) },
  { name: 'batch matmul adjoint_a', inputs: [{ shape: [2, 3, 2] }, { shape: [2, 3, 4] }], build: ([a, b]) => tf.matmul(a, b, { adjoint_a: true }) },
  { name: 'batch matmul adjoint_b', inputs: [{ shape: [2, 2, 3] }, { shape: [2, 4, 3] }], build: ([a, b]) => tf.matmul(a, b, { adjoint_b: true }) },
  { name: 'batch matmul both adjoint', inputs: [{ shape: [2, 3, 2] }, { shape: [2, 4, 3] }], build: ([a, b]) => tf.matmul(a, b, { adjoint_a: true, adjoint_b: true }) },
  { name: 'batch matmul [?,2,3] fed [3,2,3]', inputs: [{ shape: [3, 2, 3], static: [null, 2, 3] }, { shape: [3, 3, 2], static: [null, 3, 2] }], build: ([a, b]) => tf.matmul(a, b) },
);

/** Reduction cases: all axes, one axis, negative axis, several axes, keepdims, unknown batch. */
function reduction(type: string, fn: (x: T, axis: number | number[] | null, keepdims: boolean) => T, spec: Partial<InputSpec> = {}): void {
  const cases: [string, InputSpec, number | number[] | null, boolean][] = [
    ['all axes', { shape: [2, 3] }, null, false],
    ['axis 0', { shape: [2, 3] }, 0, false],
    ['axis -1 keepdims', { shape: [2, 3] }, -1, true],
    ['axes [0,2] of [2,3,2]', { shape: [2, 3, 2] }, [0, 2], false],
    ['axis 1 of [?,3] fed [4,3]', { shape: [4, 3], static: [null, 3] }, 1, false],
    ['axis 0 keepdims of [?,3] fed [4,3]', { shape: [4, 3], static: [null, 3] }, 0, true],
    ['scalar', { shape: [] }, null, false],
  ];
  registerGradCheck(type, ...cases.map(([n, s, axis, keep]): GradCase => ({ name: `${type} ${n}`, inputs: [{ ...s, ...spec }], build: ([x]) => fn(x, axis, keep) })));
}

reduction('Sum', (x, axis, keepdims) => tf.reduce_sum(x, axis, { keepdims }));
reduction('Mean', (x, axis, keepdims) => tf.reduce_mean(x, axis, { keepdims }));
reduction('Max', (x, axis, keepdims) => tf.reduce_max(x, axis, { keepdims }));
reduction('Min', (x, axis, keepdims) => tf.reduce_min(x, axis, { keepdims }));
reduction('Prod', (x, axis, keepdims) => tf.reduce_prod(x, axis, { keepdims }), { awayFromZero: 0.3 });
