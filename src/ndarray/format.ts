/**
 * NumPy-compatible printing of arrays: `formatNumpy` returns exactly what NumPy's `print(arr)`
 * (`str(arr)`) shows with the default print options (precision 8, linewidth 75, threshold 1000,
 * edgeitems 3, floatmode 'maxprec', suppress off, sign '-').
 *
 * Floats go through our own Dragon4 (exact big-integer digit generation) so that every quirk of
 * NumPy's output is reproduced: shortest round-trip digits judged in the array's own precision
 * (float32 0.1 prints `0.1`), the precision cutoff with correct rounding, and the "minimum digits"
 * rule that prints true digits rather than zeros past the shortest representation.
 */
import { DType, TypedArray } from '../core/dtypes';

const LINE_WIDTH = 75;
const PRECISION = 8;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

// ---------------------------------------------------------------------------------------------
// Dragon4: decimal digits of a binary float
// ---------------------------------------------------------------------------------------------

/** How trailing zeros and the decimal point are treated, by NumPy's one-letter names. */
type Trim = 'k' /* keep */ | '.' /* trim zeros, keep '.' */ | '0' /* keep one zero */ | '-' /* trim zeros and '.' */;

/** Whether precision/min-digit cutoffs count all digits or only those after the point. */
type Cutoff = 'total' | 'fraction';

interface Binary {
  mantissa: bigint;
  exponent: number; // value = mantissa * 2^exponent
  mantissaBit: number; // index of the highest set bit of the mantissa
  unequalMargins: boolean; // at a power of two the gap below is half the gap above
}

const view = new DataView(new ArrayBuffer(8));

/** Splits a finite, positive float into integer mantissa and binary exponent in its own format. */
function decompose(x: number, f32: boolean): Binary {
  const [fracBits, bias] = f32 ? [23, 150] : [52, 1075];
  let frac: bigint;
  let e: number;
  if (f32) {
    view.setFloat32(0, x);
    const bits = view.getUint32(0);
    frac = BigInt(bits & 0x7fffff);
    e = bits >>> 23;
  } else {
    view.setFloat64(0, x);
    const bits = view.getBigUint64(0);
    frac = bits & ((1n << 52n) - 1n);
    e = Number(bits >> 52n);
  }
  if (e === 0) {
    // subnormal: no implicit bit, fixed exponent
    return { mantissa: frac, exponent: 1 - bias, mantissaBit: frac.toString(2).length - 1, unequalMargins: false };
  }
  return {
    mantissa: frac | (1n << BigInt(fracBits)),
    exponent: e - bias,
    mantissaBit: fracBits,
    unequalMargins: e !== 1 && frac === 0n,
  };
}

interface Digits {
  digits: number[];
  exp: number; // power of ten of the first digit
}

/**
 * Shortest digits that uniquely identify the value among its neighbours in its format (boundaries
 * count when the mantissa is even, as round-half-even reading would land on it), stopping at
 * `cutoffMax` digits but never before `cutoffMin`. Negative cutoffs mean "none".
 */
function dragon4(b: Binary, mode: Cutoff, cutoffMax: number, cutoffMin: number): Digits {
  const isEven = (b.mantissa & 1n) === 0n;
  // value = num/den; margins are half the distance to the neighbouring floats, over den as well
  const extra = b.unequalMargins ? 2 : 1;
  let num: bigint;
  let den: bigint;
  let marginLow: bigint;
  if (b.exponent > 0) {
    num = b.mantissa << BigInt(b.exponent + extra);
    den = BigInt(1 << extra);
    marginLow = 1n << BigInt(b.exponent);
  } else {
    num = b.mantissa << BigInt(extra);
    den = 1n << BigInt(-b.exponent + extra);
    marginLow = 1n;
  }
  const highFactor = b.unequalMargins ? 2n : 1n;

  // Estimate of floor(log10(v)) + 1, possibly one too low (the same estimate NumPy uses, so that
  // the fraction-cutoff clamp below behaves identically).
  let k = Math.ceil((b.mantissaBit + b.exponent) * 0.30102999566398119521 - 0.69);
  if (mode === 'fraction' && cutoffMax >= 0 && k <= -cutoffMax) k = -cutoffMax + 1;
  if (k > 0) den *= 10n ** BigInt(k);
  else if (k < 0) {
    const p = 10n ** BigInt(-k);
    num *= p;
    marginLow *= p;
  }
  if (num >= den) k += 1;
  else {
    num *= 10n;
    marginLow *= 10n;
  }

  const maxExp = cutoffMax < 0 ? -Infinity : mode === 'total' ? k - cutoffMax : -cutoffMax;
  const minExp = cutoffMin < 0 ? k : Math.min(k, mode === 'total' ? k - cutoffMin : -cutoffMin);
  const out: number[] = [];
  let exp = k - 1;
  let digit: number;
  let low: boolean;
  let high: boolean;
  for (;;) {
    k -= 1;
    digit = Number(num / den);
    num %= den;
    const upper = num + marginLow * highFactor;
    low = isEven ? num <= marginLow : num < marginLow;
    high = isEven ? upper >= den : upper > den;
    if (((low || high) && k <= minExp) || k <= maxExp) break;
    out.push(digit);
    num *= 10n;
    marginLow *= 10n;
  }

  // Round the last digit: toward the side we may reach, else to nearest (ties to even digit).
  let roundDown = low;
  if (low === high) {
    const twice = num * 2n;
    roundDown = twice < den || (twice === den && digit % 2 === 0);
  }
  if (roundDown) out.push(digit);
  else if (digit < 9) out.push(digit + 1);
  else {
    // carry through trailing nines; all nines become a 1 at the next power of ten
    for (;;) {
      if (out.length === 0) {
        out.push(1);
        exp += 1;
        break;
      }
      const d = out.pop()!;
      if (d !== 9) {
        out.push(d + 1);
        break;
      }
    }
  }
  return { digits: out, exp };
}

function digitsOf(x: number, f32: boolean, mode: Cutoff, cutoffMax: number, cutoffMin: number): Digits {
  if (x === 0) return { digits: [0], exp: 0 };
  return dragon4(decompose(Math.abs(x), f32), mode, cutoffMax, cutoffMin);
}

const isNegative = (x: number): boolean => x < 0 || Object.is(x, -0);

/** Removes trailing zeros of a fraction as trim mode asks; returns the new fraction. */
function trimFraction(frac: string, trim: Trim): string {
  if (trim === 'k' || frac.length === 0) return frac;
  const t = frac.replace(/0+$/, '');
  return t.length === 0 && trim === '0' ? '0' : t;
}

interface PositionalOpts {
  precision: number; // -1: no cutoff
  minDigits: number; // -1: none
  trim: Trim;
  padLeft: number; // width left of the point, sign included (-1: none)
  padRight: number; // width right of the point (-1: none)
}

/** NumPy's format_float_positional (fractional cutoff) for a finite value. */
function positional(x: number, f32: boolean, o: PositionalOpts): string {
  const { digits, exp } = digitsOf(x, f32, 'fraction', o.precision, o.minDigits);
  const ds = digits.join('');
  let int: string;
  let frac: string;
  if (exp < 0) {
    int = '0';
    frac = '0'.repeat(-exp - 1) + ds;
  } else if (ds.length <= exp + 1) {
    int = ds + '0'.repeat(exp + 1 - ds.length);
    frac = '';
  } else {
    int = ds.slice(0, exp + 1);
    frac = ds.slice(exp + 1);
  }
  if (frac.length === 0 && o.trim === '0') frac = '0';
  else if (o.trim === 'k') frac = frac.padEnd(Math.max(o.minDigits, 0), '0');
  frac = trimFraction(frac, o.trim);
  const sign = isNegative(x) ? '-' : '';
  let s = sign + int + (frac.length > 0 || o.trim !== '-' ? '.' : '') + frac;
  if (o.padRight >= frac.length) {
    if (o.trim === '-' && frac.length === 0) s += ' '; // stands in for the dropped point
    s += ' '.repeat(o.padRight - frac.length);
  }
  return ' '.repeat(Math.max(0, o.padLeft - int.length - sign.length)) + s;
}

interface ScientificOpts {
  precision: number; // digits after the point at most (-1: no cutoff)
  minDigits: number; // digits after the point at least (-1: none)
  trim: Trim;
  padLeft: number;
  expDigits: number; // minimum exponent digits (-1: 2)
}

/** NumPy's format_float_scientific for a finite value. */
function scientific(x: number, f32: boolean, o: ScientificOpts): string {
  const { digits, exp } = digitsOf(
    x,
    f32,
    'total',
    o.precision < 0 ? -1 : o.precision + 1,
    o.minDigits < 0 ? -1 : o.minDigits + 1,
  );
  let frac = digits.slice(1).join('');
  const hasPoint = frac.length > 0 || o.trim !== '-';
  if (frac.length === 0 && o.trim === '0') frac = '0';
  else if (o.trim === 'k') frac = frac.padEnd(Math.max(o.minDigits, 0), '0');
  frac = trimFraction(frac, o.trim);
  const sign = isNegative(x) ? '-' : '';
  const expStr = String(Math.abs(exp)).padStart(o.expDigits < 0 ? 2 : Math.min(o.expDigits, 5), '0');
  const s = `${sign}${digits[0]}${hasPoint ? '.' : ''}${frac}e${exp < 0 ? '-' : '+'}${expStr}`;
  return ' '.repeat(Math.max(0, o.padLeft - 1 - sign.length)) + s;
}

// ---------------------------------------------------------------------------------------------
// Element formatters (NumPy's FloatingFormat, IntegerFormat, BoolFormat)
// ---------------------------------------------------------------------------------------------

type Formatter = (x: number) => string;

/**
 * Picks one layout for all floats of the array from the values that will be shown: scientific when
 * the magnitudes span too much, otherwise positional; then pads every value to common widths.
 */
function floatFormatter(values: number[], f32: boolean): Formatter {
  const finite = values.filter(Number.isFinite);
  let maxAbs = 0;
  let minAbs = Infinity;
  for (const v of finite) {
    if (v === 0) continue;
    maxAbs = Math.max(maxAbs, Math.abs(v));
    minAbs = Math.min(minAbs, Math.abs(v));
  }
  // NumPy divides in the array's precision but compares with 1e-4 as a double
  const ratio = f32 ? Math.fround(maxAbs / minAbs) : maxAbs / minAbs;
  const expFormat = maxAbs > 0 && (maxAbs >= 1e8 || minAbs < 1e-4 || ratio > 1000);

  // First pass: digits of every value (shortest, at most PRECISION after the point) size the columns.
  let padLeft = 0;
  let padRight = 0;
  let sciDigits = 0; // scientific: digits after the point, shared by all values
  let expSize = 0; // scientific: exponent digits
  for (const v of finite) {
    if (expFormat) {
      const s = scientific(v, f32, { precision: PRECISION, minDigits: -1, trim: '.', padLeft: -1, expDigits: -1 });
      const [mant, ex] = s.split('e');
      const [int, frac] = mant.split('.');
      padLeft = Math.max(padLeft, int.length);
      sciDigits = Math.max(sciDigits, frac.length);
      expSize = Math.max(expSize, ex.length - 1);
    } else {
      const [int, frac] = positional(v, f32, { precision: PRECISION, minDigits: -1, trim: '.', padLeft: -1, padRight: -1 }).split('.');
      padLeft = Math.max(padLeft, int.length);
      padRight = Math.max(padRight, frac.length);
    }
  }
  if (expFormat) padRight = expSize + 2 + sciDigits;
  // nan/inf are right-aligned in the full width, which they may widen
  if (finite.length !== values.length) {
    const negInf = values.some((v) => v === -Infinity);
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + (negInf ? 1 : 0) - (padRight + 1));
  }
  // Second pass: scientific values all get `sciDigits` digits (true digits, not zero padding).
  const format: Formatter = expFormat
    ? (v) => scientific(v, f32, { precision: sciDigits, minDigits: sciDigits, trim: 'k', padLeft, expDigits: expSize })
    : (v) => positional(v, f32, { precision: PRECISION, minDigits: 0, trim: '.', padLeft, padRight });
  const width = padLeft + padRight + 1;
  return (v) => {
    if (Number.isNaN(v)) return 'nan'.padStart(width);
    if (!Number.isFinite(v)) return (v < 0 ? '-inf' : 'inf').padStart(width);
    return format(v);
  };
}

/** int64 lives in a Float64Array; print its integer digits without exponent notation. */
const intString = (v: number): string => (Number.isInteger(v) ? BigInt(v).toString() : String(v));

function integerFormatter(values: number[]): Formatter {
  let width = 0;
  for (const v of values) width = Math.max(width, intString(v).length);
  return (v) => intString(v).padStart(width);
}

/** `str` of a NumPy scalar, which is how 0-D arrays print. */
function scalarString(v: number, dtype: DType): string {
  if (dtype.name === 'bool') return v ? 'True' : 'False';
  if (!dtype.isFloating) return intString(v);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v < 0 ? '-inf' : 'inf';
  const f32 = dtype.name === 'float32';
  const abs = Math.abs(v);
  if (abs === 0 || (abs < 1e16 && abs >= 1e-4)) {
    return positional(v, f32, { precision: -1, minDigits: -1, trim: '0', padLeft: -1, padRight: -1 });
  }
  return scientific(v, f32, { precision: -1, minDigits: -1, trim: '-', padLeft: -1, expDigits: -1 });
}

// ---------------------------------------------------------------------------------------------
// Layout (NumPy's _formatArray): nested brackets, wrapping, summarization
// ---------------------------------------------------------------------------------------------

/** Indices shown along an axis of length n: all, or the edge items around a -1 for `...`. */
function shownIndices(n: number, summarize: boolean): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  return summarize && n > 2 * EDGE_ITEMS ? [...all.slice(0, EDGE_ITEMS), -1, ...all.slice(n - EDGE_ITEMS)] : all;
}

export function formatNumpy(data: TypedArray, shape: readonly number[], dtype: DType): string {
  if (shape.length === 0) return scalarString(data[0], dtype);
  if (shape.some((d) => d === 0)) return '[]';

  const strides = new Array<number>(shape.length);
  for (let i = shape.length - 1, acc = 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i];
  }
  const summarize = data.length > THRESHOLD;

  // The widths are decided by the values that are shown only.
  const shown: number[] = [];
  const collect = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      shown.push(data[offset]);
      return;
    }
    for (const i of shownIndices(shape[axis], summarize)) if (i >= 0) collect(axis + 1, offset + i * strides[axis]);
  };
  collect(0, 0);

  let fmt: Formatter;
  if (dtype.name === 'bool') fmt = (v) => (v ? ' True' : 'False');
  else if (dtype.isFloating) fmt = floatFormatter(shown, dtype.name === 'float32');
  else fmt = integerFormatter(shown);

  const recurse = (axis: number, offset: number, indent: string, width: number): string => {
    const items = shownIndices(shape[axis], summarize);
    const at = (i: number) => offset + i * strides[axis];
    let s = '';
    if (axis === shape.length - 1) {
      // last axis: words separated by a space, wrapped before they would pass `width - 1`
      // (room for the closing bracket); a line never wraps while it holds only the indent
      const limit = width - 1;
      let line = indent;
      items.forEach((i, j) => {
        const word = i < 0 ? '...' : fmt(data[at(i)]);
        if (line.length + word.length > limit && line.length > indent.length) {
          s += line.trimEnd() + '\n';
          line = indent;
        }
        line += word + (j < items.length - 1 ? ' ' : '');
      });
      s += line;
    } else {
      // outer axes: one sub-array per line, with a blank line per extra level of nesting
      const sep = '\n'.repeat(shape.length - axis - 1);
      s = items
        .map((i) => indent + (i < 0 ? '...' : recurse(axis + 1, at(i), indent + ' ', width - 1)))
        .join(sep);
    }
    return '[' + s.slice(indent.length) + ']';
  };
  return recurse(0, 0, ' ', LINE_WIDTH);
}
