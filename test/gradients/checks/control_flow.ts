// Gradient checks of the functional while loop and the tensor-list ops behind TensorArray.
import * as tf from 'tf1-ts';
import { TensorArray } from 'tf1-ts/ops/list_ops';
import { registerGradCheck } from '../registry';

type T = tf.Tensor;

registerGradCheck(
  'While',
  {
    name: 'x <- tanh(x * w) three times (w captured, broadcast [3])',
    inputs: [{ shape: [2, 3] }, { shape: [3] }],
    build: ([x, w]) => {
      const [, out] = tf.while_loop((i: T) => tf.less(i, 3), (i: T, h: T) => [tf.add(i, 1), tf.tanh(tf.multiply(h, w))], [tf.constant(0), x]);
      return out;
    },
  },
  {
    name: 'h <- sigmoid(h · W + x) over [?,2] fed [3,2]',
    inputs: [{ shape: [3, 2], static: [null, 2] }, { shape: [2, 2] }],
    build: ([x, W]) => {
      const [, out] = tf.while_loop((i: T) => tf.less(i, 2), (i: T, h: T) => [tf.add(i, 1), tf.sigmoid(tf.add(tf.matmul(h, W), x))], [tf.constant(0), x]);
      return out;
    },
  },
);

registerGradCheck(
  'TensorListFromTensor',
  { name: 'TensorArray.unstack then stack', inputs: [{ shape: [3, 2] }], build: ([x]) => tf.square(new TensorArray(tf.float64, { size: 3 }).unstack(x).stack()) },
);

registerGradCheck(
  'TensorListStack',
  {
    name: 'TensorArray.write twice then stack',
    inputs: [{ shape: [2] }, { shape: [2] }],
    build: ([a, b]) => new TensorArray(tf.float64, { size: 2 }).write(0, tf.multiply(a, b)).write(1, b).stack(),
  },
);

registerGradCheck(
  'TensorListGetItem',
  {
    name: 'TensorArray.unstack then read items 2 and 0',
    inputs: [{ shape: [3, 2] }],
    build: ([x]) => {
      const ta = new TensorArray(tf.float64, { size: 3 }).unstack(x);
      return [ta.read(2), tf.multiply(ta.read(0), ta.read(0))];
    },
  },
);

registerGradCheck(
  'TensorListSetItem',
  {
    name: 'TensorArray.write over an unstacked list, then read',
    inputs: [{ shape: [3, 2] }, { shape: [2] }],
    build: ([x, v]) => {
      const ta = new TensorArray(tf.float64, { size: 3 }).unstack(x).write(1, tf.tanh(v));
      return [ta.stack(), ta.read(1)];
    },
  },
);

// tf.cond: the flag input picks the branch at run time (fed, not differentiated); each case runs
// one branch, so both directions are listed. The untaken branch's captures get zero gradients.
const flag = (v: number): { shape: number[]; dtype: tf.DType; values: number[] } => ({ shape: [], dtype: tf.int32, values: [v] });
for (const taken of [1, 0]) {
  registerGradCheck('If', {
    name: `cond(flag, x * w + w, tanh(x) * 3) with flag ${taken}: the ${taken ? 'true' : 'false'} branch (w only there: zero gradient when not taken)`,
    inputs: [flag(taken), { shape: [2, 3] }, { shape: [3] }],
    build: ([f, x, w]) => tf.cond(tf.greater(f, 0), () => tf.add(tf.multiply(x, w), w), () => tf.multiply(tf.tanh(x), 3)),
  });
}
registerGradCheck(
  'If',
  {
    name: 'cond on the data (sum(x) > 0) returning a pair, over [?,2] fed [3,2]',
    inputs: [{ shape: [3, 2], static: [null, 2], range: [0.5, 2] }, { shape: [2, 2] }],
    build: ([x, W]) => {
      const [a, b] = tf.cond(tf.greater(tf.reduce_sum(x), 0), () => [tf.matmul(x, W), tf.sigmoid(x)], () => [x, x]);
      return [a, b];
    },
  },
  {
    name: 'cond inside a while body: h <- h * w for i < 2, then h + w',
    inputs: [{ shape: [2] }, { shape: [2] }],
    build: ([x, w]) => {
      const [, out] = tf.while_loop((i: T) => tf.less(i, 4), (i: T, h: T) => [tf.add(i, 1), tf.cond(tf.less(i, 2), () => tf.multiply(h, w), () => tf.add(h, w))], [tf.constant(0), x]);
      return out;
    },
  },
);
