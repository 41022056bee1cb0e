/** The two checkpoints crash.test.ts and crash_child.ts write (shared so both agree bit for bit). */
import type { BundleTensor } from '../../src/train/checkpoint/bundle';

export function checkpointA(): Map<string, BundleTensor> {
  return new Map<string, BundleTensor>([
    ['Variable', { dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) }],
    ['global_step', { dtype: 'int64', shape: [], data: new Float64Array([100]) }],
    ['rnn/basic_rnn_cell/bias', { dtype: 'float32', shape: [3], data: new Float32Array([0.5, 0.25, 0.125]) }],
    ['rnn/basic_rnn_cell/kernel', { dtype: 'float32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) }],
  ]);
}

/** Same keys plus one, some values equal to A's, others changed, one shape grown. */
export function checkpointB(): Map<string, BundleTensor> {
  return new Map<string, BundleTensor>([
    ['Variable', { dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) }],
    ['beta1_power', { dtype: 'float32', shape: [], data: new Float32Array([0.81]) }],
    ['global_step', { dtype: 'int64', shape: [], data: new Float64Array([200]) }],
    ['rnn/basic_rnn_cell/bias', { dtype: 'float32', shape: [4], data: new Float32Array([-1, -2, -3, -4]) }],
    ['rnn/basic_rnn_cell/kernel', { dtype: 'float32', shape: [2, 3], data: new Float32Array([6, 5, 4, 3, 2, 1]) }],
  ]);
}
