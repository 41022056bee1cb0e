// RNN cells (TF1_SEMANTICS.md section 3): one step of each cell against TF1's published
// formulas computed here in plain arithmetic, TF's own test numbers, variable names and
// shapes, zero states, wrappers, and error texts.
import * as tf from 'tf1-ts';
import { rnnLogging } from 'tf1-ts/nn/rnn_cell';
import { asM, asV, expectClose, gruStep, lstmFullStep, lstmStep, rnnStep } from './helpers';

const rc = tf.nn.rnn_cell;
type T = tf.Tensor;

const varShapes = (): Record<string, (number | null)[]> => Object.fromEntries(tf.global_variables().map((v) => [v.op.name, v.shape.as_list()]));

/** Builds under variable scope 'root' with every kernel initialized to 0.5 (TF's cell tests). */
function underHalf<R>(fn: () => R): R {
  return tf.variable_scope('root', { initializer: tf.constant_initializer(0.5) }, () => fn());
}

beforeEach(() => tf.reset_default_graph());

describe('BasicRNNCell', () => {
  it('gives tanh(0.5 * 2.2) = 0.80049902 with kernels 0.5, x=[[1,1]], h=[[0.1,0.1]]', () => {
    const [out, state] = underHalf(() => new rc.BasicRNNCell(2).call(tf.constant([[1, 1]], { dtype: tf.float32 }), tf.constant([[0.1, 0.1]])));
    expect(varShapes()).toEqual({ 'root/basic_rnn_cell/kernel': [4, 2], 'root/basic_rnn_cell/bias': [2] });
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const [o, s] = sess.run([out, state] as const);
    expectClose(o, [[0.80049902, 0.80049902]], 6);
    expect(asV(s)).toEqual(asV(o));
  });

  it('matches act([x, h] · kernel + bias) with random weights, input rows first', () => {
    tf.set_random_seed(3);
    const x = tf.placeholder(tf.float32, [null, 3]);
    const h = tf.placeholder(tf.float32, [null, 4]);
    const cell = new rc.BasicRNNCell(4, { activation: tf.nn.relu });
    const [out] = cell.call(x, h);
    const [kernel, bias] = cell.variables;
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    sess.run(tf.assign(bias, [0.1, -0.2, 0.3, 0.05]));
    const X = [[1, -2, 0.5], [0.3, 0.2, -1]];
    const H = [[0.1, -0.4, 0.2, 0.7], [-0.5, 0.6, 0, 0.1]];
    const [o, K, b] = sess.run([out, kernel, bias], [[x, X], [h, H]]);
    expectClose(o, rnnStep(X, H, asM(K), asV(b), (v) => Math.max(v, 0)), 5);
  });

  it('builds once: a second call reuses the kernel and puts its ops in the first call\'s name scope', () => {
    const cell = new rc.BasicRNNCell(3);
    const x = tf.placeholder(tf.float32, [null, 2]);
    const s0 = cell.zero_state(1, tf.float32);
    const [, s1] = cell.call(x, s0);
    const [o2] = cell.call(x, s1);
    expect(tf.global_variables().map((v) => v.op.name)).toEqual(['basic_rnn_cell/kernel', 'basic_rnn_cell/bias']);
    expect(o2.op.name).toMatch(/^basic_rnn_cell\/Tanh_1$/);
    expect(s0.op.name).toBe('BasicRNNCellZeroState/zeros');
    expect(s0.shape.as_list()).toEqual([1, 3]);
  });

  it('accepts a Keras activation name and reuse=true', () => {
    tf.variable_scope('a', {}, () => new rc.BasicRNNCell(2).call(tf.zeros([1, 2]), tf.zeros([1, 2])));
    const [out] = tf.variable_scope('a', {}, () => new rc.BasicRNNCell(2, { activation: 'relu', reuse: true }).call(tf.zeros([1, 2]), tf.zeros([1, 2])));
    expect(tf.global_variables()).toHaveLength(2);
    expect(out.op.type).toBe('Relu');
  });
});

describe('BasicLSTMCell', () => {
  it("reproduces TF's test numbers through a 2-layer MultiRNNCell (tuple state)", () => {
    const x = tf.placeholder(tf.float32, [1, 2]);
    const cell = underHalf(() => new rc.MultiRNNCell([new rc.BasicLSTMCell(2), new rc.BasicLSTMCell(2)]));
    const s = (v: number): tf.nn.rnn_cell.LSTMStateTuple => new rc.LSTMStateTuple(tf.constant([[v, v]]), tf.constant([[v, v]]));
    const [out, state] = underHalf(() => cell.call(x, [s(0.1), s(0.1)]));
    expect(varShapes()).toEqual({
      'root/multi_rnn_cell/cell_0/basic_lstm_cell/kernel': [4, 8],
      'root/multi_rnn_cell/cell_0/basic_lstm_cell/bias': [8],
      'root/multi_rnn_cell/cell_1/basic_lstm_cell/kernel': [4, 8],
      'root/multi_rnn_cell/cell_1/basic_lstm_cell/bias': [8],
    });
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const [o, layers] = sess.run([out, state] as const, [[x, [[1, 1]]]]);
    expectClose(layers[0].c, [[0.68967271, 0.68967271]], 6);
    expectClose(layers[0].h, [[0.44848421, 0.44848421]], 6);
    expectClose(layers[1].c, [[0.39897051, 0.39897051]], 6);
    expectClose(layers[1].h, [[0.24024698, 0.24024698]], 6);
    expect(asV(o)).toEqual(asV(layers[1].h));
  });

  it('state_is_tuple=false concatenates [c, h] per layer, in layer order', () => {
    const warned: string[] = [];
    const saved = rnnLogging.warn;
    rnnLogging.warn = (m) => warned.push(m);
    try {
      const cell = underHalf(
        () => new rc.MultiRNNCell([new rc.BasicLSTMCell(2, { state_is_tuple: false }), new rc.BasicLSTMCell(2, { state_is_tuple: false })], { state_is_tuple: false }),
      );
      expect(cell.state_size).toBe(8);
      const [, m] = underHalf(() => cell.call(tf.constant([[1, 1]], { dtype: tf.float32 }), tf.fill([1, 8], 0.1)));
      expect(m.shape.as_list()).toEqual([1, 8]);
      using sess = new tf.Session();
      sess.run(tf.global_variables_initializer());
      expectClose(sess.run(m), [[0.68967271, 0.68967271, 0.44848421, 0.44848421, 0.39897051, 0.39897051, 0.24024698, 0.24024698]], 6);
    } finally {
      rnnLogging.warn = saved;
    }
    expect(warned.some((w) => w.includes('Using a concatenated state is slower'))).toBe(true);
  });

  it('matches the i, j, f, o formula with random weights and forget_bias 0.5', () => {
    tf.set_random_seed(5);
    const cell = new rc.BasicLSTMCell(3, { forget_bias: 0.5 });
    expect(cell.state_size).toEqual(new rc.LSTMStateTuple(3, 3));
    const X = [[0.5, -1], [1, 0.25]];
    const C = [[0.1, 0.2, -0.3], [0.4, -0.5, 0.6]];
    const H = [[-0.1, 0.3, 0.2], [0.0, 0.1, -0.2]];
    const [out, st] = cell.call(tf.constant(X), [tf.constant(C), tf.constant(H)]);
    expect(st).toBeInstanceOf(rc.LSTMStateTuple);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    sess.run(tf.assign(cell.variables[1], Array.from({ length: 12 }, (_, i) => (i - 6) / 10)));
    const [o, s, K, b] = sess.run([out, st, cell.variables[0], cell.variables[1]] as const);
    const [c2, h2] = lstmStep(X, C, H, asM(K), asV(b), 0.5);
    expectClose(s.c, c2, 5);
    expectClose(s.h, h2, 5);
    expectClose(o, h2, 5);
  });

  it('LSTMStateTuple.dtype is the common dtype; mixed dtypes are a TypeError', () => {
    expect(new rc.LSTMStateTuple(tf.zeros([1, 2]), tf.zeros([1, 2])).dtype).toBe(tf.float32);
    expect(() => new rc.LSTMStateTuple(tf.zeros([1, 2]), tf.zeros([1, 2], tf.float64)).dtype).toThrow(
      "Inconsistent internal state: <dtype: 'float32'> vs <dtype: 'float64'>",
    );
  });
});

describe('LSTMCell', () => {
  it('peepholes, cell clip and projection follow the formula (old c for f/i, new c for o)', () => {
    tf.set_random_seed(7);
    const cell = new rc.LSTMCell(3, { use_peepholes: true, num_proj: 2, cell_clip: 0.3, proj_clip: 0.25 });
    expect(cell.state_size).toEqual(new rc.LSTMStateTuple(3, 2));
    expect(cell.output_size).toBe(2);
    const X = [[0.5, -1, 2], [1, 0.25, -0.5]];
    const C = [[0.1, 0.2, -0.3], [0.4, -0.5, 0.6]];
    const Mp = [[-0.1, 0.3], [0.0, 0.1]];
    const [out, st] = cell.call(tf.constant(X), new rc.LSTMStateTuple(tf.constant(C), tf.constant(Mp)));
    expect(varShapes()).toEqual({
      'lstm_cell/kernel': [5, 12],
      'lstm_cell/bias': [12],
      'lstm_cell/w_f_diag': [3],
      'lstm_cell/w_i_diag': [3],
      'lstm_cell/w_o_diag': [3],
      'lstm_cell/projection/kernel': [3, 2],
    });
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const [o, s] = sess.run([out, st] as const);
    const [K, b, wf, wi, wo, P] = sess.run(cell.variables);
    const [c2, m2] = lstmFullStep(X, C, Mp, asM(K), asV(b), { wf: asV(wf), wi: asV(wi), wo: asV(wo), proj: asM(P), cellClip: 0.3, projClip: 0.25 });
    expectClose(s.c, c2, 5);
    expectClose(s.h, m2, 5);
    expectClose(o, m2, 5);
  });

  it('cell_clip=0 makes every output exactly 0 (testCellClipping)', () => {
    const cell = new rc.LSTMCell(2, { cell_clip: 0.0, use_peepholes: true });
    const [out] = cell.call(tf.constant([[1, 2, 3]], { dtype: tf.float32 }), cell.zero_state(1, tf.float32));
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    expect(asV(sess.run(out)).map(Math.abs)).toEqual([0, 0]);
  });

  it('uses its initializer for kernel, peepholes and projection, zeros for the bias', () => {
    const cell = new rc.LSTMCell(2, { use_peepholes: true, num_proj: 1, initializer: tf.constant_initializer(0.25) });
    cell.call(tf.zeros([1, 2]), cell.zero_state(1, tf.float32));
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const vals = sess.run(cell.variables.map((v) => v.value()));
    expect(vals.map((v) => [...new Set(asV(v))])).toEqual([[0.25], [0], [0.25], [0.25], [0.25], [0.25]]);
  });

  it('state_is_tuple=false slices [c, m] of width N + P', () => {
    const saved = rnnLogging.warn;
    rnnLogging.warn = () => undefined;
    try {
      const a = new rc.LSTMCell(3, { num_proj: 2, state_is_tuple: false, name: 'a' });
      expect(a.state_size).toBe(5);
      const b = new rc.LSTMCell(3, { num_proj: 2, name: 'b' });
      const X = tf.constant([[0.5, -1]]);
      const C = [[0.1, 0.2, -0.3]];
      const Mp = [[-0.1, 0.3]];
      const [oa, sa] = a.call(X, tf.constant([[...C[0], ...Mp[0]]]));
      const [ob] = b.call(X, new rc.LSTMStateTuple(tf.constant(C), tf.constant(Mp)));
      expect(sa.shape.as_list()).toEqual([1, 5]);
      using sess = new tf.Session();
      sess.run(tf.global_variables_initializer());
      sess.run(tf.assign(a.variables[0], b.variables[0].value()));
      sess.run(tf.assign(a.variables[2], b.variables[2].value()));
      const [va, vb] = sess.run([oa, ob]);
      expectClose(va, asM(vb), 6);
    } finally {
      rnnLogging.warn = saved;
    }
  });
});

describe('GRUCell', () => {
  it("gives TF's 0.175991 (x=[[1,1]]) and 0.156736 (x=[[1,1,1]]) with kernels 0.5", () => {
    const [o1] = underHalf(() => new rc.GRUCell(2).call(tf.constant([[1, 1]], { dtype: tf.float32 }), tf.constant([[0.1, 0.1]])));
    const [o2] = tf.variable_scope('other', { initializer: tf.constant_initializer(0.5) }, () =>
      new rc.GRUCell(2).call(tf.constant([[1, 1, 1]], { dtype: tf.float32 }), tf.constant([[0.1, 0.1]])),
    );
    expect(varShapes()).toEqual({
      'root/gru_cell/gates/kernel': [4, 4],
      'root/gru_cell/gates/bias': [4],
      'root/gru_cell/candidate/kernel': [4, 2],
      'root/gru_cell/candidate/bias': [2],
      'other/gru_cell/gates/kernel': [5, 4],
      'other/gru_cell/gates/bias': [4],
      'other/gru_cell/candidate/kernel': [5, 2],
      'other/gru_cell/candidate/bias': [2],
    });
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    expectClose(sess.run(o1), [[0.175991, 0.175991]], 5);
    expectClose(sess.run(o2), [[0.156736, 0.156736]], 5);
  });

  it('matches r, u = σ(gates); h\' = u·h + (1-u)·c with random weights; gate bias starts at 1', () => {
    tf.set_random_seed(11);
    const cell = new rc.GRUCell(3);
    const X = [[0.5, -1], [1, 0.25]];
    const H = [[-0.1, 0.3, 0.2], [0.0, 0.1, -0.2]];
    const [out] = cell.call(tf.constant(X), tf.constant(H));
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const o = sess.run(out);
    const [Kg, bg, Kc, bc] = sess.run(cell.variables);
    expect(asV(bg)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(asV(bc)).toEqual([0, 0, 0]);
    expectClose(o, gruStep(X, H, asM(Kg), asV(bg), asM(Kc), asV(bc)), 5);
  });
});

describe('MultiRNNCell', () => {
  it('zero_state is a tuple of each layer\'s zero state under MultiRNNCellZeroState', () => {
    const cell = new rc.MultiRNNCell([new rc.BasicLSTMCell(2), new rc.GRUCell(3)]);
    expect(cell.state_size).toEqual([new rc.LSTMStateTuple(2, 2), 3]);
    expect(cell.output_size).toBe(3);
    const z = cell.zero_state(4, tf.float32);
    const [l0, l1] = z as [tf.nn.rnn_cell.LSTMStateTuple, T];
    expect(l0.c.op.name).toBe('MultiRNNCellZeroState/BasicLSTMCellZeroState/zeros');
    expect(l1.shape.as_list()).toEqual([4, 3]);
  });

  it('errors as TF: empty, not a list, tuple states with state_is_tuple=false, non-tuple state', () => {
    expect(() => new rc.MultiRNNCell([])).toThrow('Must specify at least one cell for MultiRNNCell.');
    expect(() => new rc.MultiRNNCell(new rc.BasicRNNCell(2) as unknown as tf.nn.rnn_cell.RNNCell[])).toThrow(/^cells must be a list or tuple, but saw: /);
    expect(() => new rc.MultiRNNCell([new rc.BasicLSTMCell(2), new rc.BasicRNNCell(2)], { state_is_tuple: false })).toThrow(
      'Some cells return tuples of states, but the flag state_is_tuple is not set.  State sizes are: [LSTMStateTuple(c=2, h=2), 2]',
    );
    const cell = new rc.MultiRNNCell([new rc.BasicRNNCell(2), new rc.BasicRNNCell(2)]);
    expect(() => cell.call(tf.zeros([1, 2]), tf.zeros([1, 4]))).toThrow(/^Expected state to be a tuple of length 2, but received: /);
  });

  it('[cell] * n follows the TF 0.x rule: own weights per layer (even with D != N), one warning per graph', () => {
    const warned: string[] = [];
    const saved = rnnLogging.warn;
    rnnLogging.warn = (m) => warned.push(m);
    try {
      const X = tf.placeholder(tf.float32, [null, 4, 3]);
      const basic = new rc.BasicRNNCell(5);
      const multi = new rc.MultiRNNCell(new Array<tf.nn.rnn_cell.BasicRNNCell>(3).fill(basic));
      const [outputs, states] = tf.nn.dynamic_rnn(multi, X, { dtype: tf.float32 });
      new rc.MultiRNNCell([basic, basic]);
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatch(/same object.*TF 0\.x.*TF 1\.2\+ would share/);
      expect(varShapes()).toEqual({
        'rnn/multi_rnn_cell/cell_0/basic_rnn_cell/kernel': [8, 5],
        'rnn/multi_rnn_cell/cell_0/basic_rnn_cell/bias': [5],
        'rnn/multi_rnn_cell/cell_1/basic_rnn_cell/kernel': [10, 5],
        'rnn/multi_rnn_cell/cell_1/basic_rnn_cell/bias': [5],
        'rnn/multi_rnn_cell/cell_2/basic_rnn_cell/kernel': [10, 5],
        'rnn/multi_rnn_cell/cell_2/basic_rnn_cell/bias': [5],
      });
      expect(states).toHaveLength(3);
      using sess = new tf.Session();
      sess.run(tf.global_variables_initializer());
      const xb = Array.from({ length: 2 }, (_, b) => Array.from({ length: 4 }, (_, t) => [b, t, 1]));
      const [o, s] = sess.run([outputs, states] as const, [[X, xb]]);
      expect(o.shape).toEqual([2, 4, 5]);
      // The top layer's final state is the last output.
      expect(asV(s[2])).toEqual(asV(o).filter((_, i) => Math.floor(i / 5) % 4 === 3));
    } finally {
      rnnLogging.warn = saved;
    }
    tf.reset_default_graph();
    warned.length = 0;
    rnnLogging.warn = (m) => warned.push(m);
    try {
      const c = new rc.BasicRNNCell(2);
      new rc.MultiRNNCell([c, c]);
      expect(warned).toHaveLength(1); // a new graph warns again
    } finally {
      rnnLogging.warn = saved;
    }
  });

  it('repeated DropoutWrapper objects are copied per layer too (the notebook\'s In [59])', () => {
    const saved = rnnLogging.warn;
    rnnLogging.warn = () => undefined;
    try {
      const X = tf.placeholder(tf.float32, [null, 20, 1]);
      const cell_drop = new rc.DropoutWrapper(new rc.BasicRNNCell(100), { input_keep_prob: 0.5 });
      const multi = new rc.MultiRNNCell(new Array<typeof cell_drop>(3).fill(cell_drop));
      tf.nn.dynamic_rnn(multi, X, { dtype: tf.float32 });
      expect(Object.keys(varShapes())).toEqual([0, 1, 2].flatMap((i) => [`rnn/multi_rnn_cell/cell_${i}/basic_rnn_cell/kernel`, `rnn/multi_rnn_cell/cell_${i}/basic_rnn_cell/bias`]));
      expect(varShapes()['rnn/multi_rnn_cell/cell_0/basic_rnn_cell/kernel']).toEqual([101, 100]);
    } finally {
      rnnLogging.warn = saved;
    }
  });
});

describe('DropoutWrapper', () => {
  const build = (opts: tf.nn.rnn_cell.DropoutWrapperOptions) => {
    const x = tf.placeholder(tf.float32, [null, 4]);
    const cell = new rc.DropoutWrapper(new rc.BasicRNNCell(4, { activation: (t) => t }), opts);
    const [out, st] = tf.variable_scope('w', { initializer: tf.constant_initializer(0.25) }, () => cell.call(x, cell.zero_state(2, tf.float32)));
    return { x, out, st, cell };
  };
  const ones = [
    [1, 1, 1, 1],
    [1, 1, 1, 1],
  ];

  it('keeps the wrapped cell\'s variable names; a constant keep prob of 1 adds no dropout op', () => {
    const { x, out } = build({ input_keep_prob: 1.0, output_keep_prob: tf.constant(1.0) });
    expect(tf.global_variables().map((v) => v.op.name)).toEqual(['w/basic_rnn_cell/kernel', 'w/basic_rnn_cell/bias']);
    expect(tf.get_default_graph().get_operations().some((op) => op.type === 'RandomUniform')).toBe(false);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    expect(sess.run(out, [[x, ones]]).shape).toEqual([2, 4]);
  });

  it('a placeholder_with_default(1.0) keep prob inserts dropout that is off by default and on when fed', () => {
    // A plain JS number default is taken as Python's float (JS cannot tell 1.0 from 1).
    const keep = tf.placeholder_with_default(1.0, []);
    expect(keep.dtype).toBe(tf.float32);
    const { x, out } = build({ input_keep_prob: keep });
    expect(tf.get_default_graph().get_operations().some((op) => op.type === 'RandomUniform')).toBe(true);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    // Linear cell, kernel 0.25, zero state: each output = 0.25 * sum(dropped inputs).
    expect(asV(sess.run(out, [[x, ones]]))).toEqual(new Array(8).fill(1));
    const seen = new Set<number>();
    for (let k = 0; k < 20; k++) for (const v of asV(sess.run(out, [[x, ones], [keep, 0.5]]))) seen.add(Math.round(v * 1000) / 1000);
    // Each kept input becomes 1/0.5 = 2: sums of 0..4 twos, times 0.25.
    for (const v of seen) expect([0, 0.5, 1, 1.5, 2]).toContain(v);
    expect(seen.size).toBeGreaterThan(2);
  });

  it('state dropout skips the c of LSTMStateTuples (default filter)', () => {
    const cell = new rc.DropoutWrapper(new rc.BasicLSTMCell(3), { state_keep_prob: 0.5, seed: 1 });
    const [, st] = cell.call(tf.ones([2, 2]), cell.zero_state(2, tf.float32));
    const s = st as tf.nn.rnn_cell.LSTMStateTuple;
    expect(s.c.op.type).toBe('Add');
    expect(s.h.op.type).toBe('Mul');
    expect(s.h.op.name).toMatch(/dropout/);
  });

  it('variational_recurrent uses one mask for every step and row within a run', () => {
    tf.set_random_seed(1);
    const X = tf.placeholder(tf.float32, [null, 6, 4]);
    const cell = new rc.DropoutWrapper(new rc.BasicRNNCell(4, { activation: (t) => t }), { output_keep_prob: 0.5, variational_recurrent: true, dtype: tf.float32, seed: 3 });
    const [outputs] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32 });
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const o = sess.run(outputs, [[X, Array.from({ length: 3 }, () => Array.from({ length: 6 }, () => [1, 2, 3, 4]))]]);
    const zeroCols = (b: number, t: number): number[] => [0, 1, 2, 3].filter((k) => o.get(b, t, k) === 0);
    const ref = zeroCols(0, 0);
    for (let b = 0; b < 3; b++) for (let t = 0; t < 6; t++) expect(zeroCols(b, t)).toEqual(ref);
  });

  it('errors as TF', () => {
    const c = new rc.BasicRNNCell(2);
    expect(() => new rc.DropoutWrapper(c, { input_keep_prob: 1.5 })).toThrow('Parameter input_keep_prob must be between 0 and 1: 1');
    expect(() => new rc.DropoutWrapper(c, { output_keep_prob: tf.constant(-0.5) })).toThrow('Parameter output_keep_prob must be between 0 and 1: 0');
    expect(() => new rc.DropoutWrapper(c, { variational_recurrent: true })).toThrow('When variational_recurrent=True, dtype must be provided');
    expect(() => new rc.DropoutWrapper(c, { variational_recurrent: true, dtype: tf.float32, input_keep_prob: 0.5 })).toThrow(
      'When variational_recurrent=True and input_keep_prob < 1.0 or is unknown, input_size must be provided',
    );
  });
});

describe('OutputProjectionWrapper', () => {
  it("gives TF's 0.231907 over a GRUCell(3) (GRU state 0.154605 untouched)", () => {
    const [out, st] = underHalf(() => {
      const cell = new rc.OutputProjectionWrapper(new rc.GRUCell(3), 2);
      expect(cell.output_size).toBe(2);
      expect(cell.state_size).toBe(3);
      return cell.call(tf.constant([[1, 1, 1]], { dtype: tf.float32 }), tf.constant([[0.1, 0.1, 0.1]]));
    });
    expect(varShapes()).toEqual({
      'root/output_projection_wrapper/gru_cell/gates/kernel': [6, 6],
      'root/output_projection_wrapper/gru_cell/gates/bias': [6],
      'root/output_projection_wrapper/gru_cell/candidate/kernel': [6, 3],
      'root/output_projection_wrapper/gru_cell/candidate/bias': [3],
      'root/output_projection_wrapper/kernel': [3, 2],
      'root/output_projection_wrapper/bias': [2],
    });
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const [o, s] = sess.run([out, st]);
    expectClose(o, [[0.231907, 0.231907]], 5);
    expectClose(s, [[0.154605, 0.154605, 0.154605]], 5);
  });

  it('output_size < 1 is a ValueError; activation applies after the projection', () => {
    expect(() => new rc.OutputProjectionWrapper(new rc.BasicRNNCell(2), 0)).toThrow('Parameter output_size must be > 0: 0.');
    const [out] = new rc.OutputProjectionWrapper(new rc.BasicRNNCell(2), 1, { activation: tf.nn.relu }).call(tf.zeros([1, 2]), tf.zeros([1, 2]));
    expect(out.op.type).toBe('Relu');
  });
});

describe('other wrappers', () => {
  it('InputProjectionWrapper projects first (input_projection_wrapper/kernel), ResidualWrapper adds the input', () => {
    const ip = new rc.InputProjectionWrapper(new rc.BasicRNNCell(3), 4);
    ip.call(tf.zeros([1, 2]), tf.zeros([1, 3]));
    expect(varShapes()).toEqual({
      'input_projection_wrapper/kernel': [2, 4],
      'input_projection_wrapper/bias': [4],
      'input_projection_wrapper/basic_rnn_cell/kernel': [7, 3],
      'input_projection_wrapper/basic_rnn_cell/bias': [3],
    });
    const res = new rc.ResidualWrapper(new rc.BasicRNNCell(2, { name: 'r' }));
    const x = tf.constant([[0.5, -0.5]]);
    const [out, st] = res.call(x, tf.zeros([1, 2]));
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    const [o, s] = sess.run([out, st]);
    expectClose(o, asV(s).map((v, i) => v + [0.5, -0.5][i]), 6);
  });

  it('EmbeddingWrapper looks up integer ids', () => {
    const cell = new rc.EmbeddingWrapper(new rc.BasicRNNCell(2), 5, 3);
    const [out] = cell.call(tf.constant([1, 4], { dtype: tf.int32 }), tf.zeros([2, 2]));
    expect(varShapes()['embedding_wrapper/embedding']).toEqual([5, 3]);
    using sess = new tf.Session();
    sess.run(tf.global_variables_initializer());
    expect(sess.run(out).shape).toEqual([2, 2]);
  });
});

describe('input checks', () => {
  it('rank, depth and dtype errors use TF\'s texts', () => {
    const cell = new rc.BasicLSTMCell(2);
    expect(() => cell.call(tf.placeholder(tf.float32, [400]), cell.zero_state(1, tf.float32))).toThrow(
      'Input 0 of layer basic_lstm_cell is incompatible with the layer: expected ndim=2, found ndim=1. Full shape received: [400]',
    );
    const c2 = new rc.BasicLSTMCell(2);
    expect(() => c2.call(tf.placeholder(tf.float32, [400]), c2.zero_state(1, tf.float32))).toThrow(/^Input 0 of layer basic_lstm_cell_1 is incompatible/);
    expect(() => cell.call(tf.placeholder(tf.float32, [null, null]), cell.zero_state(1, tf.float32))).toThrow('Expected inputs.shape[-1] to be known, saw shape: (?, ?)');
    expect(() => cell.call(tf.placeholder(tf.int32, [null, 2]), cell.zero_state(1, tf.float32))).toThrow('RNN cell only supports floating point inputs, but saw dtype: int32');
  });

  it('a state of the wrong width fails at build time', () => {
    const cell = new rc.BasicRNNCell(3);
    expect(() => cell.call(tf.zeros([2, 2]), tf.zeros([2, 4]))).toThrow(/Dimensions must be equal/);
  });

  it('float64 inputs give float64 variables', () => {
    const cell = new rc.GRUCell(2);
    const [out] = cell.call(tf.zeros([1, 2], tf.float64), tf.zeros([1, 2], tf.float64));
    expect(out.dtype).toBe(tf.float64);
    expect(cell.variables.every((v) => v.dtype === tf.float64)).toBe(true);
  });
});

test('contrib.rnn reaches the same classes', () => {
  expect(tf.contrib.rnn.BasicLSTMCell).toBe(rc.BasicLSTMCell);
  expect(tf.contrib.rnn.OutputProjectionWrapper).toBe(rc.OutputProjectionWrapper);
  expect(tf.contrib.rnn.static_rnn).toBe(tf.nn.static_rnn);
  expect(tf.nn.rnn).toBe(tf.nn.static_rnn);
});
