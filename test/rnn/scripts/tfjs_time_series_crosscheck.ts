/**
 * Independent cross-check of the time-series acceptance run with TensorFlow.js (a dev
 * dependency): the same model written directly (relu RNN over [x, h] · K + b with one
 * glorot-uniform kernel of shape [D+N, N] as TF1's BasicRNNCell, a linear projection to 1,
 * MSE, Adam 0.001, batches of 50 windows). Its curve tells what this model reaches in a given
 * number of iterations independently of tf1-ts.
 *
 *   npx tsx test/rnn/scripts/tfjs_time_series_crosscheck.ts [iterations=1500] [backend=wasm|cpu]
 */
import * as tfjs from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

async function main(): Promise<void> {
  await tfjs.setBackend(process.argv[3] ?? 'wasm');
  const N = 100;
  const T = 20;
  const B = 50;
  const iters = Number(process.argv[2] ?? 1500);
  let s = 12345;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const series = (t: number): number => (t * Math.sin(t)) / 3 + 2 * Math.sin(5 * t);
  const batch = (n: number): [tfjs.Tensor3D, tfjs.Tensor3D] => {
    const x: number[][][] = [];
    const y: number[][][] = [];
    for (let b = 0; b < n; b++) {
      const t0 = rand() * (30 - T * 0.1);
      x.push(Array.from({ length: T }, (_, k) => [series(t0 + k * 0.1)]));
      y.push(Array.from({ length: T }, (_, k) => [series(t0 + (k + 1) * 0.1)]));
    }
    return [tfjs.tensor3d(x), tfjs.tensor3d(y)];
  };
  const lim = Math.sqrt(6 / (N + 1 + N));
  const K = tfjs.variable(tfjs.randomUniform([N + 1, N], -lim, lim, 'float32', 7));
  const b = tfjs.variable(tfjs.zeros([N]));
  const lp = Math.sqrt(6 / (N + 1));
  const P = tfjs.variable(tfjs.randomUniform([N, 1], -lp, lp, 'float32', 8));
  const pb = tfjs.variable(tfjs.zeros([1]));
  const opt = tfjs.train.adam(0.001, 0.9, 0.999, 1e-8);
  const model = (x: tfjs.Tensor3D): tfjs.Tensor => {
    let h: tfjs.Tensor = tfjs.zeros([x.shape[0], N]);
    const outs: tfjs.Tensor[] = [];
    for (const xt of tfjs.unstack(x, 1)) {
      h = tfjs.relu(tfjs.add(tfjs.matMul(tfjs.concat([xt, h], 1), K), b));
      outs.push(tfjs.add(tfjs.matMul(h, P), pb));
    }
    return tfjs.stack(outs, 1);
  };
  const t0 = Date.now();
  for (let i = 0; i < iters; i++) {
    const [x, y] = batch(B);
    const l = opt.minimize(() => tfjs.mean(tfjs.square(tfjs.sub(model(x), y))) as tfjs.Scalar, true) as tfjs.Scalar;
    if (i % 100 === 0 || i === iters - 1) console.log(`${i} \tmse ${l.dataSync()[0]}\t(${((Date.now() - t0) / (i + 1)).toFixed(1)} ms/iter)`);
    tfjs.dispose([x, y, l]);
  }
  const [xv, yv] = batch(1000);
  console.log(`final mse on 1000 fresh windows: ${tfjs.tidy(() => tfjs.mean(tfjs.square(tfjs.sub(model(xv), yv))).dataSync()[0])}`);
}

void main();
