/**
 * Helpers of the RNN suites (not a test file): TF1's published cell formulas in plain JS
 * arithmetic, and a finite-difference gradient check whose inputs may be any fed tensors,
 * including variable reads (so cell weights are checked too, not only placeholders).
 */
import * as tf from 'tf1-ts';
import { RandomStream } from 'tf1-ts/core/random';
import { compareWithCentralDifferences } from '../gradients/gradcheck';

export type M = number[][];

export function mm(a: M, b: M): M {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
}
export const sig = (x: number): number => 1 / (1 + Math.exp(-x));
export const map2 = (a: M, f: (x: number, i: number, j: number) => number): M => a.map((r, i) => r.map((x, j) => f(x, i, j)));
export const cat = (a: M, b: M): M => a.map((r, i) => [...r, ...b[i]]);
export const addBias = (a: M, b: number[]): M => map2(a, (x, _i, j) => x + b[j]);
export const cols = (a: M, from: number, n: number): M => a.map((r) => r.slice(from, from + n));
export const zerosM = (r: number, c: number): M => Array.from({ length: r }, () => new Array<number>(c).fill(0));

/** BasicRNNCell: act([x, h] · K + b). */
export function rnnStep(x: M, h: M, K: M, b: number[], act: (v: number) => number = Math.tanh): M {
  return map2(addBias(mm(cat(x, h), K), b), act);
}

/** BasicLSTMCell: i, j, f, o column blocks. */
export function lstmStep(x: M, c: M, h: M, K: M, b: number[], forgetBias = 1): [M, M] {
  const N = c[0].length;
  const z = addBias(mm(cat(x, h), K), b);
  const i = cols(z, 0, N);
  const j = cols(z, N, N);
  const f = cols(z, 2 * N, N);
  const o = cols(z, 3 * N, N);
  const c2 = map2(c, (cv, r, k) => cv * sig(f[r][k] + forgetBias) + sig(i[r][k]) * Math.tanh(j[r][k]));
  const h2 = map2(c2, (cv, r, k) => Math.tanh(cv) * sig(o[r][k]));
  return [c2, h2];
}

/** LSTMCell with optional peepholes, cell clip and projection. */
export function lstmFullStep(
  x: M,
  c: M,
  m: M,
  K: M,
  b: number[],
  o: { wf?: number[]; wi?: number[]; wo?: number[]; proj?: M; cellClip?: number; projClip?: number; forgetBias?: number },
): [M, M] {
  const N = c[0].length;
  const fb = o.forgetBias ?? 1;
  const z = addBias(mm(cat(x, m), K), b);
  const I = cols(z, 0, N);
  const J = cols(z, N, N);
  const F = cols(z, 2 * N, N);
  const O = cols(z, 3 * N, N);
  let c2 = map2(c, (cv, r, k) =>
    o.wf ? sig(F[r][k] + fb + o.wf[k] * cv) * cv + sig(I[r][k] + o.wi![k] * cv) * Math.tanh(J[r][k]) : sig(F[r][k] + fb) * cv + sig(I[r][k]) * Math.tanh(J[r][k]),
  );
  if (o.cellClip !== undefined) c2 = map2(c2, (v) => Math.min(Math.max(v, -o.cellClip!), o.cellClip!));
  let m2 = map2(c2, (cv, r, k) => (o.wo ? sig(O[r][k] + o.wo[k] * cv) : sig(O[r][k])) * Math.tanh(cv));
  if (o.proj) m2 = mm(m2, o.proj);
  if (o.projClip !== undefined) m2 = map2(m2, (v) => Math.min(Math.max(v, -o.projClip!), o.projClip!));
  return [c2, m2];
}

/** GRUCell: r, u = σ(...); c = tanh([x, r·h] · Kc + bc); h' = u·h + (1-u)·c. */
export function gruStep(x: M, h: M, Kg: M, bg: number[], Kc: M, bc: number[]): M {
  const N = h[0].length;
  const g = map2(addBias(mm(cat(x, h), Kg), bg), sig);
  const r = cols(g, 0, N);
  const u = cols(g, N, N);
  const rh = map2(h, (v, i, k) => v * r[i][k]);
  const cand = map2(addBias(mm(cat(x, rh), Kc), bc), Math.tanh);
  return map2(h, (v, i, k) => u[i][k] * v + (1 - u[i][k]) * cand[i][k]);
}

export function expectClose(got: tf.NDArray | number[] | M, want: number[] | M, digits = 5): void {
  const g = got instanceof tf.NDArray ? Array.from(got.data) : (got as (number | number[])[]).flat();
  const w = (want as (number | number[])[]).flat();
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => expect(v).toBeCloseTo(w[i], digits));
}

export const asM = (a: tf.NDArray): M => a.tolist() as M;
export const asV = (a: tf.NDArray): number[] => Array.from(a.data);

/** Random values in [-r, r) from a seeded stream. */
export function randomArray(stream: RandomStream, shape: number[], r = 1, dtype = tf.float64): tf.NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype.alloc(n);
  for (let i = 0; i < n; i++) data[i] = (2 * stream.uniform() - 1) * r;
  return new tf.NDArray(data, shape, dtype);
}

export interface FedGradCheck {
  ys: tf.Tensor[];
  /** Tensors to differentiate and perturb (placeholders or variable reads), with base values. */
  xs: [tf.Tensor, tf.NDArray][];
  /** Other feeds (sequence lengths, ...). */
  feeds?: [tf.Tensor, tf.NDArray | number[]][];
  sess: tf.Session;
  eps?: number;
  atol?: number;
  rtol?: number;
  seed?: number;
}

/**
 * Central differences of f = Σ_k sum(y_k · w_k) (w fixed random) against tf.gradients with
 * grad_ys = w, for every element of every x. Returns the largest absolute error; throws with
 * the mismatches listed.
 */
export function fedGradCheck(c: FedGradCheck): { maxAbsErr: number; compared: number } {
  const eps = c.eps ?? 1e-6;
  const atol = c.atol ?? 1e-6;
  const rtol = c.rtol ?? 1e-5;
  const stream = new RandomStream(c.seed ?? 7, 3);
  const xs = c.xs.map(([t]) => t);
  const base = c.xs.map(([, v]) => Array.from(v.data));
  const feed = (vals: number[][]): [tf.Tensor, tf.NDArray | number[]][] => [
    ...xs.map((x, i): [tf.Tensor, tf.NDArray] => [x, new tf.NDArray(x.dtype.alloc(vals[i].length).map((_, k) => vals[i][k]), c.xs[i][1].shape, x.dtype)]),
    ...(c.feeds ?? []),
  ];
  const y0 = c.sess.run(c.ys, feed(base));
  const ws = y0.map((y) => new tf.NDArray(y.dtype.alloc(y.size).map(() => 0.5 + stream.uniform()), y.shape, y.dtype));
  const grads = tf.gradients(c.ys, xs, ws.map((w) => tf.constant(w)));
  const f = (vals: number[][]): number => {
    const out = c.sess.run(c.ys, feed(vals));
    let s = 0;
    out.forEach((y, k) => {
      for (let j = 0; j < y.size; j++) s += y.data[j] * ws[k].data[j];
    });
    return s;
  };
  const problems: string[] = [];
  let maxAbsErr = 0;
  let compared = 0;
  grads.forEach((g, i) => {
    if (g === null) {
      problems.push(`x${i} (${xs[i].name}): gradient is null`);
      return;
    }
    const r = compareWithCentralDifferences(c.sess.run(g, feed(base)), base, i, f, { eps, atol, rtol }, xs[i].name);
    maxAbsErr = Math.max(maxAbsErr, r.maxAbsErr);
    compared += r.compared;
    problems.push(...r.problems);
  });
  if (problems.length) throw new Error(`gradient check failed:\n  ${problems.slice(0, 12).join('\n  ')}`);
  return { maxAbsErr, compared };
}

/** Op types of a graph, including while-loop subgraphs. */
export function opTypes(g: tf.Graph): Set<string> {
  const out = new Set<string>();
  const walk = (gr: tf.Graph): void => {
    for (const op of gr.get_operations()) {
      out.add(op.type);
      for (const s of op.subgraphs) walk(s);
    }
  };
  walk(g);
  return out;
}
