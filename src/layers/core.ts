/**
 * Dense layers (TF1_SEMANTICS.md 5): tf.layers.dense and tf.contrib.layers.fully_connected,
 * both `act(x · W + b)` over the last axis of the input, with variables made by get_variable
 * in a variable scope named after the layer.
 */
import { DType } from '../core/dtypes';
import { TFTypeError, ValueError } from '../core/errors';
import { checkOptions } from '../core/options';
import { Tensor, get_default_graph } from '../graph/graph';
import { TensorShape } from '../graph/tensor_shape';
import { TensorLike, constant, convert_to_tensor } from '../ops/common';
import { concat, reshape, shape, slice } from '../ops/array_ops';
import { matmul, relu } from '../ops/math_ops';
import { bias_add } from '../ops/nn_ops';
import { Variable } from '../ops/state_ops';
import { AUTO_REUSE, InitializerLike, Regularizer, ReuseMode, get_variable, variable_scope } from '../ops/variable_scope';
import { xavier_initializer, zeros_initializer } from '../ops/init_ops';

export type Activation = (x: Tensor) => Tensor;

/** Checks a dense layer's input and returns its last dimension. */
function inputDepth(x: Tensor, layer: string): number {
  if (!x.dtype.isFloating) throw new TFTypeError(`Unable to build \`Dense\` layer with non-floating point dtype ${x.dtype.name}`);
  const r = x.shape.ndims;
  if (r !== null && r < 2) {
    throw new ValueError(
      `Input 0 of layer ${layer} is incompatible with the layer: expected min_ndim=2, found ndim=${r}. Full shape received: ${x.shape.toShortString()}`,
    );
  }
  const d = x.shape.dim(-1);
  if (r === null || d === null) throw new ValueError('The last dimension of the inputs to `Dense` should be defined. Found `None`.');
  return d;
}

/** x · W over the last axis (rank > 2 inputs are flattened to [-1, D] and back, TF's tensordot). */
function project(x: Tensor, kernel: Variable, units: number): Tensor {
  const r = x.shape.ndims as number;
  if (r === 2) return matmul(x, kernel);
  const g = get_default_graph();
  const h = g.nameScope('Tensordot');
  try {
    const d = x.shape.dim(-1) as number;
    const flat = matmul(reshape(x, [-1, d]), kernel);
    const lead = slice(shape(x), [0], [r - 1]);
    const out = reshape(flat, concat([lead, constant([units], { dtype: DType.int32 })], 0));
    out.set_shape(new TensorShape([...(x.shape.dims as (number | null)[]).slice(0, -1), units]));
    return out;
  } finally {
    h[Symbol.dispose]();
  }
}

interface DenseCore {
  units: number;
  kernelName: string;
  biasName: string;
  kernelInitializer: InitializerLike | null;
  biasInitializer: InitializerLike | null;
  useBias: boolean;
  kernelRegularizer: Regularizer | null;
  biasRegularizer: Regularizer | null;
  trainable: boolean;
  layer: string;
}

/** Creates (or reuses) the variables in the current variable scope and returns x · W (+ b). */
function denseCore(x: Tensor, c: DenseCore): { outputs: Tensor; kernel: Variable; bias: Variable | null } {
  const depth = inputDepth(x, c.layer);
  const kernel = get_variable(c.kernelName, [depth, c.units], {
    dtype: x.dtype,
    initializer: c.kernelInitializer,
    regularizer: c.kernelRegularizer,
    trainable: c.trainable,
  });
  let outputs = project(x, kernel, c.units);
  let bias: Variable | null = null;
  if (c.useBias) {
    bias = get_variable(c.biasName, [c.units], { dtype: x.dtype, initializer: c.biasInitializer, regularizer: c.biasRegularizer, trainable: c.trainable });
    outputs = bias_add(outputs, bias);
  }
  return { outputs, kernel, bias };
}

function checkUnits(units: unknown, what: string): number {
  if (typeof units !== 'number' || !Number.isInteger(units)) throw new ValueError(`${what} should be int or long, got ${String(units)}.`);
  if (units <= 0) throw new ValueError(`${what} must be positive, got ${units}.`);
  return units;
}

// ---- tf.layers.dense ------------------------------------------------------------------------

export interface DenseOptions {
  activation?: Activation | null;
  use_bias?: boolean;
  kernel_initializer?: InitializerLike | null;
  bias_initializer?: InitializerLike | null;
  kernel_regularizer?: Regularizer | null;
  bias_regularizer?: Regularizer | null;
  trainable?: boolean;
  name?: string | null;
  reuse?: ReuseMode | null;
}

/**
 * tf.layers.dense(inputs, units, { activation (default: linear), use_bias, kernel_initializer
 * (default: the scope's, else Glorot uniform), bias_initializer (zeros), ..., name, reuse }):
 * variables `dense/kernel [D, units]` and `dense/bias [units]`; the next layer is `dense_1`.
 */
export function dense(inputs: TensorLike, units: number, opts: DenseOptions = {}): Tensor {
  const o = checkOptions('dense', opts, [
    'activation',
    'use_bias',
    'kernel_initializer',
    'bias_initializer',
    'kernel_regularizer',
    'bias_regularizer',
    'trainable',
    'name',
    'reuse',
  ]);
  const n = checkUnits(units, 'units');
  const x = convert_to_tensor(inputs);
  const reuse = o.reuse ?? null;
  // A named (or reusing) layer takes its name as scope; an unnamed one a unique 'dense', 'dense_1', ...
  const name = o.name ?? null;
  const scopeArgs: [string | null, { default_name?: string; reuse: ReuseMode | null }] =
    name !== null ? [name, { reuse }] : reuse === true || reuse === AUTO_REUSE ? ['dense', { reuse }] : [null, { default_name: 'dense', reuse }];
  return variable_scope(scopeArgs[0], scopeArgs[1], () => {
    const { outputs } = denseCore(x, {
      units: n,
      kernelName: 'kernel',
      biasName: 'bias',
      kernelInitializer: o.kernel_initializer ?? null,
      biasInitializer: o.bias_initializer === undefined ? zeros_initializer() : o.bias_initializer,
      useBias: o.use_bias ?? true,
      kernelRegularizer: o.kernel_regularizer ?? null,
      biasRegularizer: o.bias_regularizer ?? null,
      trainable: o.trainable ?? true,
      layer: name ?? 'dense',
    });
    return o.activation ? o.activation(outputs) : outputs;
  });
}

// ---- tf.contrib.layers.fully_connected ------------------------------------------------------

export type VariablesCollections = readonly string[] | { weights?: readonly string[]; biases?: readonly string[] };

export interface FullyConnectedOptions {
  activation_fn?: Activation | null;
  normalizer_fn?: ((x: Tensor, params: Record<string, unknown>) => Tensor) | null;
  normalizer_params?: Record<string, unknown> | null;
  weights_initializer?: InitializerLike | null;
  weights_regularizer?: Regularizer | null;
  biases_initializer?: InitializerLike | null;
  biases_regularizer?: Regularizer | null;
  reuse?: ReuseMode | null;
  variables_collections?: VariablesCollections | null;
  outputs_collections?: readonly string[] | null;
  trainable?: boolean;
  scope?: string | null;
}

function addToCollections(v: Variable, cols: VariablesCollections | null | undefined, key: 'weights' | 'biases'): void {
  if (!cols) return;
  const list = Array.isArray(cols) ? cols : (cols as { weights?: readonly string[]; biases?: readonly string[] })[key] ?? [];
  const g = get_default_graph();
  for (const c of list) g.add_to_collection(c, v);
}

/**
 * tf.contrib.layers.fully_connected(inputs, num_outputs, { activation_fn (default ReLU; null
 * for linear), normalizer_fn, normalizer_params, weights_initializer (Xavier), weights_regularizer,
 * biases_initializer (zeros; null for no bias), biases_regularizer, reuse, variables_collections,
 * outputs_collections, trainable, scope }): variables `fully_connected/weights` and
 * `fully_connected/biases` (`fully_connected_1/...` for the next layer).
 */
export function fully_connected(inputs: TensorLike, num_outputs: number, opts: FullyConnectedOptions = {}): Tensor {
  const o = checkOptions('fully_connected', opts, [
    'activation_fn',
    'normalizer_fn',
    'normalizer_params',
    'weights_initializer',
    'weights_regularizer',
    'biases_initializer',
    'biases_regularizer',
    'reuse',
    'variables_collections',
    'outputs_collections',
    'trainable',
    'scope',
  ]);
  const n = checkUnits(num_outputs, 'num_outputs');
  return variable_scope(o.scope ?? null, { default_name: 'fully_connected', reuse: o.reuse ?? null }, (sc) => {
    const x = convert_to_tensor(inputs);
    const biasInit = o.biases_initializer === undefined ? zeros_initializer() : o.biases_initializer;
    const { outputs: linear, kernel, bias } = denseCore(x, {
      units: n,
      kernelName: 'weights',
      biasName: 'biases',
      kernelInitializer: o.weights_initializer === undefined ? xavier_initializer() : o.weights_initializer,
      biasInitializer: biasInit,
      useBias: !o.normalizer_fn && biasInit !== null,
      kernelRegularizer: o.weights_regularizer ?? null,
      biasRegularizer: o.biases_regularizer ?? null,
      trainable: o.trainable ?? true,
      layer: sc.name,
    });
    addToCollections(kernel, o.variables_collections, 'weights');
    if (bias) addToCollections(bias, o.variables_collections, 'biases');
    let outputs = linear;
    if (o.normalizer_fn) outputs = o.normalizer_fn(outputs, o.normalizer_params ?? {});
    const act = o.activation_fn === undefined ? relu : o.activation_fn;
    if (act) outputs = act(outputs);
    for (const c of o.outputs_collections ?? []) get_default_graph().add_to_collection(c, outputs);
    return outputs;
  });
}

/** tf.contrib.layers.linear: fully_connected without activation. */
export function linear(inputs: TensorLike, num_outputs: number, opts: Omit<FullyConnectedOptions, 'activation_fn'> = {}): Tensor {
  return fully_connected(inputs, num_outputs, { ...opts, activation_fn: null });
}
