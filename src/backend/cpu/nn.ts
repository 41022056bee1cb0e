/**
 * Neural-network kernels with TF1's exact semantics: softmax / log-softmax, softmax cross-entropy
 * (sparse and dense, fused with its backprop as TF's kernels are), InTopK and ApplyAdam.
 * Row arithmetic is done in doubles and rounded once into the output.
 */
import { AdamParams } from '../backend';
import { DType } from '../../core/dtypes';
import { CpuTensor, alloc, fail, isFloat, isIndex, requireDType, requireSameDType, shapeStr } from './tensor';

/** Softmax (or log-softmax) over the last axis; subtracting the row max keeps exp() finite. */
export function softmax(logits: CpuTensor, log: boolean): CpuTensor {
  const kernel = log ? 'LogSoftmax' : 'Softmax';
  requireDType(kernel, logits, isFloat, 'logits');
  const rank = logits.shape.length;
  if (rank < 1) fail(kernel, 'logits must have >= 1 dimension, got []');
  const out = alloc(logits.shape, logits.dtype);
  const C = logits.shape[rank - 1];
  if (C === 0) return out;
  const X = logits.data;
  const O = out.data;
  const e = expRow(C);
  for (let p = 0; p < X.length; p += C) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) if (X[p + c] > m) m = X[p + c];
    let s = 0;
    for (let c = 0; c < C; c++) s += e[c] = Math.exp(X[p + c] - m);
    if (log) {
      const shift = m + Math.log(s);
      for (let c = 0; c < C; c++) O[p + c] = X[p + c] - shift;
    } else {
      const inv = 1 / s;
      for (let c = 0; c < C; c++) O[p + c] = e[c] * inv;
    }
  }
  return out;
}

/** A reused double row for exp(x - max), so each exp is computed once and kept unrounded. */
let expScratch = new Float64Array(64);
function expRow(C: number): Float64Array {
  if (expScratch.length < C) expScratch = new Float64Array(C);
  return expScratch;
}

/**
 * [loss [B], backprop [B,C]] for logits [B,C] and labels: int ids [B] (sparse) or a [B,C]
 * distribution. loss = sum_c labels_c * (logsumexp(x) - x_c); backprop = softmax(x) - labels.
 */
export function softmaxCrossEntropy(logits: CpuTensor, labels: CpuTensor, sparse: boolean): [CpuTensor, CpuTensor] {
  const kernel = sparse ? 'SparseSoftmaxCrossEntropyWithLogits' : 'SoftmaxCrossEntropyWithLogits';
  requireDType(kernel, logits, isFloat, 'logits');
  if (logits.shape.length !== 2) fail(kernel, `logits must be 2-D, but got shape ${shapeStr(logits.shape)}`);
  const [B, C] = logits.shape;
  const L = labels.data;
  if (sparse) {
    requireDType(kernel, labels, isIndex, 'labels');
    if (labels.shape.length !== 1) fail(kernel, `labels must be 1-D, but got shape ${shapeStr(labels.shape)}`);
    if (labels.shape[0] !== B) {
      fail(kernel, `logits and labels must have the same first dimension, got logits shape ${shapeStr(logits.shape)} and labels shape ${shapeStr(labels.shape)}`);
    }
    for (let b = 0; b < B; b++) {
      if (!(L[b] >= 0 && L[b] < C)) {
        fail(kernel, `Received a label value of ${L[b]} which is outside the valid range of [0, ${C}).  Label values: ${Array.from(L).join(' ')}`);
      }
    }
  } else {
    requireSameDType(kernel, logits, labels);
    if (labels.shape.length !== 2 || labels.shape[0] !== B || labels.shape[1] !== C) {
      fail(kernel, `logits and labels must be broadcastable: logits_size=${shapeStr(logits.shape)} labels_size=${shapeStr(labels.shape)}`);
    }
  }
  const loss = alloc([B], logits.dtype);
  const back = alloc([B, C], logits.dtype);
  const X = logits.data;
  const Lo = loss.data;
  const Bp = back.data;
  const e = expRow(C);
  for (let b = 0, p = 0; b < B; b++, p += C) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) if (X[p + c] > m) m = X[p + c];
    let s = 0;
    for (let c = 0; c < C; c++) s += e[c] = Math.exp(X[p + c] - m);
    const logSum = Math.log(s);
    const inv = 1 / s;
    let l = 0;
    if (sparse) {
      const y = L[b];
      for (let c = 0; c < C; c++) Bp[p + c] = e[c] * inv - (c === y ? 1 : 0);
      l = logSum - (X[p + y] - m);
    } else {
      for (let c = 0; c < C; c++) {
        const y = L[p + c];
        Bp[p + c] = e[c] * inv - y;
        if (y !== 0) l += y * (logSum - (X[p + c] - m)); // 0 * inf would be NaN for a -inf logit
      }
    }
    Lo[b] = l;
  }
  return [loss, back];
}

/**
 * InTopK: predictions[b, targets[b]] is in the top k iff fewer than k classes score strictly
 * higher (ties count in favour). A non-finite score anywhere in the row, or a target outside
 * [0, C), gives false.
 */
export function inTopK(predictions: CpuTensor, targets: CpuTensor, k: number): CpuTensor {
  const kernel = 'InTopKV2';
  requireDType(kernel, predictions, isFloat, 'predictions');
  requireDType(kernel, targets, isIndex, 'targets');
  if (predictions.shape.length !== 2) fail(kernel, `predictions must be 2-dimensional, got ${shapeStr(predictions.shape)}`);
  if (targets.shape.length !== 1) fail(kernel, `targets must be 1-dimensional, got ${shapeStr(targets.shape)}`);
  const [B, C] = predictions.shape;
  if (targets.shape[0] !== B) fail(kernel, `First dimension of predictions ${B} must match length of targets ${targets.shape[0]}`);
  const out = alloc([B], DType.bool);
  const P = predictions.data;
  const T = targets.data;
  const O = out.data;
  for (let b = 0, p = 0; b < B; b++, p += C) {
    const t = T[b];
    if (!(t >= 0 && t < C)) continue;
    const target = P[p + t];
    if (!Number.isFinite(target)) continue;
    let higher = 0;
    let finite = true;
    for (let c = 0; c < C; c++) {
      const v = P[p + c];
      if (!Number.isFinite(v)) {
        finite = false;
        break;
      }
      if (v > target) higher++;
    }
    O[b] = finite && higher < k ? 1 : 0;
  }
  return out;
}

/**
 * TF1's ApplyAdam (use_nesterov = false), returning fresh tensors:
 *   lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
 *   m += (g - m) * (1 - beta1);  v += (g^2 - v) * (1 - beta2);  var -= lr_t * m / (sqrt(v) + eps)
 */
export function applyAdam(v: CpuTensor, m: CpuTensor, vv: CpuTensor, grad: CpuTensor, p: AdamParams): [CpuTensor, CpuTensor, CpuTensor] {
  const kernel = 'ApplyAdam';
  requireDType(kernel, v, isFloat, 'var');
  // input numbers as in TF's ApplyAdam signature (grad is input #9)
  for (const [t, name, index] of [[m, 'm', 1], [vv, 'v', 2], [grad, 'grad', 9]] as const) {
    requireSameDType(kernel, v, t, index);
    if (t.shape.length !== v.shape.length || t.shape.some((d, j) => d !== v.shape[j])) {
      fail(kernel, `var and ${name} do not have the same shape${shapeStr(v.shape)} ${shapeStr(t.shape)}`);
    }
  }
  const lrT = (p.lr * Math.sqrt(1 - p.beta2Power)) / (1 - p.beta1Power);
  const oneMinusB1 = 1 - p.beta1;
  const oneMinusB2 = 1 - p.beta2;
  const eps = p.epsilon;
  const nv = alloc(v.shape, v.dtype);
  const nm = alloc(v.shape, v.dtype);
  const nvv = alloc(v.shape, v.dtype);
  const V = v.data;
  const M = m.data;
  const VV = vv.data;
  const G = grad.data;
  const NV = nv.data;
  const NM = nm.data;
  const NVV = nvv.data;
  if (V instanceof Float32Array && M instanceof Float32Array && VV instanceof Float32Array && G instanceof Float32Array) {
    adamF32(V, M, VV, G, NV as Float32Array, NM as Float32Array, NVV as Float32Array, lrT, oneMinusB1, oneMinusB2, eps);
    return [nv, nm, nvv];
  }
  for (let i = 0, n = v.size; i < n; i++) {
    const g = G[i];
    // round the slots as stored, then use the stored values, as TF's float32 kernel does
    NM[i] = M[i] + (g - M[i]) * oneMinusB1;
    NVV[i] = VV[i] + (g * g - VV[i]) * oneMinusB2;
    NV[i] = V[i] - (lrT * NM[i]) / (Math.sqrt(NVV[i]) + eps);
  }
  return [nv, nm, nvv];
}

/** The same loop for float32 only (monomorphic loads and stores). */
function adamF32(V: Float32Array, M: Float32Array, VV: Float32Array, G: Float32Array, NV: Float32Array, NM: Float32Array, NVV: Float32Array, lrT: number, oneMinusB1: number, oneMinusB2: number, eps: number): void {
  for (let i = 0, n = V.length; i < n; i++) {
    const g = G[i];
    NM[i] = M[i] + (g - M[i]) * oneMinusB1;
    NVV[i] = VV[i] + (g * g - VV[i]) * oneMinusB2;
    NV[i] = V[i] - (lrT * NM[i]) / (Math.sqrt(NVV[i]) + eps);
  }
}
