/**
 * Reads arrays back from printed text in NumPy's print format (`print(ndarray)`, its `repr`
 * `array([...], dtype=float32)`, and Python lists of numbers), so checks can compare shapes and
 * values of what the original notebook and the port printed.
 */

export interface ParsedArray {
  shape: number[];
  /** Row-major values; True/False read as 1/0, nan/inf as NaN/±Infinity. */
  values: number[];
  /** The printout elided elements with `...` (NumPy's summarization), so shape counts only what is shown. */
  summarized: boolean;
  /** Character range of the array in the text. */
  start: number;
  end: number;
}

type Node = number | 'ellipsis' | Node[];

const NUMBER = /^[-+]?(?:nan|inf|(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)(?![\w.])/i;

/** Parses one bracketed list starting at text[pos] === '['; null when it is not a numeric array. */
function parseList(text: string, pos: number): { node: Node[]; end: number } | null {
  const stack: Node[][] = [];
  let i = pos;
  while (i < text.length) {
    const c = text[i];
    if (c === '[') {
      const list: Node[] = [];
      if (stack.length) stack[stack.length - 1].push(list);
      stack.push(list);
      i++;
    } else if (c === ']') {
      const done = stack.pop();
      i++;
      if (!done) return null;
      if (stack.length === 0) return { node: done, end: i };
    } else if (c === ' ' || c === '\n' || c === '\t' || c === ',' || c === '\r') {
      i++;
    } else if (text.startsWith('...', i)) {
      if (!stack.length) return null;
      stack[stack.length - 1].push('ellipsis');
      i += 3;
    } else if (text.startsWith('True', i) || text.startsWith('False', i)) {
      if (!stack.length) return null;
      const t = text.startsWith('True', i);
      stack[stack.length - 1].push(t ? 1 : 0);
      i += t ? 4 : 5;
    } else {
      const m = NUMBER.exec(text.slice(i, i + 64));
      if (!m || !stack.length) return null;
      const s = m[0].toLowerCase().replace(/^\+/, '');
      stack[stack.length - 1].push(s === 'nan' || s === '-nan' ? NaN : s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s));
      i += m[0].length;
    }
  }
  return null;
}

/** Shape and flat values of a nested list; null when ragged or mixing numbers with lists. */
function toArray(node: Node[]): { shape: number[]; values: number[]; summarized: boolean } | null {
  const items = node.filter((n) => n !== 'ellipsis');
  const summarized = items.length !== node.length;
  if (items.length === 0) return summarized ? null : { shape: [0], values: [], summarized }; // "[...]" is prose
  if (items.every((n) => typeof n === 'number')) {
    return { shape: [items.length], values: items as number[], summarized };
  }
  if (!items.every((n) => Array.isArray(n))) return null;
  const parts = (items as Node[][]).map(toArray);
  if (parts.some((p) => p === null)) return null;
  const ok = parts as { shape: number[]; values: number[]; summarized: boolean }[];
  const inner = ok[0].shape;
  if (!ok.every((p) => p.shape.length === inner.length && p.shape.every((d, k) => d === inner[k]))) return null;
  return {
    shape: [ok.length, ...inner],
    values: ok.flatMap((p) => p.values),
    summarized: summarized || ok.some((p) => p.summarized),
  };
}

/** Every top-level numeric array printed in the text, in order. Non-numeric brackets are skipped. */
export function parseNumpyArrays(text: string): ParsedArray[] {
  const found: ParsedArray[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('[', i);
    if (open < 0) break;
    const list = parseList(text, open);
    const arr = list ? toArray(list.node) : null;
    if (list && arr) {
      found.push({ ...arr, start: open, end: list.end });
      i = list.end;
    } else if (list) {
      i = list.end; // numeric but ragged (a list of lists): its pieces are not arrays either
    } else {
      i = open + 1;
    }
  }
  return found;
}

export const shapeText = (shape: readonly number[]): string => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;

/** Element at a multi-index of a row-major array. */
export function at(arr: ParsedArray, index: readonly number[]): number {
  let flat = 0;
  for (let k = 0; k < arr.shape.length; k++) flat = flat * arr.shape[k] + (index[k] ?? 0);
  return arr.values[flat];
}

/** The vectors along the last axis with their leading indices, e.g. the [batch, step] rows of a [B, T, N] array. */
export function lastAxisVectors(arr: ParsedArray): { index: number[]; values: number[] }[] {
  const n = arr.shape.length ? arr.shape[arr.shape.length - 1] : 0;
  const lead = arr.shape.slice(0, -1);
  const out: { index: number[]; values: number[] }[] = [];
  if (n === 0) return out;
  const count = arr.values.length / n;
  for (let r = 0; r < count; r++) {
    const index: number[] = [];
    let rest = r;
    for (let k = lead.length - 1; k >= 0; k--) {
      index.unshift(rest % lead[k]);
      rest = Math.floor(rest / lead[k]);
    }
    out.push({ index, values: arr.values.slice(r * n, (r + 1) * n) });
  }
  return out;
}
