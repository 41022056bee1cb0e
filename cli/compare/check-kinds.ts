/**
 * The kinds of checks notebooks-ported/checks.ts declares per cell. Random initial weights differ
 * from the original's, so no check compares raw values of a random run: they compare structure
 * (shapes, zero padding, ranges), relations inside the port's own run (state = last valid output),
 * and trained quality against stated bounds.
 */
import type { Check, CheckContext, CheckOutcome, PlotData, PortedCell } from './types';
import { lastAxisVectors, parseNumpyArrays, shapeText, type ParsedArray } from './numpy-text';

export function check(name: string, description: string, run: (ctx: CheckContext) => CheckOutcome): Check {
  return { name, description, run };
}

const pass = (detail: string): CheckOutcome => ({ ok: true, detail });
const fail = (detail: string): CheckOutcome => ({ ok: false, detail });

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString());

/** The line of a stderr tail that names the error ("TypeError: ..."), else its first line. */
export function errorHeadline(error: string): string {
  const lines = error.split('\n').map((l) => l.trim()).filter(Boolean);
  const named = lines.filter((l) => /^([\w.]*(Error|Exception)\b|Uncaught|Assertion)/.test(l));
  return (named[named.length - 1] ?? lines[0] ?? '').slice(0, 200);
}

export const runsWithoutError = (): Check =>
  check('runs', 'The ported cell runs to its end without an error.', ({ ported }) => {
    if (!ported.reached) return fail(`never reached${ported.error ? `: ${ported.error}` : ''}`);
    if (!ported.completed) return fail(`stopped here${ported.error ? `: ${errorHeadline(ported.error)}` : ''}`);
    return pass('ran to the end of the cell');
  });

export const printsNothing = (): Check =>
  check('prints-nothing', 'Like the original, the cell prints nothing (it only builds or runs the graph).', ({ ported }) => {
    const text = ported.output.trim();
    if (text === '') return pass('no output');
    const lines = text.split('\n');
    return fail(`printed ${lines.length} line(s): ${JSON.stringify(lines[0].slice(0, 80))}`);
  });

const arraysOf = (text: string): ParsedArray[] => parseNumpyArrays(text);

const sameShape = (a: ParsedArray, b: ParsedArray): boolean =>
  a.summarized || b.summarized
    ? a.shape.length === b.shape.length // elided printouts only tell the rank reliably
    : a.shape.length === b.shape.length && a.shape.every((d, k) => d === b.shape[k]);

export const sameArrayShapes = (): Check =>
  check('array-shapes', 'The cell prints as many arrays as the original, each with the same shape.', ({ original, ported }) => {
    const o = arraysOf(original.outputs);
    const p = arraysOf(ported.output);
    const detail = `original ${o.map((a) => shapeText(a.shape)).join(', ') || 'none'}; ported ${p.map((a) => shapeText(a.shape)).join(', ') || 'none'}`;
    if (o.length === 0) return fail(`no array in the original output (${detail})`);
    return o.length === p.length && o.every((a, k) => sameShape(a, p[k])) ? pass(detail) : fail(detail);
  });

export const valuesWithin = (lo: number, hi: number, name: string, description: string): Check =>
  check(name, description, ({ ported }) => {
    const p = arraysOf(ported.output);
    if (p.length === 0) return fail('no array printed');
    const values = p.flatMap((a) => a.values);
    const bad = values.find((v) => !(v >= lo && v <= hi));
    if (bad !== undefined) return fail(`value ${fmt(bad)} outside [${lo}, ${hi}]`);
    return pass(`${values.length} values in [${lo}, ${hi}]`);
  });

export const tanhRange = (): Check =>
  valuesWithin(-1, 1, 'tanh-range', 'Every printed value is a tanh output, so it lies in [-1, 1].');

export const variedValues = (): Check =>
  check('varied', 'The printed values are not all equal (a real computation, not a zero or constant placeholder).', ({ ported }) => {
    const values = arraysOf(ported.output).flatMap((a) => a.values);
    if (values.length === 0) return fail('no array printed');
    const distinct = new Set(values.map((v) => v.toPrecision(6))).size;
    return distinct > 1 ? pass(`${distinct} distinct values`) : fail(`all ${values.length} values equal ${fmt(values[0])}`);
  });

const zeroPositions = (a: ParsedArray): string[] =>
  lastAxisVectors(a)
    .filter((v) => v.values.every((x) => x === 0))
    .map((v) => `[${v.index.join(',')}]`);

export const zeroVectorsAsOriginal = (): Check =>
  check(
    'zero-padding',
    'Exactly the vectors that are all zeros in the original (steps past a sequence length) are all zeros in the port.',
    ({ original, ported }) => {
      const o = arraysOf(original.outputs);
      const p = arraysOf(ported.output);
      if (o.length === 0 || o.length !== p.length) return fail(`original prints ${o.length} array(s), port ${p.length}`);
      const parts: string[] = [];
      let ok = true;
      o.forEach((a, k) => {
        if (!sameShape(a, p[k])) {
          ok = false;
          parts.push(`array ${k}: shapes differ`);
          return;
        }
        const zo = zeroPositions(a).join(' ');
        const zp = zeroPositions(p[k]).join(' ');
        if (zo !== zp) ok = false;
        parts.push(zo === zp ? `zero vectors at ${zo || 'none'} in both` : `original zeros at ${zo || 'none'}, port at ${zp || 'none'}`);
      });
      return { ok, detail: parts.join('; ') };
    },
  );

/**
 * For a [B, N] state printed by this cell and [B, T, N] outputs printed by `outputsCell`: state b
 * equals outputs[b, len_b - 1], where len_b (the sequence lengths) is read from the zero padding
 * of the original's outputs, so a port that pads wrongly cannot pass by being self-consistent.
 */
export const stateIsLastValidOutput = (outputsCell: string, tol = 1e-6): Check =>
  check(
    'state-is-last-output',
    `The final state of each instance equals its output at its last valid time step (${outputsCell}, zero padding excluded).`,
    (ctx) => {
      const states = arraysOf(ctx.ported.output)[0];
      const outCell = ctx.portedCell(outputsCell);
      const outputs = outCell ? arraysOf(outCell.output)[0] : undefined;
      const origOutputs = arraysOf(ctx.originalCell(outputsCell)?.outputs ?? '')[0];
      if (!states || states.shape.length !== 2) return fail('this cell printed no [batch, units] array');
      if (!outputs || outputs.shape.length !== 3) return fail(`${outputsCell} printed no [batch, steps, units] array`);
      if (!origOutputs || origOutputs.shape.length !== 3) return fail(`the original ${outputsCell} has no [batch, steps, units] array`);
      const [B, T, N] = origOutputs.shape;
      if (outputs.shape.join() !== origOutputs.shape.join() || states.shape.join() !== `${B},${N}`) {
        return fail(`shapes: state ${shapeText(states.shape)}, outputs ${shapeText(outputs.shape)}, expected (${B}, ${N}) and ${shapeText(origOutputs.shape)}`);
      }
      const lengths: number[] = [];
      for (let b = 0; b < B; b++) {
        let len = 0;
        for (let t = 0; t < T; t++) {
          const row = origOutputs.values.slice((b * T + t) * N, (b * T + t + 1) * N);
          if (row.some((x) => x !== 0)) len = t + 1;
        }
        lengths.push(len);
      }
      let worst = 0;
      for (let b = 0; b < B; b++) {
        const t = Math.max(lengths[b] - 1, 0);
        for (let n = 0; n < N; n++) {
          worst = Math.max(worst, Math.abs(states.values[b * N + n] - outputs.values[(b * T + t) * N + n]));
        }
      }
      const detail = `sequence lengths ${lengths.join(',')}; max |state - output[len-1]| = ${worst.toExponential(1)}`;
      return worst <= tol ? pass(detail) : fail(detail);
    },
  );

/** A metric's values in call order (empty when the script never reported it). */
export const metricValues = (ported: PortedCell, name: string): number[] => ported.metrics[name] ?? [];

export const metricEquals = (name: string, expected: number, description: string): Check =>
  check(`metric:${name}`, description, ({ ported }) => {
    const v = metricValues(ported, name);
    if (v.length === 0) return fail(`metric('${name}', …) was not reported`);
    const last = v[v.length - 1];
    return last === expected ? pass(`${name} = ${fmt(last)}`) : fail(`${name} = ${fmt(last)}, expected ${fmt(expected)}`);
  });

/**
 * A measured number against a bound. `measure` returns the number, or a string saying why it
 * could not be measured (which fails the check).
 */
export function bounded(opts: {
  name: string;
  description: string;
  op: '>=' | '<=';
  bound: number | ((ctx: CheckContext) => number);
  measure: (ctx: CheckContext) => number | string;
  what: string;
}): Check {
  return check(opts.name, opts.description, (ctx) => {
    const v = opts.measure(ctx);
    if (typeof v === 'string') return fail(v);
    const b = typeof opts.bound === 'number' ? opts.bound : opts.bound(ctx);
    const ok = opts.op === '>=' ? v >= b : v <= b;
    return { ok, detail: `${opts.what} ${fmt(v)} (bound ${opts.op} ${fmt(b)})` };
  });
}

/** Rows of numbers printed one per line, e.g. "3 Train accuracy 0.95 Test accuracy: 0.96". */
export function printedRows(text: string, pattern: RegExp): number[][] {
  const rows: number[][] = [];
  for (const line of text.split('\n')) {
    const m = pattern.exec(line);
    if (m) rows.push(m.slice(1).map(Number));
  }
  return rows;
}

export const findPlot = (ported: PortedCell, id: string): PlotData | undefined => ported.plots.find((p) => p.id === id);

/** The plot with `id` exists and passes `validate` (which returns a problem, or null). */
export const plotPresent = (id: string, description: string, validate: (p: PlotData) => string | null = () => null): Check =>
  check(`plot:${id}`, description, ({ ported }) => {
    const p = findPlot(ported, id);
    if (!p) return fail(`no plot({ id: '${id}', … }) call (plots: ${ported.plots.map((q) => q.id).join(', ') || 'none'})`);
    const problem = validate(p);
    return problem ? fail(problem) : pass(`${p.series.length} series: ${p.series.map((s) => `${s.name} (${s.y.length})`).join(', ')}`);
  });
