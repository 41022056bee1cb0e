/**
 * Canned section scripts and their stdout (markers included), as a correct port would produce
 * them, for the runner and HTML tests. Values come from a seeded generator, not from the
 * original notebook, like a real port's random weights.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MARKER_PREFIX, cellId, type Marker, type PlotSpec } from '../../src/notebook';
import type { NotebookCell, ScriptOutcome, ScriptRunner } from '../../cli/compare/types';

const notebookJson = path.join(__dirname, '..', '..', 'notebooks-ported', 'original', 'notebook.json');
export const ORIGINAL: NotebookCell[] = JSON.parse(fs.readFileSync(notebookJson, 'utf8')) as NotebookCell[];

/** Small deterministic generator (mulberry32) so fixtures are stable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** NumPy-like print of a nested array (enough for the parser: brackets, spaces, blank lines between blocks). */
export function npPrint(values: number[], shape: number[]): string {
  const fmtNum = (v: number): string => (v === 0 ? ' 0.        ' : (v < 0 ? '' : ' ') + v.toFixed(8));
  const rec = (offset: number, dims: number[], depth: number): string => {
    if (dims.length === 1) return '[' + values.slice(offset, offset + dims[0]).map(fmtNum).join(' ') + ']';
    const step = dims.slice(1).reduce((a, b) => a * b, 1);
    const parts: string[] = [];
    for (let i = 0; i < dims[0]; i++) parts.push(rec(offset + i * step, dims.slice(1), depth + 1));
    const sep = (dims.length > 2 ? '\n'.repeat(dims.length - 1) : '\n') + ' '.repeat(depth + 1);
    return '[' + parts.join(sep) + ']';
  };
  return rec(0, shape, 0);
}

const marker = (m: Marker): string => `${MARKER_PREFIX}${JSON.stringify(m)}\n`;

/** Builds a section's script text and stdout together, cell by cell. */
export class Section {
  script = "import { In, plot, metric } from '../src/notebook';\nimport * as tf from '../src';\n\nasync function main(): Promise<void> {\n";
  stdout = '';
  cell(id: number | string, code: string, printed = ''): this {
    const arg = typeof id === 'number' ? String(id) : `'${id}'`;
    this.script += `  In(${arg});\n${code.split('\n').map((l) => `  ${l}`).join('\n')}\n\n`;
    this.stdout += marker({ t: 'in', id: cellId(id) }) + printed;
    return this;
  }
  plot(spec: PlotSpec): this {
    this.stdout += marker({
      t: 'plot',
      plot: { ...spec, series: spec.series.map((s) => ({ name: s.name, x: Array.from(s.x), y: Array.from(s.y), mark: s.mark })) },
    });
    return this;
  }
  metric(name: string, value: number): this {
    this.stdout += marker({ t: 'metric', name, value });
    return this;
  }
  done(): string {
    return `${this.script}}\n\nmain().catch((e) => {\n  console.error(e);\n  process.exit(1);\n});\n`;
  }
}

const tanhValues = (r: () => number, n: number): number[] => Array.from({ length: n }, () => Math.tanh((r() - 0.5) * 6));

/** A correct port of every section. */
export function goodPort(): Record<string, { script: string; outcome: ScriptOutcome }> {
  const r = rng(7);
  const out: Record<string, { script: string; outcome: ScriptOutcome }> = {};
  const add = (name: string, s: Section, code = 0, stderr = ''): void => {
    out[name] = { script: s.done(), outcome: { stdout: s.stdout, stderr, code } };
  };

  add(
    'manual_rnn',
    new Section()
      .cell(1, '// imports are at the top of the file')
      .cell(2, 'const n_inputs = 3;\nconst n_neurons = 5;\nconst X0 = tf.placeholder(tf.float32, [null, n_inputs]);')
      .cell(3, 'const [Y0_val, Y1_val] = await sess.run([Y0, Y1], { feed_dict: [[X0, X0_batch], [X1, X1_batch]] });')
      .cell(4, 'print(Y0_val); // output at t = 0\nprint(Y1_val); // output at t = 1', `${npPrint(tanhValues(r, 20), [4, 5])}\n${npPrint(tanhValues(r, 20), [4, 5])}\n`),
  );
  add('static_unrolling', new Section().cell(5, 'const [output_seqs, states] = tf.nn.rnn(basic_cell, [X0, X1], { dtype: tf.float32 });'));
  add(
    'stacked_inputs',
    new Section()
      .cell(16, 'tf.reset_default_graph();')
      .cell(17, 'const outputs_val = await outputs.eval({ feed_dict: [[X, X_batch]] });')
      .cell(18, 'print(outputs_val);', `${npPrint(tanhValues(r, 40), [4, 2, 5])}\n`),
  );
  add('dynamic_unrolling', new Section().cell(20, 'const [outputs, states] = tf.nn.dynamic_rnn(basic_cell, X, { dtype: tf.float32 });'));

  const outputs = tanhValues(r, 40);
  for (let n = 0; n < 5; n++) outputs[(1 * 2 + 1) * 5 + n] = 0; // instance 1, step 1 is padding
  const lengths = [2, 1, 2, 2];
  const states = lengths.flatMap((len, b) => outputs.slice((b * 2 + len - 1) * 5, (b * 2 + len) * 5));
  add(
    'variable_length',
    new Section()
      .cell(22, 'const seq_length = tf.placeholder(tf.int32, [null]);')
      .cell(23, 'const seq_length_batch = np.array([2, 1, 2, 2]);')
      .cell(24, 'const [output_val, states_val] = await sess.run([outputs, states], { feed_dict });')
      .cell(25, 'print(output_val);', `${npPrint(outputs, [4, 2, 5])}\n`)
      .cell(26, 'print(states_val);', `${npPrint(states, [4, 5])}\n`),
  );

  const epochs = [0.9012, 0.9487, 0.9601];
  const mnist = new Section()
    .cell(28, '// fully_connected and input_data come from the tf1-ts import')
    .cell(30, 'const logits = fully_connected(states, n_outputs, { activation_fn: null });')
    .cell(32, "const mnist = input_data.read_data_sets('tmp/data/');\nmetric('test_examples', X_test.shape[0]);")
    .metric('test_examples', 10000)
    .cell(
      34,
      "for (let epoch = 0; epoch < n_epochs; epoch++) {\n  // ...\n  print(epoch, 'Train accuracy', acc_train, 'Test accuracy:', acc_test);\n}",
      epochs.map((t, e) => `${e} Train accuracy ${(0.94 + e * 0.013).toFixed(8)} Test accuracy: ${t}\n`).join(''),
    );
  add('mnist_classifier', mnist);

  const f = (t: number): number => (t * Math.sin(t)) / 3 + 2 * Math.sin(t * 5);
  let mseLog = '';
  for (let it = 0; it <= 1000; it += 100) mseLog += `${it} \tmse ${(12 * Math.exp(-it / 120) + 0.02).toPrecision(6)}\n`;
  const t0 = 12.2;
  const ts = Array.from({ length: 20 }, (_, k) => t0 + 0.1 * (k + 1));
  const ts_series = new Section()
    .cell(36, 'tf.reset_default_graph();')
    .cell(39, 'const cell = tf.nn.rnn_cell.OutputProjectionWrapper(tf.nn.rnn_cell.BasicRNNCell({ num_units: n_neurons, activation: tf.nn.relu }), { output_size: n_outputs });')
    .cell(41, 'const training_op = optimizer.minimize(loss);')
    .cell('None#1', "for (let iteration = 0; iteration < n_iterations; iteration++) {\n  if (iteration % 100 === 0) print(iteration, '\\tmse', mse);\n}", mseLog)
    .metric('final_mse', 0.0213)
    .cell('None#2', "const y_pred = await sess.run(outputs, { feed_dict: [[X, X_new]] });\nplot({ id: 'time_series_prediction', ... });")
    .plot({
      id: 'time_series_prediction',
      title: 'Testing the model',
      kind: 'line',
      x_label: 'time',
      y_label: 'value',
      series: [
        { name: 'target', x: ts, y: ts.map(f), mark: 'point' },
        { name: 'prediction', x: ts, y: ts.map((t) => f(t) + 0.15 * Math.sin(7 * t)), mark: 'line' },
      ],
    })
    .cell('None#3', 'const [rnn_outputs, states] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32 });')
    .cell('None#4', 'const outputs = tf.reshape(stacked_outputs, [-1, n_steps, n_outputs]);');
  add('time_series', ts_series);

  const seq = [...Array(20).fill(0), ...Array.from({ length: 300 }, (_, k) => 2 * Math.sin(k / 4) + 0.3 * Math.sin(k / 1.3))];
  add(
    'creative_rnn',
    new Section()
      .cell('None#5', "const sequence = new Array(n_steps).fill(0);\nfor (let iteration = 0; iteration < 300; iteration++) { /* ... */ }\nplot({ id: 'creative_sequence', ... });")
      .plot({ id: 'creative_sequence', title: 'Creative sequence', kind: 'line', x_label: 'step', y_label: 'value', series: [{ name: 'sequence', x: seq.map((_, k) => k), y: seq }] }),
  );
  add('deep_rnn', new Section().cell(53, 'const multi_layer_cell = tf.nn.rnn_cell.MultiRNNCell(Array(n_layers).fill(basic_cell));'));
  add('dropout', new Section().cell(59, 'const cell_drop = tf.nn.rnn_cell.DropoutWrapper(cell, { input_keep_prob: keep_prob });'));
  add('lstm', new Section().cell(60, 'const lstm_cell = tf.nn.rnn_cell.BasicLSTMCell({ num_units: n_neurons });'));
  add('peepholes', new Section().cell(61, 'const lstm_cell = tf.nn.rnn_cell.LSTMCell({ num_units: n_neurons, use_peepholes: true });'));
  add('gru', new Section().cell(62, 'const gru_cell = tf.nn.rnn_cell.GRUCell({ num_units: n_neurons });'));
  return out;
}

/** Writes the scripts to a temp dir and returns a runner that answers with the canned stdout. */
export function cannedPort(port: Record<string, { script: string; outcome: ScriptOutcome }>): {
  dir: string;
  runScript: ScriptRunner;
  calls: { file: string; args: string[]; compareEnv: string | undefined }[];
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf1ts-ported-'));
  for (const [name, { script }] of Object.entries(port)) fs.writeFileSync(path.join(dir, `${name}.ts`), script);
  const calls: { file: string; args: string[]; compareEnv: string | undefined }[] = [];
  const runScript: ScriptRunner = async (file, args, env) => {
    calls.push({ file, args, compareEnv: env.TF1TS_COMPARE });
    const name = path.basename(file, '.ts');
    const entry = port[name];
    if (!entry) throw new Error(`no canned output for ${name}`);
    return entry.outcome;
  };
  return { dir, runScript, calls };
}
