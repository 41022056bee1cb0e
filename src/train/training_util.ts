/**
 * The global step (TF's training_util): an int64 scalar variable 'global_step', non-trainable,
 * in collections GLOBAL_VARIABLES and GLOBAL_STEP.
 */
import { DType } from '../core/dtypes';
import { TFTypeError, ValueError } from '../core/errors';
import { Graph, GraphKeys, Tensor, get_default_graph, withDefaultGraph } from '../graph/graph';
import { Variable, variableRegistry } from '../ops/state_ops';
import { get_variable } from '../ops/variable_scope';
import { zeros_initializer } from '../ops/init_ops';
import type { Session } from '../session/session';

/** Raises unless `v` is an integer scalar variable (TF's assert_global_step). */
export function assert_global_step(v: Variable | Tensor): void {
  const dtype = v.dtype;
  if (!dtype.isInteger) throw new TFTypeError(`Existing "global_step" must be an integer type. Found: ${dtype.name}`);
  const shape = v instanceof Variable ? v.shape : v.shape;
  if (shape.ndims !== 0 && shape.ndims !== null) throw new TFTypeError(`Existing "global_step" is not scalar: ${shape.toString()}`);
}

/** tf.train.get_global_step(graph?): the GLOBAL_STEP collection's variable, else 'global_step:0', else null. */
export function get_global_step(graph?: Graph): Variable | null {
  const g = (graph ?? get_default_graph()).root;
  const inCollection = g.get_collection<Variable | Tensor>(GraphKeys.GLOBAL_STEP);
  let found: Variable | Tensor | null = null;
  if (inCollection.length === 1) found = inCollection[0];
  else if (inCollection.length === 0) {
    try {
      found = g.get_tensor_by_name('global_step:0');
    } catch {
      return null;
    }
  } else {
    console.error('Multiple tensors in global_step collection.');
    return null;
  }
  const v = found instanceof Variable ? found : variableRegistry.get(found.op) ?? null;
  if (!v) throw new TFTypeError(`Existing "global_step" ${found.toString()} is not a variable`);
  assert_global_step(v);
  return v;
}

/** tf.train.create_global_step(graph?): creates it; an error if it already exists. */
export function create_global_step(graph?: Graph): Variable {
  const g = (graph ?? get_default_graph()).root;
  if (get_global_step(g) !== null) throw new ValueError('"global_step" already exists.');
  return withDefaultGraph(g, () => {
    const ns = g.nameScope(null);
    try {
      return get_variable(GraphKeys.GLOBAL_STEP, [], {
        dtype: DType.int64,
        initializer: zeros_initializer(),
        trainable: false,
        collections: [GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP],
      });
    } finally {
      ns[Symbol.dispose]();
    }
  });
}

/** tf.train.get_or_create_global_step(graph?) */
export function get_or_create_global_step(graph?: Graph): Variable {
  return get_global_step(graph) ?? create_global_step(graph);
}

/** tf.train.global_step(sess, global_step_tensor): its current value as a number. */
export function global_step(sess: Session, global_step_tensor: Variable | Tensor): number {
  const t = global_step_tensor instanceof Variable ? global_step_tensor.value() : global_step_tensor;
  return Number(sess.run(t).data[0]);
}
