/**
 * `rnn compare [section]`: runs the ported section scripts, splits their stdout into notebook
 * cells at the In() markers (src/notebook), and checks every code cell against the original
 * notebook (notebooks-ported/original/notebook.json) with the checks of notebooks-ported/checks.ts.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CHECKS } from '../../notebooks-ported/checks';
import { SECTIONS } from '../../notebooks-ported/original/parse';
import { parseMarkedStdout, type CellCapture } from './markers';
import { renderPlots } from './plots';
import { renderHtml } from './render-html';
import { renderTerminal, type TerminalOptions } from './render-terminal';
import { cellCodeFromScript } from './script-code';
import type {
  CellResult,
  CheckContext,
  CheckResult,
  CheckTable,
  CompareResult,
  NotebookCell,
  PortedCell,
  ScriptOutcome,
  ScriptRunner,
  SectionRun,
} from './types';

export * from './types';
export { parseNumpyArrays, type ParsedArray } from './numpy-text';
export { parseMarkedStdout } from './markers';
export { cellCodeFromScript } from './script-code';
export { renderTerminal } from './render-terminal';
export { renderHtml } from './render-html';
export { renderPlots, toVegaLite } from './plots';

/** The repository root (this file is cli/compare/index.ts). */
export const ROOT_DIR = path.resolve(__dirname, '..', '..');

export interface CompareOptions {
  /** Sections to run (default: all, in notebook order). */
  sections?: string[];
  /** Write the HTML report here. */
  html?: string;
  /** Extra arguments for every section script. */
  scriptArgs?: string[];
  /** Extra arguments for one section's script, after scriptArgs (e.g. mnist_classifier: ['--epochs', '3']). */
  sectionArgs?: Readonly<Record<string, string[]>>;
  /** Options of `rnn run` itself, placed before the script by the default runner (e.g. ['--backend', 'cpu']). */
  runArgs?: string[];
  /** Default: `node cli/rnn.js run ...runArgs <script> ...args` with stderr passed through live. */
  runScript?: ScriptRunner;
  /** Terminal report sink; default process.stdout.write. Pass () => {} to silence. */
  write?: (text: string) => void;
  terminal?: TerminalOptions;
  /** Where the <section>.ts scripts are; default notebooks-ported/. */
  portedDir?: string;
  /** The original cells; default notebooks-ported/original/notebook.json. */
  original?: NotebookCell[];
  /** The per-cell checks; default notebooks-ported/checks.ts. */
  checks?: CheckTable;
  rootDir?: string;
}

export function loadOriginal(rootDir = ROOT_DIR): NotebookCell[] {
  const file = path.join(rootDir, 'notebooks-ported', 'original', 'notebook.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as NotebookCell[];
}

/** Spawns the CLI on one script; stderr (progress, warnings) also streams to the user's terminal. */
export function defaultRunScript(rootDir = ROOT_DIR, runArgs: readonly string[] = []): ScriptRunner {
  return (file, args, env) =>
    new Promise<ScriptOutcome>((resolve) => {
      const child = spawn(process.execPath, [path.join(rootDir, 'cli', 'rnn.js'), 'run', ...runArgs, file, ...args], {
        cwd: rootDir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        process.stderr.write(d);
      });
      child.on('error', (e) => resolve({ stdout, stderr: `${stderr}${e.message}\n`, code: -1 }));
      child.on('close', (code) => resolve({ stdout, stderr, code }));
    });
}

const tail = (text: string, lines: number): string => text.replace(/\s+$/, '').split('\n').slice(-lines).join('\n');

/** Turns one script run into PortedCells (keyed by id) and the section's bookkeeping. */
export function collectSection(
  section: string,
  script: string,
  source: string | undefined,
  outcome: ScriptOutcome | undefined,
  knownIds: ReadonlySet<string>,
  durationMs = 0,
): { run: SectionRun; cells: Map<string, PortedCell> } {
  const cells = new Map<string, PortedCell>();
  const run: SectionRun = { section, script, exists: source !== undefined, code: outcome?.code ?? null, stderr: outcome?.stderr ?? '', preamble: '', preambleCode: '', entered: [], durationMs, problems: [] };
  if (source !== undefined) run.preambleCode = cellCodeFromScript(source).preamble;
  if (source === undefined || outcome === undefined) return { run, cells };
  const marked = parseMarkedStdout(outcome.stdout);
  const code = cellCodeFromScript(source);
  run.preamble = marked.preamble.output;
  run.entered = [...new Set(marked.order)];
  for (const b of marked.bad) run.problems.push(`unreadable marker: ${b}`);
  for (const id of new Set(marked.order)) if (!knownIds.has(id)) run.problems.push(`In('${id}') names no code cell of the notebook`);
  const last = marked.order[marked.order.length - 1];
  const ok = outcome.code === 0;
  marked.cells.forEach((cap: CellCapture, id) => {
    const stoppedHere = !ok && id === last;
    cells.set(id, {
      id,
      section,
      reached: true,
      completed: !stoppedHere,
      output: cap.output,
      metrics: cap.metrics,
      plots: cap.plots,
      code: code.cells.get(id) ?? '',
      error: stoppedHere ? `${tail(outcome.stderr, 12)}\n(exit ${outcome.code ?? 'signal'})`.trim() : undefined,
    });
  });
  if (!ok && last === undefined) run.problems.push(`script failed before its first In() (exit ${outcome.code ?? 'signal'}): ${tail(outcome.stderr, 3)}`);
  return { run, cells };
}

/** A cell the script never entered; `why` says whose fault (missing script, earlier crash). */
const unreached = (id: string, section: string, why?: string): PortedCell => ({
  id,
  section,
  reached: false,
  completed: false,
  output: '',
  metrics: {},
  plots: [],
  code: '',
  error: why,
});

/** A cell of nothing but imports ("import numpy as np", "from x import y"). */
export function isImportCell(cell: NotebookCell): boolean {
  const lines = cell.source.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  return lines.length > 0 && lines.every((l) => /^(import\s|from\s+\S+\s+import\s)/.test(l));
}

/**
 * TypeScript hoists imports, so a port may leave out In() for an import-only cell: its code is
 * then the script's lines before the first In(), and it ran if the script got as far as that In().
 */
function importCellFromPreamble(orig: NotebookCell, run: SectionRun | undefined): PortedCell | undefined {
  if (!run || !run.exists || run.entered.length === 0 || !isImportCell(orig)) return undefined;
  return { id: orig.id, section: orig.section, reached: true, completed: true, output: run.preamble, metrics: {}, plots: [], code: run.preambleCode };
}

function whyUnreached(run: SectionRun | undefined): string | undefined {
  if (!run) return undefined;
  if (!run.exists) return `script missing: ${path.basename(run.script)} is not ported yet`;
  if (run.code !== 0) return `the script stopped earlier (exit ${run.code ?? 'signal'})`;
  return 'the script never calls In() for it';
}

/** Runs every check of every selected code cell. A throwing check fails with its message. */
export function evaluate(
  original: NotebookCell[],
  ported: ReadonlyMap<string, PortedCell>,
  checks: CheckTable,
  sections: readonly string[],
  runs: readonly SectionRun[] = [],
): CellResult[] {
  const originalById = new Map(original.map((c) => [c.id, c]));
  const selected = new Set(sections);
  return original
    .filter((c) => c.kind === 'code' && selected.has(c.section))
    .map((orig) => {
      const run = runs.find((r) => r.section === orig.section);
      const p = ported.get(orig.id) ?? importCellFromPreamble(orig, run) ?? unreached(orig.id, orig.section, whyUnreached(run));
      const ctx: CheckContext = {
        id: orig.id,
        original: orig,
        ported: p,
        originalCell: (id) => originalById.get(id),
        portedCell: (id) => ported.get(id),
      };
      const spec = checks[orig.id];
      const results: CheckResult[] = spec
        ? spec.checks.map((c) => {
            if (!p.reached && c.name !== 'runs') return { name: c.name, description: c.description, ok: false, detail: 'cell not reached' };
            try {
              return { name: c.name, description: c.description, ...c.run(ctx) };
            } catch (e) {
              return { name: c.name, description: c.description, ok: false, detail: `check threw: ${(e as Error).message}` };
            }
          })
        : [{ name: 'declared', description: 'The cell has checks in notebooks-ported/checks.ts.', ok: false, detail: 'no entry for this cell' }];
      let derived: CellResult['plots'] = [];
      try {
        derived = spec?.plots ? spec.plots(ctx) : [];
      } catch {
        derived = [];
      }
      const plots = [...p.plots, ...derived.filter((d) => d.series.some((s) => s.y.length > 0))];
      return { id: orig.id, section: orig.section, original: orig, ported: p, checks: results, ok: results.every((r) => r.ok), plots };
    });
}

export async function runCompare(options: CompareOptions = {}): Promise<CompareResult> {
  const rootDir = options.rootDir ?? ROOT_DIR;
  const original = options.original ?? loadOriginal(rootDir);
  const checks = options.checks ?? CHECKS;
  const portedDir = options.portedDir ?? path.join(rootDir, 'notebooks-ported');
  const runScript = options.runScript ?? defaultRunScript(rootDir, options.runArgs);
  const write = options.write ?? ((s: string) => void process.stdout.write(s));

  const sections = options.sections && options.sections.length ? options.sections : [...SECTIONS];
  const unknown = sections.filter((s) => !SECTIONS.includes(s));
  if (unknown.length) throw new Error(`unknown section(s): ${unknown.join(', ')}; sections are: ${SECTIONS.join(', ')}`);

  const knownIds = new Set(original.filter((c) => c.kind === 'code').map((c) => c.id));
  const ported = new Map<string, PortedCell>();
  const runs: SectionRun[] = [];
  for (const section of sections) {
    const script = path.join(portedDir, `${section}.ts`);
    const source = fs.existsSync(script) ? fs.readFileSync(script, 'utf8') : undefined;
    let outcome: ScriptOutcome | undefined;
    const t0 = Date.now();
    if (source !== undefined) {
      try {
        const args = [...(options.scriptArgs ?? []), ...(options.sectionArgs?.[section] ?? [])];
        outcome = await runScript(script, args, { ...process.env, TF1TS_COMPARE: '1' });
      } catch (e) {
        outcome = { stdout: '', stderr: `could not run ${script}: ${(e as Error).message}`, code: -1 };
      }
    }
    const { run, cells } = collectSection(section, script, source, outcome, knownIds, Date.now() - t0);
    runs.push(run);
    cells.forEach((c, id) => ported.set(id, c));
  }

  const cells = evaluate(original, ported, checks, sections, runs);
  const passed = cells.filter((c) => c.ok).length;
  const selected = new Set(sections);
  const result: CompareResult = {
    sections: runs,
    cells,
    markdown: original.filter((c) => c.kind === 'markdown' && selected.has(c.section)),
    order: original.filter((c) => selected.has(c.section)).map((c) => c.id),
    passed,
    failed: cells.length - passed,
  };

  write(renderTerminal(result, { rootDir, ...options.terminal }));
  if (options.html) {
    const plots = cells.flatMap((c) => c.plots);
    // A broken renderer should cost the figures, not the report.
    const rendered = await renderPlots(plots).catch((e: Error) => plots.map((p) => ({ id: p.id, error: e.message })));
    fs.mkdirSync(path.dirname(path.resolve(options.html)), { recursive: true });
    fs.writeFileSync(options.html, renderHtml(result, rendered, { rootDir }));
    write(`HTML report: ${options.html}\n`);
  }
  return result;
}
