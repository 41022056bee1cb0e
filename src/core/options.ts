/**
 * Keyword-argument checking. Python's keyword arguments become a trailing options object;
 * like Python, a key the function does not take is an error, not silently ignored.
 */
import { TFTypeError } from './errors';

export function checkOptions<T extends object>(fnName: string, opts: T | undefined | null, allowed: readonly string[]): T {
  if (opts === undefined || opts === null) return {} as T;
  if (typeof opts !== 'object' || Array.isArray(opts)) {
    throw new TFTypeError(`${fnName}() expected an options object as its last argument, got ${Array.isArray(opts) ? 'an array' : typeof opts}`);
  }
  for (const k of Object.keys(opts)) {
    if (!allowed.includes(k)) {
      const close = allowed.find((a) => editDistance(a, k) <= 2);
      throw new TFTypeError(`${fnName}() got an unexpected keyword argument '${k}'${close ? ` (did you mean '${close}'?)` : ''}`);
    }
  }
  return opts;
}

/** True for a plain options object (not an array, tensor, typed array or null). */
export function isOptionsObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;
}

function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}
