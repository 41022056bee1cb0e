/**
 * Finite-difference gradient checker, usable by every suite (not a test file itself).
 *
 * A case builds a graph from placeholders (float64 by default; a static shape may leave dims
 * unknown, e.g. [null, 3], and the concrete shape is fed at run time). Its outputs y_k are
 * projected to the scalar f = Σ_k sum(y_k * w_k) with fixed random weights w_k (so no
 * symmetric cancellation hides an error); the analytic gradient is tf.gradients(ys, xs,
 * grad_ys = w) and the numeric one is the central difference
 *     (f(x + eps·e_j) - f(x - eps·e_j)) / (2·eps)
 * for every element j of every differentiable input.
 *
 * Tolerance: |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|), with
 * float64 defaults eps = 1e-6, atol = 1e-6, rtol = 1e-5 (truncation error ~eps² and rounding
 * error ~1e-16/eps are both far below that). Cases on float32 graphs must pass their own
 * eps/tolerances (e.g. eps 1e-2, atol/rtol 2e-2).
 */
import * as tf from 'tf1-ts';
import { DType } from 'tf1-ts/core/dtypes';
import { RandomStream } from 'tf1-ts/core/random';
import { FuncGraph, Graph, Operation } from 'tf1-ts/graph/graph';

export interface InputSpec {
  /** Concrete shape fed at run time. */
  shape: number[];
  /** Static shape of the placeholder (default: `shape`); null entries are unknown dims. */
  static?: (number | null)[] | null;
  /** Default float64. Integer inputs (labels, indices) are fed but not differentiated. */
  dtype?: DType;
  /** Explicit values (flat, row-major); otherwise random in `range`. */
  values?: readonly number[];
  /** Range of random values (default [-2, 2]). */
  range?: [number, number];
  /** Random values keep at least this distance from 0 (kinks of relu/abs/sign, poles of 1/x). */
  awayFromZero?: number;
  /** Differentiate w.r.t. this input (default: floating dtype). */
  differentiable?: boolean;
}

export interface GradCase {
  name: string;
  inputs: InputSpec[];
  /** Builds the outputs from the input placeholders (in the current default graph). */
  build: (xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
  /** Inputs whose gradient must be null (not connected / not differentiable). */
  expectNull?: number[];
  eps?: number;
  atol?: number;
  rtol?: number;
}

export interface GradReport {
  /** Largest |analytic - numeric| seen. */
  maxAbsErr: number;
  /** Number of partial derivatives compared. */
  compared: number;
  /** Op types in the built graph (including while-loop subgraphs). */
  opTypes: Set<string>;
}

export class GradCheckError extends Error {}

function randomValues(spec: InputSpec, stream: RandomStream): number[] {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.values) {
    if (spec.values.length !== n) throw new GradCheckError(`values has ${spec.values.length} elements, shape [${spec.shape}] needs ${n}`);
    return [...spec.values];
  }
  const [lo, hi] = spec.range ?? [-2, 2];
  const away = spec.awayFromZero ?? 0;
  const out: number[] = [];
  while (out.length < n) {
    const v = lo + (hi - lo) * stream.uniform();
    if (Math.abs(v) < away) continue;
    out.push(spec.dtype?.isInteger ? Math.floor(v) : v);
  }
  return out;
}

function opTypesOf(g: Graph, into = new Set<string>()): Set<string> {
  for (const op of g.get_operations()) {
    into.add(op.type);
    for (const sub of (op as Operation).subgraphs as FuncGraph[]) opTypesOf(sub, into);
  }
  return into;
}

/** Runs one case; throws GradCheckError listing the mismatches. */
export interface CheckOptions {
  /** Run on this backend (default: the session default, the CPU). */
  backend?: import('tf1-ts/backend/backend').Backend;
  /** Build float64-default inputs as float32 instead (for float32 devices), with these tolerances. */
  float32?: { eps: number; atol: number; rtol: number };
}

export function checkGradients(c: GradCase, seed = 1234, opts: CheckOptions = {}): GradReport {
  const f32 = opts.float32;
  const eps = f32 ? Math.max(f32.eps, c.eps ?? 0) : (c.eps ?? 1e-6);
  const atol = f32 ? Math.max(f32.atol, c.atol ?? 0) : (c.atol ?? 1e-6);
  const rtol = f32 ? Math.max(f32.rtol, c.rtol ?? 0) : (c.rtol ?? 1e-5);
  const stream = new RandomStream(seed, 99);
  const g = new tf.Graph();
  using _g = g.as_default();
  const xs = c.inputs.map((s, i) => tf.placeholder(s.dtype ?? (f32 ? DType.float32 : DType.float64), s.static === undefined ? s.shape : s.static, `x${i}`));
  const built = c.build(xs);
  const ys = (Array.isArray(built) ? built : [built]).filter((y) => y.dtype.isFloating);
  if (ys.length === 0) throw new GradCheckError(`${c.name}: no floating output to differentiate`);
  const values = c.inputs.map((s) => randomValues(s, stream));
  const toFeed = (vals: number[][]): Map<tf.Tensor, tf.NDArray> =>
    new Map(xs.map((x, i) => [x, new tf.NDArray((x.dtype as DType).alloc(vals[i].length).map((_, k) => vals[i][k]), c.inputs[i].shape, x.dtype)]));

  using sess = new tf.Session({ graph: g, backend: opts.backend });
  const y0 = sess.run(ys, toFeed(values));
  const ws = y0.map((y) => new tf.NDArray(y.dtype.alloc(y.size).map(() => 0.5 + stream.uniform()), y.shape, y.dtype));
  const wPh = ys.map((y, k) => tf.placeholder(y.dtype, null, `w${k}`));
  const grads = tf.gradients(ys, xs, wPh);
  const feedW = (m: Map<tf.Tensor, tf.NDArray>): Map<tf.Tensor, tf.NDArray> => {
    wPh.forEach((p, k) => m.set(p, ws[k]));
    return m;
  };
  const f = (vals: number[][]): number => {
    const out = sess.run(ys, toFeed(vals));
    let s = 0;
    out.forEach((y, k) => {
      for (let j = 0; j < y.size; j++) s += y.data[j] * ws[k].data[j];
    });
    return s;
  };

  const problems: string[] = [];
  let maxAbsErr = 0;
  let compared = 0;
  c.inputs.forEach((spec, i) => {
    const wantNull = c.expectNull?.includes(i) ?? false;
    const gi = grads[i];
    if (wantNull) {
      if (gi !== null) problems.push(`input ${i}: expected no gradient, got ${gi.toString()}`);
      return;
    }
    const diff = spec.differentiable ?? (spec.dtype ?? DType.float64).isFloating;
    if (!diff) return;
    if (gi === null) {
      problems.push(`input ${i}: gradient is null`);
      return;
    }
    const analytic = sess.run(gi, feedW(toFeed(values)));
    if (analytic.shape.join(',') !== spec.shape.join(',')) problems.push(`input ${i}: gradient shape [${analytic.shape}] != input shape [${spec.shape}]`);
    if (gi.dtype !== xs[i].dtype) problems.push(`input ${i}: gradient dtype ${gi.dtype.name} != input dtype ${xs[i].dtype.name}`);
    const r = compareWithCentralDifferences(analytic, values, i, f, { eps, atol, rtol }, `input ${i}`);
    maxAbsErr = Math.max(maxAbsErr, r.maxAbsErr);
    compared += r.compared;
    problems.push(...r.problems);
  });
  if (problems.length) throw new GradCheckError(`${c.name}:\n  ${problems.slice(0, 12).join('\n  ')}`);
  return { maxAbsErr, compared, opTypes: opTypesOf(g) };
}

/**
 * Compares each element j of input i's analytic gradient with the central difference
 * (f(x + eps·e_j) - f(x - eps·e_j)) / (2·eps) of the projected output f; a mismatch is
 * |analytic - numeric| > atol + rtol * max(|analytic|, |numeric|). Shared by every checker.
 */
export function compareWithCentralDifferences(
  analytic: tf.NDArray,
  values: readonly number[][],
  i: number,
  f: (vals: number[][]) => number,
  tol: { eps: number; atol: number; rtol: number },
  label: string,
): { maxAbsErr: number; compared: number; problems: string[] } {
  const problems: string[] = [];
  let maxAbsErr = 0;
  let compared = 0;
  for (let j = 0; j < values[i].length; j++) {
    const plus = values.map((v) => [...v]);
    const minus = values.map((v) => [...v]);
    plus[i][j] += tol.eps;
    minus[i][j] -= tol.eps;
    const numeric = (f(plus) - f(minus)) / (2 * tol.eps);
    const a = analytic.data[j];
    const err = Math.abs(a - numeric);
    maxAbsErr = Math.max(maxAbsErr, err);
    compared++;
    if (!(err <= tol.atol + tol.rtol * Math.max(Math.abs(a), Math.abs(numeric)))) {
      problems.push(`${label}[${j}]: analytic ${a} vs numeric ${numeric} (|diff| ${err.toExponential(2)})`);
    }
  }
  return { maxAbsErr, compared, problems };
}
