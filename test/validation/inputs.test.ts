// Bad input at the public entry points: each case ends in a clear error of the library's own
// classes (TFError subclasses, named as TF1 names them), and nothing is half-applied.
import * as tf from 'tf1-ts';

interface Case {
  what: string;
  fn: () => unknown;
  name: string;
  message: RegExp;
}

const open: tf.Session[] = [];
function session(): tf.Session {
  const s = new tf.Session();
  open.push(s);
  return s;
}
function closeAll(): void {
  for (const s of open.splice(0)) s.close();
}
beforeEach(() => {
  closeAll();
  tf.reset_default_graph();
});
afterAll(closeAll);

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error to be thrown');
}

function expectCase(c: Case): void {
  const e = caught(c.fn);
  expect(e).toBeInstanceOf(tf.TFError);
  expect({ what: c.what, name: e.name, message: e.message }).toEqual({ what: c.what, name: c.name, message: expect.stringMatching(c.message) });
}

const f32 = (v: number[][]): tf.Tensor => tf.constant(v, { dtype: tf.float32 });
function feedRun(ph: tf.Tensor, value: unknown): unknown {
  return session().run(tf.identity(ph), [[ph, value as tf.ArrayLike]]);
}

const cases: Case[] = [
  // wrong types
  { what: 'unknown dtype name', fn: () => tf.placeholder('float33' as never), name: 'TypeError', message: /^Unknown dtype "float33"; expected one of float32, float64, int32, int64, bool$/ },
  { what: 'dtype of the wrong type', fn: () => tf.zeros([2], 3 as never), name: 'TypeError', message: /^Unknown dtype 3/ },
  { what: 'a string as a tensor', fn: () => tf.add('a' as never, 1), name: 'TypeError', message: /^Failed to convert object of type string to Tensor/ },
  { what: 'an object as a tensor', fn: () => tf.matmul({} as never, f32([[1]])), name: 'TypeError', message: /^Failed to convert object of type object to Tensor/ },
  { what: 'mixed dtypes', fn: () => tf.matmul(f32([[1]]), tf.constant([[1]])), name: 'TypeError', message: /^Input 'b' of 'MatMul' Op has type int32 that does not match type float32 of argument 'a'\.$/ },
  { what: 'a fraction for an int32 constant', fn: () => tf.constant([1, 2.5], { dtype: tf.int32 }), name: 'TypeError', message: /^Expected int32, got 2\.5 of type 'float' instead\.$/ },
  { what: 'a fraction added to an int32 tensor', fn: () => tf.add(tf.constant([1, 2]), 0.5), name: 'TypeError', message: /^Expected int32, got 0\.5/ },
  { what: 'a number for a bool constant', fn: () => tf.constant(1, { dtype: tf.bool }), name: 'TypeError', message: /^Expected bool, got 1/ },
  { what: 'an int32 out of range', fn: () => tf.constant(2 ** 31, tf.int32), name: 'TypeError', message: /^Expected int32, got 2147483648/ },
  { what: 'a tensor as an assignment target', fn: () => tf.assign(tf.constant(1) as never, 2), name: 'TypeError', message: /^assign: 'ref' must be a tf.Variable/ },
  { what: 'null as an assignment target', fn: () => tf.assign_add(null as never, 2), name: 'TypeError', message: /^assign_add: 'ref' must be a tf.Variable, got null/ },
  { what: 'a graph that is not a Graph', fn: () => new tf.Session({ graph: 5 as never }), name: 'TypeError', message: /^Session: graph must be a tf.Graph/ },
  { what: 'a name scope that is not a string', fn: () => tf.name_scope(5 as never), name: 'TypeError', message: /^name_scope: the name must be a string or null/ },
  { what: 'a variable name that is not a string', fn: () => new tf.Variable(1, { name: 3 as never }), name: 'TypeError', message: /^Variable: name must be a string/ },
  { what: 'collections given as a string', fn: () => new tf.Variable(1, { collections: 'abc' as never }), name: 'TypeError', message: /^Variable: collections must be an array/ },
  { what: 'a string axis', fn: () => tf.concat([f32([[1]]), f32([[2]])], 'a' as never), name: 'TypeError', message: /^concat: axis must be an integer, got string$/ },
  { what: 'a fractional axis', fn: () => tf.expand_dims(f32([[1]]), 0.5), name: 'TypeError', message: /^expand_dims: axis must be an integer, got 0\.5$/ },
  { what: 'a string reduction axis', fn: () => tf.reduce_sum(f32([[1]]), 'a' as never), name: 'TypeError', message: /axis must be an integer/ },
  { what: 'keepdims not a boolean', fn: () => tf.reduce_mean(f32([[1]]), { keepdims: 'yes' } as never), name: 'TypeError', message: /^reduce_mean: keepdims must be a boolean/ },
  { what: 'a float shape tensor', fn: () => tf.random_normal(f32([[2]]) as never), name: 'TypeError', message: /^shape must be an int32 or int64 tensor, got float32$/ },
  { what: 'paddings not pairs', fn: () => tf.pad(f32([[1]]), 'a' as never), name: 'TypeError', message: /^pad: paddings must be an array of \[before, after\] pairs/ },
  { what: 'slice bounds not arrays', fn: () => tf.slice(f32([[1]]), 0 as never, [1]), name: 'TypeError', message: /^slice: begin and size must be arrays of integers$/ },
  { what: 'a float feed into a fetch of the wrong kind', fn: () => session().run(5 as never), name: 'TypeError', message: /^Fetch argument 5 has invalid type number, must be a string or Tensor/ },
  { what: 'a feed_dict that is a number', fn: () => session().run(tf.constant(1), 5 as never), name: 'TypeError', message: /^feed_dict must be a Map/ },
  { what: 'a feed key that is not a tensor', fn: () => session().run(tf.constant(1), [[5 as never, 1]]), name: 'TypeError', message: /^The key of feed_dict must be a Tensor or a tensor name, got number\.$/ },
  { what: 'a tensor as a feed value', fn: () => feedRun(tf.placeholder(tf.float32), tf.constant(1)), name: 'TypeError', message: /^The value of a feed cannot be a tf.Tensor object/ },

  // ragged arrays, strings where numbers belong
  { what: 'a ragged constant', fn: () => tf.constant([[1, 2], [3]]), name: 'ValueError', message: /^tf.constant: ragged nested array \(length 1 at \[1\], expected 2 as in the first element\)$/ },
  { what: 'a ragged feed', fn: () => feedRun(tf.placeholder(tf.float32, [null, 2]), [[1, 2], [3]]), name: 'ValueError', message: /ragged nested array/ },
  { what: 'a ragged variable', fn: () => new tf.Variable([[1], [1, 2]]), name: 'ValueError', message: /ragged nested array/ },
  { what: 'a string inside a constant', fn: () => tf.constant([1, 'a'] as never), name: 'TypeError', message: /^tf.constant: element at \[1\] is the string "a", not a number or boolean$/ },
  { what: 'a string inside a feed', fn: () => feedRun(tf.placeholder(tf.float32, [2]), [1, '2']), name: 'TypeError', message: /element at \[1\] is the string "2"/ },
  { what: 'a string as a feed', fn: () => feedRun(tf.placeholder(tf.float32, [2]), 'ab'), name: 'TypeError', message: /^Cannot feed string for Tensor 'Placeholder:0'/ },
  { what: 'null inside a feed', fn: () => feedRun(tf.placeholder(tf.float32, [2]), [1, null]), name: 'TypeError', message: /element at \[1\] is null/ },
  { what: 'NaN fed to an int placeholder', fn: () => feedRun(tf.placeholder(tf.int32, [1]), [NaN]), name: 'ValueError', message: /cannot convert NaN to int32/ },
  { what: 'arrays nested deeper than any tensor', fn: () => tf.constant(Array.from({ length: 300 }).reduce<unknown>((a) => [a], 1) as never), name: 'ValueError', message: /nested array deeper than 254 levels/ },

  // shapes that do not fit
  { what: 'a feed of the wrong shape', fn: () => feedRun(tf.placeholder(tf.float32, [null, 784]), [[1, 2, 3], [4, 5, 6]]), name: 'ValueError', message: /^Cannot feed value of shape \(2, 3\) for Tensor 'Placeholder:0', which has shape '\(\?, 784\)'$/ },
  { what: 'matmul of mismatched sizes', fn: () => tf.matmul(f32([[1, 2]]), f32([[1, 2]])), name: 'ValueError', message: /^Dimensions must be equal, but are 2 and 1 for 'MatMul' \(op: 'MatMul'\) with input shapes: \[1,2\], \[1,2\]\.$/ },
  { what: 'matmul of vectors', fn: () => tf.matmul(tf.constant([1.5, 2]), f32([[1, 2]])), name: 'ValueError', message: /^Shape must be rank 2 but is rank 1 for 'MatMul'/ },
  { what: 'reshape to the wrong size', fn: () => tf.reshape(tf.constant([1, 2, 3]), [2, 2]), name: 'ValueError', message: /^Cannot reshape a tensor with 3 elements to shape \[2,2\] \(4 elements\)/ },
  { what: 'an assignment of another shape', fn: () => new tf.Variable([1, 2]).assign([1, 2, 3]), name: 'ValueError', message: /shapes are \[2\] and \[3\]/ },
  { what: 'an axis out of range', fn: () => tf.reduce_sum(tf.constant([1, 2]), 3), name: 'ValueError', message: /^Invalid reduction dimension 3 for input with 1 dimensions/ },
  { what: 'gather along an axis that does not exist', fn: () => tf.gather(tf.constant([1, 2]), [0], 3), name: 'ValueError', message: /^axis 3 is out of bounds/ },
  { what: 'a shape tensor that is not a vector', fn: () => tf.broadcast_to(tf.constant(1), tf.constant([[2]])), name: 'ValueError', message: /^broadcast_to: shape must be a vector/ },

  // negative or non-integer dimensions
  { what: 'a negative placeholder dimension', fn: () => tf.placeholder(tf.float32, [-1, 3]), name: 'ValueError', message: /^Dimension -1 must be >= 0 and an integer/ },
  { what: 'a fractional placeholder dimension', fn: () => tf.placeholder(tf.float32, [1.5]), name: 'ValueError', message: /^Dimension 1\.5 must be >= 0 and an integer/ },
  { what: 'a negative zeros dimension', fn: () => tf.zeros([-1, 2]), name: 'ValueError', message: /^zeros: dimensions must be >= 0, got shape \[-1,2\]$/ },
  { what: 'a fractional ones dimension', fn: () => tf.ones([2.5]), name: 'TypeError', message: /^ones: expected int for a shape dimension, got 2\.5$/ },
  { what: 'null in a zeros shape', fn: () => tf.zeros([null, 2]), name: 'TypeError', message: /got null/ },
  { what: 'a negative constant shape', fn: () => tf.constant(1, { shape: [-2] }), name: 'ValueError', message: /^tf.constant: invalid dimension -2/ },
  { what: 'a shape that is a string', fn: () => tf.constant(1, { shape: 'ab' as never }), name: 'TypeError', message: /^tf.constant: shape must be an array/ },
  { what: 'a negative fill dimension', fn: () => tf.fill([-1], 1), name: 'ValueError', message: /^fill: dimensions must be >= 0/ },
  { what: 'negative paddings', fn: () => tf.pad(f32([[1]]), [[-2, 0], [0, 0]]), name: 'ValueError', message: /^Paddings must be non-negative: -2 0$/ },
  { what: 'a negative one_hot depth', fn: () => tf.one_hot(tf.constant([1]), -1), name: 'ValueError', message: /^one_hot: depth must be a non-negative integer/ },

  // sizes beyond what can be allocated
  { what: 'zeros of 10^12 elements', fn: () => tf.zeros([1e6, 1e6]), name: 'ValueError', message: /^zeros: shape \[1000000,1000000\] has 1000000000000 elements, more than can be allocated/ },
  { what: 'a constant over 2GB', fn: () => tf.constant(1, { shape: [1e9, 1e9] }), name: 'ValueError', message: /^Cannot create a tensor proto whose content is larger than 2GB/ },
  { what: 'a dimension beyond 2^53', fn: () => tf.placeholder(tf.float32, [2 ** 60]), name: 'ValueError', message: /must be >= 0 and an integer/ },
  { what: 'a random tensor of 10^10 elements', fn: () => tf.random_normal([1e5, 1e5]), name: 'ValueError', message: /more than can be allocated/ },
  {
    what: 'a runtime shape too large to allocate',
    fn: () => {
      const n = tf.placeholder(tf.int32, [2]);
      return session().run(tf.fill(n, 1.5), [[n, [100000, 100000]]]);
    },
    name: 'ResourceExhaustedError',
    message: /^OOM when allocating the output of op 'Fill' \(Fill\)/,
  },

  // unknown option keys (misspellings)
  { what: 'a misspelled option', fn: () => tf.matmul(f32([[1]]), f32([[1]]), { transpose: true } as never), name: 'TypeError', message: /^matmul\(\) got an unexpected keyword argument 'transpose' \(did you mean 'transpose_a'\?\)$/ },
  { what: 'a misspelled constant option', fn: () => tf.constant(1, { dtyp: tf.int32 } as never), name: 'TypeError', message: /^constant\(\) got an unexpected keyword argument 'dtyp' \(did you mean 'dtype'\?\)$/ },
  { what: 'a misspelled Variable option', fn: () => new tf.Variable(1, { trainabel: false } as never), name: 'TypeError', message: /did you mean 'trainable'/ },
  { what: 'a misspelled Session option', fn: () => new tf.Session({ grap: 1 } as never), name: 'TypeError', message: /^Session\(\) got an unexpected keyword argument 'grap' \(did you mean 'graph'\?\)$/ },
  { what: 'a misspelled reduce option', fn: () => tf.reduce_mean(f32([[1]]), { axs: 0 } as never), name: 'TypeError', message: /did you mean 'axis'/ },
  { what: 'options that are not an object', fn: () => tf.constant(1, 5 as never), name: 'TypeError', message: /^constant\(\) expected an options object as its last argument, got number$/ },
  {
    what: 'sequence_lenght (sic) given to tf.nn.dynamic_rnn',
    fn: () => {
      const cell = new tf.nn.rnn_cell.BasicRNNCell(4);
      const x = tf.placeholder(tf.float32, [null, 3, 2]);
      return tf.nn.dynamic_rnn(cell, x, { dtype: tf.float32, sequence_lenght: [3] } as never);
    },
    name: 'TypeError',
    message: /^dynamic_rnn\(\) got an unexpected keyword argument 'sequence_lenght' \(did you mean 'sequence_length'\?\)$/,
  },
  { what: 'a misspelled static_rnn option', fn: () => tf.nn.static_rnn(new tf.nn.rnn_cell.BasicRNNCell(2), [f32([[1]])], { dtyp: tf.float32 } as never), name: 'TypeError', message: /did you mean 'dtype'/ },
  { what: 'null options do not crash', fn: () => tf.matmul(f32([[1, 2]]), f32([[1, 2]]), null as never), name: 'ValueError', message: /^Dimensions must be equal/ },

  // labels out of range in sparse cross-entropy (checked at run time, as in TF)
  {
    what: 'a label equal to the number of classes',
    fn: () => session().run(tf.nn.sparse_softmax_cross_entropy_with_logits({ labels: tf.constant([1, 0, 5]), logits: tf.zeros([3, 5]) })),
    name: 'InvalidArgumentError',
    message: /^Received a label value of 5 which is outside the valid range of \[0, 5\)\.  Label values: 1 0 5/,
  },
  {
    what: 'a negative label',
    fn: () => {
      const y = tf.placeholder(tf.int32, [null]);
      return session().run(tf.nn.sparse_softmax_cross_entropy_with_logits({ labels: y, logits: tf.zeros([2, 3]) }), [[y, [-1, 0]]]);
    },
    name: 'InvalidArgumentError',
    message: /^Received a label value of -1 which is outside the valid range of \[0, 3\)/,
  },
  { what: 'float labels', fn: () => tf.nn.sparse_softmax_cross_entropy_with_logits({ labels: tf.constant([0.5]), logits: tf.zeros([1, 3]) }), name: 'TypeError', message: /parameter 'labels' has DataType float32 not in list of allowed values: int32, int64/ },
  { what: 'labels of the wrong rank', fn: () => tf.nn.sparse_softmax_cross_entropy_with_logits({ labels: tf.constant([[0]]), logits: tf.zeros([1, 3]) }), name: 'ValueError', message: /^Rank mismatch: Rank of labels \(received 2\) should equal rank of logits minus 1 \(received 2\)\.$/ },
  { what: 'positional cross-entropy arguments', fn: () => tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant([0]) as never), name: 'ValueError', message: /^Only call `sparse_softmax_cross_entropy_with_logits` with named arguments/ },
  {
    what: 'a gather index out of range',
    fn: () => session().run(tf.gather(tf.constant([1, 2]), tf.constant([5]))),
    name: 'InvalidArgumentError',
    message: /^indices\[0\] = 5 is not in \[0, 2\)/,
  },
];

describe('bad input gets a clear TFError', () => {
  test.each(cases.map((c) => [c.what, c] as const))('%s', (_what, c) => expectCase(c));
});

describe('nothing is half-applied', () => {
  test('a run whose last op fails commits none of the variable updates made before it', () => {
    const a = new tf.Variable([1, 2], { name: 'a', dtype: tf.float32 });
    const b = new tf.Variable([10], { name: 'b', dtype: tf.float32 });
    const labels = tf.placeholder(tf.int32, [null]);
    const loss = tf.nn.sparse_softmax_cross_entropy_with_logits({ labels, logits: tf.reshape(a.value(), [1, 2]) });
    const sess = session();
    sess.run(tf.global_variables_initializer());
    // The updates run first (control dependencies), then the loss with a bad label fails.
    const step = tf.control_dependencies([a.assign_add([1, 1]), b.assign([20])], () => tf.identity(loss));
    const e = caught(() => sess.run(step, [[labels, [7]]]));
    expect(e.name).toBe('InvalidArgumentError');
    expect(sess.run([a, b]).map((x) => Array.from(x.data))).toEqual([[1, 2], [10]]);
    sess.run(step, [[labels, [1]]]);
    expect(sess.run([a, b]).map((x) => Array.from(x.data))).toEqual([[2, 3], [20]]);
  });

  test('an optimizer step that fails (NaN check, bad feed) leaves weights and slots untouched', () => {
    const x = tf.placeholder(tf.float32, [null, 2]);
    const y = tf.placeholder(tf.int32, [null]);
    const w = new tf.Variable([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], { name: 'w', dtype: tf.float32 });
    const logits = tf.check_numerics(tf.matmul(x, w), 'logits');
    const loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits({ labels: y, logits }));
    const train = new tf.train.AdamOptimizer({ learning_rate: 0.1 }).minimize(loss);
    const sess = session();
    sess.run(tf.global_variables_initializer());
    const snap = (): number[][] => tf.global_variables().map((v) => Array.from(sess.run(v).data));
    const before = snap();
    expect(caught(() => sess.run(train, [[x, [[1, NaN]]], [y, [0]]])).name).toBe('InvalidArgumentError');
    expect(caught(() => sess.run(train, [[x, [[1, 2]]], [y, [3]]])).name).toBe('InvalidArgumentError');
    expect(caught(() => sess.run(train, [[x, [[1, 2, 3]]], [y, [0]]])).name).toBe('ValueError');
    expect(snap()).toEqual(before);
    sess.run(train, [[x, [[1, 2]]], [y, [2]]]);
    expect(snap()).not.toEqual(before);
  });

  test('a failed tf.Variable construction adds nothing to the collections', () => {
    expect(caught(() => new tf.Variable([[1], [1, 2]], { name: 'bad' })).name).toBe('ValueError');
    expect(caught(() => new tf.Variable(1, { dtype: 'q' as never })).name).toBe('TypeError');
    expect(tf.global_variables()).toEqual([]);
  });
});
