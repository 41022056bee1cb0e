/**
 * Bench runner for this project (a child process of `rnn bench`): builds the workloads with the
 * public tf1-ts API on one backend and prints a RunnerResult line.
 *   node cli/bootstrap.js cli/bench/run_tf1ts.ts <cpu|gpu-webasm|gpu-headlessgl|...> <quick|full>
 */
import * as tf from '../../src/index';
import type { Backend } from '../../src/backend/backend';
import { CpuBackend } from '../../src/backend/cpu';
import { setGemmThreading, warmGemmThreads, wasmGemmAvailable } from '../../src/backend/cpu/wasm_kernels';
import { NDArray } from '../../src/ndarray/ndarray';
import { DType } from '../../src/core/dtypes';
import { FULL, MATMUL_SIZES, MNIST, QUICK, RunnerResult, SERIES, emit, mnistBatch, seriesBatch, stats, timeBest, timeIterations } from './workloads';

function makeBackend(kind: string): Backend {
  if (kind === 'cpu') return new CpuBackend();
  if (kind.startsWith('gpu-')) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const gpu = require('../../src/backend/gpu/index') as typeof import('../../src/backend/gpu/index');
    const mode = kind.slice(4) as import('../../src/backend/gpu/index').GpuJsMode;
    const avail = gpu.gpuAvailability();
    if (!avail[mode]) throw new Error(`skip: gpu.js mode ${mode} unavailable: ${avail.reasons[mode] ?? '?'}`);
    return gpu.createGpuBackend(mode);
  }
  throw new Error(`unknown backend kind ${kind}`);
}

type FeedMap = Map<tf.Tensor, NDArray>;


export async function main(args: string[]): Promise<void> {
  const kind = args[0] ?? 'cpu';
  const counts = args[1] === 'quick' ? QUICK : FULL;
  const budgetMs = Number(args[2] ?? 240) * 1000;
  const result: RunnerResult = { name: `tf1-ts ${kind}`, detail: '' };
  try {
    const backend = makeBackend(kind);
    if (kind === 'cpu') {
      const threads = wasmGemmAvailable() ? await warmGemmThreads() : 0;
      result.detail = wasmGemmAvailable() ? `matmul: WebAssembly SIMD, ${threads} thread${threads === 1 ? '' : 's'}` : 'matmul: JS (no WebAssembly SIMD)';
    } else result.detail = backend.name;

    // ---- MNIST classifier ----------------------------------------------------------------------
    tf.reset_default_graph();
    tf.set_random_seed(42);
    const X = tf.placeholder(tf.float32, [null, MNIST.steps, MNIST.inputs], 'X');
    const y = tf.placeholder(tf.int32, [null], 'y');
    const cell = new tf.nn.rnn_cell.BasicRNNCell(MNIST.units);
    const [, states] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32 });
    const logits = tf.contrib.layers.fully_connected(states, MNIST.classes, { activation_fn: null });
    const xent = tf.nn.sparse_softmax_cross_entropy_with_logits({ labels: y, logits });
    const loss = tf.reduce_mean(xent);
    const trainOp = new tf.train.AdamOptimizer({ learning_rate: MNIST.lr }).minimize(loss);
    const sess = new tf.Session({ backend });
    sess.run(tf.global_variables_initializer());
    const batches = [0, 1, 2, 3].map((s) => {
      const b = mnistBatch(MNIST.batch, 100 + s);
      return new Map([
        [X, new NDArray(b.x, [MNIST.batch, MNIST.steps, MNIST.inputs], DType.float32)],
        [y, new NDArray(b.y, [MNIST.batch], DType.int32)],
      ]) as FeedMap;
    });
    const loss0 = Number(sess.run(loss, batches[0]).data[0]);
    let k = 0;
    const times = timeIterations(() => sess.run(trainOp, batches[k++ % batches.length]), counts.warmup, counts.iters, budgetMs * 0.6);
    const loss1 = Number(sess.run(loss, batches[0]).data[0]);
    result.mnist = { ...stats(times), loss0, loss1 };
    result.epochSeconds = (result.mnist.median * MNIST.itersPerEpoch) / 1000;
    const test = mnistBatch(counts.testImages, 7);
    const testFeed = new Map([[X, new NDArray(test.x, [counts.testImages, MNIST.steps, MNIST.inputs], DType.float32)]]) as FeedMap;
    const fwd: number[] = [];
    for (let i = 0; i < counts.testReps; i++) {
      const t0 = performance.now();
      sess.run(logits, testFeed);
      fwd.push(performance.now() - t0);
    }
    result.testForwardMs = (Math.min(...fwd) * MNIST.testImages) / counts.testImages;
    sess.close();

    // ---- time series ---------------------------------------------------------------------------
    tf.reset_default_graph();
    tf.set_random_seed(42);
    const Xs = tf.placeholder(tf.float32, [null, SERIES.steps, SERIES.inputs], 'X');
    const ys = tf.placeholder(tf.float32, [null, SERIES.steps, SERIES.outputs], 'y');
    const scell = new tf.nn.rnn_cell.OutputProjectionWrapper(new tf.nn.rnn_cell.BasicRNNCell(SERIES.units, { activation: tf.nn.relu }), SERIES.outputs);
    const [outputs] = tf.nn.dynamic_rnn(scell, Xs, { dtype: tf.float32 });
    const mse = tf.reduce_mean(tf.square(tf.subtract(outputs, ys)));
    const strain = new tf.train.AdamOptimizer({ learning_rate: SERIES.lr }).minimize(mse);
    const ssess = new tf.Session({ backend });
    ssess.run(tf.global_variables_initializer());
    const sb = seriesBatch(SERIES.batch, 5);
    const sfeed = new Map([
      [Xs, new NDArray(sb.x, [SERIES.batch, SERIES.steps, SERIES.inputs], DType.float32)],
      [ys, new NDArray(sb.y, [SERIES.batch, SERIES.steps, SERIES.outputs], DType.float32)],
    ]) as FeedMap;
    result.series = stats(timeIterations(() => ssess.run(strain, sfeed), counts.warmup, counts.seriesIters, budgetMs * 0.25));
    ssess.close();

    // ---- matmul throughput -----------------------------------------------------------------------
    // The table shows what a user gets (the CPU backend picks alone or shared per size by
    // measuring); the detail line shows both ways.
    result.gflops = {};
    const ways: string[] = [];
    for (const [M, K, N] of MATMUL_SIZES) {
      const a = backend.fromHost(new NDArray(Float32Array.from({ length: M * K }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5), [M, K], DType.float32));
      const b = backend.fromHost(new NDArray(Float32Array.from({ length: K * N }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5), [K, N], DType.float32));
      // toHost makes lazy / asynchronous backends finish the product inside the timed call
      const gf = (): number => (2 * M * N * K) / timeBest(() => backend.toHost(backend.matmul(a, b, false, false)), counts.matmulSeconds) / 1e9;
      result.gflops[`${M}x${K}x${N}`] = gf();
      if (kind === 'cpu' && wasmGemmAvailable()) {
        setGemmThreading('alone');
        const alone = gf();
        setGemmThreading('shared');
        const shared = gf();
        setGemmThreading('auto');
        ways.push(`${M}x${K}x${N}: ${alone.toFixed(1)} alone, ${shared.toFixed(1)} on all threads`);
      }
    }
    if (ways.length) result.detail += `; matmul GFLOP/s ${ways.join('; ')}`;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (msg.startsWith('skip: ')) result.skipped = msg.slice(6);
    else result.error = msg.split('\n')[0];
  }
  emit(result);
  process.exit(0);
}
