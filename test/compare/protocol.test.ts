import { In, MARKER_PREFIX, cellId, compareEnabled, metric, plot } from '../../src/notebook';
import { parseMarkedStdout, stripAnsi } from '../../cli/compare/markers';
import { cellCodeFromScript } from '../../cli/compare/script-code';

/** Captures what the protocol writes to stdout while fn runs with TF1TS_COMPARE set to value. */
function capture(value: string | undefined, fn: () => void): string {
  const saved = process.env.TF1TS_COMPARE;
  if (value === undefined) delete process.env.TF1TS_COMPARE;
  else process.env.TF1TS_COMPARE = value;
  let written = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
    if (saved === undefined) delete process.env.TF1TS_COMPARE;
    else process.env.TF1TS_COMPARE = saved;
  }
  return written;
}

const script = (): void => {
  In(4);
  plot({ id: 'p', kind: 'line', series: [{ name: 's', x: new Float32Array([0, 1]), y: [NaN, 2] }] });
  metric('acc', 0.9);
  metric('acc', Infinity);
  In('None#2');
};

describe('src/notebook protocol', () => {
  test('cell ids are normalized', () => {
    expect(cellId(4)).toBe('In [4]');
    expect(cellId('18')).toBe('In [18]');
    expect(cellId('None#2')).toBe('In [None]#2');
    expect(cellId('[None]#2')).toBe('In [None]#2');
    expect(cellId('In [None]#5')).toBe('In [None]#5');
  });

  test('silent without TF1TS_COMPARE (and with 0 / empty)', () => {
    expect(capture(undefined, script)).toBe('');
    expect(capture('0', script)).toBe('');
    expect(capture('', script)).toBe('');
    expect(compareEnabled({ TF1TS_COMPARE: 'false' })).toBe(false);
  });

  test('with TF1TS_COMPARE set, each call writes one marker line', () => {
    const out = capture('1', script);
    const lines = out.split('\n').filter(Boolean);
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(l.startsWith(MARKER_PREFIX)).toBe(true);
    expect(JSON.parse(lines[0].slice(MARKER_PREFIX.length))).toEqual({ t: 'in', id: 'In [4]' });
    expect(JSON.parse(lines[1].slice(MARKER_PREFIX.length)).plot.series[0]).toEqual({ name: 's', x: [0, 1], y: [null, 2] });
    expect(JSON.parse(lines[3].slice(MARKER_PREFIX.length))).toEqual({ t: 'metric', name: 'acc', value: 'Infinity' });
    const parsed = parseMarkedStdout(out);
    expect(parsed.order).toEqual(['In [4]', 'In [None]#2']);
    expect(parsed.cells.get('In [4]')?.metrics).toEqual({ acc: [0.9, Infinity] });
  });
});

describe('marker parsing', () => {
  const m = (o: object): string => `${MARKER_PREFIX}${JSON.stringify(o)}\n`;

  test('splits output by cell, keeps a line cut by a marker with the cell before, reports bad markers', () => {
    const stdout =
      'loading\n' +
      m({ t: 'in', id: 'In [1]' }) +
      'a\nb' +
      m({ t: 'in', id: 'In [2]' }) +
      '\u001b[32mgreen\u001b[0m\n' +
      m({ t: 'metric', name: 'x', value: 1 }) +
      `${MARKER_PREFIX}{broken\n` +
      m({ t: 'in', id: 'In [1]' }) +
      'again\n';
    const p = parseMarkedStdout(stdout);
    expect(p.preamble.output).toBe('loading\n');
    expect(p.cells.get('In [1]')?.output).toBe('a\nbagain\n');
    expect(p.cells.get('In [2]')?.output).toBe('green\n');
    expect(p.cells.get('In [2]')?.metrics).toEqual({ x: [1] });
    expect(p.order).toEqual(['In [1]', 'In [2]', 'In [1]']);
    expect(p.bad).toEqual(['{broken']);
    expect(stripAnsi('\u001b[1;31mred\u001b[0m')).toBe('red');
  });
});

describe('ported code per cell', () => {
  test('lines between In() calls, dedented, up to the end of a wrapping main()', () => {
    const src = [
      "import { In } from '../src/notebook';",
      '',
      'async function main() {',
      '  In(1);',
      '  // imports are above',
      '',
      '  In(2);',
      '  const a = 1;',
      '  if (a) {',
      '    print(a);',
      '  }',
      "  nb.In('None#2') // the prediction",
      '  await run();',
      '}',
      '',
      'main();',
    ].join('\n');
    const { preamble, cells } = cellCodeFromScript(src);
    expect(preamble).toBe("import { In } from '../src/notebook';\n\nasync function main() {");
    expect(cells.get('In [1]')).toBe('// imports are above');
    expect(cells.get('In [2]')).toBe('const a = 1;\nif (a) {\n  print(a);\n}');
    expect(cells.get('In [None]#2')).toBe('await run();');
  });
});
