import { CHECKS } from '../../notebooks-ported/checks';
import type { Check, CheckContext, CheckOutcome, PlotData, PortedCell } from '../../cli/compare/types';
import {
  metricEquals,
  printsNothing,
  runsWithoutError,
  sameArrayShapes,
  stateIsLastValidOutput,
  tanhRange,
  variedValues,
  zeroVectorsAsOriginal,
} from '../../cli/compare/check-kinds';
import { ORIGINAL, npPrint } from './fixtures';

const originalById = new Map(ORIGINAL.map((c) => [c.id, c]));

function ported(id: string, over: Partial<PortedCell> = {}): PortedCell {
  return { id, section: originalById.get(id)?.section ?? '', reached: true, completed: true, output: '', metrics: {}, plots: [], code: '', ...over };
}

/** Context for cell `id` with the given ported cells (others: unreached). */
function ctx(id: string, cells: PortedCell[]): CheckContext {
  const byId = new Map(cells.map((c) => [c.id, c]));
  const original = originalById.get(id);
  if (!original) throw new Error(`no original ${id}`);
  return { id, original, ported: byId.get(id) ?? ported(id, { reached: false, completed: false }), originalCell: (k) => originalById.get(k), portedCell: (k) => byId.get(k) };
}

const run = (check: Check, c: CheckContext): CheckOutcome => check.run(c);
const named = (id: string, name: string): Check => {
  const c = CHECKS[id].checks.find((k) => k.name === name);
  if (!c) throw new Error(`${id} has no check ${name}`);
  return c;
};

describe('check table', () => {
  test('every code cell of the notebook has checks, each with a sentence', () => {
    const codeIds = ORIGINAL.filter((c) => c.kind === 'code').map((c) => c.id);
    expect(Object.keys(CHECKS).sort()).toEqual([...codeIds].sort());
    for (const id of codeIds) {
      expect(CHECKS[id].checks.length).toBeGreaterThan(0);
      expect(CHECKS[id].checks[0].name).toBe('runs');
      for (const c of CHECKS[id].checks) expect(c.description).toMatch(/^[A-Z].*\.$/);
    }
  });

  test("the original's own printed output passes its cell's output checks", () => {
    const asPorted = (id: string): PortedCell => ported(id, { output: originalById.get(id)?.outputs ?? '' });
    const cells = ['In [4]', 'In [18]', 'In [25]', 'In [26]', 'In [34]'].map(asPorted);
    for (const id of ['In [4]', 'In [18]', 'In [25]', 'In [26]', 'In [34]']) {
      for (const c of CHECKS[id].checks) expect([id, c.name, run(c, ctx(id, cells)).ok]).toEqual([id, c.name, true]);
    }
  });
});

describe('runs / prints nothing', () => {
  test('runs: reached and completed passes; stopped or never reached fails', () => {
    expect(run(runsWithoutError(), ctx('In [2]', [ported('In [2]')])).ok).toBe(true);
    const stopped = run(runsWithoutError(), ctx('In [2]', [ported('In [2]', { completed: false, error: 'TypeError: x is not a function\n(exit 1)' })]));
    expect(stopped).toEqual({ ok: false, detail: 'stopped here: TypeError: x is not a function' });
    expect(run(runsWithoutError(), ctx('In [2]', [])).detail).toMatch(/never reached/);
  });

  test('prints nothing: empty or whitespace passes, any text fails', () => {
    expect(run(printsNothing(), ctx('In [2]', [ported('In [2]', { output: '\n' })])).ok).toBe(true);
    const bad = run(printsNothing(), ctx('In [2]', [ported('In [2]', { output: 'Tensor("Tanh:0")\n' })]));
    expect(bad.ok).toBe(false);
    expect(bad.detail).toContain('Tensor');
  });
});

describe('array checks', () => {
  const good4 = `${npPrint([0.1, -0.2, 0.3, 0.9, -1, 0.5, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [4, 5])}\n${npPrint(new Array(20).fill(0.25), [4, 5])}`;

  test('same shapes: good port passes, wrong shape or missing array fails', () => {
    expect(run(sameArrayShapes(), ctx('In [4]', [ported('In [4]', { output: good4 })]))).toEqual({ ok: true, detail: 'original (4, 5), (4, 5); ported (4, 5), (4, 5)' });
    const transposed = `${npPrint(new Array(20).fill(0.1), [5, 4])}\n${npPrint(new Array(20).fill(0.1), [4, 5])}`;
    expect(run(sameArrayShapes(), ctx('In [4]', [ported('In [4]', { output: transposed })])).ok).toBe(false);
    expect(run(sameArrayShapes(), ctx('In [4]', [ported('In [4]', { output: npPrint(new Array(20).fill(0.1), [4, 5]) })])).ok).toBe(false);
  });

  test('tanh range: values in [-1, 1] pass; 1.5 or nan fail', () => {
    expect(run(tanhRange(), ctx('In [4]', [ported('In [4]', { output: good4 })])).ok).toBe(true);
    expect(run(tanhRange(), ctx('In [4]', [ported('In [4]', { output: '[[0.5 1.5]]' })]))).toEqual({ ok: false, detail: 'value 1.5 outside [-1, 1]' });
    expect(run(tanhRange(), ctx('In [4]', [ported('In [4]', { output: '[[0.5 nan]]' })])).ok).toBe(false);
    expect(run(tanhRange(), ctx('In [4]', [ported('In [4]', { output: 'done' })])).ok).toBe(false);
  });

  test('varied: a constant printout fails', () => {
    expect(run(variedValues(), ctx('In [4]', [ported('In [4]', { output: good4 })])).ok).toBe(true);
    expect(run(variedValues(), ctx('In [4]', [ported('In [4]', { output: npPrint(new Array(20).fill(0), [4, 5]) })])).ok).toBe(false);
  });

  const outputs = (zeroAt: number[][]): number[] => {
    const v = Array.from({ length: 40 }, (_, k) => Math.tanh(Math.sin(k * 1.7) * 2));
    for (const [b, t] of zeroAt) for (let n = 0; n < 5; n++) v[(b * 2 + t) * 5 + n] = 0;
    return v;
  };

  test('zero padding: zeros exactly at [1,1] pass; missing or extra zeros fail', () => {
    const good = ported('In [25]', { output: npPrint(outputs([[1, 1]]), [4, 2, 5]) });
    expect(run(zeroVectorsAsOriginal(), ctx('In [25]', [good]))).toEqual({ ok: true, detail: 'zero vectors at [1,1] in both' });
    const none = ported('In [25]', { output: npPrint(outputs([]), [4, 2, 5]) });
    expect(run(zeroVectorsAsOriginal(), ctx('In [25]', [none]))).toEqual({ ok: false, detail: 'original zeros at [1,1], port at none' });
    const extra = ported('In [25]', { output: npPrint(outputs([[1, 1], [3, 1]]), [4, 2, 5]) });
    expect(run(zeroVectorsAsOriginal(), ctx('In [25]', [extra])).ok).toBe(false);
  });

  test('state equals last valid output: good pass; state taken from the padded step fails', () => {
    const out = outputs([[1, 1]]);
    const lengths = [2, 1, 2, 2];
    const good = lengths.flatMap((len, b) => out.slice((b * 2 + len - 1) * 5, (b * 2 + len) * 5));
    const lastStep = [0, 1, 2, 3].flatMap((b) => out.slice((b * 2 + 1) * 5, (b * 2 + 2) * 5)); // ignores lengths
    const check = stateIsLastValidOutput('In [25]');
    const cells = (state: number[]): PortedCell[] => [
      ported('In [25]', { output: npPrint(out, [4, 2, 5]) }),
      ported('In [26]', { output: npPrint(state, [4, 5]) }),
    ];
    const ok = run(check, ctx('In [26]', cells(good)));
    expect(ok.ok).toBe(true);
    expect(ok.detail).toMatch(/^sequence lengths 2,1,2,2/);
    expect(run(check, ctx('In [26]', cells(lastStep))).ok).toBe(false);
    expect(run(check, ctx('In [26]', [ported('In [26]', { output: npPrint(good, [4, 5]) })])).detail).toMatch(/In \[25\] printed no/);
  });
});

describe('metric and training checks', () => {
  test('metric equals: reported value passes, wrong or missing fails', () => {
    const c = metricEquals('test_examples', 10000, 'The test set has 10,000 images.');
    expect(run(c, ctx('In [32]', [ported('In [32]', { metrics: { test_examples: [10000] } })])).ok).toBe(true);
    expect(run(c, ctx('In [32]', [ported('In [32]', { metrics: { test_examples: [5000] } })])).ok).toBe(false);
    expect(run(c, ctx('In [32]', [ported('In [32]', {})])).detail).toMatch(/not reported/);
  });

  const epochs = (tests: number[]): string => tests.map((t, e) => `${e} Train accuracy 0.96 Test accuracy: ${t}`).join('\n') + '\n';

  test('MNIST: a port that learns as fast as the original passes every bound', () => {
    const cell = ported('In [34]', { output: epochs([0.9012, 0.9487, 0.9601]) });
    for (const name of ['epoch-lines', 'epoch0-test-accuracy', 'best-test-accuracy', 'no-collapse']) {
      expect([name, run(named('In [34]', name), ctx('In [34]', [cell])).ok]).toEqual([name, true]);
    }
    expect(run(named('In [34]', 'epoch0-test-accuracy'), ctx('In [34]', [cell])).detail).toBe('epoch-0 test accuracy 0.9012 (bound >= 0.844)');
    expect(run(named('In [34]', 'best-test-accuracy'), ctx('In [34]', [cell])).detail).toBe('best test accuracy 0.9601 (bound >= 0.9356)');
  });

  test('MNIST: slow learning, collapse and a wrong format fail', () => {
    const slow = ported('In [34]', { output: epochs([0.62, 0.81]) });
    expect(run(named('In [34]', 'epoch0-test-accuracy'), ctx('In [34]', [slow])).ok).toBe(false);
    expect(run(named('In [34]', 'best-test-accuracy'), ctx('In [34]', [slow])).ok).toBe(false);
    const collapse = ported('In [34]', { output: epochs([0.9, 0.95, 0.11]) });
    expect(run(named('In [34]', 'no-collapse'), ctx('In [34]', [collapse])).ok).toBe(false);
    const format = ported('In [34]', { output: 'epoch 0: acc 0.9\n' });
    expect(run(named('In [34]', 'epoch-lines'), ctx('In [34]', [format])).ok).toBe(false);
    expect(run(named('In [34]', 'epoch0-test-accuracy'), ctx('In [34]', [format])).ok).toBe(false);
  });

  test('MNIST: metrics stand in when nothing is printed', () => {
    const cell = ported('In [34]', { metrics: { test_accuracy: [0.9, 0.95] } });
    expect(run(named('In [34]', 'epoch0-test-accuracy'), ctx('In [34]', [cell])).ok).toBe(true);
  });

  const mseLines = (values: number[]): string => values.map((v, k) => `${k * 100} \tmse ${v}`).join('\n');

  test('time-series training: falling MSE passes, flat or high MSE fails', () => {
    const good = ported('In [None]#1', { output: mseLines([13.2, 0.5, 0.08, 0.03]) });
    for (const name of ['mse-lines', 'mse-decreases', 'final-mse']) expect([name, run(named('In [None]#1', name), ctx('In [None]#1', [good])).ok]).toEqual([name, true]);
    const flat = ported('In [None]#1', { output: mseLines([13.2, 12.9, 12.5]) });
    expect(run(named('In [None]#1', 'mse-decreases'), ctx('In [None]#1', [flat])).ok).toBe(false);
    expect(run(named('In [None]#1', 'final-mse'), ctx('In [None]#1', [flat])).ok).toBe(false);
    const metricOnly = ported('In [None]#1', { output: mseLines([13.2, 0.5, 0.3]), metrics: { final_mse: [0.004] } });
    expect(run(named('In [None]#1', 'final-mse'), ctx('In [None]#1', [metricOnly])).detail).toBe('final MSE 0.004 (bound <= 0.1)');
    const skipped = ported('In [None]#1', { output: '0 \tmse 13\n200 \tmse 1\n' });
    expect(run(named('In [None]#1', 'mse-lines'), ctx('In [None]#1', [skipped])).ok).toBe(false);
  });

  test("time-series training beside TF 1.x's run of the same model: within a factor of 2 from iteration 500", () => {
    const check = named('In [None]#1', 'as-tf1');
    // 15 values, 0..1400: a plateau at 0.05 (TF 1.x's mean over 500..1400 is 0.0485).
    const curve = (plateau: number): number[] => [13, 0.6, 0.2, 0.1, 0.07, ...Array<number>(10).fill(plateau)];
    const like = run(check, ctx('In [None]#1', [ported('In [None]#1', { output: mseLines(curve(0.05)) })]));
    expect(like).toEqual({ ok: true, detail: 'mean MSE over iterations 500..1400: ported 0.0500, TF 1.x 0.0485 (ratio 1.03, bound 0.50..2)' });
    expect(run(check, ctx('In [None]#1', [ported('In [None]#1', { output: mseLines(curve(0.15)) })])).ok).toBe(false);
    expect(run(check, ctx('In [None]#1', [ported('In [None]#1', { output: mseLines(curve(0.02)) })])).ok).toBe(false);
    // Only the iterations both runs logged count: 600 iterations compare 500 alone.
    expect(run(check, ctx('In [None]#1', [ported('In [None]#1', { output: mseLines([13, 0.6, 0.2, 0.1, 0.07, 0.09]) })])).detail)
      .toBe('mean MSE over iterations 500..500: ported 0.0900, TF 1.x 0.0594 (ratio 1.52, bound 0.50..2)');
    const short = run(check, ctx('In [None]#1', [ported('In [None]#1', { output: mseLines([13, 0.6]) })]));
    expect(short).toEqual({ ok: false, detail: "no MSE logged at iteration 500 or later to set beside TF 1.x's" });
  });

  test('time-series training derives an MSE curve plot', () => {
    const good = ported('In [None]#1', { output: mseLines([13.2, 0.5, 0.08]) });
    const plots = CHECKS['In [None]#1'].plots?.(ctx('In [None]#1', [good])) ?? [];
    expect(plots.map((p) => [p.id, p.y_scale, p.series[0].y])).toEqual([['time_series_mse', 'log', [13.2, 0.5, 0.08]]]);
  });
});

describe('plot checks', () => {
  const xs = Array.from({ length: 20 }, (_, k) => k);
  const prediction = (offset: number, names = ['target', 'prediction']): PlotData => ({
    id: 'time_series_prediction',
    series: [
      { name: names[0], x: xs, y: xs.map((x) => Math.sin(x)) },
      { name: names[1], x: xs, y: xs.map((x) => Math.sin(x) + offset) },
    ],
  });

  test('prediction plot: close predictions pass; far ones, missing series or no plot fail', () => {
    const good = ported('In [None]#2', { plots: [prediction(0.1)] });
    expect(run(named('In [None]#2', 'plot:time_series_prediction'), ctx('In [None]#2', [good])).ok).toBe(true);
    expect(run(named('In [None]#2', 'prediction-mse'), ctx('In [None]#2', [good])).ok).toBe(true);
    const far = ported('In [None]#2', { plots: [prediction(1)] });
    expect(run(named('In [None]#2', 'prediction-mse'), ctx('In [None]#2', [far])).ok).toBe(false);
    const unnamed = ported('In [None]#2', { plots: [prediction(0, ['a', 'b'])] });
    expect(run(named('In [None]#2', 'plot:time_series_prediction'), ctx('In [None]#2', [unnamed])).ok).toBe(false);
    expect(run(named('In [None]#2', 'plot:time_series_prediction'), ctx('In [None]#2', [ported('In [None]#2')])).detail).toMatch(/no plot/);
  });

  const creativePlot = (y: (number | null)[]): PlotData => ({ id: 'creative_sequence', series: [{ name: 'sequence', x: y.map((_, k) => k), y }] });
  const seq = (gen: (k: number) => number | null): (number | null)[] => [...new Array(20).fill(0), ...Array.from({ length: 300 }, (_, k) => gen(k))];

  test('creative sequence: 320 values, zero seed, moving continuation', () => {
    const good = ported('In [None]#5', { plots: [creativePlot(seq((k) => Math.sin(k / 5)))] });
    for (const name of ['plot:creative_sequence', 'seed-zeros', 'not-flat']) expect([name, run(named('In [None]#5', name), ctx('In [None]#5', [good])).ok]).toEqual([name, true]);
    const flat = ported('In [None]#5', { plots: [creativePlot(seq(() => 0.3))] });
    expect(run(named('In [None]#5', 'not-flat'), ctx('In [None]#5', [flat])).ok).toBe(false);
    const short = ported('In [None]#5', { plots: [creativePlot(seq((k) => k).slice(20))] });
    expect(run(named('In [None]#5', 'plot:creative_sequence'), ctx('In [None]#5', [short])).ok).toBe(false);
    expect(run(named('In [None]#5', 'seed-zeros'), ctx('In [None]#5', [short])).ok).toBe(false);
    const nonFinite = ported('In [None]#5', { plots: [creativePlot(seq((k) => (k === 5 ? null : 1)))] });
    expect(run(named('In [None]#5', 'plot:creative_sequence'), ctx('In [None]#5', [nonFinite])).ok).toBe(false);
  });
});
