/**
 * Runtime protocol between a ported notebook script and `rnn compare` (see README.md).
 *
 * A ported script calls `In(n)` right before the code of notebook cell n, `plot(spec)` where the
 * original would have drawn a figure and `metric(name, value)` for numbers the checks use.
 * With TF1TS_COMPARE unset (a plain `rnn run`) all three are silent, so the script prints only
 * what the notebook printed. With it set, each call writes one marker line to stdout; stdout is
 * used (not a side file) because the markers then interleave with the script's own prints in
 * exactly the order they happened, which is what splits the output into cells.
 *
 * Node built-ins only: this module is loaded by every ported script and by the compare runner.
 */

/** Every marker starts with this: ASCII record separator + tag. Never produced by normal printing. */
export const MARKER_PREFIX = '\u001etf1ts:';

export type PlotKind = 'line' | 'scatter';
export type PlotMark = 'line' | 'point';

export interface PlotSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Default: 'line' for kind 'line', 'point' for kind 'scatter'. */
  mark?: PlotMark;
}

export interface PlotSpec {
  /** Stable id the checks look for, e.g. 'time_series_prediction', 'creative_sequence'. */
  id: string;
  title?: string;
  kind?: PlotKind;
  x_label?: string;
  y_label?: string;
  /** 'log' for quantities like a training loss that fall over decades. */
  y_scale?: 'linear' | 'log';
  series: PlotSeries[];
}

/** PlotSpec as it travels in a marker: plain arrays, non-finite numbers as null. */
export interface PlotData {
  id: string;
  title?: string;
  kind?: PlotKind;
  x_label?: string;
  y_label?: string;
  y_scale?: 'linear' | 'log';
  series: { name: string; x: (number | null)[]; y: (number | null)[]; mark?: PlotMark }[];
}

export type Marker =
  | { t: 'in'; id: string }
  | { t: 'plot'; plot: PlotData }
  /** value is a string only for NaN / Infinity / -Infinity, which JSON cannot carry. */
  | { t: 'metric'; name: string; value: number | string };

/** Canonical cell id: 4, '4' -> 'In [4]'; 'None#2', '[None]#2', 'In [None]#2' -> 'In [None]#2'. */
export function cellId(n: number | string): string {
  if (typeof n === 'number') return `In [${n}]`;
  const s = n.trim();
  if (/^\d+$/.test(s)) return `In [${Number(s)}]`;
  const full = /^In \[(\d+|None)\](#\d+)?$/.exec(s);
  if (full) return s;
  const short = /^\[?(None|\d+)\]?(#\d+)?$/.exec(s);
  if (short) return `In [${short[1]}]${short[2] ?? ''}`;
  return s;
}

/** True when TF1TS_COMPARE asks for markers (any value except '', '0', 'false'). */
export function compareEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.TF1TS_COMPARE;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

export function formatMarker(m: Marker): string {
  return `${MARKER_PREFIX}${JSON.stringify(m)}\n`;
}

function emit(m: Marker): void {
  if (!compareEnabled()) return;
  // Synchronous for files and pipes on Linux, so markers stay ordered with console.log output.
  process.stdout.write(formatMarker(m));
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Marks the start of notebook cell n; output from here to the next In() belongs to it. */
export function In(n: number | string): void {
  emit({ t: 'in', id: cellId(n) });
}

/** Hands over the data of a figure the original notebook would have drawn. */
export function plot(spec: PlotSpec): void {
  if (!compareEnabled()) return;
  const data: PlotData = {
    id: spec.id,
    title: spec.title,
    kind: spec.kind,
    x_label: spec.x_label,
    y_label: spec.y_label,
    y_scale: spec.y_scale,
    series: spec.series.map((s) => ({
      name: s.name,
      x: Array.from(s.x, finiteOrNull),
      y: Array.from(s.y, finiteOrNull),
      mark: s.mark,
    })),
  };
  emit({ t: 'plot', plot: data });
}

/** Reports a named number for the checks; repeated calls with one name form a series. */
export function metric(name: string, value: number): void {
  if (!compareEnabled()) return;
  const v = Number(value);
  emit({ t: 'metric', name, value: Number.isFinite(v) ? v : String(v) });
}
