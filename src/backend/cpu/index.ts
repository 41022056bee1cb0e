/**
 * The CPU backend: every primitive of src/backend/backend.ts over typed arrays. See README.md.
 */
import { AdamParams, Backend, BackendTensor, BinaryOp, FusedActivation, ReduceOp, UnaryOp } from '../backend';
import { DType, coerce } from '../../core/dtypes';
import { NDArray, sizeOf } from '../../ndarray/ndarray';
import * as ew from './elementwise';
import * as layout from './layout';
import { matmul } from './matmul';
import * as nn from './nn';
import { argReduce, reduce } from './reduce';
import { CpuTensor, checkDims, cpu, fail } from './tensor';
import { wasmMatmulF32 } from './wasm_kernels';

export { CpuTensor } from './tensor';
export { gemm } from './matmul';

export class CpuBackend implements Backend {
  readonly name = 'cpu';

  /** Copies: the caller keeps its NDArray and may mutate it later (e.g. a reused feed buffer). */
  fromHost(a: NDArray): CpuTensor {
    checkDims('fromHost', a.shape);
    const data = a.dtype.alloc(a.data.length);
    data.set(a.data);
    return new CpuTensor(data, a.shape, a.dtype);
  }

  /** Copies, so that users cannot mutate a tensor that kernels treat as immutable. */
  toHost(t: BackendTensor): NDArray {
    const x = cpu(t, 'toHost');
    return new NDArray(x.data.slice(), x.shape, x.dtype);
  }

  /** Shares storage (tensors are immutable); one dimension may be -1, as in TF's Reshape. */
  reshape(t: BackendTensor, shape: readonly number[]): CpuTensor {
    const x = cpu(t, 'Reshape');
    const dims = [...shape];
    const unknown = dims.indexOf(-1);
    if (unknown >= 0) {
      dims[unknown] = 1;
      checkDims('Reshape', dims); // also rejects a second -1
      const known = sizeOf(dims);
      if (known === 0 || x.size % known !== 0) {
        fail('Reshape', `Input to reshape is a tensor with ${x.size} values, but the requested shape requires a multiple of ${known}`);
      }
      dims[unknown] = x.size / known;
    }
    checkDims('Reshape', dims);
    if (sizeOf(dims) !== x.size) {
      fail('Reshape', `Input to reshape is a tensor with ${x.size} values, but the requested shape has ${sizeOf(dims)}`);
    }
    return new CpuTensor(x.data, dims, x.dtype);
  }

  fill(shape: readonly number[], dtype: DType, value: number): CpuTensor {
    checkDims('Fill', shape);
    return ew.fill(shape, dtype, coerce(dtype, value));
  }

  unary(op: UnaryOp, x: BackendTensor): CpuTensor {
    return ew.unary(op, cpu(x, 'unary'));
  }

  binary(op: BinaryOp, a: BackendTensor, b: BackendTensor): CpuTensor {
    return ew.binary(op, cpu(a, 'binary'), cpu(b, 'binary'));
  }

  select(cond: BackendTensor, a: BackendTensor, b: BackendTensor): CpuTensor {
    return ew.select(cpu(cond, 'SelectV2'), cpu(a, 'SelectV2'), cpu(b, 'SelectV2'));
  }

  cast(x: BackendTensor, dtype: DType): CpuTensor {
    return ew.cast(cpu(x, 'Cast'), dtype);
  }

  addN(xs: readonly BackendTensor[]): CpuTensor {
    return ew.addN(xs.map((x) => cpu(x, 'AddN')));
  }

  clip(x: BackendTensor, lo: number, hi: number): CpuTensor {
    if (lo > hi) fail('ClipByValue', `ClipByValue: clip_value_min (${lo}) is greater than clip_value_max (${hi})`);
    return ew.clip(cpu(x, 'ClipByValue'), lo, hi);
  }

  matmul(a: BackendTensor, b: BackendTensor, transposeA: boolean, transposeB: boolean): CpuTensor {
    return matmul(cpu(a, 'MatMul'), cpu(b, 'MatMul'), transposeA, transposeB);
  }

  reduce(op: ReduceOp, x: BackendTensor, axes: readonly number[]): CpuTensor {
    return reduce(op, cpu(x, 'reduce'), axes);
  }

  argReduce(op: 'argmax' | 'argmin', x: BackendTensor, axis: number, dtype: DType): CpuTensor {
    return argReduce(op, cpu(x, op === 'argmax' ? 'ArgMax' : 'ArgMin'), axis, dtype);
  }

  transpose(x: BackendTensor, perm: readonly number[]): CpuTensor {
    return layout.transpose(cpu(x, 'Transpose'), perm);
  }

  slice(x: BackendTensor, begin: readonly number[], size: readonly number[]): CpuTensor {
    return layout.slice(cpu(x, 'Slice'), begin, size);
  }

  concat(xs: readonly BackendTensor[], axis: number): CpuTensor {
    return layout.concat(xs.map((x) => cpu(x, 'ConcatV2')), axis);
  }

  broadcastTo(x: BackendTensor, shape: readonly number[]): CpuTensor {
    return layout.broadcastTo(cpu(x, 'BroadcastTo'), shape);
  }

  gather(x: BackendTensor, indices: BackendTensor, axis: number): CpuTensor {
    return layout.gather(cpu(x, 'GatherV2'), cpu(indices, 'GatherV2'), axis);
  }

  unsortedSegmentSum(data: BackendTensor, segmentIds: BackendTensor, numSegments: number): CpuTensor {
    return layout.unsortedSegmentSum(cpu(data, 'UnsortedSegmentSum'), cpu(segmentIds, 'UnsortedSegmentSum'), numSegments);
  }

  oneHot(indices: BackendTensor, depth: number, onValue: number, offValue: number, dtype: DType): CpuTensor {
    return layout.oneHot(cpu(indices, 'OneHot'), depth, onValue, offValue, dtype);
  }

  softmax(logits: BackendTensor, log: boolean): CpuTensor {
    return nn.softmax(cpu(logits, log ? 'LogSoftmax' : 'Softmax'), log);
  }

  softmaxCrossEntropy(logits: BackendTensor, labels: BackendTensor, sparse: boolean): [CpuTensor, CpuTensor] {
    const k = sparse ? 'SparseSoftmaxCrossEntropyWithLogits' : 'SoftmaxCrossEntropyWithLogits';
    return nn.softmaxCrossEntropy(cpu(logits, k), cpu(labels, k), sparse);
  }

  inTopK(predictions: BackendTensor, targets: BackendTensor, k: number): CpuTensor {
    return nn.inTopK(cpu(predictions, 'InTopKV2'), cpu(targets, 'InTopKV2'), k);
  }

  applyAdam(v: BackendTensor, m: BackendTensor, vv: BackendTensor, grad: BackendTensor, p: AdamParams): [CpuTensor, CpuTensor, CpuTensor] {
    return nn.applyAdam(cpu(v, 'ApplyAdam'), cpu(m, 'ApplyAdam'), cpu(vv, 'ApplyAdam'), cpu(grad, 'ApplyAdam'), p);
  }

  /**
   * float32: one WebAssembly call (the bias and activation applied to the product in place, before
   * it leaves wasm memory); otherwise, and for anything unusual, the three kernels in a row.
   */
  fusedMatMul(a: BackendTensor, b: BackendTensor, transposeA: boolean, transposeB: boolean, bias: BackendTensor | null, activation: FusedActivation): CpuTensor {
    const x = cpu(a, 'MatMul');
    const y = cpu(b, 'MatMul');
    const z = bias === null ? null : cpu(bias, 'BiasAdd');
    if (x.data instanceof Float32Array && y.data instanceof Float32Array && (!z || z.data instanceof Float32Array) && x.shape.length === 2 && y.shape.length === 2) {
      const [M, K] = transposeA ? [x.shape[1], x.shape[0]] : x.shape;
      const [Kb, N] = transposeB ? [y.shape[1], y.shape[0]] : y.shape;
      if (K === Kb && M * N * K > 0 && (!z || (z.shape.length === 1 && z.shape[0] === N))) {
        const c = wasmMatmulF32(M, N, K, x.data, 0, transposeA, y.data, 0, transposeB, z ? (z.data as Float32Array) : null, activation);
        if (c) return new CpuTensor(c, [M, N], x.dtype);
      }
    }
    let r = this.matmul(x, y, transposeA, transposeB);
    if (z) r = this.binary('add', r, z);
    if (activation !== 'none') r = this.unary(activation, r);
    return r;
  }
}
