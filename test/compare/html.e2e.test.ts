/**
 * Renders the HTML report from canned port output and opens it in headless Chromium. Needs
 * /usr/bin/chromium (Debian package `chromium`); without it this test fails on purpose.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type Browser } from 'playwright-core';
import { runCompare, type CompareResult } from '../../cli/compare';
import { cannedPort, goodPort } from './fixtures';

const CHROMIUM = '/usr/bin/chromium';
const OUT_DIR = path.join(os.tmpdir(), 'tf1ts-compare-e2e');
const REPORT = path.join(OUT_DIR, 'report.html');
const SHOT = path.join(OUT_DIR, 'report.png');

/** The few DOM members the page callbacks use (tsconfig has no DOM lib; these run in the page). */
interface El {
  getAttribute(name: string): string | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El>;
  closest(selector: string): El | null;
  textContent: string | null;
  getBoundingClientRect(): { left: number; right: number; top: number; width: number };
  scrollIntoView(opts: { block: string }): void;
}

let browser: Browser | undefined;
let result: CompareResult;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the HTML report test`);
  }
  fs.rmSync(OUT_DIR, { recursive: true, force: true });
  const port = goodPort();
  // One failing cell so both verdicts appear in the report.
  port.gru.outcome = { ...port.gru.outcome, stdout: port.gru.outcome.stdout + 'unexpected print\n' };
  const { dir, runScript } = cannedPort(port);
  result = await runCompare({ portedDir: dir, runScript, html: REPORT, write: () => undefined });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
});

test('the report shows every code cell in two columns with checks, plots as SVG, and the summary', async () => {
  if (!browser) throw new Error('browser did not start');
  const html = fs.readFileSync(REPORT, 'utf8');
  expect(html).not.toMatch(/<script|<link |src="http/); // self-contained and static
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`file://${REPORT}`);

  const codeIds = result.cells.map((c) => c.id);
  expect(codeIds).toHaveLength(31);
  const cells = await page.$$eval('article.cell', (list) =>
    (list as unknown as El[]).map((el) => ({
      id: el.getAttribute('data-cell-id'),
      status: el.getAttribute('data-status'),
      original: el.querySelectorAll('[data-column="original"] pre.code').length + el.querySelectorAll('[data-column="original"] pre.output').length,
      ported: el.querySelectorAll('[data-column="ported"] pre.code').length + el.querySelectorAll('[data-column="ported"] pre.output').length,
      checks: Array.from(el.querySelectorAll('li.check')).map((li) => `${li.getAttribute('data-check')}=${li.getAttribute('data-ok')}`),
      verdict: el.querySelector('.cell-head .verdict')?.textContent,
    })),
  );
  expect(cells.map((c) => c.id)).toEqual(codeIds);
  for (const c of cells) {
    expect([c.id, c.original, c.ported]).toEqual([c.id, 2, 2]);
    expect(c.checks.length).toBeGreaterThan(0);
    expect(c.verdict).toBe(c.status === 'pass' ? '✓' : '✗');
  }
  expect(cells.find((c) => c.id === 'In [62]')).toMatchObject({ status: 'fail', checks: ['runs=true', 'prints-nothing=false'] });
  expect(cells.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['In [62]']);

  // The two columns sit side by side.
  const boxes = await page
    .locator('article.cell[data-cell-id="In [4]"] .column')
    .evaluateAll((list) => (list as unknown as El[]).map((e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top }; }));
  expect(boxes).toHaveLength(2);
  expect(boxes[1].left).toBeGreaterThan(boxes[0].right - 1);
  expect(Math.abs(boxes[1].top - boxes[0].top)).toBeLessThan(2);
  expect(await page.locator('article.cell[data-cell-id="In [4]"] [data-column="ported"] pre.code').textContent()).toContain('print(Y0_val);');

  // Plots: an SVG with drawn marks for each.
  const plots = await page.$$eval('figure.plot', (list) =>
    (list as unknown as El[]).map((el) => ({ id: el.getAttribute('data-plot-id'), cell: el.closest('article')?.getAttribute('data-cell-id'), svg: el.querySelectorAll('svg').length, paths: el.querySelectorAll('svg path').length })),
  );
  expect(plots.map((p) => [p.cell, p.id, p.svg])).toEqual([
    ['In [34]', 'mnist_accuracy', 1],
    ['In [None]#1', 'time_series_mse', 1],
    ['In [None]#2', 'time_series_prediction', 1],
    ['In [None]#5', 'creative_sequence', 1],
  ]);
  for (const p of plots) expect(p.paths).toBeGreaterThan(3);
  const svgBox = await page.locator('figure.plot[data-plot-id="creative_sequence"] svg').boundingBox();
  expect(svgBox?.width).toBeGreaterThan(300);

  const summary = page.locator('header .summary');
  expect(await summary.getAttribute('data-passed')).toBe('30');
  expect(await summary.getAttribute('data-failed')).toBe('1');
  expect((await summary.textContent())?.trim()).toBe('30 passed, 1 failed');

  // A viewport shot at the MNIST cell (table, checks and a plot); a full-page one takes seconds.
  await page.locator('article.cell[data-cell-id="In [34]"]').evaluate((el) => (el as unknown as El).scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: SHOT });
  expect(fs.statSync(SHOT).size).toBeGreaterThan(10000);
  process.stdout.write(`report screenshot: ${SHOT}\n`);
  await page.close();
});
