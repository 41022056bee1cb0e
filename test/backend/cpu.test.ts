import fc from 'fast-check';
import { BackendTensor } from '../../src/backend/backend';
import { CpuBackend, CpuTensor } from '../../src/backend/cpu';
import { DType, DTypeName } from '../../src/core/dtypes';
import { InvalidArgumentError, OpError } from '../../src/core/errors';
import { NDArray } from '../../src/ndarray/ndarray';
import { describeConformance, reference } from './conformance';

describeConformance('cpu', () => new CpuBackend(), { rtol: 1e-6, atol: 1e-6 });

describe('cpu backend specifics', () => {
  const be = new CpuBackend();
  const up = (data: readonly number[], shape: readonly number[], dtype: DTypeName = 'float32'): CpuTensor => {
    const buf = DType[dtype].alloc(data.length);
    buf.set(data);
    return be.fromHost(new NDArray(buf, shape, dtype));
  };
  const values = (t: BackendTensor): number[] => Array.from(be.toHost(t).data);
  /** Runs f, expecting an InvalidArgumentError whose text contains `text` and whose opName is `kernel`. */
  const expectError = (f: () => unknown, text: string, kernel?: string): void => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as Error).message).toContain(text);
    if (kernel) expect((err as OpError).opName).toBe(kernel);
  };

  describe('storage', () => {
    it('fromHost copies, so later changes to the host array do not leak in', () => {
      const host = new NDArray(new Float32Array([1, 2, 3]), [3], DType.float32);
      const t = be.fromHost(host);
      host.data[0] = 42;
      expect(values(t)).toEqual([1, 2, 3]);
    });
    it('tensors are CpuTensors over the documented typed arrays', () => {
      const kinds: [DTypeName, unknown][] = [
        ['float32', Float32Array],
        ['float64', Float64Array],
        ['int32', Int32Array],
        ['int64', Float64Array],
        ['bool', Uint8Array],
      ];
      for (const [d, ctor] of kinds) {
        const t = be.fill([2], DType[d], 1);
        expect(t).toBeInstanceOf(CpuTensor);
        expect(t.data).toBeInstanceOf(ctor);
        expect(Object.isFrozen(t.shape)).toBe(true);
      }
    });
    it('reshape shares storage and resolves -1', () => {
      const t = up([1, 2, 3, 4, 5, 6], [2, 3]);
      const r = be.reshape(t, [-1, 2]);
      expect(r.shape).toEqual([3, 2]);
      expect(r.data).toBe(t.data);
      expectError(() => be.reshape(t, [-1, 4]), 'Input to reshape is a tensor with 6 values, but the requested shape requires a multiple of 4', 'Reshape');
      expectError(() => be.reshape(t, [-1, -1]), 'Reshape');
    });
    it('rejects handles of another backend', () => {
      const foreign: BackendTensor = { shape: [1], dtype: DType.float32, size: 1 };
      expectError(() => be.unary('neg', foreign), 'expected a tensor of the cpu backend');
    });
    it('fill coerces the value to the dtype', () => {
      expect(values(be.fill([2], DType.int32, 3.7))).toEqual([3, 3]);
      expect(values(be.fill([2], DType.bool, -2))).toEqual([1, 1]);
      expect(values(be.fill([1], DType.float32, 0.1))).toEqual([Math.fround(0.1)]);
    });
  });

  describe('dtype rules', () => {
    it('float32 results are rounded to float32', () => {
      const r = be.binary('add', up([0.1], [1]), up([0.2], [1]));
      expect(values(r)).toEqual([Math.fround(Math.fround(0.1) + Math.fround(0.2))]);
    });
    it('int32 arithmetic wraps around as in C', () => {
      expect(values(be.binary('add', up([2147483647], [1], 'int32'), up([1], [1], 'int32')))).toEqual([-2147483648]);
      expect(values(be.binary('mul', up([65536, 46341], [2], 'int32'), up([65536, 46341], [2], 'int32')))).toEqual([0, -2147479015]);
      expect(values(be.unary('neg', up([-2147483648], [1], 'int32')))).toEqual([-2147483648]);
    });
    it('int64 division is exact up to 2^53 (checked with BigInt)', () => {
      const as = [2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53 - 3, 6004799503160661, -4503599627370497, 123456789012345];
      const bs = [3, 3, -7, 2, 3, -1000003];
      const q = values(be.binary('div', up(as, [6], 'int64'), up(bs, [6], 'int64')));
      const f = values(be.binary('floordiv', up(as, [6], 'int64'), up(bs, [6], 'int64')));
      const m = values(be.binary('mod', up(as, [6], 'int64'), up(bs, [6], 'int64')));
      as.forEach((a, i) => {
        const A = BigInt(a);
        const B = BigInt(bs[i]);
        const t = A / B; // BigInt division truncates
        const fl = t * B !== A && A < 0n !== B < 0n ? t - 1n : t;
        expect([q[i], f[i], m[i]]).toEqual([Number(t), Number(fl), Number(A - fl * B)]);
      });
    });
    it('integer division by zero and negative integer powers are errors, as in TF', () => {
      for (const op of ['div', 'floordiv', 'mod'] as const) {
        expectError(() => be.binary(op, up([1, 2], [2], 'int32'), up([1, 0], [2], 'int32')), 'Integer division by zero');
      }
      expectError(() => be.binary('pow', up([2], [1], 'int32'), up([-1], [1], 'int32')), 'Integers to negative integer powers are not allowed', 'Pow');
      // floats divide by zero to inf, no error
      expect(values(be.binary('floordiv', up([1], [1]), up([0], [1])))).toEqual([Infinity]);
    });
    it('mixed dtypes are an error with TF\'s runtime text', () => {
      expectError(() => be.binary('add', up([1], [1]), up([1], [1], 'int32')), 'cannot compute Add as input #1(zero-based) was expected to be a float tensor but is a int32 tensor', 'Add');
      expectError(() => be.matmul(up([1], [1, 1], 'float64'), up([1], [1, 1]), false, false), 'was expected to be a double tensor but is a float tensor', 'MatMul');
      expectError(() => be.select(up([1], [1], 'bool'), up([1], [1]), up([1], [1], 'int32')), 'input #2(zero-based)', 'SelectV2');
      expectError(() => be.concat([up([1], [1]), up([1], [1], 'int64')], 0), 'input #1(zero-based)', 'ConcatV2');
    });
    it('ops reject dtypes TF has no kernel for', () => {
      expectError(() => be.unary('exp', up([1], [1], 'int32')), 'no kernel', 'Exp');
      expectError(() => be.unary('logical_not', up([1], [1])), 'no kernel', 'LogicalNot');
      expectError(() => be.binary('logical_and', up([1], [1]), up([1], [1])), 'no kernel', 'LogicalAnd');
      expectError(() => be.binary('add', up([1], [1], 'bool'), up([1], [1], 'bool')), 'no kernel', 'Add');
      expectError(() => be.reduce('sum', up([1], [1], 'bool'), [0]), 'no kernel', 'Sum');
      expectError(() => be.reduce('any', up([1], [1]), [0]), 'no kernel', 'Any');
      expectError(() => be.select(up([1], [1]), up([1], [1]), up([1], [1])), 'no kernel', 'SelectV2');
      expectError(() => be.gather(up([1], [1]), up([0], [1]), 0), 'no kernel', 'GatherV2');
      expectError(() => be.argReduce('argmax', up([1], [1]), 0, DType.float32), 'output_type must be int32 or int64', 'ArgMax');
    });
    it('integer mean truncates; int rounding ops are identities', () => {
      expect(values(be.reduce('mean', up([1, 2, -1, -2], [2, 2], 'int32'), [1]))).toEqual([1, -1]);
      expect(values(be.unary('round', up([3, -4], [2], 'int32')))).toEqual([3, -4]);
    });
    it('cast of NaN to int64 gives 0 (as the int32 store does), to bool true', () => {
      expect(values(be.cast(up([NaN, 2.5], [2]), DType.int64))).toEqual([0, 2]);
      expect(values(be.cast(up([NaN], [1]), DType.int32))).toEqual([0]);
      expect(values(be.cast(up([NaN], [1]), DType.bool))).toEqual([1]);
    });
    it('empty max/min of ints give the type\'s lowest/highest value', () => {
      expect(values(be.reduce('max', up([], [0], 'int32'), [0]))).toEqual([-2147483648]);
      expect(values(be.reduce('min', up([], [0], 'int32'), [0]))).toEqual([2147483647]);
      expect(values(be.reduce('mean', up([], [0]), [0]))).toEqual([NaN]);
    });
    it('NaN propagates through max/min reductions', () => {
      expect(values(be.reduce('max', up([1, NaN, 3], [3]), [0]))).toEqual([NaN]);
      expect(values(be.reduce('min', up([1, 2, NaN, 4], [2, 2]), [0]))).toEqual([NaN, 2]);
    });
  });

  describe('argument errors name the kernel', () => {
    it('broadcasting', () => {
      expectError(() => be.binary('add', up([1, 2, 3, 4, 5, 6], [2, 3]), up([1, 2, 3, 4], [4])), 'Incompatible shapes: [2,3] vs. [4]', 'Add');
      expectError(() => be.binary('less', up([1, 2], [2]), up([1, 2, 3], [3])), 'Incompatible shapes: [2] vs. [3]', 'Less');
    });
    it('matmul ranks and batch dimensions', () => {
      expectError(() => be.matmul(up([1, 2], [2]), up([1, 2], [2, 1]), false, false), 'In[0] ndims must be >= 2: 1', 'MatMul');
      expectError(() => be.matmul(up(new Array(12).fill(1), [2, 2, 3]), up(new Array(18).fill(1), [3, 3, 2]), false, false), 'In[0] and In[1] must have compatible batch dimensions: [2,2,3] vs. [3,3,2]', 'BatchMatMul');
      expectError(() => be.matmul(up([1, 2, 3, 4], [2, 2]), up(new Array(8).fill(1), [2, 2, 2]), false, false), 'In[0] and In[1] has different ndims: [2,2] vs. [2,2,2]');
      expectError(() => be.matmul(up([1, 2, 3, 4, 5, 6], [2, 3]), up(new Array(20).fill(0), [4, 5]), false, false), 'In[0] mismatch In[1] shape: 3 vs. 4: [2,3] [4,5] 0 0', 'MatMul');
    });
    it('reduce axes', () => {
      expectError(() => be.reduce('sum', up([1, 2], [1, 2]), [2]), 'Invalid reduction dimension (2 for input with 2 dimension(s)', 'Sum');
      expect(values(be.reduce('sum', up([1, 2, 3, 4], [2, 2]), [-1]))).toEqual([3, 7]);
      expect(values(be.reduce('sum', up([1, 2, 3, 4], [2, 2]), [0, -2]))).toEqual([4, 6]); // duplicates collapse
      expectError(() => be.argReduce('argmax', up([], [2, 0]), 1, DType.int32), 'Reduction axis 1 is empty in shape [2,0]', 'ArgMax');
      expect(values(be.argReduce('argmin', up([3, 1, 2, 0], [2, 2]), -1, DType.int32))).toEqual([1, 1]);
    });
    it('transpose / slice / concat / broadcastTo', () => {
      expectError(() => be.transpose(up([1, 2], [1, 2]), [0, 0]), 'is not a permutation', 'Transpose');
      expectError(() => be.transpose(up([1, 2], [1, 2]), [1]), 'is not a permutation', 'Transpose');
      expect(values(be.slice(up([0, 1, 2, 3, 4, 5], [2, 3]), [0, 1], [-1, -1]))).toEqual([1, 2, 4, 5]);
      expectError(() => be.slice(up([0, 1, 2], [3]), [1], [3]), 'Expected size[0] in [0, 2], but got 3', 'Slice');
      expectError(() => be.slice(up([0, 1, 2], [3]), [4], [0]), 'Expected begin[0] in [0, 3], but got 4', 'Slice');
      expectError(() => be.slice(up([0, 1, 2], [3]), [0, 0], [1, 1]), 'Expected begin and size arguments to be 1-D tensors of size 1', 'Slice');
      expectError(() => be.concat([up([1, 2, 3, 4, 5, 6], [2, 3]), up([1, 2, 3, 4], [2, 2])], 0), 'ConcatOp : Dimensions of inputs should match: shape[0] = [2,3] vs. shape[1] = [2,2]', 'ConcatV2');
      expectError(() => be.concat([up([1, 2], [2]), up([1, 2], [1, 2])], 0), 'ConcatOp : Ranks of all input tensors should match', 'ConcatV2');
      expectError(() => be.concat([up([1, 2], [2])], 1), 'axis 1 is out of range', 'ConcatV2');
      expect(values(be.concat([up([1, 2], [1, 2]), up([3, 4], [1, 2])], -1))).toEqual([1, 2, 3, 4]);
      expectError(() => be.broadcastTo(up([1, 2, 3], [3]), [2, 4]), 'Incompatible shapes: [3] vs. [2,4]', 'BroadcastTo');
    });
    it('gather / unsortedSegmentSum / oneHot', () => {
      expectError(() => be.gather(up([1, 2, 3, 4, 5], [5]), up([0, 1, 9, 2], [2, 2], 'int32'), 0), 'indices[1,0] = 9 is not in [0, 5)', 'GatherV2');
      expect(values(be.gather(up([1, 2, 3, 4, 5, 6], [2, 3]), up([2, 0], [2], 'int32'), -1))).toEqual([3, 1, 6, 4]);
      // negative segment ids are dropped (TF); ids may cover a prefix of data's shape
      expect(values(be.unsortedSegmentSum(up([1, 2, 3, 4], [4]), up([0, -1, 1, 0], [4], 'int32'), 2))).toEqual([5, 3]);
      const seg = be.unsortedSegmentSum(up([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]), up([1, 1, 0, 1], [2, 2], 'int32'), 2);
      expect(seg.shape).toEqual([2, 2]);
      expect(values(seg)).toEqual([5, 6, 1 + 3 + 7, 2 + 4 + 8]);
      expectError(() => be.unsortedSegmentSum(up([1, 2], [2]), up([0, 2], [2], 'int32'), 2), 'segment_ids[1] = 2 is out of range [0, 2)', 'UnsortedSegmentSum');
      expectError(() => be.unsortedSegmentSum(up([1, 2], [2]), up([0, 1, 1], [3], 'int32'), 2), 'data.shape = [2] does not start with segment_ids.shape = [3]');
      expectError(() => be.oneHot(up([0], [1], 'int32'), -1, 1, 0, DType.float32), 'depth must be non-negative, got: -1', 'OneHot');
    });
    it('nn kernels', () => {
      expectError(() => be.softmaxCrossEntropy(up([1, 2, 3], [3]), up([0], [1], 'int32'), true), 'logits must be 2-D');
      expectError(() => be.softmaxCrossEntropy(up([1, 2, 3, 4], [2, 2]), up([0], [1], 'int32'), true), 'logits and labels must have the same first dimension');
      expectError(() => be.softmaxCrossEntropy(up([1, 2, 3, 4], [2, 2]), up([1, 0, 0, 1, 0, 0], [2, 3]), false), 'logits and labels must be broadcastable: logits_size=[2,2] labels_size=[2,3]');
      expectError(() => be.inTopK(up([1, 2, 3, 4], [2, 2]), up([0], [1], 'int32'), 1), 'First dimension of predictions 2 must match length of targets 1', 'InTopKV2');
      const p = { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, beta1Power: 0.9, beta2Power: 0.999 };
      expectError(() => be.applyAdam(up([1, 2], [2]), up([0, 0], [2]), up([0], [1]), up([1, 1], [2]), p), 'var and v do not have the same shape[2] [1]', 'ApplyAdam');
      expectError(() => be.clip(up([1], [1]), 2, 1), 'clip_value_min (2) is greater than clip_value_max (1)', 'ClipByValue');
    });
  });

  describe('matmul extras', () => {
    it('int32 and rank-4 batched operands', () => {
      expect(values(be.matmul(up([1, 2, 3, 4], [2, 2], 'int32'), up([5, 6, 7, 8], [2, 2], 'int32'), false, false))).toEqual([19, 22, 43, 50]);
      const a = reference.matmul([1, 2, 3, 4], [5, 6, 7, 8], 2, 2, 2, false, true).c;
      const r = be.matmul(up([1, 2, 3, 4, 1, 2, 3, 4], [2, 1, 2, 2]), up([5, 6, 7, 8, 5, 6, 7, 8], [2, 1, 2, 2]), false, true);
      expect(r.shape).toEqual([2, 1, 2, 2]);
      expect(values(r)).toEqual([...a, ...a]);
    });
    it('sizes around the block edges (K > 256, N > 2048) match the reference', () => {
      for (const [M, K, N] of [
        [5, 300, 3],
        [3, 2, 2100],
        [66, 257, 9],
      ]) {
        const a = Array.from({ length: M * K }, (_, i) => ((i * 7) % 9) / 4 - 1);
        const b = Array.from({ length: K * N }, (_, i) => ((i * 5) % 9) / 4 - 1);
        for (const [ta, tb] of [[false, false], [true, true]] as const) {
          const want = reference.matmul(a, b, M, K, N, ta, tb).c;
          expect(values(be.matmul(up(a, ta ? [K, M] : [M, K]), up(b, tb ? [N, K] : [K, N]), ta, tb))).toEqual(want);
        }
      }
    });
  });

  describe('properties (fast-check) against the float64 references', () => {
    const dim = fc.integer({ min: 1, max: 4 });
    /** Two shapes that broadcast: each dim of b is the same as a's, or 1; then either side may drop leading dims. */
    const bcastPair = fc
      .array(fc.tuple(dim, fc.integer({ min: 0, max: 2 })), { minLength: 0, maxLength: 4 })
      .chain((dims) =>
        fc.tuple(fc.constant(dims), fc.integer({ min: 0, max: dims.length }), fc.integer({ min: 0, max: dims.length })),
      )
      .map(([dims, dropA, dropB]) => {
        const a = dims.map(([d, mode]) => (mode === 1 ? 1 : d)).slice(dropA);
        const b = dims.map(([d, mode]) => (mode === 2 ? 1 : d)).slice(dropB);
        return [a, b] as const;
      });
    const prod = (s: readonly number[]): number => s.reduce((x, y) => x * y, 1);
    const vals = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => ((i * 37 + seed * 11) % 17) - 8);

    it('binary ops broadcast like NumPy', () => {
      fc.assert(
        fc.property(bcastPair, fc.constantFrom('sub', 'mul', 'maximum', 'less') as fc.Arbitrary<'sub' | 'mul' | 'maximum' | 'less'>, ([sa, sb], op) => {
          const a = vals(prod(sa), 1);
          const b = vals(prod(sb), 2);
          const f = { sub: (x: number, y: number) => x - y, mul: (x: number, y: number) => x * y, maximum: Math.max, less: (x: number, y: number) => (x < y ? 1 : 0) }[op];
          const want = reference.nary([sa, sb], [a, b], f);
          const got = be.binary(op, up(a, sa, 'int32'), up(b, sb, 'int32'));
          expect(got.shape).toEqual(want.shape);
          expect(values(got)).toEqual(want.data.map((v) => v + 0)); // int32 has no -0
        }),
        { numRuns: 300 },
      );
    });
    it('select and broadcastTo broadcast like NumPy', () => {
      fc.assert(
        fc.property(bcastPair, bcastPair, ([sc, sa], [, sb]) => {
          let shape: number[];
          try {
            shape = reference.broadcastShape(reference.broadcastShape(sc, sa), sb);
          } catch {
            return; // this triple does not broadcast
          }
          const c = vals(prod(sc), 3).map((v) => (v > 0 ? 1 : 0));
          const a = vals(prod(sa), 4);
          const b = vals(prod(sb), 5);
          const want = reference.nary([sc, sa, sb], [c, a, b], (x, y, z) => (x ? y : z));
          const got = be.select(up(c, sc, 'bool'), up(a, sa), up(b, sb));
          expect(got.shape).toEqual(shape);
          expect(values(got)).toEqual(want.data);
          const bt = be.broadcastTo(up(a, sa), shape);
          expect(values(bt)).toEqual(reference.nary([sa, shape], [a, new Array(prod(shape)).fill(0)], (x) => x).data);
        }),
        { numRuns: 300 },
      );
    });
    it('transpose matches the reference for random permutations', () => {
      const shapePerm = fc.array(dim, { minLength: 0, maxLength: 5 }).chain((shape) =>
        fc.tuple(fc.constant(shape), fc.shuffledSubarray([...shape.keys()], { minLength: shape.length, maxLength: shape.length })),
      );
      fc.assert(
        fc.property(shapePerm, ([shape, perm]) => {
          const x = vals(prod(shape), 6);
          const want = reference.transpose(x, shape, perm);
          const got = be.transpose(up(x, shape, 'int32'), perm);
          expect(got.shape).toEqual(want.shape);
          expect(values(got)).toEqual(want.data);
        }),
        { numRuns: 300 },
      );
    });
    it('reductions match the reference for random axes', () => {
      const shapeAxes = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 4 }).chain((shape) =>
        fc.tuple(fc.constant(shape), fc.subarray([...shape.keys()])),
      );
      fc.assert(
        fc.property(shapeAxes, fc.constantFrom('sum', 'max', 'min', 'prod') as fc.Arbitrary<'sum' | 'max' | 'min' | 'prod'>, ([shape, axes], op) => {
          const x = vals(prod(shape), 7);
          const want = reference.reduce(op, x, shape, axes);
          const got = be.reduce(op, up(x, shape, 'float64'), axes);
          expect(got.shape).toEqual(want.shape);
          expect(values(got)).toEqual(want.data);
        }),
        { numRuns: 300 },
      );
    });
    it('matmul matches the reference for random sizes and transposes', () => {
      const size = fc.integer({ min: 1, max: 23 });
      fc.assert(
        fc.property(size, size, size, fc.boolean(), fc.boolean(), (M, K, N, ta, tb) => {
          const a = vals(M * K, 8);
          const b = vals(K * N, 9);
          const want = reference.matmul(a, b, M, K, N, ta, tb).c;
          expect(values(be.matmul(up(a, ta ? [K, M] : [M, K]), up(b, tb ? [N, K] : [K, N]), ta, tb))).toEqual(want);
        }),
        { numRuns: 200 },
      );
    });
  });
});
