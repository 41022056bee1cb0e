// static_rnn / tf.nn.rnn and dynamic_rnn (TF1_SEMANTICS.md section 4): values against plain
// arithmetic and against each other, sequence_length semantics (the notebook's In [22]-[26]),
// graph size independent of the number of steps, names, and error texts.
import * as tf from 'tf1-ts';
import { RandomStream } from 'tf1-ts/core/random';
import { RNNCell, RNNState, rnnLogging } from 'tf1-ts/nn/rnn_cell';
import { asM, asV, expectClose, randomArray, rnnStep } from './helpers';

const rc = tf.nn.rnn_cell;
type T = tf.Tensor;

beforeEach(() => tf.reset_default_graph());

const X_batch = [
  [[0, 1, 2], [9, 8, 7]],
  [[3, 4, 5], [0, 0, 0]],
  [[6, 7, 8], [6, 5, 4]],
  [[9, 0, 1], [3, 2, 1]],
];

describe('static_rnn (tf.nn.rnn)', () => {
  it("runs the notebook's In [16]-[18] and matches tanh([x, h] · kernel + bias) step by step", () => {
    const n_steps = 2;
    const n_inputs = 3;
    const n_neurons = 5;
    const X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);
    const X_seqs = tf.unstack(tf.transpose(X, [1, 0, 2]));
    const basic_cell = new rc.BasicRNNCell(n_neurons);
    const [output_seqs, states] = tf.nn.rnn(basic_cell, X_seqs, { dtype: tf.float32 });
    const outputs = tf.transpose(tf.stack(output_seqs), [1, 0, 2]);
    expect(tf.global_variables().map((v) => `${v.op.name} ${v.shape.toString()}`)).toEqual(['rnn/basic_rnn_cell/kernel (8, 5)', 'rnn/basic_rnn_cell/bias (5,)']);
    expect(output_seqs.map((o) => o.shape.as_list())).toEqual([
      [null, 5],
      [null, 5],
    ]);
    using sess = new tf.Session();
    tf.global_variables_initializer().run();
    const [o, s, K, b] = sess.run([outputs, states, ...basic_cell.variables] as const, [[X, X_batch]]);
    const x0 = X_batch.map((r) => r[0]);
    const x1 = X_batch.map((r) => r[1]);
    const h0 = rnnStep(x0, x0.map(() => [0, 0, 0, 0, 0]), asM(K), asV(b));
    const h1 = rnnStep(x1, h0, asM(K), asV(b));
    expectClose(o, X_batch.flatMap((_, i) => [h0[i], h1[i]]), 5);
    expectClose(s, h1, 5);
  });

  it('sequence_length: zero outputs past each length, state copied through', () => {
    const X0 = tf.placeholder(tf.float32, [null, 3]);
    const X1 = tf.placeholder(tf.float32, [null, 3]);
    const seq = tf.placeholder(tf.int32, [null]);
    const cell = new rc.BasicLSTMCell(4);
    const [outs, state] = tf.nn.static_rnn(cell, [X0, X1], { dtype: tf.float32, sequence_length: seq });
    expect(tf.get_default_graph().get_tensor_by_name('rnn/sequence_length:0')).toBeDefined();
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const feeds: [T, number[][] | number[]][] = [
      [X0, X_batch.map((r) => r[0])],
      [X1, X_batch.map((r) => r[1])],
      [seq, [2, 1, 0, 2]],
    ];
    const [o0, o1, st] = sess.run([outs[0], outs[1], state] as const, feeds);
    expect(asM(o1)[1]).toEqual([0, 0, 0, 0]);
    expect(asM(o0)[2]).toEqual([0, 0, 0, 0]);
    expect(asM(o1)[2]).toEqual([0, 0, 0, 0]);
    expect(asM(st.h)[0]).toEqual(asM(o1)[0]);
    expect(asM(st.h)[1]).toEqual(asM(o0)[1]);
    expect(asM(st.h)[2]).toEqual([0, 0, 0, 0]); // length 0: the initial state
    expect(asM(st.c)[2]).toEqual([0, 0, 0, 0]);
  });

  it('errors as TF', () => {
    const cell = new rc.BasicRNNCell(2);
    expect(() => tf.nn.static_rnn(cell, tf.zeros([2, 2]) as unknown as T[], { dtype: tf.float32 })).toThrow('inputs must be a sequence');
    expect(() => tf.nn.static_rnn(cell, [], { dtype: tf.float32 })).toThrow('inputs must not be empty');
    expect(() => tf.nn.static_rnn(cell, [tf.placeholder(tf.float32, [null, null])], { dtype: tf.float32 })).toThrow(
      'Input size (dimension 0 of inputs) must be accessible via shape inference, but saw value None.',
    );
    expect(() => tf.nn.static_rnn(cell, [tf.zeros([2, 2])])).toThrow('If no initial_state is provided, dtype must be specified');
    expect(() => tf.nn.static_rnn(cell, [tf.zeros([2, 2])], { dtype: tf.float32, sequence_length: tf.zeros([2, 1], tf.int32) })).toThrow(
      'sequence_length must be a vector of length batch_size',
    );
  });
});

describe('dynamic_rnn', () => {
  it("names as TF: rnn/basic_rnn_cell/kernel, ops under rnn/while, outputs rnn/transpose_1; the notebook's In [20] shapes", () => {
    const X = tf.placeholder(tf.float32, [null, 2, 3]);
    const [outputs, states] = tf.nn.dynamic_rnn(new rc.BasicRNNCell(5), X, { dtype: tf.float32 });
    expect(tf.global_variables().map((v) => `${v.op.name} ${v.shape.toString()}`)).toEqual(['rnn/basic_rnn_cell/kernel (8, 5)', 'rnn/basic_rnn_cell/bias (5,)']);
    expect(outputs.name).toBe('rnn/transpose_1:0');
    expect(outputs.shape.as_list()).toEqual([null, 2, 5]);
    expect(states.shape.as_list()).toEqual([null, 5]);
    const loop = tf.get_default_graph().get_operations().find((op) => op.type === 'While')!;
    expect(loop.name).toBe('rnn/while/While');
    const body = loop.subgraphs[1];
    expect(body.get_operations().some((op) => op.name === 'rnn/while/basic_rnn_cell/MatMul')).toBe(true);
  });

  it('equals static_rnn on the same weights for every cell type (with and without sequence_length)', () => {
    const saved = rnnLogging.warn;
    rnnLogging.warn = () => undefined;
    const cells: [string, () => RNNCell][] = [
      ['BasicRNNCell', () => new rc.BasicRNNCell(4)],
      ['BasicLSTMCell', () => new rc.BasicLSTMCell(4, { forget_bias: 0.7 })],
      ['BasicLSTMCell concat', () => new rc.BasicLSTMCell(4, { state_is_tuple: false })],
      ['LSTMCell', () => new rc.LSTMCell(4, { use_peepholes: true, num_proj: 3, cell_clip: 1.5 })],
      ['GRUCell', () => new rc.GRUCell(4)],
      ['MultiRNNCell', () => new rc.MultiRNNCell([new rc.BasicLSTMCell(3), new rc.GRUCell(4)])],
      ['OutputProjectionWrapper', () => new rc.OutputProjectionWrapper(new rc.BasicRNNCell(5, { activation: tf.nn.relu }), 2)],
    ];
    try {
      for (const [name, make] of cells) {
        tf.reset_default_graph();
        tf.set_random_seed(17);
        const B = 3;
        const Tn = 4;
        const X = tf.placeholder(tf.float32, [null, Tn, 2]);
        const seq = tf.placeholder(tf.int32, [null]);
        const cell = make();
        const [souts, sstate] = tf.nn.static_rnn(cell, tf.unstack(tf.transpose(X, [1, 0, 2])), { dtype: tf.float32 });
        const [douts, dstate] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32, scope: 'rnn' });
        const [qouts, qstate] = tf.nn.static_rnn(cell, tf.unstack(tf.transpose(X, [1, 0, 2])), { dtype: tf.float32, sequence_length: seq });
        const [eouts, estate] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32, sequence_length: seq });
        const nVars = tf.global_variables().length;
        using sess = new tf.Session();
        sess.run(tf.global_variables_initializer());
        const xb = asM(randomArray(new RandomStream(1, 2), [B * Tn, 2], 1.5, tf.float32)).map((r) => r);
        const X3 = Array.from({ length: B }, (_, b) => xb.slice(b * Tn, (b + 1) * Tn));
        const feeds: [T, number[][][] | number[]][] = [
          [X, X3],
          [seq, [4, 2, 1]],
        ];
        const [s1, d1, q1, e1] = sess.run([tf.stack(souts, 1), douts, tf.stack(qouts, 1), eouts] as const, feeds);
        expectClose(d1, asV(s1), 5);
        expectClose(e1, asV(q1), 5);
        const flatS = (x: RNNState): T[] => (Array.isArray(x) ? (x as RNNState[]).flatMap(flatS) : x instanceof rc.LSTMStateTuple ? [x.c, x.h] : [x as T]);
        const [ss, ds, qs, es] = [sstate, dstate, qstate, estate].map((s) => sess.run(flatS(s), feeds));
        ss.forEach((v, i) => expectClose(ds[i], asV(v), 5));
        qs.forEach((v, i) => expectClose(es[i], asV(v), 5));
        // Past each length: zero outputs.
        const eo = e1;
        for (let t = 2; t < Tn; t++) for (let k = 0; k < cell.output_size; k++) expect(eo.get(1, t, k)).toBe(0);
        expect(nVars).toBe(tf.global_variables().length);
        expect(name).toBeTruthy();
      }
    } finally {
      rnnLogging.warn = saved;
    }
  });

  it("the notebook's variable-length example (In [22]-[26]): zero output for row 1's step 1, state = last valid output", () => {
    const n_inputs = 3;
    const n_neurons = 5;
    const n_steps = 2;
    const seq_length = tf.placeholder(tf.int32, [null]);
    const X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);
    const basic_cell = new rc.BasicRNNCell(n_neurons);
    const [outputs, states] = tf.nn.dynamic_rnn(basic_cell, X, { dtype: tf.float32, sequence_length: seq_length });
    const Xb = [
      [[0, 1, 2], [9, 8, 7]],
      [[3, 4, 5], [0, 0, 0]],
      [[6, 7, 8], [6, 5, 4]],
      [[9, 0, 1], [3, 2, 1]],
    ];
    const init = tf.global_variables_initializer();
    using sess = new tf.Session();
    init.run();
    const [output_val, states_val] = sess.run([outputs, states] as const, [
      [X, Xb],
      [seq_length, [2, 1, 2, 2]],
    ]);
    const o = output_val.tolist() as number[][][];
    const s = states_val.tolist() as number[][];
    expect(o[1][1]).toEqual([0, 0, 0, 0, 0]);
    expect(s[0]).toEqual(o[0][1]);
    expect(s[1]).toEqual(o[1][0]);
    expect(s[2]).toEqual(o[2][1]);
    expect(s[3]).toEqual(o[3][1]);
    for (const row of o) for (const step of row) for (const v of step) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });

  it('the number of ops does not depend on n_steps, and one graph runs inputs of any length', () => {
    const build = (n_steps: number | null): number => {
      tf.reset_default_graph();
      const X = tf.placeholder(tf.float32, [null, n_steps, 3]);
      tf.nn.dynamic_rnn(new rc.BasicRNNCell(5), X, { dtype: tf.float32 });
      return tf.get_default_graph().get_operations().length;
    };
    expect(build(2)).toBe(build(50));
    tf.reset_default_graph();
    const X = tf.placeholder(tf.float32, [null, null, 3]);
    const seq = tf.placeholder_with_default(tf.constant([100, 100], { dtype: tf.int32 }), [null]);
    const cell = new rc.GRUCell(4);
    const [outputs, state] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32, sequence_length: seq });
    const init = tf.global_variables_initializer();
    const nOps = tf.get_default_graph().get_operations().length;
    using sess = new tf.Session();
    sess.run(init);
    for (const Tn of [1, 3, 7]) {
      const xb = Array.from({ length: 2 }, (_, b) => Array.from({ length: Tn }, (_, t) => [b, t / 3, 1]));
      const [o, s] = sess.run([outputs, state] as const, [[X, xb]]);
      expect(o.shape).toEqual([2, Tn, 4]);
      expect(asM(s)[1]).toEqual((o.tolist() as number[][][])[1][Tn - 1]);
    }
    expect(tf.get_default_graph().get_operations().length).toBe(nOps);
  });

  it('stops after min(T, max(sequence_length)) iterations', () => {
    // A cell that counts its steps in a variable.
    class CountingCell extends rc.BasicRNNCell {
      counter: tf.Variable | null = null;
      protected override step(inputs: T, state: RNNState): [T, T] {
        const [o, s] = super.step(inputs, state);
        const bump = this.counter!.assign_add(1);
        return tf.control_dependencies([bump], () => [tf.identity(o), tf.identity(s)] as [T, T]);
      }
    }
    const cell = new CountingCell(2);
    cell.counter = new tf.Variable(0, { trainable: false, name: 'steps' });
    const X = tf.placeholder(tf.float32, [null, null, 1]);
    const seq = tf.placeholder(tf.int32, [null]);
    const [outputs] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32, sequence_length: seq });
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const xb = [[[1], [1], [1], [1], [1], [1]], [[1], [1], [1], [1], [1], [1]]];
    sess.run(outputs, [[X, xb], [seq, [3, 2]]]);
    expect(sess.run(cell.counter).item()).toBe(3);
    sess.run(outputs, [[X, xb], [seq, [0, 0]]]);
    expect(sess.run(cell.counter).item()).toBe(4); // max(1, max(len)) = 1 step
    sess.run(outputs, [[X, xb], [seq, [9, 1]]]);
    expect(sess.run(cell.counter).item()).toBe(10); // min(T = 6, 9)
  });

  it('time_major, an explicit initial LSTMStateTuple (dtype inferred), and state.h == last output', () => {
    const X = tf.placeholder(tf.float64, [3, null, 2]);
    const cell = new rc.BasicLSTMCell(3);
    const init = new rc.LSTMStateTuple(tf.fill([2, 3], tf.constant(0.5, { dtype: tf.float64 })), tf.zeros([2, 3], tf.float64));
    const [outputs, state] = tf.nn.dynamic_rnn(cell, X, { initial_state: init, time_major: true });
    // As in TF the batch size comes from the inputs only: (3, ?, 3).
    expect(outputs.shape.as_list()).toEqual([3, null, 3]);
    expect(outputs.dtype).toBe(tf.float64);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const [o, s] = sess.run([outputs, state] as const, [[X, [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[0, 1], [1, 0]]]]]);
    expect(asM(s.h)).toEqual((o.tolist() as number[][][])[2]);
  });

  it('OutputProjectionWrapper: outputs projected, state unprojected (the notebook\'s In [39])', () => {
    const X = tf.placeholder(tf.float32, [null, 20, 1]);
    const cell = new rc.OutputProjectionWrapper(new rc.BasicRNNCell(100, { activation: tf.nn.relu }), 1);
    const [outputs, states] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32 });
    expect(outputs.shape.as_list()).toEqual([null, 20, 1]);
    expect(states.shape.as_list()).toEqual([null, 100]);
    expect(tf.global_variables().map((v) => v.op.name)).toEqual([
      'rnn/output_projection_wrapper/basic_rnn_cell/kernel',
      'rnn/output_projection_wrapper/basic_rnn_cell/bias',
      'rnn/output_projection_wrapper/kernel',
      'rnn/output_projection_wrapper/bias',
    ]);
  });

  it('errors as TF', () => {
    const cell = new rc.BasicRNNCell(2);
    expect(() => tf.nn.dynamic_rnn(cell, tf.placeholder(tf.float32, [null, 3, 2]))).toThrow('If there is no initial_state, you must give a dtype.');
    expect(() => tf.nn.dynamic_rnn(cell, tf.placeholder(tf.float32, [null, 3, null]), { dtype: tf.float32 })).toThrow(
      'Input size (depth of inputs) must be accessible via shape inference, but saw value None.',
    );
    expect(() => tf.nn.dynamic_rnn(cell, tf.placeholder(tf.float32, [null, 3]), { dtype: tf.float32 })).toThrow(/must have rank at least 3/);
    expect(() => tf.nn.dynamic_rnn(cell, tf.placeholder(tf.float32, [null, 3, 2]), { dtype: tf.float32, sequence_length: tf.zeros([1, 1], tf.int32) })).toThrow(
      'sequence_length must be a vector of length batch_size, but saw shape: (1, 1)',
    );
    expect(() => tf.nn.dynamic_rnn({} as RNNCell, tf.placeholder(tf.float32, [null, 3, 2]), { dtype: tf.float32 })).toThrow('cell must be an instance of RNNCell');
  });

  it('a sequence_length of the wrong length fails at run time with the Assert text', () => {
    const X = tf.placeholder(tf.float32, [null, 2, 3]);
    const seq = tf.placeholder(tf.int32, [null]);
    const [outputs] = tf.nn.dynamic_rnn(new rc.BasicRNNCell(2), X, { dtype: tf.float32, sequence_length: seq });
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const xb = [
      [[0, 1, 2], [9, 8, 7]],
      [[3, 4, 5], [0, 0, 0]],
    ];
    expect(() => sess.run(outputs, [[X, xb], [seq, [1, 2, 2]]])).toThrow(
      /assertion failed: \[Expected shape for Tensor rnn\/sequence_length:0 is \] \[2\] \[ but saw shape: \] \[3\]/,
    );
    expect(() => sess.run(outputs, [[X, xb], [seq, [1, 2, 2]]])).toThrow(tf.errors.InvalidArgumentError);
  });

  it('a second dynamic_rnn with a new cell in the same graph: "already exists, disallowed"', () => {
    const X = tf.placeholder(tf.float32, [null, 2, 3]);
    tf.nn.dynamic_rnn(new rc.BasicLSTMCell(4), X, { dtype: tf.float32 });
    expect(() => tf.nn.dynamic_rnn(new rc.BasicLSTMCell(4), X, { dtype: tf.float32 })).toThrow(
      /^Variable rnn\/basic_lstm_cell\/kernel already exists, disallowed\. Did you mean to set reuse=True or reuse=tf\.AUTO_REUSE in VarScope\? Originally defined at:/,
    );
    // Another scope is fine; the same cell object again reuses its weights.
    const cell = new rc.BasicLSTMCell(4);
    tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32, scope: 'other' });
    tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32, scope: 'other2' });
    expect(tf.global_variables().map((v) => v.op.name)).toEqual(['rnn/basic_lstm_cell/kernel', 'rnn/basic_lstm_cell/bias', 'other/basic_lstm_cell/kernel', 'other/basic_lstm_cell/bias']);
  });
});
