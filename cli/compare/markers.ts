/** Splits a ported script's stdout at the markers written by src/notebook (In / plot / metric). */
import { MARKER_PREFIX, type Marker, type PlotData } from '../../src/notebook';

export interface CellCapture {
  id: string;
  output: string;
  metrics: Record<string, number[]>;
  plots: PlotData[];
}

export interface MarkedStdout {
  /** Printed before the first In(), plus metrics/plots reported there. */
  preamble: CellCapture;
  /** By cell id; a cell entered twice collects both stretches. */
  cells: Map<string, CellCapture>;
  /** Cell ids in the order In() was called (repeats kept). */
  order: string[];
  /** Marker lines that were not valid JSON markers. */
  bad: string[];
}

// Progress bars or colored logs must not break the column layout or the NumPy parser.
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export const stripAnsi = (s: string): string => s.replace(ANSI, '');

const emptyCapture = (id: string): CellCapture => ({ id, output: '', metrics: {}, plots: [] });

function isMarker(v: unknown): v is Marker {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  if (m.t === 'in') return typeof m.id === 'string';
  if (m.t === 'metric') return typeof m.name === 'string' && (typeof m.value === 'number' || typeof m.value === 'string');
  if (m.t === 'plot') {
    const p = m.plot as Record<string, unknown> | null;
    return typeof p === 'object' && p !== null && typeof p.id === 'string' && Array.isArray(p.series);
  }
  return false;
}

export function parseMarkedStdout(stdout: string): MarkedStdout {
  const preamble = emptyCapture('');
  const cells = new Map<string, CellCapture>();
  const order: string[] = [];
  const bad: string[] = [];
  let current = preamble;
  let pos = 0;
  while (pos < stdout.length) {
    const at = stdout.indexOf(MARKER_PREFIX, pos);
    // A marker may follow text that did not end its line (process.stdout.write('abc')); that
    // text still belongs to the cell before.
    current.output += stripAnsi(stdout.slice(pos, at < 0 ? stdout.length : at));
    if (at < 0) break;
    const nl = stdout.indexOf('\n', at);
    const body = stdout.slice(at + MARKER_PREFIX.length, nl < 0 ? stdout.length : nl);
    pos = nl < 0 ? stdout.length : nl + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    if (!isMarker(parsed)) {
      bad.push(body.slice(0, 200));
      continue;
    }
    if (parsed.t === 'in') {
      order.push(parsed.id);
      let cell = cells.get(parsed.id);
      if (!cell) {
        cell = emptyCapture(parsed.id);
        cells.set(parsed.id, cell);
      }
      current = cell;
    } else if (parsed.t === 'metric') {
      const v = typeof parsed.value === 'number' ? parsed.value : Number(parsed.value);
      (current.metrics[parsed.name] ??= []).push(v);
    } else {
      current.plots.push(parsed.plot);
    }
  }
  return { preamble, cells, order, bad };
}
