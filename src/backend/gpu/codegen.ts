/**
 * Kernel source generation. Every kernel is a JS function expression that gpu.js transpiles
 * (to GLSL on GL modes, to wasm on webasm, to JS on cpu): one thread per output element of a
 * flat 1-D output, `i = this.thread.x`.
 *
 * Values are addressed by Index objects: a shape plus either a flat offset or per-dimension
 * coordinates (the other is derived on demand, by exact div/mod when needed). `load(t, idx)`
 * returns code for t's element at idx: a buffer read for a materialized tensor, the inlined
 * expression for a lazy one (its inputs loaded at the same or a broadcast Index). Statements
 * are emitted into the block the Index belongs to, so values that depend only on an outer
 * index are hoisted out of inner loops, and each (tensor, index) pair is computed once (CSE).
 *
 * The source never contains data values: scalars are uniforms (arguments), shapes are baked
 * in. So the source string is the kernel's signature, and the compile cache is keyed by it.
 */
import { BinaryOp, UnaryOp } from '../backend';
import { DType } from '../../core/dtypes';
import { GpuTensor, Storage, sameShape, stridesOf } from './tensor';

export const FLT_MAX = '3.4028234663852886e38';

/** Wraps compound code in parentheses (identifiers and literals stay bare). */
export function paren(code: string): string {
  return /^[\w.]+$/.test(code) ? code : `(${code})`;
}

class Block {
  readonly lines: (string | Block)[] = [];
  constructor(readonly header: string | null) {}
}

/** Element addressing in some shape, tied to the block where derived values are emitted. */
export class Index {
  private static nextId = 1;
  readonly id = Index.nextId++;
  private readonly bcastCache = new Map<string, Index>();
  private flatCode: string | null;
  private coordCodes: string[] | null;

  constructor(
    private readonly kb: KernelBuilder,
    readonly block: Block,
    readonly shape: readonly number[],
    flat: string | null,
    coords: string[] | null,
  ) {
    this.flatCode = flat;
    this.coordCodes = coords;
  }

  flat(): string {
    if (this.flatCode === null) {
      const coords = this.coords();
      const st = stridesOf(this.shape);
      const terms: string[] = [];
      for (let d = 0; d < this.shape.length; d++) {
        if (this.shape[d] === 1 || coords[d] === '0') continue;
        terms.push(st[d] === 1 ? coords[d] : `${paren(coords[d])} * ${st[d]}`);
      }
      if (terms.length === 0) this.flatCode = '0';
      else if (terms.length === 1 && /^[a-z]\w*$/.test(terms[0])) this.flatCode = terms[0];
      else {
        const v = this.kb.tmp('f');
        this.kb.emit(this.block, `const ${v} = ${terms.join(' + ')};`);
        this.flatCode = v;
      }
    }
    return this.flatCode;
  }

  coord(d: number): string {
    return this.coords()[d];
  }

  coords(): string[] {
    if (this.coordCodes === null) {
      // Exact unravel of an integral float < 2^24: the +0.5 keeps floor clear of the integer
      // boundary, and the remainder check fixes the last ulp of a non-IEEE divide.
      const r = this.shape.length;
      const out = new Array<string>(r);
      let q = this.flatCode ?? '0';
      for (let d = r - 1; d >= 1; d--) {
        const s = this.shape[d];
        if (s === 1) {
          out[d] = '0';
          continue;
        }
        const qv = this.kb.tmp('q');
        const cv = this.kb.tmp('c');
        this.kb.emit(this.block, `let ${qv} = Math.floor((${q} + 0.5) / ${s});`);
        this.kb.emit(this.block, `let ${cv} = ${paren(q)} - ${qv} * ${s};`);
        this.kb.emit(this.block, `if (${cv} < 0) { ${qv} = ${qv} - 1; ${cv} = ${cv} + ${s}; }`);
        this.kb.emit(this.block, `if (${cv} >= ${s}) { ${qv} = ${qv} + 1; ${cv} = ${cv} - ${s}; }`);
        out[d] = cv;
        q = qv;
      }
      if (r > 0) out[0] = this.shape[0] === 1 ? '0' : q;
      this.coordCodes = out;
    }
    return this.coordCodes;
  }

  /** The Index of an operand of `shape` broadcast (NumPy, right-aligned) to this one. */
  broadcast(shape: readonly number[]): Index {
    if (sameShape(shape, this.shape)) return this;
    const key = shape.join(',');
    let ix = this.bcastCache.get(key);
    if (!ix) {
      const off = this.shape.length - shape.length;
      const coords = shape.map((s, d) => (s === 1 ? '0' : this.coord(d + off)));
      ix = new Index(this.kb, this.block, shape, null, coords);
      this.bcastCache.set(key, ix);
    }
    return ix;
  }

  /** The same elements seen with another shape of equal size (row-major). */
  reshaped(shape: readonly number[]): Index {
    if (sameShape(shape, this.shape)) return this;
    const key = 'r' + shape.join(',');
    let ix = this.bcastCache.get(key);
    if (!ix) {
      ix = shape.length === 0 ? new Index(this.kb, this.block, shape, '0', []) : new Index(this.kb, this.block, shape, this.flat(), shape.length === 1 ? [this.flat()] : null);
      this.bcastCache.set(key, ix);
    }
    return ix;
  }
}

/** What codegen needs from the backend: realizing tensors it will not inline. */
export interface RealizeHost {
  realize(t: GpuTensor): void;
}

export interface BuiltKernel {
  source: string;
  storages: Storage[];
  uniforms: number[];
}

/** Per-node emission helpers handed to the op snippets. */
export interface Emitter {
  tmp(prefix?: string): string;
  emit(stmt: string): void;
  /** Code for a uniform holding `value` (for NaN/Inf, which have no literal in GLSL). */
  special(name: string, value: number): string;
}

export class KernelBuilder {
  private readonly top = new Block(null);
  private readonly storages: Storage[] = [];
  private readonly storageNames = new Map<Storage, string>();
  private readonly uniforms: number[] = [];
  private readonly uniformNames = new Map<unknown, string>();
  private readonly memo = new Map<string, string>();
  private counter = 0;
  readonly root: Index;

  constructor(
    private readonly host: RealizeHost,
    readonly outShape: readonly number[],
  ) {
    this.root = new Index(this, this.top, outShape, 'i', outShape.length === 0 ? [] : outShape.length === 1 ? ['i'] : null);
  }

  get topBlock(): Block {
    return this.top;
  }

  tmp(prefix = 'v'): string {
    return `${prefix}${this.counter++}`;
  }

  emit(block: Block, stmt: string): void {
    block.lines.push(stmt);
  }

  /** Opens a nested block (loop or branch); statements for outer indices still go outside it. */
  open(header: string): Block {
    return new Block(header);
  }

  /** Appends a finished nested block to its parent (after anything hoisted while it was open). */
  close(parent: Block, child: Block): void {
    parent.lines.push(child);
  }

  /** An Index given by coordinates in `block`. */
  index(block: Block, shape: readonly number[], coords: string[]): Index {
    return new Index(this, block, shape, shape.length === 0 ? '0' : null, coords);
  }

  /** An Index given by a flat offset in `block`. */
  flatIndex(block: Block, shape: readonly number[], flat: string): Index {
    return new Index(this, block, shape, flat, shape.length <= 1 ? (shape.length === 0 ? [] : [flat]) : null);
  }

  uniform(key: unknown, value: number): string {
    let name = this.uniformNames.get(key);
    if (name === undefined) {
      name = `s${this.uniforms.length}`;
      this.uniforms.push(value);
      this.uniformNames.set(key, name);
    }
    return name;
  }

  special(name: string, value: number): string {
    return this.uniform(`special:${name}`, value);
  }

  /** Argument name of a materialized tensor's storage (uploaded before the run). */
  buffer(t: GpuTensor): string {
    const st = t.storage;
    if (st === null) throw new Error('internal: buffer() of a lazy tensor');
    let name = this.storageNames.get(st);
    if (name === undefined) {
      name = `b${this.storages.length}`;
      this.storages.push(st);
      this.storageNames.set(st, name);
    }
    return name;
  }

  private emitter(block: Block): Emitter {
    return {
      tmp: (p) => this.tmp(p),
      emit: (s) => this.emit(block, s),
      special: (n, v) => this.special(n, v),
    };
  }

  /** Code for t's element at idx (idx's shape is t's shape or one t broadcasts to). */
  load(t: GpuTensor, idx: Index): string {
    const key = `${t.id}@${idx.id}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    const code = this.loadUncached(t, idx);
    this.memo.set(key, code);
    return code;
  }

  private loadUncached(t: GpuTensor, idx: Index): string {
    const node = t.node;
    if (node === null) {
      const st = t.storage;
      if (st !== null && st.buf === null && st.host !== null && t.size === 1) return this.uniform(st, st.host[0]);
      const name = this.buffer(t);
      const flat = idx.broadcast(t.shape).flat();
      const v = this.tmp();
      this.emit(idx.block, `const ${v} = ${name}[${flat}];`);
      return v;
    }
    if (node.k === 'const') return this.uniform(t, node.value);
    if (!sameShape(t.shape, idx.shape)) {
      // A lazy operand broadcast to a larger shape would be recomputed per output element.
      this.host.realize(t);
      return this.loadUncached(t, idx);
    }
    const E = this.emitter(idx.block);
    let code: string;
    switch (node.k) {
      case 'iota':
        return idx.coord(node.axis);
      case 'reshape':
        return this.load(node.x, idx.reshaped(node.x.shape));
      case 'cast':
        code = castCode(this.load(node.x, idx.broadcast(node.x.shape)), node.x.dtype, t.dtype);
        break;
      case 'unary':
        code = unaryCode(node.op, this.load(node.x, idx.broadcast(node.x.shape)), t.dtype, E);
        break;
      case 'binary':
        code = binaryCode(node.op, this.load(node.a, idx.broadcast(node.a.shape)), this.load(node.b, idx.broadcast(node.b.shape)), node.a.dtype, E);
        break;
      case 'select': {
        const c = this.load(node.c, idx.broadcast(node.c.shape));
        const a = this.load(node.a, idx.broadcast(node.a.shape));
        const b = this.load(node.b, idx.broadcast(node.b.shape));
        code = `(${c} != 0 ? ${a} : ${b})`;
        break;
      }
      case 'dot':
        return this.dot(node.a, node.b, node.ta, node.tb, idx);
    }
    const v = this.tmp();
    this.emit(idx.block, `const ${v} = ${code};`);
    return v;
  }

  private dot(a: GpuTensor, b: GpuTensor, ta: boolean, tb: boolean, idx: Index): string {
    this.host.realize(a);
    this.host.realize(b);
    const r = idx.shape.length;
    const K = ta ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
    const sa = stridesOf(a.shape);
    const sb = stridesOf(b.shape);
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = idx.coord(r - 2);
    const n = idx.coord(r - 1);
    const baseA: string[] = [];
    const baseB: string[] = [];
    if (r === 3) {
      const bc = idx.coord(0);
      if (bc !== '0') {
        baseA.push(`${paren(bc)} * ${sa[0]}`);
        baseB.push(`${paren(bc)} * ${sb[0]}`);
      }
    }
    // a is [.., M, K] (or [.., K, M] when ta); b is [.., K, N] (or [.., N, K] when tb)
    const aM = ta ? sa[ra - 1] : sa[ra - 2];
    const aK = ta ? sa[ra - 2] : sa[ra - 1];
    const bK = tb ? sb[rb - 1] : sb[rb - 2];
    const bN = tb ? sb[rb - 2] : sb[rb - 1];
    if (m !== '0') baseA.push(aM === 1 ? m : `${paren(m)} * ${aM}`);
    if (n !== '0') baseB.push(bN === 1 ? n : `${paren(n)} * ${bN}`);
    const an = this.buffer(a);
    const bn = this.buffer(b);
    const pa = this.tmp('pa');
    const pb = this.tmp('pb');
    const acc = this.tmp('acc');
    const k = this.tmp('k');
    this.emit(idx.block, `const ${pa} = ${baseA.length ? baseA.join(' + ') : '0'};`);
    this.emit(idx.block, `const ${pb} = ${baseB.length ? baseB.join(' + ') : '0'};`);
    this.emit(idx.block, `let ${acc} = 0;`);
    const loop = this.open(`for (let ${k} = 0; ${k} < ${K}; ${k}++)`);
    const ia = aK === 1 ? `${pa} + ${k}` : `${pa} + ${k} * ${aK}`;
    const ib = bK === 1 ? `${pb} + ${k}` : `${pb} + ${k} * ${bK}`;
    this.emit(loop, `${acc} += ${an}[${ia}] * ${bn}[${ib}];`);
    this.close(idx.block, loop);
    return acc;
  }

  /** The whole kernel; `result` is the code of the output value. */
  finish(result: string): BuiltKernel {
    const params = [...this.storages.map((_, j) => `b${j}`), ...this.uniforms.map((_, j) => `s${j}`)];
    const out: string[] = [`function (${params.join(', ')}) {`, 'const i = this.thread.x;'];
    const render = (b: Block, depth: number): void => {
      for (const l of b.lines) {
        if (typeof l === 'string') out.push('  '.repeat(depth) + l);
        else {
          out.push('  '.repeat(depth) + `${l.header} {`);
          render(l, depth + 1);
          out.push('  '.repeat(depth) + '}');
        }
      }
    };
    render(this.top, 0);
    out.push(`return ${result};`, '}');
    return { source: out.join('\n'), storages: this.storages, uniforms: this.uniforms };
  }
}

// ---- op snippets ---------------------------------------------------------------------------

function isInt(dt: DType): boolean {
  return dt.isInteger;
}

export function castCode(x: string, from: DType, to: DType): string {
  if (to === DType.bool) return from === DType.bool ? x : `(${x} != 0 ? 1 : 0)`;
  if (to.isInteger && from.isFloating) return `(${x} < 0 ? Math.ceil(${x}) : Math.floor(${x}))`;
  return x;
}

export function unaryCode(op: UnaryOp, x: string, dt: DType, E: Emitter): string {
  switch (op) {
    case 'neg':
      return `(-${x})`;
    case 'abs':
      return `Math.abs(${x})`;
    case 'sign':
      return `(${x} > 0 ? 1 : (${x} < 0 ? -1 : ${x}))`;
    case 'exp':
      return `Math.exp(${x})`;
    case 'log':
      return `Math.log(${x})`;
    case 'log1p': {
      // log(u) * x / (u - 1) cancels the rounding of u = 1 + x (Goldberg's trick).
      const u = E.tmp('u');
      E.emit(`const ${u} = 1 + ${x};`);
      return `(${u} == 1 ? ${x} : Math.log(${u}) * (${x} / (${u} - 1)))`;
    }
    case 'sqrt':
      return `Math.sqrt(${x})`;
    case 'rsqrt':
      return `(1 / Math.sqrt(${x}))`;
    case 'square':
      return `(${x} * ${x})`;
    case 'reciprocal':
      return `(1 / ${x})`;
    case 'tanh': {
      // exp of a non-positive argument never overflows; the odd series covers tiny |x| where
      // 1 - e would cancel.
      const e = E.tmp('e');
      const th = E.tmp('th');
      E.emit(`const ${e} = Math.exp(-2 * Math.abs(${x}));`);
      E.emit(`const ${th} = Math.abs(${x}) < 0.004 ? Math.abs(${x}) * (1 - ${x} * ${x} / 3) : (1 - ${e}) / (1 + ${e});`);
      return `(${x} < 0 ? -${th} : (${x} > 0 ? ${th} : ${x}))`;
    }
    case 'sigmoid':
      return `(1 / (1 + Math.exp(-${x})))`;
    case 'relu':
      // lets NaN through, as Eigen's max(x, 0)
      return `(${x} < 0 ? 0 : ${x})`;
    case 'floor':
      return isInt(dt) ? x : `Math.floor(${x})`;
    case 'ceil':
      return isInt(dt) ? x : `Math.ceil(${x})`;
    case 'round': {
      if (isInt(dt)) return x;
      // half to even, as TF (Eigen's scalar_round_half_to_even_op)
      const f = E.tmp('fl');
      const d = E.tmp('fr');
      E.emit(`const ${f} = Math.floor(${x});`);
      E.emit(`const ${d} = ${x} - ${f};`);
      return `(${d} > 0.5 ? ${f} + 1 : (${d} < 0.5 ? ${f} : (${f} - 2 * Math.floor(${f} / 2) == 0 ? ${f} : ${f} + 1)))`;
    }
    case 'sin':
      return `Math.sin(${x})`;
    case 'cos':
      return `Math.cos(${x})`;
    case 'logical_not':
      return `(${x} != 0 ? 0 : 1)`;
    case 'is_nan':
      return `(${x} != ${x} ? 1 : 0)`;
    case 'is_finite':
      return `(Math.abs(${x}) <= ${FLT_MAX} ? 1 : 0)`;
  }
}

/** Emits exact floor division of integral floats; returns [quotient, floor-mod remainder]. */
function intFloorDivMod(a: string, b: string, E: Emitter): [string, string] {
  const q = E.tmp('q');
  const r = E.tmp('r');
  E.emit(`let ${q} = Math.floor(${a} / ${b});`);
  E.emit(`let ${r} = ${a} - ${q} * ${b};`);
  E.emit(
    `if (${b} > 0) { if (${r} < 0) { ${q} = ${q} - 1; ${r} = ${r} + ${b}; } if (${r} >= ${b}) { ${q} = ${q} + 1; ${r} = ${r} - ${b}; } } ` +
      `else { if (${r} > 0) { ${q} = ${q} - 1; ${r} = ${r} + ${b}; } if (${r} <= ${b}) { ${q} = ${q} + 1; ${r} = ${r} - ${b}; } }`,
  );
  return [q, r];
}

/** `dt` is the operands' dtype (comparisons return bool but compute on their inputs). */
export function binaryCode(op: BinaryOp, a: string, b: string, dt: DType, E: Emitter): string {
  switch (op) {
    case 'add':
      return `(${a} + ${b})`;
    case 'sub':
      return `(${a} - ${b})`;
    case 'mul':
      return `(${a} * ${b})`;
    case 'div': {
      if (!isInt(dt)) return `(${a} / ${b})`;
      // C++ integer division truncates toward zero
      const [q, r] = intFloorDivMod(a, b, E);
      return `((${r} != 0 && (${a} < 0 ? 1 : 0) != (${b} < 0 ? 1 : 0)) ? ${q} + 1 : ${q})`;
    }
    case 'floordiv':
      return isInt(dt) ? intFloorDivMod(a, b, E)[0] : `Math.floor(${a} / ${b})`;
    case 'mod': {
      if (isInt(dt)) return intFloorDivMod(a, b, E)[1];
      // TF's FloorMod: fmod, moved into the divisor's sign
      const q = E.tmp('q');
      const t = E.tmp('t');
      E.emit(`const ${q} = ${a} / ${b};`);
      E.emit(`const ${t} = ${a} - ${b} * (${q} < 0 ? Math.ceil(${q}) : Math.floor(${q}));`);
      return `((${t} != 0 && (${b} < 0 ? 1 : 0) != (${t} < 0 ? 1 : 0)) ? ${t} + ${b} : ${t})`;
    }
    case 'pow': {
      // GLSL pow is undefined for a negative base; exponent parity decides the sign.
      const p = E.tmp('p');
      E.emit(`let ${p} = Math.pow(Math.abs(${a}), ${b});`);
      E.emit(`if (${b} == 0) { ${p} = 1; }`);
      E.emit(
        `if (${a} < 0) { if (Math.floor(${b}) != ${b}) { ${p} = ${E.special('nan', NaN)}; } else { if (${b} - 2 * Math.floor(${b} / 2) != 0) { ${p} = -${p}; } } }`,
      );
      return isInt(dt) ? `Math.floor(${p} + 0.5)` : p;
    }
    // NaN wins, as Math.max / Eigen's propagating max
    case 'maximum':
      return `((${a} > ${b} || ${a} != ${a}) ? ${a} : ${b})`;
    case 'minimum':
      return `((${a} < ${b} || ${a} != ${a}) ? ${a} : ${b})`;
    case 'squared_difference': {
      const d = E.tmp('d');
      E.emit(`const ${d} = ${a} - ${b};`);
      return `(${d} * ${d})`;
    }
    case 'equal':
      return `(${a} == ${b} ? 1 : 0)`;
    case 'not_equal':
      return `(${a} != ${b} ? 1 : 0)`;
    case 'less':
      return `(${a} < ${b} ? 1 : 0)`;
    case 'less_equal':
      return `(${a} <= ${b} ? 1 : 0)`;
    case 'greater':
      return `(${a} > ${b} ? 1 : 0)`;
    case 'greater_equal':
      return `(${a} >= ${b} ? 1 : 0)`;
    case 'logical_and':
      return `((${a} != 0 && ${b} != 0) ? 1 : 0)`;
    case 'logical_or':
      return `((${a} != 0 || ${b} != 0) ? 1 : 0)`;
    case 'tanh_grad':
      return `(${b} * (1 - ${a} * ${a}))`;
    case 'sigmoid_grad':
      return `(${b} * ${a} * (1 - ${a}))`;
    case 'relu_grad':
      return `(${b} > 0 ? ${a} : 0)`;
  }
}
