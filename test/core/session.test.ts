// Session.run: fetch structures, feed_dict forms, the default session, pruning, the plan cache.
import * as tf from 'tf1-ts';
import { NamedTuple } from 'tf1-ts/core/nest';
import * as executor from 'tf1-ts/session/executor';
import { caught } from './helpers';

beforeEach(() => tf.reset_default_graph());
afterEach(() => jest.restoreAllMocks());

class Pair<T = unknown> extends NamedTuple<T> {
  constructor(
    readonly c: T,
    readonly h: T,
  ) {
    super();
  }
  get _fields(): readonly string[] {
    return ['c', 'h'];
  }
  toArray(): T[] {
    return [this.c, this.h];
  }
  _make(values: readonly unknown[]): Pair<unknown> {
    return new Pair(values[0], values[1]);
  }
}

describe('fetches', () => {
  it('a Tensor, an Operation, a tensor name, an op name, a Variable', () => {
    const x = tf.constant([1, 2], { name: 'x' });
    const v = new tf.Variable(3);
    const init = tf.global_variables_initializer();
    using sess = new tf.Session();
    const r = sess.run(x);
    expect(r).toBeInstanceOf(tf.NDArray);
    expect(r.tolist()).toEqual([1, 2]);
    expect(sess.run(init)).toBeNull();
    expect(sess.run('init')).toBeNull();
    expect(sess.run('x:0')!.tolist()).toEqual([1, 2]);
    expect(sess.run(v).tolist()).toBe(3);
    expect(sess.run('Variable:0')!.tolist()).toBe(3);
    const s = sess.run(tf.constant(2.5));
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(2.5);
  });

  it('nested arrays, plain objects and named tuples keep their structure', () => {
    const a = tf.constant(1);
    const b = tf.constant([2, 3]);
    const noop = tf.no_op();
    using sess = new tf.Session();
    const r = sess.run({ first: a, rest: [b, noop, { deep: [a] }] } as const);
    expect(Object.keys(r).sort()).toEqual(['first', 'rest']);
    expect(r.first.tolist()).toBe(1);
    expect(r.rest[0].tolist()).toEqual([2, 3]);
    expect(r.rest[1]).toBeNull();
    expect(r.rest[2].deep[0].tolist()).toBe(1);
    const nested = sess.run([[a, b], [b], []]);
    expect(nested.length).toBe(3);
    expect(nested[0].map((t) => t.tolist())).toEqual([1, [2, 3]]);
    expect(nested[1][0].tolist()).toEqual([2, 3]);
    expect(nested[2]).toEqual([]);
    const pair = sess.run(new Pair(a, b) as unknown as Pair<tf.Tensor>) as unknown as Pair<tf.NDArray>;
    expect(pair).toBeInstanceOf(Pair);
    expect(pair.c.tolist()).toBe(1);
    expect(pair.h.tolist()).toEqual([2, 3]);
  });

  it('the same tensor fetched twice gives the same value (one random draw)', () => {
    const r = tf.random_normal([4], { seed: 1 });
    using sess = new tf.Session();
    const [x, y, z] = sess.run([r, r, { again: r }] as const);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
    expect(Array.from(z.again.data)).toEqual(Array.from(x.data));
  });

  it('returned arrays are fresh copies of results', () => {
    const v = new tf.Variable([1, 2]);
    using sess = new tf.Session();
    sess.run(v.initializer);
    const a = sess.run(v);
    (a.data as Int32Array)[0] = 100;
    expect(sess.run(v).tolist()).toEqual([1, 2]);
  });
});

describe('feed_dict', () => {
  const setup = () => {
    const x = tf.placeholder(tf.float32, [null, 2], 'x');
    const y = tf.reduce_sum(x, 1);
    return { x, y };
  };

  it('as a Map, as [tensor, value] pairs, as an object keyed by tensor names', () => {
    const { x, y } = setup();
    using sess = new tf.Session();
    const value = [[1, 2], [3, 4.5]];
    expect(sess.run(y, new Map([[x, value]])).tolist()).toEqual([3, 7.5]);
    expect(sess.run(y, [[x, value]]).tolist()).toEqual([3, 7.5]);
    expect(sess.run(y, { 'x:0': value }).tolist()).toEqual([3, 7.5]);
    expect(sess.run(y, new Map([['x:0', value]])).tolist()).toEqual([3, 7.5]);
  });

  it('values: nested arrays, typed arrays, NDArrays, scalars, booleans', () => {
    const v = tf.placeholder(tf.float32, [3]);
    const s = tf.placeholder(tf.int32, []);
    const b = tf.placeholder(tf.bool, [2]);
    const m = tf.placeholder(tf.float32, [2, 2]);
    using sess = new tf.Session();
    expect(sess.run(v, [[v, Float32Array.of(1, 2, 3)]]).tolist()).toEqual([1, 2, 3]);
    expect(sess.run(v, [[v, Float64Array.of(0.5, 1, 2)]]).tolist()).toEqual([0.5, 1, 2]);
    expect(sess.run(v, [[v, Int32Array.of(4, 5, 6)]]).dtype).toBe(tf.float32);
    const nd = new tf.NDArray(Float32Array.of(1, 2, 3, 4), [4], 'float32').reshape(2, 2);
    expect(sess.run(m, [[m, nd]]).tolist()).toEqual([[1, 2], [3, 4]]);
    expect(sess.run(m, [[m, new tf.NDArray(Float64Array.of(1, 2, 3, 4), [2, 2], 'float64')]]).dtype).toBe(tf.float32);
    expect(sess.run(s, [[s, 7]]).tolist()).toBe(7);
    // NumPy would truncate 7.9 silently; we refuse a silent wrong result.
    expect(() => sess.run(s, [[s, 7.9]])).toThrow(/Cannot feed non-integer value 7.9/);
    expect(sess.run(s, [[s, 7]]).tolist()).toBe(7);
    expect(sess.run(b, [[b, [true, false]]]).tolist()).toEqual([true, false]);
    expect(sess.run(b, [[b, [1, 0]]]).tolist()).toEqual([true, false]);
  });

  it('a fed NDArray is copied: later edits do not leak into the run', () => {
    const x = tf.placeholder(tf.float32, [2]);
    const y = x.mul(2);
    using sess = new tf.Session();
    const nd = new tf.NDArray(Float32Array.of(1, 2), [2], 'float32');
    const r1 = sess.run([y, x], [[x, nd]]);
    nd.data[0] = 50;
    expect(r1[0].tolist()).toEqual([2, 4]);
    expect(r1[1].tolist()).toEqual([1, 2]);
  });

  it('feeds given in another order than the cached plan saw them', () => {
    const x = tf.placeholder(tf.float32, [], 'x');
    const y = tf.placeholder(tf.float32, [], 'y');
    const d = x.sub(y);
    using sess = new tf.Session();
    expect(sess.run(d, [[x, 1], [y, 2]]).tolist()).toBe(-1);
    expect(sess.run(d, [[y, 2], [x, 1]]).tolist()).toBe(-1);
    expect(sess.run(d, { 'y:0': 5, 'x:0': 1 }).tolist()).toBe(-4);
    expect(sess.run(d, new Map([[x, 3], [y, 1]])).tolist()).toBe(2);
  });

  it('one fed output of an op that still runs for its other outputs keeps the fed value', () => {
    const u = tf.unstack(tf.constant([[1, 2], [3, 4]]));
    const y = u[0].add(u[1]);
    using sess = new tf.Session();
    expect(sess.run(y).tolist()).toEqual([4, 6]);
    const [r, fed] = sess.run([y, u[0]], [[u[0], [10, 10]]]);
    expect(r.tolist()).toEqual([13, 14]);
    expect(fed.tolist()).toEqual([10, 10]);
  });

  it('any tensor may be fed, cutting the graph there', () => {
    const a = tf.placeholder(tf.float32, [2]);
    const b = a.add(1);
    const c = b.mul(2);
    const k = tf.constant([1, 1], { dtype: tf.float32 });
    const d = k.mul(3);
    const v = new tf.Variable([5, 5], { dtype: tf.float32 });
    const w = v.value().mul(10);
    using sess = new tf.Session();
    // a is not fed, and not needed: b is fed.
    expect(sess.run(c, [[b, [10, 20]]]).tolist()).toEqual([20, 40]);
    expect(sess.run(d, [[k, [2, 3]]]).tolist()).toEqual([6, 9]);
    expect(sess.run(d).tolist()).toEqual([3, 3]); // only for that run
    // Feeding a variable's read needs no initialization.
    expect(sess.run(w, [[v.value(), [1, 2]]]).tolist()).toEqual([10, 20]);
    // Fetching a fed tensor returns the fed value.
    expect(sess.run(b, [[b, [7, 8]]]).tolist()).toEqual([7, 8]);
  });
});

describe('the default session', () => {
  it('`using` makes a session the default until disposed; init.run() and eval()', () => {
    const x = tf.placeholder(tf.float32, [2]);
    const v = new tf.Variable([1, 2], { dtype: tf.float32 });
    const y = x.add(v);
    const init = tf.global_variables_initializer();
    expect(tf.get_default_session()).toBeNull();
    {
      using sess = new tf.Session();
      expect(tf.get_default_session()).toBe(sess);
      init.run();
      expect(y.eval([[x, [10, 20]]]).tolist()).toEqual([11, 22]);
      expect(v.eval().tolist()).toEqual([1, 2]);
      expect(v.value().eval().tolist()).toEqual([1, 2]);
      v.assign([0, 0]).op.run();
      expect(v.eval().tolist()).toEqual([0, 0]);
    }
    expect(tf.get_default_session()).toBeNull();
  });

  it('eval / run without a default session raise TF\'s messages', () => {
    const c = tf.constant(1);
    const e = caught(() => c.eval());
    expect(e.name).toBe('ValueError');
    expect(e.message).toBe(
      'Cannot evaluate tensor using `eval()`: No default session is registered. Use `with sess.as_default()` or pass an explicit session to `eval(session=sess)`',
    );
    const f = caught(() => tf.no_op().run());
    expect(f.message).toBe(
      'Cannot execute operation using `run()`: No default session is registered. Use `with sess.as_default()` or pass an explicit session to `run(session=sess)`',
    );
  });

  it('an explicit session, as_default, nesting, InteractiveSession', () => {
    const c = tf.constant(4);
    const s1 = new tf.Session();
    try {
      expect(c.eval(undefined, s1).tolist()).toBe(4);
      const s2 = new tf.Session();
      expect(tf.get_default_session()).toBe(s2);
      {
        using _ = s1.as_default();
        expect(tf.get_default_session()).toBe(s1);
      }
      expect(tf.get_default_session()).toBe(s2);
      s2.close();
      expect(tf.get_default_session()).toBe(s1);
    } finally {
      s1.close();
    }
    expect(tf.get_default_session()).toBeNull();
    const i = new tf.InteractiveSession();
    expect(tf.get_default_session()).toBe(i);
    expect(c.eval().tolist()).toBe(4);
    i.close();
    expect(tf.get_default_session()).toBeNull();
  });

  it('a session on another graph makes it the default graph while open (`with tf.Session(graph=g)`)', () => {
    const base = tf.get_default_graph();
    const g = new tf.Graph();
    let v: tf.Variable;
    {
      using _ = g.as_default();
      v = new tf.Variable([1, 2]);
    }
    {
      using sess = new tf.Session({ graph: g });
      expect(tf.get_default_graph()).toBe(g);
      const init = tf.global_variables_initializer(); // built in g, sees v
      expect(init.graph).toBe(g);
      init.run();
      expect(v.eval().tolist()).toEqual([1, 2]);
      expect(() => tf.reset_default_graph()).toThrow(tf.AssertionError);
      void sess;
    }
    expect(tf.get_default_graph()).toBe(base);
    const s = new tf.Session({ graph: g });
    s.close();
    expect(tf.get_default_graph()).toBe(base);
  });

  it('two sessions on one graph keep independent variable values', () => {
    const v = new tf.Variable(0);
    const inc = v.assign_add(1);
    using a = new tf.Session();
    using b = new tf.Session();
    a.run(v.initializer);
    b.run(v.initializer);
    a.run(inc);
    a.run(inc);
    b.run(inc);
    expect(a.run(v).tolist()).toBe(2);
    expect(b.run(v).tolist()).toBe(1);
    using c = new tf.Session();
    expect(() => c.run(v)).toThrow(tf.errors.FailedPreconditionError);
  });
});

describe('pruning and planning', () => {
  it('an unfed placeholder not needed by the fetch is fine', () => {
    const x = tf.placeholder(tf.float32, [null, 784]);
    const y = x.mul(2);
    const c = tf.constant(3).add(1);
    using sess = new tf.Session();
    expect(sess.run(c).tolist()).toBe(4);
    void y;
  });

  it('a random op not needed by a run is not run: its stream is not advanced', () => {
    const r = tf.random_uniform([3], { seed: 5 });
    const other = tf.constant(1).add(2);
    const both = [r, other];
    let first: number[];
    {
      using s = new tf.Session();
      first = Array.from(s.run(r).data);
    }
    using sess = new tf.Session();
    for (let i = 0; i < 3; i++) sess.run(other);
    expect(Array.from(sess.run(both)[0].data)).toEqual(first);
  });

  it('ops run once per run in dependency order; control dependencies run', () => {
    const v = new tf.Variable(1);
    const init = tf.global_variables_initializer();
    const inc = v.assign_add(10);
    // read_value() reads when it runs (after its control dependencies), as TF1's identity(ref).
    const after = tf.control_dependencies([inc], () => v.read_value());
    expect(after.op.control_inputs).toEqual([inc.op]);
    const g = tf.group([inc, tf.no_op()], { name: 'step' });
    using sess = new tf.Session();
    sess.run(init);
    expect(sess.run(after).tolist()).toBe(11);
    expect(sess.run([inc, inc]).map((t) => t.tolist())).toEqual([21, 21]); // one AssignAdd per run
    expect(sess.run(g)).toBeNull();
    expect(sess.run(v).tolist()).toBe(31);
    expect(sess.run('step')).toBeNull();
    expect(sess.run(v).tolist()).toBe(41);
  });

  it('the plan is built once per fetch/feed set and reused', () => {
    const spy = jest.spyOn(executor, 'buildPlan');
    const x = tf.placeholder(tf.float32, [2]);
    const y = x.mul(3);
    const z = y.add(1);
    using sess = new tf.Session();
    const r1 = sess.run([y, z], [[x, [1, 2]]]);
    const built = spy.mock.calls.length;
    expect(built).toBe(1);
    const r2 = sess.run([y, z], [[x, [1, 2]]]);
    expect(spy.mock.calls.length).toBe(built); // reused
    expect(r2.map((t) => t.tolist())).toEqual(r1.map((t) => t.tolist()));
    expect(r2[1].tolist()).toEqual([4, 7]);
    sess.run([y, z], [[x, [0, 0]]]); // same fetches and fed tensors, new values
    expect(spy.mock.calls.length).toBe(built);
    sess.run(y, [[x, [0, 0]]]); // another fetch set: a new plan
    expect(spy.mock.calls.length).toBe(built + 1);
    expect(sess.run([y, z], [[x, [5, 5]]])[1].tolist()).toEqual([16, 16]);
    expect(spy.mock.calls.length).toBe(built + 1);
  });
});
