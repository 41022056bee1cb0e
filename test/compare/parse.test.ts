import * as fs from 'fs';
import * as path from 'path';
import { SECTIONS, SECTION_OF_CELL, parseNotebookDump, splitCodeSegment } from '../../notebooks-ported/original/parse';
import { parseNumpyArrays } from '../../cli/compare/numpy-text';
import { ORIGINAL } from './fixtures';

const dir = path.join(__dirname, '..', '..', 'notebooks-ported', 'original');
const byId = new Map(ORIGINAL.map((c) => [c.id, c]));
const out = (id: string): string => {
  const c = byId.get(id);
  if (!c) throw new Error(`missing ${id}`);
  return c.outputs;
};

describe('notebook dump parser', () => {
  test('the committed notebook.json is what parse.ts makes of notebook.txt', () => {
    const fresh = parseNotebookDump(fs.readFileSync(path.join(dir, 'notebook.txt'), 'utf8'));
    expect(fresh).toEqual(ORIGINAL);
  });

  test('cell counts and ids in notebook order', () => {
    expect(ORIGINAL).toHaveLength(63);
    const code = ORIGINAL.filter((c) => c.kind === 'code');
    expect(code).toHaveLength(31);
    expect(code.map((c) => c.id)).toEqual([
      'In [1]', 'In [2]', 'In [3]', 'In [4]', 'In [5]', 'In [16]', 'In [17]', 'In [18]', 'In [20]',
      'In [22]', 'In [23]', 'In [24]', 'In [25]', 'In [26]', 'In [28]', 'In [30]', 'In [32]', 'In [34]',
      'In [36]', 'In [39]', 'In [41]', 'In [None]#1', 'In [None]#2', 'In [None]#3', 'In [None]#4',
      'In [None]#5', 'In [53]', 'In [59]', 'In [60]', 'In [61]', 'In [62]',
    ]);
    expect(code.filter((c) => c.execution_count === null).map((c) => c.id)).toEqual(['In [None]#1', 'In [None]#2', 'In [None]#3', 'In [None]#4', 'In [None]#5']);
    expect(byId.get('In [34]')?.execution_count).toBe(34);
    expect(new Set(ORIGINAL.map((c) => c.id)).size).toBe(ORIGINAL.length);
  });

  test('every cell has a known section; sections follow the brief', () => {
    for (const c of ORIGINAL) expect(SECTIONS).toContain(c.section);
    for (const c of ORIGINAL.filter((x) => x.kind === 'code')) expect(c.section).toBe(SECTION_OF_CELL[c.id]);
    expect(byId.get('In [None]#4')?.section).toBe('time_series');
    expect(byId.get('In [None]#5')?.section).toBe('creative_rnn');
    expect(ORIGINAL[0]).toMatchObject({ kind: 'markdown', section: 'manual_rnn' });
    expect(ORIGINAL[0].source.startsWith('# Basic RNNs in TensorFlow')).toBe(true);
    // Comment on In [53] stays with deep_rnn; the heading after it opens dropout.
    const md = ORIGINAL.filter((c) => c.kind === 'markdown');
    expect(md.find((c) => c.source.startsWith('The states variable'))?.section).toBe('deep_rnn');
    expect(md.find((c) => c.source.startsWith('## Applying Dropout'))?.section).toBe('dropout');
  });

  test('In [4]: code and the two printed [4, 5] arrays', () => {
    const c = byId.get('In [4]');
    expect(c?.source).toBe('#output (4 mini batches (row) x 5 neurons (columns)) x 2 time steps (t=0,1)\nprint(Y0_val) #output at t = 0\nprint(Y1_val) #output at t = 1');
    const lines = out('In [4]').split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[0]).toBe('[[-0.9978484  -0.8388984  -0.9963468   0.99921966  0.9462805 ]');
    expect(lines[7]).toBe(' [-0.99510556 -0.9900733   0.9999999   0.9999997   0.9999914 ]]');
    expect(parseNumpyArrays(out('In [4]')).map((a) => a.shape)).toEqual([[4, 5], [4, 5]]);
  });

  test('In [18]: one [4, 2, 5] array with its blank separator lines', () => {
    const text = out('In [18]');
    expect(text.split('\n')).toHaveLength(11);
    expect(text.startsWith('[[[ 0.85013986')).toBe(true);
    expect(text.endsWith('-0.6362606 ]]]')).toBe(true);
    expect(byId.get('In [18]')?.source).toBe('print(outputs_val)');
    expect(parseNumpyArrays(text).map((a) => a.shape)).toEqual([[4, 2, 5]]);
  });

  test('In [25] and In [26]: padded outputs and final states', () => {
    const o = parseNumpyArrays(out('In [25]'));
    expect(o.map((a) => a.shape)).toEqual([[4, 2, 5]]);
    expect(o[0].values.slice(15, 20)).toEqual([0, 0, 0, 0, 0]);
    const s = parseNumpyArrays(out('In [26]'));
    expect(s.map((a) => a.shape)).toEqual([[4, 5]]);
    expect(s[0].values.slice(0, 5)).toEqual(o[0].values.slice(5, 10));
    expect(out('In [26]').split('\n')[1]).toBe(' [ 0.8977136  -0.76589394 -0.9768165   0.6474266   0.9889001 ]');
  });

  test('In [34]: 21 epoch lines, the last one truncated as stored', () => {
    const lines = out('In [34]').split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe('0 Train accuracy 0.98 Test accuracy: 0.884');
    expect(lines[20]).toBe('20 Train accuracy 0.99333334 Test accura');
    expect(byId.get('In [34]')?.source.split('\n').pop()).toBe('        print(epoch, "Train accuracy", acc_train, "Test accuracy:", acc_test)');
  });

  test('In [32] output is the download log; cells without output have empty outputs', () => {
    expect(out('In [32]').split('\n')).toHaveLength(8);
    expect(out('In [32]').split('\n')[1]).toBe('Extracting tmp/data/train-images-idx3-ubyte.gz');
    for (const id of ['In [1]', 'In [2]', 'In [3]', 'In [16]', 'In [None]#1', 'In [None]#5', 'In [62]']) expect(out(id)).toBe('');
  });

  test('code with blank lines is one cell; prose after it is markdown', () => {
    expect(byId.get('In [16]')?.source.split('\n')).toHaveLength(13);
    expect(byId.get('In [None]#5')?.source).toContain('#print(sequence)');
    expect(byId.get('In [62]')?.source).toBe('gru_cell = tf.nn.rnn_cell.GRUCell(num_units = n_neurons)');
  });

  test('splitCodeSegment on hand-made segments', () => {
    expect(splitCodeSegment(['x = 1', '', 'print(x)', '', '1', '', '', 'Then we print it again here.'])).toEqual({
      code: 'x = 1\n\nprint(x)',
      outputs: '1',
      markdown: 'Then we print it again here.',
    });
    expect(splitCodeSegment(['y = f(2)', '', '## Next section', '', 'Some words about it.'])).toEqual({
      code: 'y = f(2)',
      outputs: '',
      markdown: '## Next section\n\nSome words about it.',
    });
    expect(splitCodeSegment(['load()', '', 'Extracting data/a.gz', 'Extracting data/b.gz', '', 'Now we train the model on it.']).outputs).toBe(
      'Extracting data/a.gz\nExtracting data/b.gz',
    );
  });
});
