// Gradient checks of nn_ops: softmax, log_softmax, the two cross-entropies, bias_add; and of
// numerics_ops' check_numerics (an identity on finite values).
import * as tf from 'tf1-ts';
import { DType } from 'tf1-ts/core/dtypes';
import { bias_add, log_softmax, softmax, softmax_cross_entropy_with_logits, sparse_softmax_cross_entropy_with_logits } from 'tf1-ts/ops/nn_ops';
import { check_numerics } from 'tf1-ts/ops/numerics_ops';
import { registerGradCheck } from '../registry';

registerGradCheck(
  'Softmax',
  { name: 'softmax [2,4]', inputs: [{ shape: [2, 4] }], build: ([x]) => softmax(x) },
  { name: 'softmax axis 0 of [3,2]', inputs: [{ shape: [3, 2] }], build: ([x]) => softmax(x, 0) },
  { name: 'softmax [?,4] fed [3,4]', inputs: [{ shape: [3, 4], static: [null, 4] }], build: ([x]) => softmax(x) },
);

registerGradCheck(
  'LogSoftmax',
  { name: 'log_softmax [2,4]', inputs: [{ shape: [2, 4] }], build: ([x]) => log_softmax(x) },
  { name: 'log_softmax axis 0 of [3,2]', inputs: [{ shape: [3, 2] }], build: ([x]) => log_softmax(x, 0) },
  { name: 'log_softmax [?,4] fed [3,4]', inputs: [{ shape: [3, 4], static: [null, 4] }], build: ([x]) => log_softmax(x) },
);

registerGradCheck(
  'SparseSoftmaxCrossEntropyWithLogits',
  {
    name: 'sparse xent [3,4], labels [0,3,1]',
    inputs: [{ shape: [3, 4] }, { shape: [3], dtype: DType.int32, values: [0, 3, 1] }],
    build: ([logits, labels]) => sparse_softmax_cross_entropy_with_logits({ labels, logits }),
    expectNull: [1],
  },
  {
    name: 'sparse xent [?,4] fed [2,4]',
    inputs: [{ shape: [2, 4], static: [null, 4] }, { shape: [2], static: [null], dtype: DType.int64, values: [2, 2] }],
    build: ([logits, labels]) => sparse_softmax_cross_entropy_with_logits({ labels, logits }),
    expectNull: [1],
  },
  {
    name: 'sparse xent of rank-3 logits [2,2,3]',
    inputs: [{ shape: [2, 2, 3] }, { shape: [2, 2], dtype: DType.int32, values: [0, 1, 2, 1] }],
    build: ([logits, labels]) => sparse_softmax_cross_entropy_with_logits({ labels, logits }),
    expectNull: [1],
  },
);

registerGradCheck(
  'SoftmaxCrossEntropyWithLogits',
  {
    name: 'xent [2,3] (no gradient to labels, v1)',
    inputs: [{ shape: [2, 3] }, { shape: [2, 3], values: [0.2, 0.3, 0.5, 1, 0, 0] }],
    build: ([logits, labels]) => softmax_cross_entropy_with_logits({ labels, logits }),
    expectNull: [1],
  },
  {
    name: 'xent [?,3] fed [2,3]',
    inputs: [{ shape: [2, 3], static: [null, 3] }, { shape: [2, 3], static: [null, 3], values: [0, 1, 0, 0.5, 0.5, 0] }],
    build: ([logits, labels]) => softmax_cross_entropy_with_logits({ labels, logits }),
    expectNull: [1],
  },
);

registerGradCheck(
  'BiasAdd',
  { name: 'bias_add [2,3] + [3]', inputs: [{ shape: [2, 3] }, { shape: [3] }], build: ([x, b]) => bias_add(x, b) },
  { name: 'bias_add [?,3] fed [4,3]', inputs: [{ shape: [4, 3], static: [null, 3] }, { shape: [3] }], build: ([x, b]) => bias_add(x, b) },
  { name: 'bias_add [2,2,3]', inputs: [{ shape: [2, 2, 3] }, { shape: [3] }], build: ([x, b]) => bias_add(x, b) },
);

registerGradCheck(
  'CheckNumerics',
  { name: 'check_numerics of x*x', inputs: [{ shape: [2, 3] }], build: ([x]) => check_numerics(tf.multiply(x, x), 'x squared') },
  { name: 'check_numerics [?,3]', inputs: [{ shape: [4, 3], static: [null, 3] }], build: ([x]) => check_numerics(x, 'x') },
);

registerGradCheck(
  'TopKV2',
  { name: 'top_k values, k=2 of [3,5]', inputs: [{ shape: [3, 5] }], build: ([x]) => tf.nn.top_k(x, 2).values },
  { name: 'top_k values, k=3 of [?,2,4] fed [2,2,4], times the input', inputs: [{ shape: [2, 2, 4], static: [null, 2, 4] }], build: ([x]) => tf.multiply(tf.reduce_sum(tf.nn.top_k(x, 3).values), x) },
);
