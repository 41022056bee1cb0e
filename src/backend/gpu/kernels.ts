/**
 * Source builders of the non-elementwise kernels. Each takes its (possibly lazy) inputs and
 * returns a BuiltKernel for a flat output; lazy inputs are inlined into the loads (an
 * elementwise prologue fused into the kernel) unless the caller realized them first.
 */
import { ReduceOp } from '../backend';
import { DType } from '../../core/dtypes';
import { BuiltKernel, FLT_MAX, KernelBuilder, RealizeHost, paren } from './codegen';
import { GpuTensor, sizeOf } from './tensor';

type Block = KernelBuilder['topBlock'];

const plus = (c: string, k: number): string => (k === 0 ? c : `${paren(c)} + ${k}`);

/** Initial accumulator (code) of a reduction. */
function reduceInit(kb: KernelBuilder, op: ReduceOp): string {
  switch (op) {
    case 'sum':
    case 'mean':
    case 'any':
      return '0';
    case 'prod':
    case 'all':
      return '1';
    case 'max':
      return kb.special('-inf', -Infinity);
    case 'min':
      return kb.special('inf', Infinity);
  }
}

function reduceStep(op: ReduceOp, acc: string, v: string): string {
  switch (op) {
    case 'sum':
    case 'mean':
      return `${acc} += ${v};`;
    case 'prod':
      return `${acc} *= ${v};`;
    // NaN propagates, as in the CPU backend's Math.max
    case 'max':
      return `if (${v} > ${acc} || ${v} != ${v}) { ${acc} = ${v}; }`;
    case 'min':
      return `if (${v} < ${acc} || ${v} != ${v}) { ${acc} = ${v}; }`;
    case 'any':
      return `if (${v} != 0) { ${acc} = 1; }`;
    case 'all':
      return `if (${v} == 0) { ${acc} = 0; }`;
  }
}

/** Result code of a reduction over `count` elements (mean divides; int mean truncates). */
function reduceResult(op: ReduceOp, acc: string, count: number, dtype: DType): string {
  if (op !== 'mean') return acc;
  const q = `(${acc} / ${count})`;
  return dtype.isInteger ? `(${q} < 0 ? Math.ceil(${q}) : Math.floor(${q}))` : q;
}

/**
 * Reduces the `axes` of x (which must be non-empty with a non-zero element count). Each thread
 * owns one output element and loops over the reduced dimensions.
 */
export function reduceKernel(host: RealizeHost, op: ReduceOp, x: GpuTensor, axes: readonly number[], outShape: readonly number[], divisor: number): BuiltKernel {
  const kb = new KernelBuilder(host, outShape);
  const top = kb.topBlock;
  const coords = new Array<string>(x.shape.length);
  let kept = 0;
  for (let d = 0; d < x.shape.length; d++) if (!axes.includes(d)) coords[d] = kb.root.coord(kept++);
  const acc = kb.tmp('acc');
  kb.emit(top, `let ${acc} = ${reduceInit(kb, op)};`);
  const chain: [Block, Block][] = [];
  let block = top;
  for (const d of axes) {
    if (x.shape[d] === 1) {
      coords[d] = '0';
      continue;
    }
    const r = kb.tmp('r');
    const loop = kb.open(`for (let ${r} = 0; ${r} < ${x.shape[d]}; ${r}++)`);
    chain.push([block, loop]);
    block = loop;
    coords[d] = r;
  }
  const v = kb.load(x, kb.index(block, x.shape, coords));
  kb.emit(block, reduceStep(op, acc, v));
  for (let j = chain.length - 1; j >= 0; j--) kb.close(chain[j][0], chain[j][1]);
  return kb.finish(reduceResult(op, acc, divisor, x.dtype));
}

/**
 * First pass of a two-pass reduction, for few outputs over many elements: output
 * [...outShape, parts], each thread reducing one contiguous chunk of the reduced elements
 * (pairwise-like accuracy for sums, and `parts` times the parallelism).
 */
export function partialReduceKernel(host: RealizeHost, op: ReduceOp, x: GpuTensor, axes: readonly number[], outShape: readonly number[], parts: number): BuiltKernel {
  const redShape = axes.map((d) => x.shape[d]);
  const R = sizeOf(redShape);
  const chunk = Math.ceil(R / parts);
  const kb = new KernelBuilder(host, [...outShape, parts]);
  const top = kb.topBlock;
  const coords = new Array<string>(x.shape.length);
  let kept = 0;
  for (let d = 0; d < x.shape.length; d++) if (!axes.includes(d)) coords[d] = kb.root.coord(kept++);
  const p = kb.root.coord(outShape.length);
  const acc = kb.tmp('acc');
  kb.emit(top, `let ${acc} = ${reduceInit(kb, op === 'mean' ? 'sum' : op)};`);
  const j = kb.tmp('j');
  const loop = kb.open(`for (let ${j} = 0; ${j} < ${chunk}; ${j}++)`);
  const r = kb.tmp('r');
  kb.emit(loop, `const ${r} = ${paren(p)} * ${chunk} + ${j};`);
  const inRange = kb.open(`if (${r} < ${R})`);
  const red = kb.flatIndex(inRange, redShape, r);
  axes.forEach((d, k) => (coords[d] = red.coord(k)));
  const v = kb.load(x, kb.index(inRange, x.shape, coords));
  kb.emit(inRange, reduceStep(op === 'mean' ? 'sum' : op, acc, v));
  kb.close(loop, inRange);
  kb.close(top, loop);
  return kb.finish(acc);
}

/** Index of the max (min) along `axis`; strict comparison keeps the first of ties. */
export function argReduceKernel(host: RealizeHost, op: 'argmax' | 'argmin', x: GpuTensor, axis: number, outShape: readonly number[]): BuiltKernel {
  const kb = new KernelBuilder(host, outShape);
  const top = kb.topBlock;
  const base = new Array<string>(x.shape.length);
  let kept = 0;
  for (let d = 0; d < x.shape.length; d++) if (d !== axis) base[d] = kb.root.coord(kept++);
  const first = [...base];
  first[axis] = '0';
  const best = kb.tmp('best');
  const bi = kb.tmp('bi');
  kb.emit(top, `let ${best} = ${kb.load(x, kb.index(top, x.shape, first))};`);
  kb.emit(top, `let ${bi} = 0;`);
  const k = kb.tmp('k');
  const loop = kb.open(`for (let ${k} = 1; ${k} < ${x.shape[axis]}; ${k}++)`);
  const at = [...base];
  at[axis] = k;
  const v = kb.load(x, kb.index(loop, x.shape, at));
  kb.emit(loop, `if (${v} ${op === 'argmax' ? '>' : '<'} ${best}) { ${best} = ${v}; ${bi} = ${k}; }`);
  kb.close(top, loop);
  return kb.finish(bi);
}

export function transposeKernel(host: RealizeHost, x: GpuTensor, perm: readonly number[], outShape: readonly number[]): BuiltKernel {
  const kb = new KernelBuilder(host, outShape);
  const coords = new Array<string>(x.shape.length);
  perm.forEach((p, d) => (coords[p] = kb.root.coord(d)));
  return kb.finish(kb.load(x, kb.index(kb.topBlock, x.shape, coords)));
}

export function sliceKernel(host: RealizeHost, x: GpuTensor, begin: readonly number[], outShape: readonly number[]): BuiltKernel {
  const kb = new KernelBuilder(host, outShape);
  const coords = outShape.map((_, d) => plus(kb.root.coord(d), begin[d]));
  return kb.finish(kb.load(x, kb.index(kb.topBlock, x.shape, coords)));
}

/** Pieces of equal rank joined along `axis` (empty pieces already dropped). */
export function concatKernel(host: RealizeHost, xs: readonly GpuTensor[], axis: number, outShape: readonly number[]): BuiltKernel {
  const kb = new KernelBuilder(host, outShape);
  const top = kb.topBlock;
  const c = kb.root.coord(axis);
  const out = kb.tmp('o');
  kb.emit(top, `let ${out} = 0;`);
  let offset = 0;
  xs.forEach((x, j) => {
    const end = offset + x.shape[axis];
    const header = j === 0 ? `if (${c} < ${end})` : j === xs.length - 1 ? 'else' : `else if (${c} < ${end})`;
    const branch = kb.open(header);
    const coords = outShape.map((_, d) => (d === axis ? plus(c, -offset) : kb.root.coord(d)));
    kb.emit(branch, `${out} = ${kb.load(x, kb.index(branch, x.shape, coords))};`);
    kb.close(top, branch);
    offset = end;
  });
  return kb.finish(out);
}

export function gatherKernel(host: RealizeHost, x: GpuTensor, indices: GpuTensor, axis: number, outShape: readonly number[]): BuiltKernel {
  const kb = new KernelBuilder(host, outShape);
  const top = kb.topBlock;
  const r = indices.shape.length;
  const ic = indices.shape.map((_, d) => kb.root.coord(axis + d));
  const iv = kb.load(indices, kb.index(top, indices.shape, ic));
  // indices were validated; the clamp only keeps a read inside the buffer
  const g = kb.tmp('g');
  kb.emit(top, `const ${g} = Math.min(Math.max(${iv}, 0), ${x.shape[axis] - 1});`);
  const coords = x.shape.map((_, d) => (d < axis ? kb.root.coord(d) : d === axis ? g : kb.root.coord(d - 1 + r)));
  return kb.finish(kb.load(x, kb.index(top, x.shape, coords)));
}

/** data viewed as [N, ...rest], ids as [N]; out [numSegments, ...rest]. */
export function segmentSumKernel(host: RealizeHost, data: GpuTensor, ids: GpuTensor, outShape: readonly number[]): BuiltKernel {
  const kb = new KernelBuilder(host, outShape);
  const top = kb.topBlock;
  const N = ids.size;
  const s = kb.root.coord(0);
  const acc = kb.tmp('acc');
  kb.emit(top, `let ${acc} = 0;`);
  const j = kb.tmp('j');
  const loop = kb.open(`for (let ${j} = 0; ${j} < ${N}; ${j}++)`);
  const id = kb.load(ids, kb.index(loop, ids.shape, [j]));
  const hit = kb.open(`if (${id} == ${s})`);
  const coords = data.shape.map((_, d) => (d === 0 ? j : kb.root.coord(d)));
  kb.emit(hit, `${acc} += ${kb.load(data, kb.index(hit, data.shape, coords))};`);
  kb.close(loop, hit);
  kb.close(top, loop);
  return kb.finish(acc);
}

/** TF1's InTopK: count the strictly larger predictions; any non-finite one (or a bad target) gives false. */
export function inTopKKernel(host: RealizeHost, pred: GpuTensor, targets: GpuTensor, k: number): BuiltKernel {
  const [B, C] = pred.shape;
  const kb = new KernelBuilder(host, [B]);
  const top = kb.topBlock;
  const b = kb.root.coord(0);
  const t = kb.load(targets, kb.index(top, targets.shape, [b]));
  const tc = kb.tmp('tc');
  kb.emit(top, `const ${tc} = Math.min(Math.max(${t}, 0), ${C - 1});`);
  const pt = kb.load(pred, kb.index(top, pred.shape, [b, tc]));
  const bad = kb.tmp('bad');
  const cnt = kb.tmp('cnt');
  kb.emit(top, `let ${bad} = (${t} < 0 || ${t} >= ${C} || Math.abs(${pt}) > ${FLT_MAX} || ${pt} != ${pt}) ? 1 : 0;`);
  kb.emit(top, `let ${cnt} = 0;`);
  const c = kb.tmp('c');
  const loop = kb.open(`for (let ${c} = 0; ${c} < ${C}; ${c}++)`);
  const v = kb.load(pred, kb.index(loop, pred.shape, [b, c]));
  kb.emit(loop, `if (Math.abs(${v}) <= ${FLT_MAX}) { if (${v} > ${pt}) { ${cnt} = ${cnt} + 1; } } else { ${bad} = 1; }`);
  kb.close(top, loop);
  return kb.finish(`((${bad} == 0 && ${cnt} < ${kb.uniform('k', k)}) ? 1 : 0)`);
}

/** [1]: position of the first index outside [0, hi), or the count when all are in range. */
export function firstOutOfRangeKernel(host: RealizeHost, indices: GpuTensor, hi: number): BuiltKernel {
  const kb = new KernelBuilder(host, [1]);
  const top = kb.topBlock;
  const n = indices.size;
  const pos = kb.tmp('pos');
  kb.emit(top, `let ${pos} = ${n};`);
  const j = kb.tmp('j');
  const loop = kb.open(`for (let ${j} = 0; ${j} < ${n}; ${j}++)`);
  const v = kb.load(indices, kb.flatIndex(loop, indices.shape, j));
  kb.emit(loop, `if ((${v} < 0 || ${v} >= ${kb.uniform('hi', hi)}) && ${pos} == ${n}) { ${pos} = ${j}; }`);
  kb.close(top, loop);
  return kb.finish(pos);
}

