/** Cuts a ported section script into the code of each cell: the lines between In() calls. */
import { cellId } from '../../src/notebook';

// A line that is only an In() call: `In(4);`, `nb.In('None#2')`, `await In(5) // note`.
const IN_LINE = /^(\s*)(?:await\s+)?(?:[\w$]+\.)?In\(\s*(?:(\d+)|(['"`])([^'"`]*)\3)\s*\)\s*;?\s*(?:\/\/.*)?$/;

const indentOf = (line: string): number => line.length - line.trimStart().length;

function dedent(lines: string[]): string {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a].trim() === '') a++;
  while (b > a && lines[b - 1].trim() === '') b--;
  const body = lines.slice(a, b);
  const pad = Math.min(...body.filter((l) => l.trim() !== '').map(indentOf));
  return body.map((l) => (l.trim() === '' ? '' : l.slice(Number.isFinite(pad) ? pad : 0).trimEnd())).join('\n');
}

export interface ScriptCells {
  /** Lines before the first In(): imports and helpers. */
  preamble: string;
  /** Code per cell id; a cell entered twice gets both stretches. */
  cells: Map<string, string>;
}

/**
 * A cell's code runs from the line after In(id) to the next In() line, or to the first line
 * indented less than the In() call (the `}` closing a `main()` that wraps the cells).
 */
export function cellCodeFromScript(source: string): ScriptCells {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const cells = new Map<string, string>();
  let firstIn = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const m = IN_LINE.exec(lines[i]);
    if (!m) continue;
    firstIn = Math.min(firstIn, i);
    const indent = m[1].length;
    const id = cellId(m[2] !== undefined ? Number(m[2]) : m[4]);
    let j = i + 1;
    while (j < lines.length && !IN_LINE.test(lines[j]) && (lines[j].trim() === '' || indentOf(lines[j]) >= indent)) j++;
    const code = dedent(lines.slice(i + 1, j));
    const before = cells.get(id);
    cells.set(id, before === undefined ? code : `${before}\n// …\n${code}`);
  }
  return { preamble: dedent(lines.slice(0, firstIn)), cells };
}
