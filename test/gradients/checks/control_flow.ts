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
