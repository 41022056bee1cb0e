/**
 * A small deterministic model shared by the saver tests and their child processes (not a test
 * itself): a 2-layer regression net trained with Adam, so the default Saver also holds the Adam
 * slots (`<var>/Adam`, `<var>/Adam_1`), beta1_power / beta2_power and an int64 global_step.
 * No random ops: every process that builds it and trains it k steps gets the same bits.
 */
import * as tf from 'tf1-ts';

export interface Model {
  x: tf.Tensor;
  y: tf.Tensor;
  loss: tf.Tensor;
  train: tf.Operation;
  globalStep: tf.Variable;
  weights: tf.Variable[];
}

/** Builds the model in the default graph. */
export function buildModel(): Model {
  const x = tf.placeholder(tf.float32, [null, 3], 'x');
  const y = tf.placeholder(tf.float32, [null, 2], 'y');
  const w1 = new tf.Variable(tf.constant([[0.1, -0.2, 0.3, 0.05], [0.4, 0.1, -0.3, 0.2], [-0.1, 0.25, 0.15, -0.35]]), { name: 'dense/kernel' });
  const b1 = new tf.Variable(tf.zeros([4]), { name: 'dense/bias' });
  const w2 = new tf.Variable(tf.constant([[0.3, -0.1], [0.2, 0.2], [-0.25, 0.1], [0.15, -0.3]]), { name: 'out/kernel' });
  const b2 = new tf.Variable(tf.constant([0.01, -0.02]), { name: 'out/bias' });
  const h = tf.tanh(tf.add(tf.matmul(x, w1), b1));
  const out = tf.add(tf.matmul(h, w2), b2);
  const loss = tf.reduce_mean(tf.square(tf.subtract(out, y)));
  const globalStep = tf.train.get_or_create_global_step();
  const train = new tf.train.AdamOptimizer({ learning_rate: 0.05 }).minimize(loss, { global_step: globalStep });
  return { x, y, loss, train, globalStep, weights: [w1, b1, w2, b2] };
}

/** The batch of training step `i` (deterministic). */
export function batch(i: number): { xs: number[][]; ys: number[][] } {
  const xs: number[][] = [];
  const ys: number[][] = [];
  for (let r = 0; r < 4; r++) {
    const a = Math.sin(i * 1.3 + r);
    const b = Math.cos(i * 0.7 - r);
    const c = ((i + r) % 5) / 5;
    xs.push([a, b, c]);
    ys.push([a * b + c, a - 0.5 * c]);
  }
  return { xs, ys };
}

export function trainStep(sess: tf.Session, m: Model, i: number): number {
  const { xs, ys } = batch(i);
  const [l] = sess.run([m.loss, m.train], [
    [m.x, xs],
    [m.y, ys],
  ]);
  return (l as tf.NDArray).item();
}

/** Every global variable's value as raw bytes, keyed by op name. */
export function snapshot(sess: tf.Session): Map<string, { dtype: string; shape: number[]; bytes: Buffer }> {
  const out = new Map<string, { dtype: string; shape: number[]; bytes: Buffer }>();
  for (const v of tf.global_variables()) {
    const a = sess.variableValue(v.op);
    if (a === null) throw new Error(`variable ${v.op.name} is not initialized`);
    out.set(v.op.name, { dtype: a.dtype.name, shape: [...a.shape], bytes: Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength) });
  }
  return out;
}

/** Compact, comparable form of a snapshot (for toEqual). */
export function snapshotText(s: Map<string, { dtype: string; shape: number[]; bytes: Buffer }>): Record<string, string> {
  const o: Record<string, string> = {};
  for (const [k, v] of [...s].sort(([a], [b]) => (a < b ? -1 : 1))) o[k] = `${v.dtype}[${v.shape.join(',')}]:${v.bytes.toString('hex')}`;
  return o;
}
