/**
 * The training loop of In [None]#1 (time series), for the sections the original only
 * constructs (deep_rnn, dropout, lstm, peepholes, gru) and for the model creative_rnn continues.
 * It logs to stderr (progress bar + one line every 100 iterations), never to stdout: those cells
 * print nothing in the original, and `rnn compare` checks that they still do not.
 */
import * as tf from 'tf1-ts';
import { np } from 'tf1-ts/numpy';
import { plot, metric } from 'tf1-ts/notebook';
import { progressBar } from './progress';
import { next_batch, test_window } from './time_series_data';

type Feeds = [tf.Tensor, tf.ArrayLike][];

export interface TrainTimeSeriesOptions {
  X: tf.Tensor;
  y: tf.Tensor;
  /** [batch, n_steps, 1] predictions. */
  outputs: tf.Tensor;
  loss: tf.Tensor;
  training_op: tf.Operation | tf.Tensor;
  n_iterations: number;
  /** Shown in the progress bar and the log lines. */
  label: string;
  batch_size?: number;
  n_steps?: number;
  /** Extra feeds of the training steps only (e.g. a keep probability of 0.5). */
  train_feeds?: Feeds;
}

export interface TimeSeriesResult {
  /** The loss of every training batch, computed by the training step itself (before its update). */
  batch_mse: number[];
  /** MSE on 10 fresh batches after training (extra feeds not applied: test mode). */
  final_mse: number;
}

/** Trains in `sess` (variables already initialized) and returns the losses. */
export function trainTimeSeries(sess: tf.Session, o: TrainTimeSeriesOptions): TimeSeriesResult {
  const batch_size = o.batch_size ?? 50;
  const n_steps = o.n_steps ?? 20;
  const extra = o.train_feeds ?? [];
  const batch_mse: number[] = [];
  const bar = progressBar(o.label, o.n_iterations);
  for (let iteration = 0; iteration < o.n_iterations; iteration++) {
    const [X_batch, y_batch] = next_batch(batch_size, n_steps);
    const [, mse] = sess.run([o.training_op, o.loss] as const, [[o.X, X_batch], [o.y, y_batch], ...extra]);
    batch_mse.push(mse.item());
    if (iteration % 100 === 0) bar.print(() => process.stderr.write(`${o.label}: ${iteration} \tmse ${mse.toString()}\n`));
    bar.tick(`mse ${mse.toString()}`);
  }
  bar.stop();
  const [X_eval, y_eval] = next_batch(10 * batch_size, n_steps);
  const final_mse = sess.run(o.loss, [[o.X, X_eval], [o.y, y_eval]]).item();
  process.stderr.write(`${o.label}: final mse ${final_mse.toPrecision(6)} (after ${o.n_iterations} iterations, on ${10 * batch_size} fresh windows)\n`);
  return { batch_mse, final_mse };
}

/** Means over consecutive bins of `size` values: [bin start, mean]. */
function binned(values: readonly number[], size: number): [number[], number[]] {
  const x: number[] = [];
  const y: number[] = [];
  for (let a = 0; a < values.length; a += size) {
    const bin = values.slice(a, a + size);
    x.push(a);
    y.push(bin.reduce((s, v) => s + v, 0) / bin.length);
  }
  return [x, y];
}

/**
 * Reports a training run to `rnn compare` (silent otherwise): metric final_mse, the MSE curve,
 * and the prediction on the book's test window beside the target.
 */
export function reportTimeSeries(sess: tf.Session, id: string, title: string, o: Pick<TrainTimeSeriesOptions, 'X' | 'outputs' | 'n_steps'>, r: TimeSeriesResult): void {
  metric('final_mse', r.final_mse);
  const [x, y] = binned(r.batch_mse, Math.max(1, Math.round(r.batch_mse.length / 50)));
  plot({
    id: `${id}_mse`,
    title: `${title}: training MSE (final ${r.final_mse.toPrecision(3)})`,
    kind: 'line',
    x_label: 'iteration',
    y_label: 'batch MSE (log scale)',
    y_scale: 'log',
    series: [{ name: 'training batches (mean per bin)', x, y }],
  });
  const { t_in, t, X_new, target } = test_window(o.n_steps ?? 20);
  const y_pred = sess.run(o.outputs, [[o.X, X_new]]);
  plot({
    id: `${id}_prediction`,
    title: `${title}: prediction on the test window`,
    kind: 'line',
    x_label: 'time',
    y_label: 'value',
    series: [
      { name: 'instance', x: t_in.data, y: X_new.data, mark: 'line' },
      { name: 'target', x: t.data, y: target.data, mark: 'point' },
      { name: 'prediction', x: t.data, y: np.ravel(y_pred).data, mark: 'point' },
    ],
  });
}
