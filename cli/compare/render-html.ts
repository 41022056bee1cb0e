/**
 * HTML report: one self-contained file (inline CSS, plots as inline SVG). Stable hooks for tests:
 *   section.section[data-section]            one per section
 *   article.cell[data-cell-id][data-status]  one per code cell, status pass|fail
 *   .column[data-column=original|ported]     the two columns, each with pre.code and pre.output
 *   .verdict[data-ok]                        the cell's ✓/✗
 *   li.check[data-check][data-ok]            one per check
 *   figure.plot[data-plot-id] > svg          one per plot
 *   .summary[data-passed][data-failed]       the totals
 */
import * as path from 'path';
import type { RenderedPlot } from './plots';
import type { CellResult, CompareResult, NotebookCell, SectionRun } from './types';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const CSS = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f4f5f7}
header.report-head{padding:16px 24px;background:#1d2330;color:#fff}
header.report-head h1{margin:0 0 4px;font-size:20px}
header.report-head nav a{color:#9cc3ff;margin-right:12px;text-decoration:none}
.summary{font-weight:600}
.summary .bad{color:#ff8a80}.summary .good{color:#8be28b}
main{padding:8px 24px 40px}
section.section{margin-top:24px}
section.section>h2{font-size:18px;border-bottom:2px solid #c9ced8;padding-bottom:4px}
.section-meta{color:#5b6475;font-size:12px;margin:-6px 0 8px}
.section-problem{color:#b3261e;font-size:13px}
details.preamble{margin:4px 0 8px;font-size:12px;color:#5b6475}details.preamble pre{margin-top:4px}
.markdown{color:#3b4252;max-width:1100px;margin:10px 0}
.markdown p{margin:4px 0}.markdown h3,.markdown h4{margin:10px 0 4px}
article.cell{background:#fff;border:1px solid #d5d9e0;border-left:5px solid #2e7d32;border-radius:6px;margin:12px 0;padding:10px 12px}
article.cell[data-status=fail]{border-left-color:#c62828}
.cell-head{display:flex;gap:10px;align-items:baseline;margin-bottom:6px}
.cell-id{font:600 14px ui-monospace,Menlo,Consolas,monospace}
.verdict{font-weight:700}.verdict[data-ok=true]{color:#2e7d32}.verdict[data-ok=false]{color:#c62828}
.columns{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.column{min-width:0}
.column .label{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:#5b6475;margin-bottom:2px}
pre{margin:0 0 6px;padding:8px;border-radius:4px;overflow:auto;max-height:420px;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;white-space:pre}
pre.code{background:#f6f8fa;border:1px solid #e3e6ea}
pre.output{background:#fffdf3;border:1px solid #efe6c4}
pre.output.empty{color:#8a8f98;font-style:italic}
pre.error{background:#fdecea;border:1px solid #f5c2c0;color:#8c1d18}
ul.checks{list-style:none;padding:0;margin:6px 0 0}
li.check{padding:2px 0;font-size:13px}
li.check code{font-weight:600}
li.check .detail{color:#5b6475}
.plots{display:flex;flex-wrap:wrap;gap:12px;margin-top:8px}
figure.plot{margin:0;background:#fff;border:1px solid #e3e6ea;border-radius:4px;padding:4px}
figure.plot svg{display:block;max-width:100%;height:auto}
.plot-error{color:#b3261e;font-size:12px}
`;

/** Just enough markdown for the notebook's prose: headings, rules, paragraphs (text escaped). */
function markdownHtml(cell: NotebookCell): string {
  const parts: string[] = [];
  let para: string[] = [];
  const flush = (): void => {
    if (para.length) parts.push(`<p>${esc(para.join(' '))}</p>`);
    para = [];
  };
  for (const line of cell.source.split('\n')) {
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      flush();
      const level = Math.min(h[1].length + 2, 6);
      parts.push(`<h${level}>${esc(h[2])}</h${level}>`);
    } else if (/^\s*([-*_])\1{2,}\s*$/.test(line)) {
      flush();
      parts.push('<hr>');
    } else if (line.trim() === '') {
      flush();
    } else {
      para.push(line.trim());
    }
  }
  flush();
  return `<div class="markdown" data-cell-id="${esc(cell.id)}">${parts.join('')}</div>`;
}

function column(kind: 'original' | 'ported', code: string, output: string, extra = ''): string {
  const out = output.replace(/\s+$/, '');
  return `<div class="column" data-column="${kind}"><div class="label">${kind}</div>` +
    `<pre class="code">${esc(code)}</pre>` +
    (out ? `<pre class="output">${esc(out)}</pre>` : `<pre class="output empty">(prints nothing)</pre>`) +
    extra +
    `</div>`;
}

function cellHtml(cell: CellResult, svgs: Map<CellResult['plots'][number], RenderedPlot>): string {
  const portedCode = cell.ported.reached ? cell.ported.code || '// (no code between In() calls)' : '// not reached';
  const error = cell.ported.reached && cell.ported.error ? `<pre class="error">${esc(cell.ported.error)}</pre>` : '';
  const checks = cell.checks
    .map(
      (c) =>
        `<li class="check" data-check="${esc(c.name)}" data-ok="${c.ok}"><span class="verdict" data-ok="${c.ok}">${c.ok ? '✓' : '✗'}</span> ` +
        `<code>${esc(c.name)}</code> ${esc(c.description)} <span class="detail">— ${esc(c.detail)}</span></li>`,
    )
    .join('');
  const plots = cell.plots
    .map((p) => {
      const r = svgs.get(p);
      const body = r?.svg ?? `<div class="plot-error">plot not rendered: ${esc(r?.error ?? 'unknown')}</div>`;
      return `<figure class="plot" data-plot-id="${esc(p.id)}">${body}</figure>`;
    })
    .join('');
  return (
    `<article class="cell" data-cell-id="${esc(cell.id)}" data-status="${cell.ok ? 'pass' : 'fail'}">` +
    `<div class="cell-head"><span class="verdict" data-ok="${cell.ok}">${cell.ok ? '✓' : '✗'}</span><span class="cell-id">${esc(cell.id)}</span>` +
    `<span class="section-meta">${cell.checks.filter((c) => c.ok).length}/${cell.checks.length} checks</span></div>` +
    `<div class="columns">${column('original', cell.original.source, cell.original.outputs)}${column('ported', portedCode, cell.ported.output, error)}</div>` +
    `<ul class="checks">${checks}</ul>` +
    (plots ? `<div class="plots">${plots}</div>` : '') +
    `</article>`
  );
}

function sectionMeta(run: SectionRun, cells: CellResult[], rootDir?: string): string {
  const script = rootDir ? path.relative(rootDir, run.script) : run.script;
  const ok = cells.filter((c) => c.ok).length;
  const status = `${!run.exists ? 'script missing' : `exit ${run.code ?? 'signal'}, ${(run.durationMs / 1000).toFixed(1)} s`}; ${ok}/${cells.length} cells pass`;
  const head = run.preambleCode.trim()
    ? `<details class="preamble"><summary>script lines before the first In()</summary><pre class="code">${esc(run.preambleCode)}</pre></details>`
    : '';
  const problems = run.problems.map((p) => `<div class="section-problem">${esc(p)}</div>`).join('');
  const preamble = run.preamble.trim() ? `<div class="section-problem">printed before the first In(): <code>${esc(run.preamble.trim().slice(0, 300))}</code></div>` : '';
  return `<p class="section-meta" data-cells-passed="${ok}" data-cells="${cells.length}">${esc(script)} — ${esc(status)}</p>${problems}${preamble}${head}`;
}

export function renderHtml(result: CompareResult, rendered: RenderedPlot[], opts: { title?: string; rootDir?: string } = {}): string {
  const allPlots = result.cells.flatMap((c) => c.plots);
  const svgs = new Map<CellResult['plots'][number], RenderedPlot>();
  allPlots.forEach((p, k) => {
    if (rendered[k]) svgs.set(p, rendered[k]);
  });
  const byId = new Map<string, CellResult | NotebookCell>();
  result.cells.forEach((c) => byId.set(c.id, c));
  result.markdown.forEach((m) => byId.set(m.id, m));
  const sections = result.sections
    .map((run) => {
      const items = result.order
        .map((id) => byId.get(id))
        .filter((c): c is CellResult | NotebookCell => c !== undefined && c.section === run.section)
        .map((c) => ('checks' in c ? cellHtml(c, svgs) : markdownHtml(c)))
        .join('\n');
      return `<section class="section" id="sec-${esc(run.section)}" data-section="${esc(run.section)}"><h2>${esc(run.section)}</h2>${sectionMeta(run, result.cells.filter((c) => c.section === run.section), opts.rootDir)}\n${items}</section>`;
    })
    .join('\n');
  const title = opts.title ?? 'tf1-ts: reference notebook vs. TypeScript port';
  const summary =
    `<p class="summary" data-passed="${result.passed}" data-failed="${result.failed}">` +
    `<span class="good">${result.passed} passed</span>, <span class="${result.failed ? 'bad' : 'good'}">${result.failed} failed</span></p>`;
  const nav = result.sections.map((s) => `<a href="#sec-${esc(s.section)}">${esc(s.section)}</a>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><header class="report-head"><h1>${esc(title)}</h1>${summary}<nav>${nav}</nav></header>
<main>
${sections}
<footer>${summary.replace('class="summary"', 'class="summary-foot"')}</footer>
</main></body></html>
`;
}
