/**
 * Python's operators on tensors, as methods: `a + b` is `a.add(b)` (op named 'add'),
 * `a - b` is `a.sub(b)` ('sub'), `a * b` `a.mul(b)` ('mul'), `a / b` `a.div(b)` ('truediv'),
 * `-a` `a.neg()`, `a ** b` `a.pow(b)`, `a < b` `a.lt(b)`, ...
 */
import { Tensor } from '../graph/graph';
import { TensorLike, convertPair } from './common';
import { binaryOp, negative } from './math_ops';

declare module '../graph/graph' {
  interface Tensor {
    add(other: TensorLike): Tensor;
    sub(other: TensorLike): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    truediv(other: TensorLike): Tensor;
    pow(other: TensorLike): Tensor;
    neg(): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    /** Reflected forms: `2 - t` is `t.rsub(2)`. */
    rsub(other: TensorLike): Tensor;
    rdiv(other: TensorLike): Tensor;
  }
}

function op(type: string, name: string) {
  return function (this: Tensor, other: TensorLike): Tensor {
    const [a, b] = convertPair(this, other);
    return binaryOp(type, a, b, name);
  };
}
function rop(type: string, name: string) {
  return function (this: Tensor, other: TensorLike): Tensor {
    const [a, b] = convertPair(other, this);
    return binaryOp(type, a, b, name);
  };
}

Tensor.prototype.add = op('Add', 'add');
Tensor.prototype.sub = op('Sub', 'sub');
Tensor.prototype.mul = op('Mul', 'mul');
Tensor.prototype.div = op('RealDiv', 'truediv');
Tensor.prototype.truediv = op('RealDiv', 'truediv');
Tensor.prototype.pow = op('Pow', 'pow');
Tensor.prototype.lt = op('Less', 'Less');
Tensor.prototype.le = op('LessEqual', 'LessEqual');
Tensor.prototype.gt = op('Greater', 'Greater');
Tensor.prototype.ge = op('GreaterEqual', 'GreaterEqual');
Tensor.prototype.rsub = rop('Sub', 'sub');
Tensor.prototype.rdiv = rop('RealDiv', 'truediv');
Tensor.prototype.neg = function (this: Tensor): Tensor {
  return negative(this, 'Neg');
};
