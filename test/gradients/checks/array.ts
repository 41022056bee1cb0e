// Gradient checks of array_ops: identity-likes, shape manipulation, stack/concat/split,
// slice/pad, gather, cast, fill, broadcasting helpers, select.
import * as tf from 'tf1-ts';
import { DType } from 'tf1-ts/core/dtypes';
import { sumToShape } from 'tf1-ts/ops/array_ops';
import { registerGradCheck } from '../registry';

registerGradCheck(
  'PlaceholderWithDefault',
  { name: 'placeholder_with_default over x*x', inputs: [{ shape: [2, 3] }], build: ([x]) => tf.placeholder_with_default(tf.multiply(x, x), [2, 3]) },
  { name: 'placeholder_with_default [?,3]', inputs: [{ shape: [4, 3], static: [null, 3] }], build: ([x]) => tf.placeholder_with_default(x, [null, 3]) },
);

registerGradCheck(
  'Identity',
  { name: 'identity [2,3]', inputs: [{ shape: [2, 3] }], build: ([x]) => tf.identity(x) },
  { name: 'identity [?,3]', inputs: [{ shape: [4, 3], static: [null, 3] }], build: ([x]) => tf.identity(tf.square(x)) },
);

registerGradCheck(
  'Reshape',
  { name: 'reshape [2,3] -> [3,2]', inputs: [{ shape: [2, 3] }], build: ([x]) => tf.reshape(x, [3, 2]) },
  { name: 'reshape [?,3] -> [-1]', inputs: [{ shape: [4, 3], static: [null, 3] }], build: ([x]) => tf.reshape(x, [-1]) },
  { name: 'reshape [2,3] -> [1,6,1]', inputs: [{ shape: [2, 3] }], build: ([x]) => tf.reshape(x, [1, 6, 1]) },
);

registerGradCheck(
  'ExpandDims',
  { name: 'expand_dims axis 1', inputs: [{ shape: [2, 3] }], build: ([x]) => tf.expand_dims(x, 1) },
  { name: 'expand_dims axis -1 of [?,3]', inputs: [{ shape: [4, 3], static: [null, 3] }], build: ([x]) => tf.expand_dims(x, -1) },
);

registerGradCheck(
  'Squeeze',
  { name: 'squeeze all [2,1,3]', inputs: [{ shape: [2, 1, 3] }], build: ([x]) => tf.squeeze(x) },
  { name: 'squeeze axis 2 of [?,3,1]', inputs: [{ shape: [4, 3, 1], static: [null, 3, 1] }], build: ([x]) => tf.squeeze(x, [2]) },
);

registerGradCheck(
  'Transpose',
  { name: 'transpose default perm', inputs: [{ shape: [2, 3] }], build: ([x]) => tf.transpose(x) },
  { name: 'transpose [2,3,4] perm [2,0,1]', inputs: [{ shape: [2, 3, 4] }], build: ([x]) => tf.transpose(x, [2, 0, 1]) },
  { name: 'transpose [?,3] perm [1,0]', inputs: [{ shape: [4, 3], static: [null, 3] }], build: ([x]) => tf.transpose(x, [1, 0]) },
);

registerGradCheck(
  'Pack',
  { name: 'stack two [2,3] axis 0', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], build: ([a, b]) => tf.stack([a, b]) },
  { name: 'stack [?,3] axis 1 with a repeat', inputs: [{ shape: [4, 3], static: [null, 3] }, { shape: [4, 3], static: [null, 3] }], build: ([a, b]) => tf.stack([a, b, a], 1) },
  { name: 'stack scalars', inputs: [{ shape: [] }, { shape: [] }], build: ([a, b]) => tf.stack([a, b]) },
);

registerGradCheck(
  'Unpack',
  { name: 'unstack [3,2] axis 0, all outputs', inputs: [{ shape: [3, 2] }], build: ([x]) => tf.unstack(x) },
  { name: 'unstack [3,2] axis 1, all outputs', inputs: [{ shape: [3, 2] }], build: ([x]) => tf.unstack(x, { axis: 1 }) },
  // Unused outputs have no gradient: the rule fills zeros for them.
  { name: 'unstack [?,3] axis 1, outputs 0 and 2', inputs: [{ shape: [4, 3], static: [null, 3] }], build: ([x]) => { const o = tf.unstack(x, { axis: 1 }); return [o[0], o[2]]; } },
);

registerGradCheck(
  'ConcatV2',
  { name: 'concat [2,3],[2,1] axis 1', inputs: [{ shape: [2, 3] }, { shape: [2, 1] }], build: ([a, b]) => tf.concat([a, b], 1) },
  { name: 'concat [?,3],[2,3] axis 0', inputs: [{ shape: [4, 3], static: [null, 3] }, { shape: [2, 3] }], build: ([a, b]) => tf.concat([a, b], 0) },
  { name: 'concat axis -1 with a repeat', inputs: [{ shape: [2, 2] }, { shape: [2, 3] }], build: ([a, b]) => tf.concat([a, b, a], -1) },
);

registerGradCheck(
  'SplitV',
  { name: 'split [2,6] in 3 along 1', inputs: [{ shape: [2, 6] }], build: ([x]) => tf.split(x, 3, 1) },
  { name: 'split [2,6] sizes [1,2,3], outputs 0 and 2', inputs: [{ shape: [2, 6] }], build: ([x]) => { const o = tf.split(x, [1, 2, 3], 1); return [o[0], o[2]]; } },
  { name: 'split [?,4] in 2 along 1', inputs: [{ shape: [3, 4], static: [null, 4] }], build: ([x]) => tf.split(x, 2, 1) },
);

registerGradCheck(
  'Slice',
  { name: 'slice [3,4] begin [1,1] size [2,2]', inputs: [{ shape: [3, 4] }], build: ([x]) => tf.slice(x, [1, 1], [2, 2]) },
  { name: 'slice [?,4] size [-1,2]', inputs: [{ shape: [3, 4], static: [null, 4] }], build: ([x]) => tf.slice(x, [0, 1], [-1, 2]) },
);

registerGradCheck(
  'SliceGrad',
  // The second input (the shape of x) carries no gradient.
  { name: 'slice gradient wrt its upstream gradient', inputs: [{ shape: [3, 4] }, { shape: [2, 2] }], build: ([x, dy]) => tf.gradients(tf.slice(x, [1, 1], [2, 2]), x, dy)[0]!, expectNull: [0] },
);

registerGradCheck(
  'Pad',
  { name: 'pad [2,3] by [[1,0],[0,2]]', inputs: [{ shape: [2, 3] }], build: ([x]) => tf.pad(x, [[1, 0], [0, 2]]) },
  { name: 'pad [?,3] by [[0,1],[1,1]]', inputs: [{ shape: [2, 3], static: [null, 3] }], build: ([x]) => tf.pad(x, [[0, 1], [1, 1]]) },
);

registerGradCheck(
  'GatherV2',
  {
    name: 'gather rows with a duplicate index (scatter-add)',
    inputs: [{ shape: [4, 3] }, { shape: [3], dtype: DType.int32, values: [0, 2, 0] }],
    build: ([p, i]) => tf.gather(p, i),
    expectNull: [1],
  },
  {
    name: 'gather along axis 1 of [?,3]',
    inputs: [{ shape: [2, 3], static: [null, 3] }, { shape: [2, 2], dtype: DType.int32, values: [2, 1, 1, 1] }],
    build: ([p, i]) => tf.gather(p, i, 1),
    expectNull: [1],
  },
);

registerGradCheck(
  'Cast',
  // Through float32 and back: the round trip costs float32 precision, hence the wider eps.
  { name: 'cast float64 -> float32 -> float64', inputs: [{ shape: [2, 3] }], build: ([x]) => tf.cast(tf.multiply(tf.cast(x, tf.float32), 3), tf.float64), eps: 1e-2, atol: 1e-4, rtol: 1e-4 },
  { name: 'cast through int32 has no gradient', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], build: ([x, y]) => tf.add(tf.cast(tf.cast(x, tf.int32), tf.float64), y), expectNull: [0] },
);

registerGradCheck(
  'Fill',
  { name: 'fill [2,3] with a scalar', inputs: [{ shape: [] }], build: ([v]) => tf.fill([2, 3], v) },
  { name: 'fill shape of [?,3] with a scalar', inputs: [{ shape: [] }, { shape: [4, 3], static: [null, 3] }], build: ([v, x]) => tf.fill(tf.shape(x), v), expectNull: [1] },
);

registerGradCheck(
  'BroadcastTo',
  { name: 'broadcast_to [3] -> [2,3]', inputs: [{ shape: [3] }], build: ([x]) => tf.broadcast_to(x, [2, 3]) },
  { name: 'broadcast_to [2,1] -> [2,3]', inputs: [{ shape: [2, 1] }], build: ([x]) => tf.broadcast_to(x, [2, 3]) },
  { name: 'broadcast_to [3] -> shape of [?,3]', inputs: [{ shape: [3] }, { shape: [4, 3], static: [null, 3] }], build: ([x, y]) => tf.broadcast_to(x, tf.shape(y)), expectNull: [1] },
);

registerGradCheck(
  'SumToShape',
  { name: 'sum [2,3] to shape [3]', inputs: [{ shape: [2, 3] }, { shape: [3] }], build: ([g, like]) => sumToShape(g, tf.shape(like)), expectNull: [1] },
  { name: 'sum [?,3] to shape [1,3]', inputs: [{ shape: [4, 3], static: [null, 3] }, { shape: [1, 3] }], build: ([g, like]) => sumToShape(g, tf.shape(like)), expectNull: [1] },
);

registerGradCheck(
  'SelectV2',
  {
    name: 'where(cond [2,3], a [2,3], b [3])',
    inputs: [{ shape: [2, 3], dtype: DType.bool, values: [1, 0, 1, 0, 0, 1] }, { shape: [2, 3] }, { shape: [3] }],
    build: ([c, a, b]) => tf.where(c, a, b),
    expectNull: [0],
  },
  {
    name: 'where(cond [?,1], a [?,3], b scalar)',
    inputs: [{ shape: [2, 1], static: [null, 1], dtype: DType.bool, values: [1, 0] }, { shape: [2, 3], static: [null, 3] }, { shape: [] }],
    build: ([c, a, b]) => tf.where(c, a, b),
    expectNull: [0],
  },
);

registerGradCheck(
  'ReverseV2',
  { name: 'reverse [2,3,4] along axes [0, -1]', inputs: [{ shape: [2, 3, 4] }], build: ([x]) => tf.reverse(x, [0, -1]) },
  { name: 'reverse [?,3] fed [4,3] along axis 0', inputs: [{ shape: [4, 3], static: [null, 3] }], build: ([x]) => tf.multiply(tf.reverse(x, [0]), x) },
);

registerGradCheck(
  'ReverseSequence',
  {
    name: 'reverse_sequence [3,4,2] lengths [4,0,2] (batch-major)',
    inputs: [{ shape: [3, 4, 2] }],
    build: ([x]) => tf.multiply(tf.reverse_sequence(x, tf.constant([4, 0, 2]), { seq_axis: 1, batch_axis: 0 }), x),
  },
  {
    name: 'reverse_sequence [4,2,3] lengths [3,1] (time-major, rest axis after)',
    inputs: [{ shape: [4, 2, 3] }],
    build: ([x]) => tf.reverse_sequence(x, tf.constant([3, 1]), { seq_axis: 0, batch_axis: 1 }),
  },
);

registerGradCheck(
  'GatherNd',
  {
    name: 'gather_nd [3,4,2] by index pairs [5,2] (a repeated pair sums its gradients)',
    inputs: [{ shape: [3, 4, 2] }],
    build: ([x]) => tf.gather_nd(x, tf.constant([[0, 1], [2, 3], [1, 0], [0, 1], [2, 2]])),
  },
  {
    name: 'gather_nd [?,3] fed [4,3] by full index tuples [2,2,2]',
    inputs: [{ shape: [4, 3], static: [null, 3] }],
    build: ([x]) => tf.multiply(tf.gather_nd(x, tf.constant([[[0, 0], [3, 2]], [[1, 1], [2, 0]]])), 2),
  },
);
