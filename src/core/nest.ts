/**
 * Nested structures (TF's nest): arrays, plain objects and NamedTuples of leaves. Used for
 * fetches, feeds, RNN states (LSTMStateTuple, tuples per layer) and while-loop variables.
 */

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
