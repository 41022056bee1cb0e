/**
 * tf.gradients: symbolic reverse-mode differentiation. Adds gradient ops to the graph (under
 * name scope 'gradients') using each op's own gradient function (src/ops), summing the
 * contributions of every path and every use of a shared tensor.
 */
import { TFTypeError, ValueError } from '../core/errors';
import { checkOptions } from '../core/options';
import { Graph, Operation, Tensor, get_default_graph } from '../graph/graph';
import { getOpDef } from '../ops/registry';
import { TensorLike, convert_to_tensor, isTensorConvertible } from '../ops/common';
import { add_n } from '../ops/math_ops';
import { ones_like } from '../ops/array_ops';
import { Variable } from '../ops/state_ops';

export interface GradientsOptions {
  name?: string;
  stop_gradients?: readonly Tensor[];
  colocate_gradients_with_ops?: boolean;
  gate_gradients?: boolean;
  aggregation_method?: unknown;
}

type XLike = Tensor | Variable;

function asX(x: XLike): Tensor {
  if (x instanceof Variable) return x._ref();
  if (x instanceof Tensor) return x;
  if (isTensorConvertible(x)) return (x as { _asTensor(): Tensor })._asTensor();
  throw new TFTypeError(`gradients: xs must be Tensors or Variables, got ${String(x)}`);
}

/**
 * d(sum of ys)/d(xs). Returns one entry per x: a tensor of x's shape, or null when no y
 * depends on x (also through non-differentiable paths).
 */
export function gradients(
  ys: Tensor | readonly Tensor[],
  xs: XLike | readonly XLike[],
  grad_ys?: TensorLike | readonly (TensorLike | null)[] | null,
  opts: GradientsOptions = {},
): (Tensor | null)[] {
  opts = checkOptions('gradients', opts, ['name', 'stop_gradients', 'colocate_gradients_with_ops', 'gate_gradients', 'aggregation_method']);
  const yList = (Array.isArray(ys) ? [...ys] : [ys]) as Tensor[];
  const xList = (Array.isArray(xs) ? [...xs] : [xs]).map((x) => asX(x as XLike));
  for (const y of yList) if (!(y instanceof Tensor)) throw new TFTypeError(`gradients: ys must be Tensors, got ${String(y)}`);
  const graph = yList.length ? yList[0].graph : get_default_graph();
  let gys: (TensorLike | null)[] = [];
  if (grad_ys !== undefined && grad_ys !== null) {
    gys = Array.isArray(ys) ? [...(grad_ys as (TensorLike | null)[])] : [grad_ys as TensorLike];
    if (gys.length !== yList.length) throw new ValueError(`Passed ${gys.length} grad_ys for ${yList.length} ys`);
  }
  const scope = graph.nameScope(opts.name ?? 'gradients');
  try {
    return backprop(graph, yList, xList, gys, new Set(opts.stop_gradients ?? []));
  } finally {
    scope[Symbol.dispose]();
  }
}

/** Ops on some path from an x to a y (within one graph). */
function opsBetween(ys: readonly Tensor[], xs: readonly Tensor[], stop: Set<Tensor>): Set<Operation> {
  // Forward from xs.
  const reached = new Set<Operation>();
  const queue: Tensor[] = [...xs];
  const xset = new Set(xs);
  while (queue.length) {
    const t = queue.pop()!;
    // A stopped tensor that is itself an x still starts a path (TF: stop_gradients=[a, b] with xs [a, b]).
    if (stop.has(t) && !xset.has(t)) continue;
    for (const c of t.consumers()) {
      if (reached.has(c)) continue;
      reached.add(c);
      queue.push(...c.outputs);
    }
  }
  // Backward from ys, keeping only reached ops.
  const between = new Set<Operation>();
  const back: Operation[] = ys.map((y) => y.op).filter((op) => reached.has(op));
  while (back.length) {
    const op = back.pop()!;
    if (between.has(op)) continue;
    between.add(op);
    for (const i of op.inputs) if (reached.has(i.op) && !stop.has(i)) back.push(i.op);
  }
  return between;
}

function backprop(graph: Graph, ys: Tensor[], xs: Tensor[], gys: (TensorLike | null)[], stop: Set<Tensor>): (Tensor | null)[] {
  const between = opsBetween(ys, xs, stop);
  const grads = new Map<Tensor, Tensor[]>();
  const push = (t: Tensor, g: Tensor): void => {
    const l = grads.get(t);
    if (l) l.push(g);
    else grads.set(t, [g]);
  };
  ys.forEach((y, i) => {
    const gy = gys[i];
    push(y, gy === undefined || gy === null ? ones_like(y) : convert_to_tensor(gy, y.dtype));
  });
  const sum = (t: Tensor): Tensor | null => {
    const l = grads.get(t);
    if (!l || l.length === 0) return null;
    if (l.length === 1) return l[0];
    const s = add_n(l);
    grads.set(t, [s]);
    return s;
  };
  // Creation order is a topological order within a graph: walk it backwards.
  const ordered = [...between].sort((a, b) => b.id - a.id);
  const xset = new Set(xs);
  for (const op of ordered) {
    const outGrads = op.outputs.map((o) => (o.dtype.isDifferentiable ? sum(o) : null));
    if (outGrads.every((g) => g === null)) continue;
    const def = getOpDef(op.type);
    if (!def.grad) continue;
    const scope = graph.nameScope(`${op.name}_grad`);
    let inGrads: (Tensor | null)[];
    try {
      inGrads = def.grad(op, outGrads);
    } finally {
      scope[Symbol.dispose]();
    }
    if (inGrads.length !== op.inputs.length) {
      throw new ValueError(`Num gradients ${inGrads.length} generated for op ${op.name} (${op.type}) do not match num inputs ${op.inputs.length}`);
    }
    op.inputs.forEach((inp, i) => {
      const g = inGrads[i];
      if (!g || !inp.dtype.isDifferentiable) return;
      if (stop.has(inp) && !xset.has(inp)) return;
      push(inp, g);
    });
  }
  return xs.map((x) => (x.dtype.isDifferentiable ? sum(x) : null));
}
