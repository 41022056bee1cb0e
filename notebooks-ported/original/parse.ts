/**
 * Parses the text dump of the reference notebook into cells and writes notebook.json.
 *
 *   npx tsx notebooks-ported/original/parse.ts [dump.txt] [out.json]
 *
 * Defaults: notebook.txt (a verbatim copy of /work/shared/seeds/000_72b6358d62626204.txt kept
 * in the repo so the comparison needs nothing outside it) -> notebook.json, both beside this file.
 *
 * The dump has no cell delimiters except the `In [n]:` headers: markdown prose, code and the
 * stored output follow each other separated by blank lines. So after each header the text is
 * cut into blank-line separated blocks and classified with the heuristics below (written for
 * this dump; read notebook.json after changing them).
 */
import * as fs from 'fs';
import * as path from 'path';

export type CellKind = 'markdown' | 'code';

export interface NotebookCell {
  /** Stable id: `In [4]`, `In [None]#2` (2nd unnumbered code cell), `md#3` (3rd markdown run). */
  id: string;
  kind: CellKind;
  execution_count: number | null;
  source: string;
  /** The stored output as printed (empty string when the cell printed nothing). */
  outputs: string;
  section: string;
}

/** Which ported section script covers which code cell (see notebooks-ported/README or the brief). */
export const SECTION_OF_CELL: Readonly<Record<string, string>> = {
  'In [1]': 'manual_rnn',
  'In [2]': 'manual_rnn',
  'In [3]': 'manual_rnn',
  'In [4]': 'manual_rnn',
  'In [5]': 'static_unrolling',
  'In [16]': 'stacked_inputs',
  'In [17]': 'stacked_inputs',
  'In [18]': 'stacked_inputs',
  'In [20]': 'dynamic_unrolling',
  'In [22]': 'variable_length',
  'In [23]': 'variable_length',
  'In [24]': 'variable_length',
  'In [25]': 'variable_length',
  'In [26]': 'variable_length',
  'In [28]': 'mnist_classifier',
  'In [30]': 'mnist_classifier',
  'In [32]': 'mnist_classifier',
  'In [34]': 'mnist_classifier',
  'In [36]': 'time_series',
  'In [39]': 'time_series',
  'In [41]': 'time_series',
  'In [None]#1': 'time_series', // training loop
  'In [None]#2': 'time_series', // prediction
  'In [None]#3': 'time_series', // reshape alternative: plain cell
  'In [None]#4': 'time_series', // reshape alternative: fully_connected projection
  'In [None]#5': 'creative_rnn',
  'In [53]': 'deep_rnn',
  'In [59]': 'dropout',
  'In [60]': 'lstm',
  'In [61]': 'peepholes',
  'In [62]': 'gru',
};

/** Section order as in the notebook. */
export const SECTIONS: readonly string[] = [
  'manual_rnn',
  'static_unrolling',
  'stacked_inputs',
  'dynamic_unrolling',
  'variable_length',
  'mnist_classifier',
  'time_series',
  'creative_rnn',
  'deep_rnn',
  'dropout',
  'lstm',
  'peepholes',
  'gru',
];

const HEADER = /^In \[(\d+| ?None ?|\s*)\]:\s*$/;

const isBlank = (line: string): boolean => line.trim() === '';

/** Python statements as they start a line; case-sensitive so prose ("For example, ...") is not code. */
const CODE_LINE: readonly RegExp[] = [
  /^\s+\S/, // indented: a block body or a continuation line
  /^#(?!#* )/, // comment without the space that a markdown heading has ("#stop", "#----")
  /^(import|from|with|for|while|if|elif|else|def|class|return|print|try|except|finally|raise|assert|del|pass|break|continue|global|nonlocal|lambda|async|await)\b/,
  /^[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*,?\s*(\[[^\]]*\])?\s*([-+*/%@&|^]|\*\*|\/\/)?=(?!=)/, // assignment
  /^[A-Za-z_][\w.]*(\.\s*[A-Za-z_]\w*)*\s*\(/, // call: tf.reset_default_graph()
  /^[\])}]/, // closing bracket of a multi-line literal
];

function isCodeLine(line: string): boolean {
  return CODE_LINE.some((re) => re.test(line));
}

/** Markdown heading or horizontal rule. */
function isMarkdownStructure(line: string): boolean {
  return /^#{1,6} \S/.test(line) || /^(-{3,}|\*{3,}|_{3,})\s*$/.test(line);
}

/**
 * Prose: starts with a letter or markdown emphasis, at least three words, and mostly plain
 * words. Printed output lines ("Extracting tmp/data/x.gz", "0 Train accuracy 0.98 ...") fail it.
 */
function isProseLine(line: string): boolean {
  const t = line.trim();
  if (!/^[A-Za-z*_`$>(]|^[-*] |^\d+\. /.test(t)) return false;
  const words = t.split(/\s+/);
  if (words.length < 3) return false;
  const plain = words.filter((w) => /^[("'`*_]*[A-Za-z][A-Za-z'’-]*[)"'`*_]*[.,:;!?)]*$/.test(w)).length;
  return plain / words.length >= 0.6;
}

const looksLikeCodeBlock = (block: string[]): boolean =>
  !isMarkdownStructure(block[0]) && isCodeLine(block[0]);

const looksLikeMarkdownBlock = (block: string[]): boolean =>
  block.every((l) => isMarkdownStructure(l) || isProseLine(l));

/** Output starts with what a print puts first: an array/list/tuple/dict, a number, a quote. */
const looksLikeOutputStart = (block: string[]): boolean => /^\s*([[({'"<]|[-+]?(\d|\.\d|nan\b|inf\b))/.test(block[0]);

interface Block {
  lines: string[];
  /** Index in the segment's lines of the block's first line. */
  start: number;
  end: number;
}

function blocksOf(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    if (isBlank(lines[i])) {
      i++;
      continue;
    }
    const start = i;
    while (i < lines.length && !isBlank(lines[i])) i++;
    blocks.push({ lines: lines.slice(start, i), start, end: i });
  }
  return blocks;
}

function trimBlankLines(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && isBlank(lines[a])) a++;
  while (b > a && isBlank(lines[b - 1])) b--;
  return lines.slice(a, b);
}

const joinLines = (lines: string[]): string => trimBlankLines(lines).map((l) => l.replace(/\s+$/, '')).join('\n');

/**
 * Splits what follows one `In [..]:` header (up to the next header) into code, output and the
 * markdown that comes after. Code: the first block and every following block that starts like a
 * Python statement (code cells contain blank lines). Output: from the first non-code block unless
 * that block reads as prose/heading, up to the first block that does. Markdown: the rest.
 */
export function splitCodeSegment(lines: string[]): { code: string; outputs: string; markdown: string } {
  const blocks = blocksOf(lines);
  if (blocks.length === 0) return { code: '', outputs: '', markdown: '' };
  let b = 1;
  while (b < blocks.length && looksLikeCodeBlock(blocks[b].lines)) b++;
  const codeEnd = b < blocks.length ? blocks[b].start : lines.length;
  let outEnd = codeEnd;
  if (b < blocks.length && (looksLikeOutputStart(blocks[b].lines) || !looksLikeMarkdownBlock(blocks[b].lines))) {
    b++;
    while (b < blocks.length && !looksLikeMarkdownBlock(blocks[b].lines)) b++;
    outEnd = b < blocks.length ? blocks[b].start : lines.length;
  }
  return {
    code: joinLines(lines.slice(0, codeEnd)),
    outputs: joinLines(lines.slice(codeEnd, outEnd)),
    markdown: joinLines(lines.slice(outEnd)),
  };
}

/** Parses the whole dump. Markdown between two code cells becomes one markdown cell. */
export function parseNotebookDump(text: string): NotebookCell[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cells: NotebookCell[] = [];
  let markdownCount = 0;
  let unnumbered = 0;
  const seen = new Map<string, number>();

  // section '' = filled in below from the next code cell.
  const pushMarkdown = (md: string, section = ''): void => {
    if (md.trim() === '') return;
    markdownCount++;
    cells.push({ id: `md#${markdownCount}`, kind: 'markdown', execution_count: null, source: md, outputs: '', section });
  };
  // Prose right after a code cell that precedes a heading or rule comments on that cell
  // ("The states variable is a tuple...", then "## Applying Dropout"), so it stays in its section.
  const pushMarkdownAfter = (md: string, section: string): void => {
    const lines = md.split('\n');
    const cut = lines.findIndex((l, i) => i > 0 && isMarkdownStructure(l));
    if (cut < 0 || isMarkdownStructure(lines[0])) return pushMarkdown(md);
    pushMarkdown(joinLines(lines.slice(0, cut)), section);
    pushMarkdown(joinLines(lines.slice(cut)));
  };

  const headerAt: number[] = [];
  lines.forEach((l, i) => {
    if (HEADER.test(l)) headerAt.push(i);
  });
  pushMarkdown(joinLines(lines.slice(0, headerAt.length ? headerAt[0] : lines.length)));

  headerAt.forEach((h, k) => {
    const m = HEADER.exec(lines[h]);
    const raw = m ? m[1].trim() : '';
    const count = /^\d+$/.test(raw) ? Number(raw) : null;
    let id: string;
    if (count === null) {
      unnumbered++;
      id = `In [None]#${unnumbered}`;
    } else {
      id = `In [${count}]`;
      // A re-executed number would repeat; keep ids unique the same way unnumbered cells are.
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      if (n > 1) id = `${id}#${n}`;
    }
    const segment = lines.slice(h + 1, k + 1 < headerAt.length ? headerAt[k + 1] : lines.length);
    const { code, outputs, markdown } = splitCodeSegment(segment);
    const section = SECTION_OF_CELL[id] ?? '';
    cells.push({ id, kind: 'code', execution_count: count, source: code, outputs, section });
    pushMarkdownAfter(markdown, section);
  });

  // Markdown introduces what follows it, so it belongs to the next code cell's section
  // (trailing markdown: to the last code cell's section).
  let next = '';
  for (let i = cells.length - 1; i >= 0; i--) {
    if (cells[i].kind === 'code') next = cells[i].section;
    else if (cells[i].section === '') cells[i].section = next;
  }
  let prev = '';
  for (const c of cells) {
    if (c.kind === 'code') prev = c.section;
    else if (c.section === '') c.section = prev;
  }
  return cells;
}

function main(argv: string[]): void {
  const input = argv[0] ?? path.join(__dirname, 'notebook.txt');
  const output = argv[1] ?? path.join(__dirname, 'notebook.json');
  const cells = parseNotebookDump(fs.readFileSync(input, 'utf8'));
  const unmapped = cells.filter((c) => c.kind === 'code' && c.section === '').map((c) => c.id);
  if (unmapped.length) throw new Error(`code cells without a section: ${unmapped.join(', ')} (update SECTION_OF_CELL)`);
  fs.writeFileSync(output, JSON.stringify(cells, null, 2) + '\n');
  const code = cells.filter((c) => c.kind === 'code').length;
  process.stdout.write(`${cells.length} cells (${code} code, ${cells.length - code} markdown) -> ${output}\n`);
}

if (require.main === module) main(process.argv.slice(2));
