/** Terminal report: original | ported side by side per cell, check verdicts, summary line. */
import * as path from 'path';
import type { CellResult, CompareResult, SectionRun } from './types';

export interface TerminalOptions {
  /** Total width; default process.stdout.columns, else 160. */
  columns?: number;
  /** ANSI colors for verdicts; default: stdout is a TTY. */
  color?: boolean;
  /** Longer outputs show their head and tail (the HTML report keeps everything). */
  maxOutputLines?: number;
  /** Paths are shown relative to this directory. */
  rootDir?: string;
}

const expandTabs = (line: string): string => {
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
};

/** Wraps to width so nothing is cut off, at a space when one is in the second half of the line. */
export function wrap(line: string, width: number): string[] {
  let rest = expandTabs(line);
  const parts: string[] = [];
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const cut = space > width / 2 ? space + 1 : width;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut);
  }
  parts.push(rest);
  return parts;
}

function clip(lines: string[], max: number): string[] {
  if (lines.length <= max) return lines;
  const head = Math.ceil(max * 0.6);
  const tail = max - head - 1;
  return [...lines.slice(0, head), `… ${lines.length - head - tail} more lines …`, ...lines.slice(lines.length - tail)];
}

function columnLines(code: string, output: string, width: number, maxOut: number, empty: string): string[] {
  const out = output.replace(/\s+$/, '');
  const lines = [...(code.trim() ? code.split('\n') : [empty]), '─── output ───', ...(out ? clip(out.split('\n'), maxOut) : ['(prints nothing)'])];
  return lines.flatMap((l) => wrap(l, width));
}

export function renderCellTerminal(cell: CellResult, opts: Required<Omit<TerminalOptions, 'rootDir'>>): string {
  const paint = (code: string, s: string): string => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const col = Math.max(20, Math.floor((opts.columns - 3) / 2));
  const failed = cell.checks.filter((c) => !c.ok);
  const passed = cell.checks.filter((c) => c.ok);
  const verdict = cell.ok ? paint('32', '✓') : paint('31', '✗');
  const head = [`${verdict} ${paint('1', cell.id)}`];
  if (failed.length) head.push(paint('31', `failed: ${failed.map((c) => c.name).join(', ')}`));
  if (passed.length) head.push(`passed: ${passed.map((c) => c.name).join(', ')}`);

  const left = columnLines(cell.original.source, cell.original.outputs, col, opts.maxOutputLines, '');
  const portedCode = cell.ported.reached ? cell.ported.code || '// (no code between In() calls)' : '// not reached';
  const right = columnLines(portedCode, cell.ported.output, col, opts.maxOutputLines, '');
  const rows: string[] = [`${'original'.padEnd(col)} │ ported`, `${'─'.repeat(col)}─┼─${'─'.repeat(col)}`];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    rows.push(`${(left[i] ?? '').padEnd(col)} │ ${right[i] ?? ''}`.replace(/\s+$/, ''));
  }
  const details = failed.map((c) => `   ${paint('31', '✗')} ${c.name}: ${c.detail}\n     ${c.description}`);
  if (cell.ported.reached && cell.ported.error) details.push(`   error: ${cell.ported.error.split('\n').slice(-6).join('\n          ')}`);
  return [head.join('   '), ...rows, ...details, ''].join('\n');
}

function sectionHeader(run: SectionRun, width: number, rootDir: string | undefined): string {
  const script = rootDir ? path.relative(rootDir, run.script) : run.script;
  const status = !run.exists ? 'script missing' : `exit ${run.code ?? 'signal'}, ${(run.durationMs / 1000).toFixed(1)} s`;
  const title = `━━ ${run.section} (${script}: ${status}) `;
  return title + '━'.repeat(Math.max(0, width - title.length));
}

export function renderTerminal(result: CompareResult, options: TerminalOptions = {}): string {
  const opts = {
    columns: options.columns ?? process.stdout.columns ?? 160,
    color: options.color ?? Boolean(process.stdout.isTTY),
    maxOutputLines: options.maxOutputLines ?? 30,
  };
  const out: string[] = [];
  for (const run of result.sections) {
    out.push(sectionHeader(run, opts.columns, options.rootDir));
    if (run.preamble.trim()) out.push(`(printed before the first In(): ${JSON.stringify(run.preamble.trim().slice(0, 200))})`);
    for (const p of run.problems) out.push(`! ${p}`);
    out.push('');
    for (const cell of result.cells.filter((c) => c.section === run.section)) out.push(renderCellTerminal(cell, opts));
  }
  const summary = `${result.passed} passed, ${result.failed} failed`;
  out.push(opts.color ? `\u001b[1m${summary}\u001b[0m` : summary);
  return out.join('\n') + '\n';
}
