/**
 * Unrolling a cell over time (TF1_SEMANTICS.md section 4): tf.nn.static_rnn (alias tf.nn.rnn),
 * a Python-level loop that adds the cell's ops once per step, and tf.nn.dynamic_rnn, one
 * functional while_loop whose body calls the cell once, reading inputs from a TensorArray and
 * writing outputs to another. The graph of dynamic_rnn does not grow with the number of steps,
 * and the step count is read from the fed input at run time.
 *
 * With `sequence_length`, row b past its length gets zero outputs and keeps its state (a
 * select per output and state component, as TF's _rnn_step does).
 *
 * The bidirectional variants run a forward RNN and a backward one over the inputs reversed in
 * time (tf.reverse_sequence up to each row's length), under 'bidirectional_rnn/fw' and '/bw'.
 */
import { DType, DTypeLike, asDType } from '../core/dtypes';
import { InvalidArgumentError, TFTypeError, ValueError } from '../core/errors';
import { checkOptions } from '../core/options';
import { flatten, isNested, pack_sequence_as } from '../core/nest';
import { Tensor, get_default_graph } from '../graph/graph';
import { TensorShape } from '../graph/tensor_shape';
import { BackendTensor } from '../backend/backend';
import { OutputSpec, Value, defineOp, makeOp } from '../ops/registry';
import { TensorLike, convert_to_tensor } from '../ops/common';
import { cast, concat, gather, identity, reshape, reverse, reverse_sequence, shape, stack, transpose, unstack, where } from '../ops/array_ops';
import { add, greater_equal, less, maximum, minimum, reduce_max } from '../ops/math_ops';
import { control_dependencies } from '../ops/state_ops';
import { while_loop } from '../ops/control_flow_ops';
import { TensorArray } from '../ops/list_ops';
import { VariableScope, variable_scope } from '../ops/variable_scope';
import { RNNCell, RNNState, isRNNCell, zeroStateTensors } from './rnn_cell';

// ---- the shape assertion on sequence_length -------------------------------------------------

/**
 * Fails the run unless the int vector input 0 (a shape) equals input 1, with the text of TF's
 * `_assert_has_shape` Assert. No outputs: used as a control dependency.
 */
defineOp({
  type: 'AssertHasShape',
  inferShape: (): OutputSpec[] => [],
  kernel(ctx, inputs): Value[] {
    const got = Array.from(ctx.backend.toHost(inputs[0] as BackendTensor).data);
    const want = Array.from(ctx.backend.toHost(inputs[1] as BackendTensor).data);
    if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
      throw new InvalidArgumentError(
        `assertion failed: [Expected shape for Tensor ${ctx.attrs.tensor_name as string} is ] [${want.join(' ')}] [ but saw shape: ] [${got.join(' ')}]\n\t [[{{node ${ctx.op.name}}}]]`,
        ctx.op.name,
      );
    }
    return [];
  },
  grad: null,
});

// ---- helpers --------------------------------------------------------------------------------

type Scope = string | VariableScope | null | undefined;

/** The state's dtype: the explicit one, else the (single) dtype of the state's tensors. */
function inferStateDType(explicit: DTypeLike | null | undefined, state: RNNState): DType {
  if (explicit !== undefined && explicit !== null) return asDType(explicit);
  const flat = flatten<Tensor>(state);
  if (flat.length === 0) throw new ValueError('Unable to infer dtype from empty state.');
  const d = flat[0].dtype;
  if (flat.some((t) => t.dtype !== d)) throw new ValueError('State has tensors of different inferred_dtypes. Unable to infer a single representative dtype.');
  return d;
}

/** int32 vector sequence lengths, or null. */
function prepareSequenceLength(seq: TensorLike | null | undefined, message: (s: TensorShape) => string): Tensor | null {
  if (seq === undefined || seq === null) return null;
  let t = convert_to_tensor(seq);
  if (!t.dtype.isInteger) throw new TFTypeError(`sequence_length must be int32 or int64, got ${t.dtype.name}`);
  if (t.dtype !== DType.int32) t = cast(t, DType.int32);
  if (t.shape.ndims !== null && t.shape.ndims !== 1) throw new ValueError(message(t.shape));
  return t;
}

/** cond [B] as [B, 1, ...] so it selects whole rows of a rank-r value (TF1's vector-cond where). */
function rowCond(cond: Tensor, rank: number): Tensor {
  return rank <= 1 ? cond : reshape(cond, [-1, ...new Array<number>(rank - 1).fill(1)]);
}

/**
 * One step with sequence lengths (TF's _rnn_step with skip_conditionals): rows with
 * time >= length get the zero output and keep their previous state.
 */
function rnnStep<S extends RNNState>(time: Tensor, seqLen: Tensor, zeroOutput: Tensor, state: S, callCell: () => [Tensor, S]): [Tensor, S] {
  const [out, newState] = callCell();
  const flatState = flatten<Tensor>(state);
  const flatNew = flatten<Tensor>(newState);
  if (flatState.length !== flatNew.length) throw new ValueError("The two structures don't have the same number of elements (state and new state).");
  const copy = greater_equal(time, seqLen);
  const pick = (old: Tensor, cur: Tensor): Tensor => {
    const r = where(rowCond(copy, cur.shape.ndims ?? 2), old, cur);
    r.set_shape(old.shape.merge(cur.shape));
    return r;
  };
  const o = pick(zeroOutput, out);
  const s = pack_sequence_as<S>(newState, flatState.map((old, i) => pick(old, flatNew[i])));
  return [o, s];
}

function checkCell(cell: unknown): asserts cell is RNNCell {
  if (!isRNNCell(cell)) throw new TFTypeError('cell must be an instance of RNNCell');
}

// ---- static_rnn -----------------------------------------------------------------------------

export interface StaticRNNOptions<S extends RNNState> {
  initial_state?: S | null;
  dtype?: DTypeLike | null;
  sequence_length?: TensorLike | null;
  scope?: Scope;
}

/**
 * tf.nn.static_rnn(cell, inputs, {initial_state, dtype, sequence_length, scope}): `inputs` is a
 * list of T tensors [B, D]; returns `[outputs (list of T tensors [B, output_size]), state]`.
 */
export function static_rnn<S extends RNNState>(cell: RNNCell<S>, inputs: readonly TensorLike[], opts: StaticRNNOptions<S> = {}): [Tensor[], S] {
  opts = checkOptions('static_rnn', opts, ['initial_state', 'dtype', 'sequence_length', 'scope']);
  checkCell(cell);
  if (!Array.isArray(inputs)) throw new TFTypeError('inputs must be a sequence');
  if (inputs.length === 0) throw new ValueError('inputs must not be empty');
  const xs = inputs.map((x) => convert_to_tensor(x as TensorLike));
  const outputs: Tensor[] = [];
  return variable_scope(opts.scope ?? 'rnn', {}, (varscope) => {
    const first = xs[0];
    let fixedBatch: TensorShape = new TensorShape([null]);
    if (first.shape.ndims !== 1) {
      for (const x of xs) {
        if (x.shape.ndims !== null && x.shape.ndims < 2) throw new ValueError(`Shape ${x.shape.toString()} must have rank at least 2`);
        fixedBatch = fixedBatch.merge(new TensorShape([x.shape.dim(0)]));
        const rest = x.shape.dims ? x.shape.dims.slice(1) : [null];
        rest.forEach((d, i) => {
          if (d === null) throw new ValueError(`Input size (dimension ${i} of inputs) must be accessible via shape inference, but saw value None.`);
        });
      }
    } else fixedBatch = new TensorShape([first.shape.dim(0)]);
    const staticBatch = fixedBatch.dim(0);
    const batch: number | Tensor = staticBatch ? staticBatch : gather(shape(first), 0);

    let state: S;
    if (opts.initial_state !== undefined && opts.initial_state !== null) state = opts.initial_state;
    else {
      if (opts.dtype === undefined || opts.dtype === null) throw new ValueError('If no initial_state is provided, dtype must be specified');
      state = cell.zero_state(batch, opts.dtype);
    }

    let seqLen: Tensor | null = null;
    let zeroOutput: Tensor | null = null;
    if (opts.sequence_length !== undefined && opts.sequence_length !== null) {
      const raw = convert_to_tensor(opts.sequence_length);
      if (raw.shape.ndims !== null && raw.shape.ndims !== 1) throw new ValueError('sequence_length must be a vector of length batch_size');
      zeroOutput = zeroStateTensors(cell.output_size, batch, inferStateDType(opts.dtype, state)) as Tensor;
      seqLen = prepareSequenceLength(raw, () => 'sequence_length must be a vector of length batch_size');
      seqLen = identity(seqLen!, 'sequence_length');
    }

    xs.forEach((x, time) => {
      if (time > 0) varscope.reuse_variables();
      const callCell = (): [Tensor, S] => cell.call(x, state);
      let out: Tensor;
      if (seqLen && zeroOutput) [out, state] = rnnStep(convert_to_tensor(time, DType.int32), seqLen, zeroOutput, state, callCell);
      else [out, state] = callCell();
      outputs.push(out);
    });
    return [outputs, state] as [Tensor[], S];
  });
}

/** tf.nn.rnn: TF 0.x's name of static_rnn (the reference notebook's spelling). */
export const rnn = static_rnn;

// ---- dynamic_rnn ----------------------------------------------------------------------------

export interface DynamicRNNOptions<S extends RNNState> {
  sequence_length?: TensorLike | null;
  initial_state?: S | null;
  dtype?: DTypeLike | null;
  /** Accepted and ignored: scheduling only, no effect on values. */
  parallel_iterations?: number | null;
  swap_memory?: boolean;
  time_major?: boolean;
  scope?: Scope;
}

/** [B, T, ...] <-> [T, B, ...]. */
function transposeBatchTime(x: Tensor): Tensor {
  const r = x.shape.ndims;
  if (r !== null && r < 2) throw new ValueError(`Expected input tensor ${x.toString()} to have rank at least 2, but saw shape: ${x.shape.toString()}`);
  if (r === null) throw new ValueError(`Shape ${x.shape.toString()} must have rank at least 3`);
  return transpose(x, [1, 0, ...Array.from({ length: r - 2 }, (_, i) => i + 2)]);
}

/**
 * tf.nn.dynamic_rnn(cell, inputs, {sequence_length, initial_state, dtype, time_major, scope,
 * ...}): `inputs` [B, T, D] (or [T, B, D] when time_major); B and T may be unknown. Returns
 * `[outputs [B, T, output_size] (or [T, B, ...]), final state]`.
 */
export function dynamic_rnn<S extends RNNState>(cell: RNNCell<S>, inputs: TensorLike, opts: DynamicRNNOptions<S> = {}): [Tensor, S] {
  opts = checkOptions('dynamic_rnn', opts, ['sequence_length', 'initial_state', 'dtype', 'parallel_iterations', 'swap_memory', 'time_major', 'scope']);
  checkCell(cell);
  if (isNested(inputs) && !(inputs instanceof Tensor) && Array.isArray(inputs) && inputs.length > 0 && inputs.every((x) => x instanceof Tensor)) {
    throw new TFTypeError('dynamic_rnn: inputs must be one tensor [batch, time, depth]; nested inputs are not supported');
  }
  const timeMajor = opts.time_major ?? false;
  const input = convert_to_tensor(inputs);
  return variable_scope(opts.scope ?? 'rnn', {}, () => {
    // Time-major inside (ops 'rnn/transpose' in, 'rnn/transpose_1' out, as in TF).
    const x = timeMajor ? input : transposeBatchTime(input);
    const xs = x.shape;
    if (xs.ndims === null || xs.ndims < 3) throw new ValueError(`Shape ${xs.toString()} must have rank at least 3`);
    const constTime = xs.dim(0);
    const constBatch = xs.dim(1);
    const batch: number | Tensor = constBatch !== null ? constBatch : gather(shape(x), 1);

    let seqLen = prepareSequenceLength(opts.sequence_length, (s) => `sequence_length must be a vector of length batch_size, but saw shape: ${s.toString()}`);
    if (seqLen) seqLen = identity(seqLen, 'sequence_length');

    let state: S;
    if (opts.initial_state !== undefined && opts.initial_state !== null) state = opts.initial_state;
    else {
      if (opts.dtype === undefined || opts.dtype === null) throw new ValueError('If there is no initial_state, you must give a dtype.');
      state = cell.zero_state(batch, opts.dtype);
    }

    if (seqLen) {
      // Checked at run time, before the loop: a wrong length is TF's Assert failure.
      const checked = seqLen;
      const want = typeof batch === 'number' ? convert_to_tensor([batch], DType.int32) : stack([batch]);
      const assertOp = makeOp('AssertHasShape', [shape(checked), want], { tensor_name: checked.name }, { defaultName: 'Assert' });
      seqLen = control_dependencies([assertOp], () => identity(checked, 'CheckSeqLen'));
    }
    const [outputs, finalState] = dynamicRnnLoop(cell, x, state, seqLen, inferStateDType(opts.dtype, state), constTime, constBatch, opts);
    return [timeMajor ? outputs : transposeBatchTime(outputs), finalState] as [Tensor, S];
  });
}

function dynamicRnnLoop<S extends RNNState>(
  cell: RNNCell<S>,
  x: Tensor,
  initialState: S,
  seqLen: Tensor | null,
  dtype: DType,
  constTime: number | null,
  constBatch: number | null,
  opts: DynamicRNNOptions<S>,
): [Tensor, S] {
  const xs = x.shape;
  if (xs.dims && xs.dims.slice(2).some((d) => d === null)) {
    throw new ValueError('Input size (depth of inputs) must be accessible via shape inference, but saw value None.');
  }
  const timeSteps = gather(shape(x), 0);
  const batch: number | Tensor = constBatch !== null ? constBatch : gather(shape(x), 1);
  const zeroOutput = zeroStateTensors(cell.output_size, batch, dtype) as Tensor;
  let loopBound: Tensor = timeSteps;
  if (seqLen) {
    // The loop stops after the longest sequence: min(T, max(1, max(sequence_length))).
    const maxLen = reduce_max(seqLen);
    loopBound = minimum(timeSteps, maximum(1, maxLen));
  }
  const time = convert_to_tensor(0, DType.int32, 'time');
  const ns = get_default_graph().nameScope('dynamic_rnn');
  let outputTa: TensorArray;
  let inputTa: TensorArray;
  try {
    outputTa = new TensorArray(dtype, { size: timeSteps, element_shape: [constBatch, cell.output_size], name: 'output_0' });
    inputTa = new TensorArray(x.dtype, { size: timeSteps, name: 'input_0' }).unstack(x);
  } finally {
    ns[Symbol.dispose]();
  }
  const inputElem = xs.dims ? new TensorShape(xs.dims.slice(1)) : new TensorShape(null);

  const body = (t: Tensor, ta: TensorArray, state: S): [Tensor, TensorArray, S] => {
    const xt = inputTa.read(t);
    xt.set_shape(inputElem);
    const callCell = (): [Tensor, S] => cell.call(xt, state);
    const [out, newState] = seqLen ? rnnStep(t, seqLen, zeroOutput, state, callCell) : callCell();
    return [add(t, 1), ta.write(t, out), newState];
  };
  const [, finalTa, finalState] = while_loop(
    ((t: Tensor) => less(t, loopBound)) as (...a: never[]) => Tensor,
    body as unknown as (...a: never[]) => unknown,
    [time, outputTa, initialState] as [Tensor, TensorArray, S],
    { parallel_iterations: opts.parallel_iterations ?? 32, swap_memory: opts.swap_memory ?? false },
  );
  const outputs = finalTa.stack();
  outputs.set_shape([constTime, constBatch, cell.output_size]);
  return [outputs, finalState];
}

// ---- bidirectional --------------------------------------------------------------------------

function checkCellNamed(cell: unknown, what: 'cell_fw' | 'cell_bw'): asserts cell is RNNCell {
  if (!isRNNCell(cell)) throw new TFTypeError(`${what} must be an instance of RNNCell`);
}

export interface BidirectionalDynamicRNNOptions<SF extends RNNState, SB extends RNNState> {
  sequence_length?: TensorLike | null;
  initial_state_fw?: SF | null;
  initial_state_bw?: SB | null;
  dtype?: DTypeLike | null;
  parallel_iterations?: number | null;
  swap_memory?: boolean;
  time_major?: boolean;
  scope?: Scope;
}

/** Reverses along the time axis: each row's first sequence_length steps when given, else all of them. */
function reverseTime(x: Tensor, seqLen: TensorLike | null | undefined, timeAxis: number, batchAxis: number): Tensor {
  if (seqLen === undefined || seqLen === null) return reverse(x, [timeAxis]);
  return reverse_sequence(x, seqLen, { seq_axis: timeAxis, batch_axis: batchAxis });
}

/**
 * tf.nn.bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, {sequence_length, initial_state_fw,
 * initial_state_bw, dtype, time_major, scope, ...}): a forward dynamic_rnn over the inputs and a
 * backward one over the inputs reversed in time (each row up to its sequence_length), under
 * 'bidirectional_rnn/fw' and 'bidirectional_rnn/bw'. The backward outputs are reversed back, so
 * both are aligned with the inputs. Returns `[[output_fw, output_bw], [state_fw, state_bw]]`;
 * concatenate the outputs with `tf.concat(outputs, 2)`.
 */
export function bidirectional_dynamic_rnn<SF extends RNNState, SB extends RNNState>(
  cell_fw: RNNCell<SF>,
  cell_bw: RNNCell<SB>,
  inputs: TensorLike,
  opts: BidirectionalDynamicRNNOptions<SF, SB> = {},
): [[Tensor, Tensor], [SF, SB]] {
  opts = checkOptions('bidirectional_dynamic_rnn', opts, ['sequence_length', 'initial_state_fw', 'initial_state_bw', 'dtype', 'parallel_iterations', 'swap_memory', 'time_major', 'scope']);
  checkCellNamed(cell_fw, 'cell_fw');
  checkCellNamed(cell_bw, 'cell_bw');
  const timeMajor = opts.time_major ?? false;
  const [timeAxis, batchAxis] = timeMajor ? [0, 1] : [1, 0];
  const common = { sequence_length: opts.sequence_length, dtype: opts.dtype, parallel_iterations: opts.parallel_iterations, swap_memory: opts.swap_memory, time_major: timeMajor };
  return variable_scope(opts.scope ?? 'bidirectional_rnn', {}, () => {
    const [output_fw, state_fw] = variable_scope('fw', {}, (fw) => dynamic_rnn(cell_fw, inputs, { ...common, initial_state: opts.initial_state_fw, scope: fw }));
    const [tmp, state_bw] = variable_scope('bw', {}, (bw) => {
      const inputs_reverse = reverseTime(convert_to_tensor(inputs), opts.sequence_length, timeAxis, batchAxis);
      return dynamic_rnn(cell_bw, inputs_reverse, { ...common, initial_state: opts.initial_state_bw, scope: bw });
    });
    const output_bw = reverseTime(tmp, opts.sequence_length, timeAxis, batchAxis);
    return [[output_fw, output_bw], [state_fw, state_bw]] as [[Tensor, Tensor], [SF, SB]];
  });
}

export interface StaticBidirectionalRNNOptions<SF extends RNNState, SB extends RNNState> {
  initial_state_fw?: SF | null;
  initial_state_bw?: SB | null;
  dtype?: DTypeLike | null;
  sequence_length?: TensorLike | null;
  scope?: Scope;
}

/** A list of per-step tensors reversed in time: each row's first sequence_length steps when given. */
function reverseSteps(xs: readonly Tensor[], seqLen: TensorLike | null | undefined): Tensor[] {
  if (seqLen === undefined || seqLen === null) return [...xs].reverse();
  return unstack(reverse_sequence(stack([...xs]), seqLen, { seq_axis: 0, batch_axis: 1 }));
}

/**
 * tf.nn.static_bidirectional_rnn(cell_fw, cell_bw, inputs, {initial_state_fw, initial_state_bw,
 * dtype, sequence_length, scope}) (also tf.contrib.rnn.static_bidirectional_rnn): static_rnn
 * forward and over the reversed list, under 'bidirectional_rnn/fw' and '.../bw'. Returns
 * `[outputs, state_fw, state_bw]`, each output step the concatenation [fw, bw] along axis 1.
 */
export function static_bidirectional_rnn<SF extends RNNState, SB extends RNNState>(
  cell_fw: RNNCell<SF>,
  cell_bw: RNNCell<SB>,
  inputs: readonly TensorLike[],
  opts: StaticBidirectionalRNNOptions<SF, SB> = {},
): [Tensor[], SF, SB] {
  opts = checkOptions('static_bidirectional_rnn', opts, ['initial_state_fw', 'initial_state_bw', 'dtype', 'sequence_length', 'scope']);
  checkCellNamed(cell_fw, 'cell_fw');
  checkCellNamed(cell_bw, 'cell_bw');
  if (!Array.isArray(inputs)) throw new TFTypeError('inputs must be a sequence');
  if (inputs.length === 0) throw new ValueError('inputs must not be empty');
  const xs = inputs.map((x) => convert_to_tensor(x as TensorLike));
  return variable_scope(opts.scope ?? 'bidirectional_rnn', {}, () => {
    const [output_fw, state_fw] = variable_scope('fw', {}, (fw) =>
      static_rnn(cell_fw, xs, { initial_state: opts.initial_state_fw, dtype: opts.dtype, sequence_length: opts.sequence_length, scope: fw }),
    );
    const [tmp, state_bw] = variable_scope('bw', {}, (bw) =>
      static_rnn(cell_bw, reverseSteps(xs, opts.sequence_length), { initial_state: opts.initial_state_bw, dtype: opts.dtype, sequence_length: opts.sequence_length, scope: bw }),
    );
    const output_bw = reverseSteps(tmp, opts.sequence_length);
    const outputs = output_fw.map((fw, t) => concat([fw, output_bw[t]], 1));
    return [outputs, state_fw, state_bw] as [Tensor[], SF, SB];
  });
}
