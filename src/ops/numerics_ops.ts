/**
 * tf.check_numerics and tf.add_check_numerics_ops: fail a run, naming the op and tensor,
 * as soon as a guarded tensor holds NaN or Infinity.
 */
import { BackendTensor } from '../backend/backend';
import { InvalidArgumentError, TFTypeError } from '../core/errors';
import { Operation, Tensor, get_default_graph } from '../graph/graph';
import { Value, defineOp, make1 } from './registry';
import { TensorLike, convert_to_tensor } from './common';
import { group } from './state_ops';

defineOp({
  type: 'CheckNumerics',
  inferShape: (ctx) => [{ dtype: ctx.inputs[0].dtype, shape: ctx.inputs[0].shape }],
  kernel(ctx, inputs): Value[] {
    const x = inputs[0] as BackendTensor;
    const host = ctx.backend.toHost(x).data;
    let nan = false;
    let inf = false;
    for (let i = 0; i < host.length; i++) {
      const v = host[i];
      if (v !== v) nan = true;
      else if (v === Infinity || v === -Infinity) inf = true;
    }
    if (nan || inf) {
      const what = nan && inf ? 'Inf and NaN' : nan ? 'NaN' : 'Inf';
      const src = ctx.op.inputs[0];
      throw new InvalidArgumentError(
        `${ctx.attrs.message as string} : Tensor had ${what} values (tensor '${src.name}' of shape [${x.shape.join(',')}], produced by op '${src.op.name}' (${src.op.type}))\n\t [[{{node ${ctx.op.name}}}]]`,
        ctx.op.name,
      );
    }
    return [x];
  },
  grad: (_op, g) => [g[0]],
});

/** tf.check_numerics(tensor, message): the tensor, or an InvalidArgumentError at run time. */
export function check_numerics(tensor: TensorLike, message: string, name?: string): Tensor {
  const t = convert_to_tensor(tensor);
  if (!t.dtype.isFloating) throw new TFTypeError(`check_numerics: tensor must be floating point, got ${t.dtype.name}`);
  if (typeof message !== 'string') throw new TFTypeError('check_numerics: message must be a string');
  return make1('CheckNumerics', [t], { message }, { name, defaultName: 'CheckNumerics' });
}

/**
 * Ops whose outputs are reference tensors in TF1 (`float32_ref`): add_check_numerics_ops skips
 * them, as TF's dtype test does. Checking them would also make the check op *run* them: running
 * an initializer (`Variable/Assign`) or an update alongside the training op would overwrite the
 * variables.
 */
const REF_OUTPUT_OPS = new Set(['VariableV2', 'Assign', 'AssignAdd', 'AssignSub', 'ApplyGradientDescent', 'ApplyMomentum', 'ApplyAdam']);

/**
 * tf.add_check_numerics_ops(): a CheckNumerics op on every floating output of every op in the
 * default graph (except reference outputs: variables and the ops assigning them), grouped into
 * one op to run alongside the training op.
 */
export function add_check_numerics_ops(): Operation {
  const g = get_default_graph();
  const checks: Tensor[] = [];
  for (const op of [...g.operations]) {
    if (op.type === 'CheckNumerics' || op.type === 'Placeholder' || REF_OUTPUT_OPS.has(op.type)) continue;
    for (const out of op.outputs) {
      if (!out.dtype.isFloating) continue;
      checks.push(make1('CheckNumerics', [out], { message: `${op.name}:${out.value_index}` }, { defaultName: `CheckNumerics` }));
    }
  }
  return group(checks, { name: 'check_numerics' });
}
