/**
 * Bench runner for TensorFlow.js (a child process of `rnn bench`): the same two workloads written
 * with tfjs ops (the RNN unrolled in a loop, as tf.layers.simpleRNN does), trained with
 * tf.train.adam through optimizer.minimize, on tfjs's pure-JS 'cpu' backend or its 'wasm' one.
 *   node cli/bootstrap.js cli/bench/run_tfjs.ts <cpu|wasm> <quick|full> [budget seconds]
 */
import { FULL, MATMUL_SIZES, MNIST, QUICK, RunnerResult, SERIES, emit, mnistBatch, seriesBatch, stats, timeBest, timeIterations } from './workloads';

type TF = typeof import('@tensorflow/tfjs');

function glorot(tf: TF, fanIn: number, fanOut: number): import('@tensorflow/tfjs').Variable {
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  return tf.variable(tf.randomUniform([fanIn, fanOut], -lim, lim, 'float32', 42));
}


export async function main(args: string[]): Promise<void> {
  const kind = args[0] ?? 'cpu';
  const counts = args[1] === 'quick' ? QUICK : FULL;
  const budgetMs = Number(args[2] ?? 240) * 1000;
  const result: RunnerResult = { name: `tfjs ${kind}`, detail: '' };
  try {
    // Quiet tfjs's "use tfjs-node for speed" banner.
    const log = console.warn;
    console.warn = () => undefined;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tf = require('@tensorflow/tfjs') as TF;
    if (kind === 'wasm') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@tensorflow/tfjs-backend-wasm');
    }
    console.warn = log;
    if (!(await tf.setBackend(kind))) throw new Error(`tfjs backend ${kind} did not initialize`);
    await tf.ready();
    const simd = kind === 'wasm' ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : null;
    const threads = kind === 'wasm' ? await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') : null;
    result.detail = `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}${kind === 'wasm' ? `, simd ${simd}, threads ${threads}` : ''}`;

    // ---- MNIST classifier ------------------------------------------------------------------------
    const { steps, inputs, units, classes, batch } = MNIST;
    const W = glorot(tf, inputs + units, units);
    const b = tf.variable(tf.zeros([units]));
    const Wf = glorot(tf, units, classes);
    const bf = tf.variable(tf.zeros([classes]));
    const forward = (x: import('@tensorflow/tfjs').Tensor3D): import('@tensorflow/tfjs').Tensor2D => {
      const n = x.shape[0];
      const xs = tf.unstack(tf.transpose(x, [1, 0, 2])) as import('@tensorflow/tfjs').Tensor2D[];
      let h = tf.zeros([n, units]) as import('@tensorflow/tfjs').Tensor2D;
      for (let t = 0; t < steps; t++) h = tf.tanh(tf.add(tf.matMul(tf.concat([xs[t], h], 1), W), b)) as import('@tensorflow/tfjs').Tensor2D;
      return tf.add(tf.matMul(h, Wf), bf);
    };
    const opt = tf.train.adam(MNIST.lr);
    const batches = [0, 1, 2, 3].map((s) => {
      const d = mnistBatch(batch, 100 + s);
      return { x: tf.tensor3d(d.x, [batch, steps, inputs]), y: tf.oneHot(tf.tensor1d(d.y, 'int32'), classes) };
    });
    const lossOf = (k: number): import('@tensorflow/tfjs').Scalar => tf.losses.softmaxCrossEntropy(batches[k].y, forward(batches[k].x)) as import('@tensorflow/tfjs').Scalar;
    const loss0 = tf.tidy(() => lossOf(0).dataSync()[0]);
    let k = 0;
    const step = (): void => {
      const i = k++ % batches.length;
      tf.tidy(() => {
        opt.minimize(() => lossOf(i), false);
      });
    };
    const times = timeIterations(step, counts.warmup, counts.iters, budgetMs * 0.6);
    const loss1 = tf.tidy(() => lossOf(0).dataSync()[0]);
    result.mnist = { ...stats(times), loss0, loss1 };
    result.epochSeconds = (result.mnist.median * MNIST.itersPerEpoch) / 1000;
    const test = mnistBatch(counts.testImages, 7);
    const tx = tf.tensor3d(test.x, [counts.testImages, steps, inputs]);
    const fwd: number[] = [];
    for (let i = 0; i < counts.testReps; i++) {
      const t0 = performance.now();
      tf.tidy(() => forward(tx).dataSync());
      fwd.push(performance.now() - t0);
    }
    result.testForwardMs = (Math.min(...fwd) * MNIST.testImages) / counts.testImages;

    // ---- time series -----------------------------------------------------------------------------
    const S = SERIES;
    const Ws = glorot(tf, S.inputs + S.units, S.units);
    const bs = tf.variable(tf.zeros([S.units]));
    const Wo = glorot(tf, S.units, S.outputs);
    const bo = tf.variable(tf.zeros([S.outputs]));
    const sd = seriesBatch(S.batch, 5);
    const sx = tf.tensor3d(sd.x, [S.batch, S.steps, S.inputs]);
    const sy = tf.tensor3d(sd.y, [S.batch, S.steps, S.outputs]);
    const sopt = tf.train.adam(S.lr);
    const sstep = (): void => {
      tf.tidy(() => {
        sopt.minimize(() => {
          const xs = tf.unstack(tf.transpose(sx, [1, 0, 2])) as import('@tensorflow/tfjs').Tensor2D[];
          let h = tf.zeros([S.batch, S.units]) as import('@tensorflow/tfjs').Tensor2D;
          const outs: import('@tensorflow/tfjs').Tensor2D[] = [];
          for (let t = 0; t < S.steps; t++) {
            h = tf.relu(tf.add(tf.matMul(tf.concat([xs[t], h], 1), Ws), bs)) as import('@tensorflow/tfjs').Tensor2D;
            outs.push(tf.add(tf.matMul(h, Wo), bo));
          }
          const out = tf.stack(outs, 1);
          return tf.mean(tf.squaredDifference(out, sy)) as import('@tensorflow/tfjs').Scalar;
        }, false);
      });
    };
    result.series = stats(timeIterations(sstep, counts.warmup, counts.seriesIters, budgetMs * 0.25));

    // ---- matmul throughput -----------------------------------------------------------------------
    result.gflops = {};
    for (const [M, K, N] of MATMUL_SIZES) {
      const a = tf.tensor2d(Float32Array.from({ length: M * K }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5), [M, K]);
      const bm = tf.tensor2d(Float32Array.from({ length: K * N }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5), [K, N]);
      const s = timeBest(() => tf.tidy(() => tf.matMul(a, bm).dataSync()), counts.matmulSeconds);
      result.gflops[`${M}x${K}x${N}`] = (2 * M * N * K) / s / 1e9;
    }
  } catch (e) {
    result.error = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  }
  emit(result);
  process.exit(0);
}
