/**
 * Nested structures (TF's nest): arrays, plain objects and NamedTuples of leaves. Used for
 * fetches, feeds, RNN states (LSTMStateTuple, tuples per layer) and while-loop variables.
 */
import { ValueError } from './errors';

/** A tuple with named fields (Python's namedtuple), e.g. LSTMStateTuple(c, h). */
export abstract class NamedTuple<T = unknown> implements Iterable<T> {
  abstract get _fields(): readonly string[];
  /** The values in field order. */
  abstract toArray(): T[];
  /** A new tuple of the same class from values in field order. */
  abstract _make(values: readonly unknown[]): NamedTuple<unknown>;
  [Symbol.iterator](): Iterator<T> {
    return this.toArray()[Symbol.iterator]();
  }
  get length(): number {
    return this._fields.length;
  }
}

export type Nest<L> = L | readonly Nest<L>[] | { readonly [k: string]: Nest<L> } | NamedTuple<Nest<L>>;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;
}

export function isNested(x: unknown): boolean {
  return Array.isArray(x) || x instanceof NamedTuple || isPlainObject(x);
}

/** Leaves in a stable order (object keys sorted, as TF's nest sorts dict keys). */
export function flatten<L>(s: unknown, isLeaf: (x: unknown) => boolean = (x) => !isNested(x)): L[] {
  const out: L[] = [];
  const walk = (x: unknown): void => {
    if (isLeaf(x) || !isNested(x)) out.push(x as L);
    else if (Array.isArray(x)) x.forEach(walk);
    else if (x instanceof NamedTuple) x.toArray().forEach(walk);
    else for (const k of Object.keys(x as object).sort()) walk((x as Record<string, unknown>)[k]);
  };
  walk(s);
  return out;
}

/** Rebuilds `structure`'s shape from flat leaves. */
export function pack_sequence_as<T>(structure: unknown, flat: readonly unknown[], isLeaf: (x: unknown) => boolean = (x) => !isNested(x)): T {
  let i = 0;
  const build = (x: unknown): unknown => {
    if (isLeaf(x) || !isNested(x)) return flat[i++];
    if (Array.isArray(x)) return x.map(build);
    if (x instanceof NamedTuple) return x._make(x.toArray().map(build));
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(x as object).sort()) o[k] = build((x as Record<string, unknown>)[k]);
    return o;
  };
  const r = build(structure);
  if (i !== flat.length) throw new Error(`pack_sequence_as: structure has ${i} leaves but ${flat.length} values were given`);
  return r as T;
}

/** Applies fn to every leaf. */
export function map_structure<T>(fn: (x: unknown, i: number) => unknown, s: unknown, isLeaf?: (x: unknown) => boolean): T {
  const flat = flatten<unknown>(s, isLeaf);
  return pack_sequence_as<T>(s, flat.map(fn), isLeaf);
}

function describeStructure(x: unknown, isLeaf: (x: unknown) => boolean): string {
  if (isLeaf(x) || !isNested(x)) {
    const name = (x as { name?: unknown } | null)?.name;
    return typeof name === 'string' ? name : typeof x === 'object' && x !== null ? (x.constructor?.name ?? 'object') : String(x);
  }
  if (Array.isArray(x)) return `[${x.map((y) => describeStructure(y, isLeaf)).join(', ')}]`;
  if (x instanceof NamedTuple) return `${x.constructor.name}(${x._fields.map((f, i) => `${f}=${describeStructure(x.toArray()[i], isLeaf)}`).join(', ')})`;
  const o = x as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `'${k}': ${describeStructure(o[k], isLeaf)}`).join(', ')}}`;
}

/** Why `a` and `b` differ in nesting (kinds, lengths, keys), or null when they have the same structure. */
function structureMismatch(a: unknown, b: unknown, isLeaf: (x: unknown) => boolean): string | null {
  const leafA = isLeaf(a) || !isNested(a);
  const leafB = isLeaf(b) || !isNested(b);
  const d = (x: unknown): string => describeStructure(x, isLeaf);
  if (leafA || leafB) return leafA === leafB ? null : `Substructure "${d(leafA ? b : a)}" is a sequence, while substructure "${d(leafA ? a : b)}" is not`;
  const kind = (x: unknown): string => (Array.isArray(x) ? 'list' : x instanceof NamedTuple ? x.constructor.name : 'dict');
  if (kind(a) !== kind(b)) return `The two namedtuples or sequences have different types: ${kind(a)} and ${kind(b)}`;
  const ka = Array.isArray(a) || a instanceof NamedTuple ? null : Object.keys(a as object).sort();
  const kb = Array.isArray(b) || b instanceof NamedTuple ? null : Object.keys(b as object).sort();
  if (ka && kb && ka.join('\0') !== kb.join('\0')) return `The two dictionaries don't have the same set of keys. First structure has keys [${ka.join(', ')}], while second structure has keys [${kb.join(', ')}].`;
  const va = ka ? ka.map((k) => (a as Record<string, unknown>)[k]) : Array.from(a as Iterable<unknown>);
  const vb = kb ? kb.map((k) => (b as Record<string, unknown>)[k]) : Array.from(b as Iterable<unknown>);
  if (va.length !== vb.length) return `The two structures don't have the same number of elements. First structure: ${d(a)}, second structure: ${d(b)}.`;
  for (let i = 0; i < va.length; i++) {
    const m = structureMismatch(va[i], vb[i], isLeaf);
    if (m) return m;
  }
  return null;
}

/** TF's nest.assert_same_structure: a ValueError saying where `a` and `b` differ. */
export function assert_same_structure(a: unknown, b: unknown, isLeaf: (x: unknown) => boolean = (x) => !isNested(x)): void {
  const m = structureMismatch(a, b, isLeaf);
  if (m) {
    throw new ValueError(
      `The two structures don't have the same nested structure.\n\nFirst structure: ${describeStructure(a, isLeaf)}\n\nSecond structure: ${describeStructure(b, isLeaf)}\n\nMore specifically: ${m}`,
    );
  }
}
