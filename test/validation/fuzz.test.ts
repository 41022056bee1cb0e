/**
 * Fuzzing the public API with malformed input (fast-check, fixed seed, bounded runs).
 *
 * Every generated case either throws a TFError (the library's own error classes) or returns a
 * correct result: outputs are checked against a reference computed here from the op's actual
 * inputs (fetched in the same run), and against the tensor's static shape and dtype. No case may
 * throw anything else (a TypeError / RangeError from deep inside is a validation bug) or hang.
 *
 * Each case also runs `guard.assign_add(1)` in the same session run as its fetches (scheduled
 * before them): when the run fails, `guard` must be unchanged; when it succeeds, incremented.
 */
import fc from 'fast-check';
import * as tf from 'tf1-ts';

const SEED = Number(process.env.TF1TS_FUZZ_SEED ?? 0x7f1_2024);
const RUNS = Number(process.env.TF1TS_FUZZ_RUNS ?? 300);

// ---- arbitraries ----------------------------------------------------------------------------

/** Things that belong nowhere. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(undefined, null, NaN, Infinity, -Infinity, -1, 1.5, 2 ** 31, 1e12, '', 'abc', '3', true, false),
  fc.constantFrom<unknown>({}, [], [[]], { a: 1 }, () => 1, Symbol('s'), BigInt(3), new Uint16Array(2), new Date(0), /x/),
  fc.integer({ min: -3, max: 6 }),
  fc.string({ maxLength: 4 }),
);

const num: fc.Arbitrary<number | boolean> = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: -5, max: 5 }) },
  { weight: 5, arbitrary: fc.double({ min: -8, max: 8, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, true, false, 2 ** 31, -0) },
);

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

function nest(flat: readonly unknown[], shape: readonly number[]): unknown {
  if (shape.length === 0) return flat[0];
  const step = prod(shape.slice(1));
  return Array.from({ length: shape[0] }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), shape.slice(1)));
}

const smallShape = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 });

/** A well-formed nested array of some small shape. */
const regularWithShape = smallShape.chain((shape) => fc.array(num, { minLength: prod(shape), maxLength: prod(shape) }).map((flat) => ({ shape, value: nest(flat, shape) })));
const regular = regularWithShape.map((r) => r.value);

const dtypeArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<unknown>(tf.float32, tf.float64, tf.int32, tf.int64, tf.bool, 'float32', 'int32') },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('float', 'int', 'string', 'variant', 'float16', 'Float32'), junk) },
);

/** User values: mostly well formed, sometimes ragged, with junk leaves, NDArrays, typed arrays or junk. */
const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: regular },
  { weight: 2, arbitrary: fc.array(fc.array(num, { maxLength: 3 }), { minLength: 2, maxLength: 3 }) }, // often ragged
  { weight: 2, arbitrary: fc.array(fc.oneof({ weight: 6, arbitrary: num }, { weight: 1, arbitrary: junk }), { maxLength: 4 }) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(smallShape, fc.constantFrom(tf.float32, tf.float64, tf.int32, tf.int64, tf.bool))
      .chain(([shape, dt]) =>
        fc.array(fc.integer({ min: -4, max: 4 }), { minLength: prod(shape), maxLength: prod(shape) }).map((d) => {
          const data = dt.alloc(d.length);
          d.forEach((x, i) => (data[i] = dt === tf.bool ? (x > 0 ? 1 : 0) : x));
          return new tf.NDArray(data, shape, dt);
        }),
      ),
  },
  { weight: 1, arbitrary: fc.oneof(fc.float32Array({ maxLength: 4 }), fc.int32Array({ maxLength: 4 }), fc.uint16Array({ maxLength: 2 })) },
  { weight: 1, arbitrary: junk },
);

const dimArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: 0, max: 4 }) },
  // Sizes here are either tiny or far beyond what can be allocated: nothing in between.
  { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, -3, 1.5, NaN, Infinity, 2 ** 31, 2 ** 40, 1e12, 2 ** 60, null, undefined, '2') },
);
const shapeArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.array(dimArb, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: junk },
);

/** Option objects: right keys with right or wrong values, misspelled keys, or no object at all. */
function optsArb(keys: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const names = Object.keys(keys);
  const typos = names.map((k) => (k.length > 3 ? k.slice(0, -2) + k.slice(-1) + k.slice(-2, -1) : `${k}s`));
  const entry = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...names).chain((k) => fc.oneof({ weight: 5, arbitrary: keys[k] }, { weight: 1, arbitrary: junk }).map((v) => [k, v] as const)) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...typos, 'sequence_lenght', 'foo'), junk) },
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: fc.array(entry, { maxLength: 3 }).map((es) => Object.fromEntries(es)) },
    { weight: 1, arbitrary: junk },
  );
}

const axisArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 2, arbitrary: fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: junk },
);
const nameArb: fc.Arbitrary<unknown> = fc.oneof(fc.constantFrom('x', 'a/b', 'bad name', '', '-x', 'ok_1'), junk);

/** An operand: a JS value, or a placeholder of some dtype/shape fed some value (maybe not fed). */
type Operand = { kind: 'js'; value: unknown } | { kind: 'ph'; dtype: unknown; shape: unknown; feed: unknown; fed: boolean };
const operandArb: fc.Arbitrary<Operand> = fc.oneof(
  { weight: 3, arbitrary: valueArb.map((value) => ({ kind: 'js' as const, value })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ dtype: dtypeArb, shape: shapeArb, feed: valueArb, fed: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) })
      .map((r) => ({ kind: 'ph' as const, ...r })),
  },
  {
    // A placeholder that fits its feed (shape known, partly known or unknown).
    weight: 3,
    arbitrary: regularWithShape.chain(({ shape, value }) =>
      fc
        .record({
          dtype: fc.constantFrom<unknown>(tf.float32, tf.float64, tf.int32, tf.int64),
          shape: fc.oneof(fc.constant<unknown>(shape), fc.constant<unknown>(null), fc.constant<unknown>(shape.map((d, i) => (i === 0 ? null : d)))),
        })
        .map((r) => ({ kind: 'ph' as const, ...r, feed: value, fed: true })),
    ),
  },
);

// ---- references -----------------------------------------------------------------------------

interface Host {
  data: number[];
  shape: number[];
}
const host = (a: tf.NDArray): Host => ({ data: Array.from(a.data), shape: [...a.shape] });
const strides = (s: readonly number[]): number[] => s.map((_, i) => prod(s.slice(i + 1)));
function unravel(k: number, shape: readonly number[]): number[] {
  const st = strides(shape);
  return shape.map((_, i) => Math.floor(k / st[i]) % shape[i]);
}
const ravel = (idx: readonly number[], shape: readonly number[]): number => idx.reduce((acc, x, i) => acc * shape[i] + x, 0);
const norm = (a: number, r: number): number => (a < 0 ? a + r : a);

/** Storage rounding of each dtype (what a value of that dtype holds). */
function store(dt: tf.DType, v: number): number {
  if (dt === tf.float32) return Math.fround(v);
  if (dt === tf.int32) return v | 0;
  if (dt === tf.bool) return v ? 1 : 0;
  return v;
}

function refReduce(x: Host, axes: number[] | null, keep: boolean, op: string, dt: tf.DType): Host {
  const r = x.shape.length;
  const ax = axes === null ? x.shape.map((_, i) => i) : [...new Set(axes.map((a) => norm(a, r)))];
  const outShape = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const groups = new Map<number, number[]>();
  x.data.forEach((v, k) => {
    const idx = unravel(k, x.shape).map((d, i) => (ax.includes(i) ? 0 : d));
    const o = ravel(idx, outShape);
    (groups.get(o) ?? groups.set(o, []).get(o)!).push(v);
  });
  const data = Array.from({ length: prod(outShape) }, (_, o) => {
    const g = groups.get(o) ?? [];
    if (op === 'Sum') return g.reduce((a, b) => a + b, 0);
    // An empty max/min is the dtype's lowest/highest value.
    if (op === 'Max') return g.length ? Math.max(...g) : dt === tf.int32 ? -(2 ** 31) : dt === tf.int64 ? -(2 ** 63) : -Infinity;
    if (op === 'Min') return g.length ? Math.min(...g) : dt === tf.int32 ? 2 ** 31 - 1 : dt === tf.int64 ? 2 ** 63 - 1 : Infinity;
    const s = g.reduce((a, b) => a + b, 0);
    return dt.isInteger ? Math.trunc(s / g.length) : s / g.length;
  });
  return { data, shape: keep ? outShape : x.shape.filter((_, i) => !ax.includes(i)) };
}

function refMatmul(a: Host, b: Host, ta: boolean, tb: boolean): Host {
  const batch = a.shape.length === 3;
  const A = batch ? a.shape.slice(1) : a.shape;
  const B = batch ? b.shape.slice(1) : b.shape;
  const nb = batch ? a.shape[0] : 1;
  const [m, k] = ta ? [A[1], A[0]] : A;
  const n = tb ? B[0] : B[1];
  const data: number[] = [];
  for (let z = 0; z < nb; z++) {
    const ao = z * A[0] * A[1];
    const bo = z * B[0] * B[1];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a.data[ao + (ta ? p * A[1] + i : i * A[1] + p)] * b.data[bo + (tb ? j * B[1] + p : p * B[1] + j)];
        data.push(s);
      }
    }
  }
  return { data, shape: batch ? [nb, m, n] : [m, n] };
}

function refConcat(xs: Host[], axis: number): Host {
  const a = norm(axis, xs[0].shape.length);
  const shape = [...xs[0].shape];
  shape[a] = xs.reduce((s, x) => s + x.shape[a], 0);
  const data = new Array<number>(prod(shape));
  let off = 0;
  for (const x of xs) {
    x.data.forEach((v, k) => {
      const idx = unravel(k, x.shape);
      idx[a] += off;
      data[ravel(idx, shape)] = v;
    });
    off += x.shape[a];
  }
  return { data, shape };
}

function refGather(p: Host, idx: Host, axis: number): Host {
  const a = norm(axis, p.shape.length);
  const shape = [...p.shape.slice(0, a), ...idx.shape, ...p.shape.slice(a + 1)];
  const data = Array.from({ length: prod(shape) }, (_, k) => {
    const o = unravel(k, shape);
    const src = [...o.slice(0, a), idx.data[ravel(o.slice(a, a + idx.shape.length), idx.shape)], ...o.slice(a + idx.shape.length)];
    return p.data[ravel(src, p.shape)];
  });
  return { data, shape };
}

/** Equality with float tolerance (our sums may be accumulated in another order). */
function expectClose(got: tf.NDArray, want: Host, what: string): void {
  expect({ what, shape: got.shape }).toEqual({ what, shape: want.shape });
  const dt = got.dtype;
  const g = Array.from(got.data);
  want.data.forEach((w0, i) => {
    const w = store(dt, w0);
    const x = g[i];
    const ok = Object.is(x, w) || x === w || (Number.isNaN(x) && Number.isNaN(w)) || (dt.isFloating && Math.abs(x - w) <= 1e-4 * Math.max(1, Math.abs(w)));
    if (!ok) throw new Error(`${what}: element ${i} is ${x}, expected ${w} (dtype ${dt.name}, shape [${got.shape.join(',')}])`);
  });
}

function expectMatchesStatic(t: tf.Tensor, v: tf.NDArray): void {
  expect(v.dtype).toBe(t.dtype);
  const dims = t.shape.dims;
  if (dims) {
    expect(v.shape.length).toBe(dims.length);
    dims.forEach((d, i) => {
      if (d !== null) expect(v.shape[i]).toBe(d);
    });
  }
}

// ---- the harness ----------------------------------------------------------------------------

interface Built {
  /** The tensor under test. */
  out: tf.Tensor;
  feeds: [tf.Tensor | string, unknown][];
  /** Runs before the case's run (e.g. initializers); failures here are the case's failures too. */
  prepare?: (sess: tf.Session) => void;
  /** Checks a successful result; gets the values of out.op.inputs too. */
  verify?: (result: tf.NDArray, inputs: tf.NDArray[]) => void;
}

const stats = { cases: 0, errors: new Map<string, number>(), ok: 0 };

function materialize(o: Operand, feeds: [tf.Tensor | string, unknown][]): unknown {
  if (o.kind === 'js') return o.value;
  const ph = tf.placeholder(o.dtype as tf.DType, o.shape as number[]);
  if (o.fed) feeds.push([Math.random() < 0.5 ? ph : ph.name, o.feed]);
  return ph;
}

/**
 * Runs one case: builds it in a fresh graph, runs it together with guard.assign_add(1), and checks
 * that the outcome is a TFError (guard unchanged) or a correct result (guard incremented).
 */
function check(build: () => Built | null): void {
  stats.cases++;
  tf.reset_default_graph();
  const guard = new tf.Variable([1, 2, 3], { name: 'guard', dtype: tf.float32 });
  const bump = guard.assign_add([1, 1, 1]);
  const sess = new tf.Session();
  try {
    sess.run(guard.initializer);
    let outcome = 'ok';
    try {
      const b = build();
      if (b) {
        b.prepare?.(sess);
        const inputs = b.out.op.inputs.filter((t) => t.dtype !== tf.DType.variant);
        const [, res, ...ins] = sess.run([bump, b.out, ...inputs], b.feeds as never) as tf.NDArray[];
        expectMatchesStatic(b.out, res);
        b.verify?.(res, ins);
        expect(Array.from(sess.run(guard).data)).toEqual([2, 3, 4]);
      }
    } catch (e) {
      if (!(e instanceof tf.TFError)) throw e;
      outcome = e.name;
      expect(Array.from(sess.run(guard).data)).toEqual([1, 2, 3]);
    }
    if (outcome === 'ok') stats.ok++;
    else stats.errors.set(outcome, (stats.errors.get(outcome) ?? 0) + 1);
  } finally {
    sess.close();
  }
}

const params = { seed: SEED, numRuns: RUNS, endOnFailure: true };
const t0 = Date.now();
afterAll(() => {
  const ms = Date.now() - t0;
  // A summary for the report: how the cases ended.
  process.stdout.write(`fuzz: ${stats.cases} cases in ${ms} ms: ${stats.ok} correct results, errors ${JSON.stringify(Object.fromEntries(stats.errors))}\n`);
});

// ---- properties -----------------------------------------------------------------------------

test('tf.placeholder + feeds: a fed value comes back converted, or a TFError', () => {
  fc.assert(
    fc.property(dtypeArb, shapeArb, fc.option(nameArb), valueArb, fc.boolean(), (dtype, shape, name, feed, byName) => {
      check(() => {
        const ph = tf.placeholder(dtype as tf.DType, shape as number[], name as string);
        const out = tf.identity(ph);
        return {
          out,
          feeds: [[byName ? ph.name : ph, feed]],
          verify: (res) => {
            const want = feed instanceof tf.NDArray ? feed.astype(ph.dtype) : null;
            if (want) expectClose(res, host(want), 'fed NDArray');
          },
        };
      });
    }),
    params,
  );
});

test('tf.constant / tf.zeros / tf.ones / tf.fill: the value, or a TFError', () => {
  const constOpts = optsArb({ dtype: dtypeArb, shape: shapeArb, name: nameArb, verify_shape: fc.boolean() });
  fc.assert(
    fc.property(fc.constantFrom('constant', 'zeros', 'ones', 'fill'), valueArb, constOpts, shapeArb, dtypeArb, (kind, value, opts, shape, dtype) => {
      check(() => {
        if (kind === 'constant') {
          const c = tf.constant(value as tf.ArrayLike, opts as never);
          return {
            out: c,
            feeds: [],
            verify: (res) => {
              // Plain nested numbers without a shape option: exactly the values given.
              const o = (opts ?? {}) as { shape?: unknown };
              if (Array.isArray(value) || typeof value === 'number') {
                if (o.shape === undefined || o.shape === null) {
                  const flat = ([value] as unknown[]).flat(Infinity) as (number | boolean)[];
                  expectClose(res, { data: flat.map(Number), shape: res.shape }, 'constant');
                }
              }
            },
          };
        }
        if (kind === 'fill') {
          const t = tf.fill(shape as number[], value as never);
          return { out: t, feeds: [], verify: (res) => expect(new Set(res.data).size).toBeLessThanOrEqual(1) };
        }
        const t = kind === 'zeros' ? tf.zeros(shape as number[], dtype as tf.DType) : tf.ones(shape as number[], dtype as tf.DType);
        return {
          out: t,
          feeds: [],
          verify: (res) => {
            expect(res.shape).toEqual(shape);
            expect(Array.from(res.data).every((x) => x === (kind === 'zeros' ? 0 : 1))).toBe(true);
          },
        };
      });
    }),
    params,
  );
});

test('tf.reshape: the same elements in the new shape, or a TFError', () => {
  fc.assert(
    fc.property(operandArb, fc.oneof({ weight: 4, arbitrary: fc.array(fc.oneof(fc.integer({ min: -1, max: 4 }), dimArb), { maxLength: 4 }) }, { weight: 1, arbitrary: junk }), (x, shape) => {
      check(() => {
        const feeds: [tf.Tensor | string, unknown][] = [];
        const out = tf.reshape(materialize(x, feeds) as tf.Tensor, shape as number[]);
        return {
          out,
          feeds,
          verify: (res, [input]) => {
            expect(Array.from(res.data)).toEqual(Array.from(input.data));
            // A null dimension is an unknown one, like -1.
            const dims = (shape as (number | null)[]).map((d) => (d === null ? -1 : d));
            const want = dims.map((d) => (d === -1 ? input.size / Math.max(1, prod(dims.filter((e) => e !== -1))) : d));
            expect(res.shape).toEqual(want);
          },
        };
      });
    }),
    params,
  );
});

test('tf.matmul: the matrix product, or a TFError', () => {
  const mmOpts = optsArb({ transpose_a: fc.boolean(), transpose_b: fc.boolean(), adjoint_a: fc.boolean(), name: nameArb });
  // Matrices of matching sizes half of the time.
  const matrix = (r: number, c: number): fc.Arbitrary<number[][]> => fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: c, maxLength: c }), { minLength: r, maxLength: r });
  const pair = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })).chain(([m, k, n]) => fc.tuple(matrix(m, k), matrix(k, n)));
  fc.assert(
    fc.property(
      fc.oneof(pair.map(([a, b]) => [{ kind: 'js', value: a } as Operand, { kind: 'js', value: b } as Operand] as const), fc.tuple(operandArb, operandArb)),
      mmOpts,
      ([a, b], opts) => {
        check(() => {
          const feeds: [tf.Tensor | string, unknown][] = [];
          const out = tf.matmul(materialize(a, feeds) as tf.Tensor, materialize(b, feeds) as tf.Tensor, opts as never);
          return {
            out,
            feeds,
            verify: (res, [x, y]) => {
              const at = out.op.attrs;
              const ta = !!(at.transpose_a ?? at.adj_x);
              const tb = !!(at.transpose_b ?? at.adj_y);
              expectClose(res, refMatmul(host(x), host(y), ta, tb), 'matmul');
            },
          };
        });
      },
    ),
    params,
  );
});

test('tf.reduce_sum / mean / max / min: the reduction, or a TFError', () => {
  const redOpts = optsArb({ axis: axisArb, keepdims: fc.boolean(), keep_dims: fc.boolean(), reduction_indices: axisArb, name: nameArb });
  fc.assert(
    fc.property(fc.constantFrom('reduce_sum', 'reduce_mean', 'reduce_max', 'reduce_min'), operandArb, fc.oneof(axisArb, redOpts, fc.constant(undefined)), redOpts, (fn, x, axis, opts) => {
      check(() => {
        const feeds: [tf.Tensor | string, unknown][] = [];
        const f = tf[fn as 'reduce_sum'];
        const out = f(materialize(x, feeds) as tf.Tensor, axis as never, opts as never);
        return {
          out,
          feeds,
          verify: (res, [input]) => {
            const at = out.op.attrs;
            expectClose(res, refReduce(host(input), at.axes as number[] | null, !!at.keep_dims, out.op.type, input.dtype), fn);
          },
        };
      });
    }),
    params,
  );
});

test('tf.concat and tf.gather: the reference result, or a TFError', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('concat', 'gather'),
      fc.array(operandArb, { minLength: 0, maxLength: 3 }),
      fc.oneof(axisArb, fc.constant(0)),
      operandArb,
      fc.oneof(fc.array(fc.integer({ min: -2, max: 4 }), { maxLength: 3 }), fc.integer({ min: -1, max: 3 }), valueArb),
      (kind, xs, axis, p, indices) => {
        check(() => {
          const feeds: [tf.Tensor | string, unknown][] = [];
          if (kind === 'concat') {
            const out = tf.concat(xs.map((x) => materialize(x, feeds)) as tf.Tensor[], axis as number);
            return { out, feeds, verify: (res, ins) => expectClose(res, refConcat(ins.map(host), out.op.attrs.axis as number), 'concat') };
          }
          const out = tf.gather(materialize(p, feeds) as tf.Tensor, indices as never, axis as never);
          return { out, feeds, verify: (res, [pv, iv]) => expectClose(res, refGather(host(pv), host(iv), out.op.attrs.axis as number), 'gather') };
        });
      },
    ),
    params,
  );
});

test('tf.Variable / assign / assign_add / tf.assign: the assigned value, or a TFError with the variable unchanged', () => {
  const varOpts = optsArb({ name: nameArb, dtype: dtypeArb, trainable: fc.boolean(), validate_shape: fc.boolean(), collections: fc.constant(['c']) });
  const asgOpts = optsArb({ name: nameArb, use_locking: fc.boolean(), validate_shape: fc.boolean() });
  fc.assert(
    fc.property(valueArb, varOpts, fc.constantFrom('assign', 'assign_add', 'assign_sub', 'tf.assign'), operandArb, asgOpts, (init, vopts, how, value, aopts) => {
      check(() => {
        const v = new tf.Variable(init as tf.ArrayLike, vopts as never);
        const feeds: [tf.Tensor | string, unknown][] = [];
        const val = materialize(value, feeds) as tf.Tensor;
        const out =
          how === 'assign'
            ? v.assign(val, aopts as never)
            : how === 'assign_add'
              ? v.assign_add(val, aopts as never)
              : how === 'assign_sub'
                ? v.assign_sub(val, aopts as never)
                : tf.assign(v, val, aopts as never);
        // The variable is initialized in a first run; the assignment is the case's run.
        let old: tf.NDArray;
        return {
          out,
          feeds,
          prepare: (sess) => {
            sess.run(v.initializer);
            old = sess.run(v);
          },
          verify: (res, [val]) => {
            expect(res.dtype).toBe(v.dtype);
            if (how === 'assign' || how === 'tf.assign') expectClose(res, host(val), 'assign');
            else {
              const sign = how === 'assign_sub' ? -1 : 1;
              expectClose(res, { data: Array.from(old.data, (x, i) => x + sign * val.data[i]), shape: old.shape }, how);
            }
          },
        };
      });
    }),
    { ...params, numRuns: Math.round(RUNS / 2) },
  );
});

test('sess.run with malformed fetches and feed_dicts: a TFError, never a crash, and failed runs change nothing', () => {
  const fetchArb = fc.oneof(
    fc.constantFrom<unknown>('out', 'out:0', 'x:0', 'nope:0', 'nope', 'init', ':0', 'out:7'),
    junk,
    fc.array(fc.constantFrom<unknown>('out:0', 5, null), { maxLength: 2 }),
    fc.dictionary(fc.string({ maxLength: 2 }), fc.constantFrom<unknown>('out:0', 'x:0', {}, undefined)),
  );
  const keyArb = fc.constantFrom<unknown>('x:0', 'x', 'out:0', 'nope:0', 5, null, 'guard:0');
  const feedArb = fc.oneof(
    fc.array(fc.tuple(keyArb, valueArb), { maxLength: 2 }),
    fc.dictionary(fc.constantFrom('x:0', 'x', 'y:0'), valueArb),
    junk,
    fc.array(junk, { maxLength: 2 }),
  );
  fc.assert(
    fc.property(fetchArb, feedArb, (fetch, feed) => {
      stats.cases++;
      tf.reset_default_graph();
      const x = tf.placeholder(tf.float32, [null, 2], 'x');
      const guard = new tf.Variable([1, 2, 3], { name: 'guard', dtype: tf.float32 });
      const out = tf.reduce_sum(tf.multiply(x, 2), { name: 'out' });
      const bump = guard.assign_add([1, 1, 1]);
      tf.no_op('init'); // an op to fetch by name (not the initializer: that would race with bump)
      const sess = new tf.Session();
      try {
        sess.run(guard.initializer);
        try {
          sess.run([bump, fetch] as never, feed as never);
          stats.ok++;
          expect(Array.from(sess.run(guard).data)).toEqual([2, 3, 4]);
        } catch (e) {
          if (!(e instanceof tf.TFError)) throw e;
          stats.errors.set(e.name, (stats.errors.get(e.name) ?? 0) + 1);
          expect(Array.from(sess.run(guard).data)).toEqual([1, 2, 3]);
        }
        void out;
      } finally {
        sess.close();
      }
    }),
    params,
  );
});

test('other public ops with random arguments: a result matching its static shape and dtype, or a TFError', () => {
  type Fn = (a: unknown, b: unknown, c: unknown) => unknown;
  const fns: Record<string, Fn> = {
    transpose: (a, b) => tf.transpose(a as never, b as never),
    expand_dims: (a, b) => tf.expand_dims(a as never, b as never),
    squeeze: (a, b) => tf.squeeze(a as never, b as never),
    slice: (a, b, c) => tf.slice(a as never, b as never, c as never),
    pad: (a, b, c) => tf.pad(a as never, b as never, c as never),
    one_hot: (a, b, c) => tf.one_hot(a as never, b as never, c as never),
    cast: (a, b) => tf.cast(a as never, b as never),
    stack: (a, b, c) => tf.stack([a, b] as never, c as never),
    unstack: (a, b) => tf.unstack(a as never, b as never),
    split: (a, b, c) => tf.split(a as never, b as never, c as never),
    shape: (a, b) => tf.shape(a as never, b as never),
    argmax: (a, b, c) => tf.argmax(a as never, b as never, c as never),
    add: (a, b) => tf.add(a as never, b as never),
    multiply: (a, b) => tf.multiply(a as never, b as never),
    equal: (a, b) => tf.equal(a as never, b as never),
    where: (a, b, c) => tf.where(a as never, b as never, c as never),
    clip_by_value: (a, b, c) => tf.clip_by_value(a as never, b as never, c as never),
    zeros_like: (a, b) => tf.zeros_like(a as never, b as never),
    broadcast_to: (a, b) => tf.broadcast_to(a as never, b as never),
    softmax: (a, b) => tf.nn.softmax(a as never, b as never),
    sparse_xent: (a, b) => tf.nn.sparse_softmax_cross_entropy_with_logits({ labels: a, logits: b } as never),
    in_top_k: (a, b, c) => tf.nn.in_top_k(a as never, b as never, c as never),
    random_normal: (a, b) => tf.random_normal(a as never, b as never),
    gradients: (a, b) => tf.gradients(a as never, b as never),
    name_scope: (a, b) => tf.name_scope(a as never, () => tf.identity(b as never)),
  };
  const argArb = fc.oneof(
    { weight: 6, arbitrary: operandArb.map((o) => ({ operand: o })) },
    { weight: 2, arbitrary: axisArb.map((v) => ({ raw: v })) },
    { weight: 1, arbitrary: shapeArb.map((v) => ({ raw: v })) },
    { weight: 1, arbitrary: dtypeArb.map((v) => ({ raw: v })) },
    { weight: 1, arbitrary: optsArb({ axis: axisArb, name: nameArb, dtype: dtypeArb, num: fc.integer({ min: 0, max: 3 }) }).map((v) => ({ raw: v })) },
  );
  fc.assert(
    fc.property(fc.constantFrom(...Object.keys(fns)), argArb, argArb, argArb, (fn, a, b, c) => {
      check(() => {
        const feeds: [tf.Tensor | string, unknown][] = [];
        const arg = (x: { operand?: Operand; raw?: unknown }): unknown => ('operand' in x ? materialize(x.operand as Operand, feeds) : x.raw);
        let r = fns[fn](arg(a), arg(b), arg(c));
        if (Array.isArray(r)) r = r[0];
        if (!(r instanceof tf.Tensor)) return null;
        return { out: r, feeds };
      });
    }),
    { ...params, numRuns: RUNS * 2 },
  );
});
