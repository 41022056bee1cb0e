/**
 * NumPy broadcasting, planned once per call: adjacent dimensions in which every operand is either
 * fully present or fully broadcast are merged, so that [150,128] + [128] becomes 150 runs of a
 * contiguous 128-element loop and same-shape operands become one flat loop. Kernels then iterate
 * over the outer groups with an odometer and run a tight inner loop.
 */
import { broadcastShapes } from '../backend';
import { fail, shapeStr } from './tensor';

export interface BroadcastPlan {
  /** Sizes of the merged dimension groups, outermost first; the last one is the inner loop. */
  readonly sizes: number[];
  /** Per operand, its element stride in each group (0 where it is broadcast). */
  readonly strides: number[][];
  /** Length of the inner loop (sizes[last]). */
  readonly inner: number;
  /** Number of inner runs (product of the outer sizes). */
  readonly runs: number;
}

/** Broadcast shape of a and b, or TF's "Incompatible shapes" error. */
export function broadcastOrThrow(kernel: string, a: readonly number[], b: readonly number[]): number[] {
  const out = broadcastShapes(a, b);
  if (!out) fail(kernel, `Incompatible shapes: ${shapeStr(a)} vs. ${shapeStr(b)}`);
  return out;
}

/** Plans iteration over `out` for operands of the given shapes (each must broadcast to `out`). */
export function planBroadcast(shapes: readonly (readonly number[])[], out: readonly number[]): BroadcastPlan {
  const n = out.length;
  const groups: { size: number; present: boolean[] }[] = [];
  for (let d = 0; d < n; d++) {
    if (out[d] === 1) continue; // contributes nothing to the iteration
    const present = shapes.map((s) => {
      const k = d - (n - s.length);
      return k >= 0 && s[k] !== 1;
    });
    const last = groups[groups.length - 1];
    if (last && last.present.every((p, i) => p === present[i])) last.size *= out[d];
    else groups.push({ size: out[d], present });
  }
  if (groups.length === 0) groups.push({ size: 1, present: shapes.map(() => false) });
  const sizes = groups.map((g) => g.size);
  const strides = shapes.map((_, i) => {
    const st = new Array<number>(groups.length);
    for (let g = groups.length - 1, acc = 1; g >= 0; g--) {
      st[g] = groups[g].present[i] ? acc : 0;
      if (groups[g].present[i]) acc *= groups[g].size;
    }
    return st;
  });
  const inner = sizes[sizes.length - 1];
  let runs = 1;
  for (let g = 0; g < sizes.length - 1; g++) runs *= sizes[g];
  return { sizes, strides, inner, runs };
}

/**
 * Calls `run(offsets, outOffset)` once per inner run; `offsets[i]` is operand i's start. The
 * offsets array is reused between calls (read it, do not keep it).
 */
export function forEachRun(plan: BroadcastPlan, run: (offsets: Int32Array | Float64Array, outOffset: number) => void): void {
  const { sizes, strides, inner, runs } = plan;
  const nOuter = sizes.length - 1;
  const nOps = strides.length;
  // offsets may exceed 2^31 only for tensors we could not allocate anyway; Float64Array is safe
  const off = new Float64Array(nOps);
  const idx = new Int32Array(Math.max(nOuter, 1));
  for (let r = 0, oo = 0; r < runs; r++, oo += inner) {
    run(off, oo);
    for (let d = nOuter - 1; d >= 0; d--) {
      idx[d]++;
      for (let i = 0; i < nOps; i++) off[i] += strides[i][d];
      if (idx[d] < sizes[d]) break;
      for (let i = 0; i < nOps; i++) off[i] -= strides[i][d] * sizes[d];
      idx[d] = 0;
    }
  }
}
