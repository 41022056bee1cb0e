/**
 * A small NumPy subset for ported notebooks (np.array, np.zeros, np.linspace, np.sin, ...),
 * returning NDArrays. Not a numerical library: just what notebooks use around a graph.
 */
import { DTypeLike, DType } from '../core/dtypes';
import { ArrayLike, NDArray, toNDArray } from '../ndarray/ndarray';

/** np.array(object, dtype?): Python ints become int32, floats float32 (fed as TF would cast them). */
export function array(object: ArrayLike, dtype?: DTypeLike): NDArray {
  const a = toNDArray(object, dtype, 'np.array');
  return a === object ? new NDArray(a.data.slice(), a.shape, a.dtype) : a;
}

export function zeros(shape: number | readonly number[], dtype: DTypeLike = DType.float32): NDArray {
  const s = typeof shape === 'number' ? [shape] : [...shape];
  return new NDArray((dtype instanceof DType ? dtype : DType[dtype]).alloc(s.reduce((a, b) => a * b, 1)), s, dtype);
}

export const np = { array, zeros };
