import * as fs from 'fs';
import * as path from 'path';
import { collectSection, isImportCell, runCompare } from '../../cli/compare';
import { MARKER_PREFIX } from '../../src/notebook';
import { ORIGINAL, Section, cannedPort, goodPort, npPrint } from './fixtures';

const quietTerminal = { columns: 120, color: false };

describe('runCompare with a fake runScript', () => {
  test('a correct port passes every cell; scripts get TF1TS_COMPARE and the script args', async () => {
    const { dir, runScript, calls } = cannedPort(goodPort());
    let text = '';
    const result = await runCompare({ portedDir: dir, runScript, scriptArgs: ['--epochs', '3'], write: (s) => (text += s), terminal: quietTerminal });
    expect(result.cells).toHaveLength(31);
    expect(result.cells.filter((c) => !c.ok).map((c) => [c.id, c.checks.filter((k) => !k.ok)])).toEqual([]);
    expect([result.passed, result.failed]).toEqual([31, 0]);
    expect(calls).toHaveLength(13);
    expect(calls[0]).toEqual({ file: path.join(dir, 'manual_rnn.ts'), args: ['--epochs', '3'], compareEnv: '1' });
    expect(text.trimEnd().split('\n').pop()).toBe('31 passed, 0 failed');
    // Ported code beside the original, in two columns.
    expect(text).toMatch(/\n#output \(4 mini batches.* │ print\(Y0_val\); \/\/ output at t = 0\n/);
    expect(text).toContain('✓ In [25]   passed: runs, array-shapes, tanh-range, zero-padding');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
    // Plots from plot() and derived training curves are attached to their cells.
    const plots = result.cells.flatMap((c) => c.plots.map((p) => `${c.id}:${p.id}`));
    expect(plots).toEqual(['In [34]:mnist_accuracy', 'In [None]#1:time_series_mse', 'In [None]#2:time_series_prediction', 'In [None]#5:creative_sequence']);
  });

  test('section filter runs only those scripts and checks only their cells', async () => {
    const { dir, runScript, calls } = cannedPort(goodPort());
    const result = await runCompare({ sections: ['variable_length'], portedDir: dir, runScript, write: () => undefined });
    expect(calls.map((c) => path.basename(c.file))).toEqual(['variable_length.ts']);
    expect(result.cells.map((c) => c.id)).toEqual(['In [22]', 'In [23]', 'In [24]', 'In [25]', 'In [26]']);
    expect(result.markdown.every((m) => m.section === 'variable_length')).toBe(true);
    await expect(runCompare({ sections: ['nope'], portedDir: dir, runScript, write: () => undefined })).rejects.toThrow(/unknown section\(s\): nope/);
  });

  test('bugs show up as failed checks: no zero padding, a crash, a missing script', async () => {
    const port = goodPort();
    // variable_length without sequence_length handling: no zero vector, state = last step.
    const out = Array.from({ length: 40 }, (_, k) => Math.tanh(Math.cos(k)));
    const lastStep = [0, 1, 2, 3].flatMap((b) => out.slice((b * 2 + 1) * 5, (b * 2 + 2) * 5));
    const vl = new Section()
      .cell(22, 'x')
      .cell(23, 'x')
      .cell(24, 'x')
      .cell(25, 'print(output_val);', npPrint(out, [4, 2, 5]) + '\n')
      .cell(26, 'print(states_val);', npPrint(lastStep, [4, 5]) + '\n');
    port.variable_length = { script: vl.done(), outcome: { stdout: vl.stdout, stderr: '', code: 0 } };
    // manual_rnn crashes inside In [3].
    const mr = new Section().cell(1, 'x').cell(2, 'x').cell(3, 'await sess.run(...)');
    port.manual_rnn = { script: mr.done(), outcome: { stdout: mr.stdout, stderr: 'Error: You must feed a value for placeholder tensor\n    at Session.run\n', code: 1 } };
    const { dir, runScript, calls } = cannedPort(port);
    fs.unlinkSync(path.join(dir, 'gru.ts'));
    let text = '';
    const result = await runCompare({ portedDir: dir, runScript, write: (s) => (text += s), terminal: quietTerminal });
    const failed = (id: string): string[] => result.cells.find((c) => c.id === id)?.checks.filter((c) => !c.ok).map((c) => c.name) ?? ['?'];
    expect(failed('In [25]')).toEqual(['zero-padding']);
    expect(failed('In [26]')).toEqual(['state-is-last-output']);
    expect(failed('In [2]')).toEqual([]);
    expect(failed('In [3]')).toEqual(['runs']);
    expect(failed('In [4]')).toEqual(['runs', 'array-shapes', 'tanh-range', 'varied']);
    expect(failed('In [62]')).toEqual(['runs', 'prints-nothing']);
    expect(result.cells.find((c) => c.id === 'In [3]')?.ported.error).toContain('You must feed a value');
    const runsDetail = (id: string): string | undefined => result.cells.find((c) => c.id === id)?.checks[0].detail;
    expect(runsDetail('In [3]')).toBe('stopped here: Error: You must feed a value for placeholder tensor');
    expect(runsDetail('In [4]')).toBe('never reached: the script stopped earlier (exit 1)');
    expect(runsDetail('In [62]')).toBe('never reached: script missing: gru.ts is not ported yet');
    expect(calls.map((c) => path.basename(c.file))).not.toContain('gru.ts');
    expect(result.sections.find((s) => s.section === 'gru')?.exists).toBe(false);
    expect([result.passed, result.failed]).toEqual([26, 5]);
    expect(text.trimEnd().split('\n').pop()).toBe('26 passed, 5 failed');
    expect(text).toContain('✗ In [25]   failed: zero-padding   passed: runs, array-shapes, tanh-range');
    expect(text).toContain('gru.ts: script missing');
  });

  test('a throwing runner and unknown cell ids are reported, not fatal', async () => {
    const port = goodPort();
    const { dir } = cannedPort(port);
    const result = await runCompare({
      sections: ['gru', 'lstm'],
      portedDir: dir,
      write: () => undefined,
      runScript: async (file) => {
        if (file.endsWith('gru.ts')) throw new Error('spawn ENOENT');
        return { stdout: `${MARKER_PREFIX}{"t":"in","id":"In [60]"}\n${MARKER_PREFIX}{"t":"in","id":"In [99]"}\n`, stderr: '', code: 0 };
      },
    });
    expect(result.sections.find((s) => s.section === 'gru')?.problems[0]).toMatch(/failed before its first In\(\).*spawn ENOENT/);
    expect(result.sections.find((s) => s.section === 'lstm')?.problems).toEqual(["In('In [99]') names no code cell of the notebook"]);
    expect(result.cells.map((c) => [c.id, c.ok])).toEqual([['In [60]', true], ['In [62]', false]]);
  });

  test('an import-only cell without In() takes the script lines before the first In()', async () => {
    const port = goodPort();
    const mr = new Section().cell(2, 'const n_inputs = 3;').cell(3, 'x').cell(4, 'print(Y0_val);\nprint(Y1_val);', port.manual_rnn.outcome.stdout.split('\n').filter((l) => l.startsWith('[') || l.startsWith(' [')).join('\n') + '\n');
    port.manual_rnn = { script: mr.done(), outcome: { stdout: mr.stdout, stderr: '', code: 0 } };
    const { dir, runScript } = cannedPort(port);
    const result = await runCompare({ sections: ['manual_rnn'], portedDir: dir, runScript, write: () => undefined });
    const first = result.cells[0];
    expect(first.id).toBe('In [1]');
    expect(first.ok).toBe(true);
    expect(first.ported.code).toBe("import { In, plot, metric } from '../src/notebook';\nimport * as tf from '../src';\n\nasync function main(): Promise<void> {");
    expect(result.cells.map((c) => c.ok)).toEqual([true, true, true, true]);
    expect(isImportCell(ORIGINAL[1])).toBe(true);
    expect(ORIGINAL.filter((c) => c.kind === 'code' && isImportCell(c)).map((c) => c.id)).toEqual(['In [1]', 'In [28]']);
  });

  test('collectSection: the last entered cell takes the blame for a failed exit', () => {
    const s = new Section().cell(28, 'a').cell(30, 'b', 'warn\n');
    const { cells, run } = collectSection('mnist_classifier', '/x/mnist_classifier.ts', s.done(), { stdout: s.stdout, stderr: 'boom\n', code: 2 }, new Set(['In [28]', 'In [30]']));
    expect(cells.get('In [28]')).toMatchObject({ reached: true, completed: true, code: 'a' });
    expect(cells.get('In [30]')).toMatchObject({ reached: true, completed: false, output: 'warn\n', error: 'boom\n(exit 2)' });
    expect(run).toMatchObject({ exists: true, code: 2, problems: [] });
  });
});

describe('with a real child process', () => {
  test('markers from src/notebook interleave with console.log through a pipe', async () => {
    const { spawn } = await import('child_process');
    const notebook = path.join(__dirname, '..', '..', 'src', 'notebook');
    const script = [
      `import { In, metric } from ${JSON.stringify(notebook)};`,
      'In(60);',
      "console.log('lstm built');",
      "process.stdout.write('no newline');",
      "In('61');",
      'metric("units", 100);',
      'In(62);',
      "throw new Error('GRUCell is not implemented');",
    ].join('\n');
    const { dir } = cannedPort({ lstm: { script, outcome: { stdout: '', stderr: '', code: 0 } } });
    const runScript = (file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; code: number | null }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ stdout, stderr, code }));
      });
    const result = await runCompare({ sections: ['lstm'], portedDir: dir, runScript, write: () => undefined });
    expect(result.sections[0].problems).toEqual([]);
    expect(result.sections[0].code).toBe(1);
    const cell = result.cells[0];
    expect(cell.ported.output).toBe('lstm built\nno newline');
    expect(cell.ported.code).toBe("console.log('lstm built');\nprocess.stdout.write('no newline');");
    expect(cell.checks.map((c) => `${c.name}=${c.ok}`)).toEqual(['runs=true', 'prints-nothing=false']);
  });
});

describe('compareCommand', () => {
  test('bad usage returns 2 before running anything', async () => {
    const { compareCommand } = await import('../../cli/compare/command');
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await compareCommand(['lstm'], { epochs: 'many' })).toBe(2);
      expect(await compareCommand(['no_such_section'], {})).toBe(2);
      expect(err.mock.calls.map((c) => String(c[0]))).toEqual([
        "rnn compare: --epochs must be a positive integer, got 'many'\n",
        expect.stringMatching(/^rnn compare: unknown section\(s\): no_such_section; sections are: manual_rnn, /),
      ]);
    } finally {
      err.mockRestore();
    }
  });
});
