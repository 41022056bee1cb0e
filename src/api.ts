/**
 * The public `tf` namespace, mirroring TF1's Python API names (snake_case included).
 * Each area keeps its own index (src/nn, src/train, ...); this file only gathers them.
 */
import './ops/tensor_methods';
import { DType } from './core/dtypes';
import { Graph, GraphKeys, ScopeHandle, get_default_graph, reset_default_graph as resetGraph } from './graph/graph';
import * as errorsModule from './core/errors';

export { DType } from './core/dtypes';
export type { DTypeLike, DTypeName } from './core/dtypes';
export { NDArray } from './ndarray/ndarray';
export type { ArrayLike, Nested } from './ndarray/ndarray';
export { Graph, Operation, Tensor, GraphKeys, get_default_graph } from './graph/graph';
export { TensorShape } from './graph/tensor_shape';
export { Session, InteractiveSession, get_default_session } from './session/session';
export type { FeedDict, Fetch, Fetched, SessionOptions, ConfigProto } from './session/session';
export { gradients } from './autodiff/gradients';

export const float32 = DType.float32;
export const float64 = DType.float64;
export const float16 = DType.float32; // no half precision here: computed as float32
export const int32 = DType.int32;
export const int64 = DType.int64;
export const bool = DType.bool;
export const double = DType.float64;

export const errors = {
  OpError: errorsModule.OpError,
  InvalidArgumentError: errorsModule.InvalidArgumentError,
  FailedPreconditionError: errorsModule.FailedPreconditionError,
  NotFoundError: errorsModule.NotFoundError,
  OutOfRangeError: errorsModule.OutOfRangeError,
  ResourceExhaustedError: errorsModule.ResourceExhaustedError,
  DataLossError: errorsModule.DataLossError,
  CancelledError: errorsModule.CancelledError,
  UnimplementedError: errorsModule.UnimplementedError,
  InternalError: errorsModule.InternalError,
};
export { TFError, ValueError, TFTypeError, RuntimeError, AssertionError } from './core/errors';

export {
  placeholder,
  placeholder_with_default,
  identity,
  stop_gradient,
  shape,
  size,
  rank,
  reshape,
  expand_dims,
  squeeze,
  transpose,
  stack,
  unstack,
  concat,
  split,
  slice,
  pad,
  reverse,
  reverse_sequence,
  gather,
  gather_nd,
  one_hot,
  cast,
  to_float,
  to_int32,
  fill,
  zeros,
  ones,
  zeros_like,
  ones_like,
  broadcast_to,
  where,
} from './ops/array_ops';
export type { ReverseSequenceOptions } from './ops/array_ops';
export { constant, convert_to_tensor } from './ops/common';
export {
  negative,
  abs,
  sign,
  exp,
  log,
  log1p,
  sqrt,
  rsqrt,
  square,
  reciprocal,
  tanh,
  sigmoid,
  floor,
  ceil,
  round,
  sin,
  cos,
  logical_not,
  is_nan,
  is_finite,
  add,
  subtract,
  multiply,
  divide,
  floordiv,
  floormod,
  pow,
  maximum,
  minimum,
  squared_difference,
  equal,
  not_equal,
  less,
  less_equal,
  greater,
  greater_equal,
  logical_and,
  logical_or,
  add_n,
  clip_by_value,
  matmul,
  reduce_sum,
  reduce_mean,
  reduce_max,
  reduce_min,
  reduce_prod,
  reduce_any,
  reduce_all,
  reduce_logsumexp,
  argmax,
  argmin,
  range,
  sequence_mask,
} from './ops/math_ops';
export { clip_by_norm, global_norm, clip_by_global_norm } from './ops/clip_ops';
export { subtract as sub, multiply as mul, divide as div, divide as truediv } from './ops/math_ops';
export {
  Variable,
  global_variables,
  trainable_variables,
  local_variables,
  global_variables_initializer,
  local_variables_initializer,
  initialize_all_variables,
  variables_initializer,
  assign,
  assign_add,
  assign_sub,
  no_op,
  group,
  control_dependencies,
} from './ops/state_ops';
export { random_normal, random_uniform, truncated_normal, multinomial, set_random_seed } from './ops/random_ops';

/** tf.reset_default_graph() */
export function reset_default_graph(): void {
  resetGraph();
}

/**
 * tf.name_scope(name): with `fn`, runs it inside the scope and returns its result (Python's
 * `with` block); without, returns a handle to leave it (`using s = tf.name_scope('x')`).
 */
export function name_scope<T>(name: string | null, fn: (scope: string) => T): T;
export function name_scope(name: string | null): ScopeHandle;
export function name_scope<T>(name: string | null, fn?: (scope: string) => T): T | ScopeHandle {
  const h = get_default_graph().nameScope(name);
  if (!fn) return h;
  try {
    return fn(h.name);
  } finally {
    h[Symbol.dispose]();
  }
}

export function get_collection<T = unknown>(key: string, scope?: string): T[] {
  return get_default_graph().get_collection<T>(key, scope);
}
export function add_to_collection(key: string, value: unknown): void {
  get_default_graph().add_to_collection(key, value);
}

export { GraphKeys as Keys };
export type { Graph as GraphType };

// ---- control flow (src/ops/control_flow_ops.ts) ----
export { cond, while_loop } from './ops/control_flow_ops';
export type { CondOptions, CondResult, WhileLoopOptions } from './ops/control_flow_ops';
export { TensorArray } from './ops/list_ops';

// ---- training, layers, losses, variable scopes (issue: training) ----
export {
  zeros_initializer,
  ones_initializer,
  constant_initializer,
  random_normal_initializer,
  random_uniform_initializer,
  truncated_normal_initializer,
  uniform_unit_scaling_initializer,
  glorot_uniform_initializer,
  glorot_normal_initializer,
  variance_scaling_initializer,
} from './ops/init_ops';
export type { Initializer } from './ops/init_ops';
export { variable_scope, get_variable, get_variable_scope, VariableScope, AUTO_REUSE } from './ops/variable_scope';
export type { GetVariableOptions, Regularizer, ReuseMode, VariableScopeOptions } from './ops/variable_scope';
export * as train from './train';
export * as losses from './losses';
export * as layers from './layers';
export { contrib } from './contrib';
import { read_data_sets as mnistReadDataSets } from './data/mnist';
/** tf.examples.tutorials.mnist.input_data.read_data_sets */
export const examples = { tutorials: { mnist: { input_data: { read_data_sets: mnistReadDataSets } } } };

// ---- RNN library (issue: rnn) ----
/** tf.nn: nn ops (softmax, losses, dropout, ...) and the RNN library (rnn_cell, static_rnn, dynamic_rnn). */
export * as nn from './nn/index';

// ---- numerics (src/ops/numerics_ops.ts) ----
export { check_numerics, add_check_numerics_ops } from './ops/numerics_ops';
