/** Plot data -> vega-lite spec -> SVG (rendered by vega in a child Node process, see vega-svg.mjs). */
import { spawn } from 'child_process';
import * as path from 'path';
import type { PlotData } from './types';

export type VegaLiteSpec = Record<string, unknown>;

export interface RenderedPlot {
  id: string;
  svg?: string;
  error?: string;
}

/** One row per point; null/non-positive (log scale) y values are dropped, which breaks the line there. */
export function toVegaLite(plot: PlotData, width = 640, height = 260): VegaLiteSpec {
  const log = plot.y_scale === 'log';
  const defaultMark = plot.kind === 'scatter' ? 'point' : 'line';
  const values: { series: string; x: number; y: number; mark: string }[] = [];
  for (const s of plot.series) {
    const mark = s.mark ?? defaultMark;
    const n = Math.min(s.x.length, s.y.length);
    for (let k = 0; k < n; k++) {
      const x = s.x[k];
      const y = s.y[k];
      if (x === null || y === null || (log && y <= 0)) continue;
      values.push({ series: s.name, x, y, mark });
    }
  }
  const encoding = {
    x: { field: 'x', type: 'quantitative', title: plot.x_label ?? 'x', scale: { zero: false } },
    y: { field: 'y', type: 'quantitative', title: plot.y_label ?? 'y', scale: log ? { type: 'log' } : { zero: false } },
    // Keep the legend in the order the series were given, not alphabetical.
    color: { field: 'series', type: 'nominal', title: null, sort: plot.series.map((s) => s.name) },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: plot.title ?? plot.id,
    width,
    height,
    background: 'white',
    data: { values },
    layer: [
      { transform: [{ filter: "datum.mark === 'line'" }], mark: { type: 'line', strokeWidth: 1.5 }, encoding },
      { transform: [{ filter: "datum.mark === 'point'" }], mark: { type: 'point', filled: true, size: 28 }, encoding },
    ],
    config: { legend: { orient: 'bottom', labelLimit: 400, columns: 4 }, font: 'sans-serif' },
  };
}

/** Several inline SVGs share one DOM: prefix their ids (clip paths, gradients) so they cannot clash. */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}$1"`);
}

const RENDERER = path.join(__dirname, 'vega-svg.mjs');

/** Renders all plots in one child process (vega's startup dominates, so batch them). */
export async function renderPlots(plots: PlotData[], timeoutMs = 60000): Promise<RenderedPlot[]> {
  if (plots.length === 0) return [];
  const specs = plots.map((p) => toVegaLite(p));
  const raw = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [RENDERER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`vega renderer exited with ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`));
    });
    child.stdin.end(JSON.stringify({ specs }));
  });
  const parsed = JSON.parse(raw) as { svg?: string; error?: string }[];
  return plots.map((p, k) => {
    const r = parsed[k] ?? { error: 'no result' };
    return r.svg !== undefined ? { id: p.id, svg: scopeSvgIds(r.svg, `p${k}-`) } : { id: p.id, error: r.error ?? 'unknown error' };
  });
}
