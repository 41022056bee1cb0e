/**
 * The time series the notebook's "Training to Predict Time Series" section trains on, which the
 * original leaves as `X_batch, y_batch = [...]  # fetch next training batch` and
 * `X_new = [...]  # New sequences`. Filled in with what the text describes (and what the book
 * it follows, Géron's "Hands-On Machine Learning", chapter 14, uses):
 *
 *   t_min, t_max = 0, 30;  resolution = 0.1
 *   time_series(t) = t * sin(t) / 3 + 2 * sin(5 t)
 *   next_batch: random windows of n_steps + 1 consecutive samples; inputs = the first n_steps,
 *               targets = the same window shifted one step into the future.
 *
 * Randomness comes from np.random, which `rnn run --seed N` seeds.
 */
import { np } from 'tf1-ts/numpy';
import type { NDArray } from 'tf1-ts';

export const t_min = 0;
export const t_max = 30;
export const resolution = 0.1;

/** t * sin(t) / 3 + 2 * sin(t * 5) */
export function time_series(t: NDArray): NDArray {
  return np.add(np.divide(np.multiply(t, np.sin(t)), 3), np.multiply(2, np.sin(np.multiply(t, 5))));
}

/** [X_batch, y_batch], each [batch_size, n_steps, 1]: random windows and the same shifted by one step. */
export function next_batch(batch_size: number, n_steps: number): [NDArray, NDArray] {
  const t0 = np.multiply(np.random.rand(batch_size, 1), t_max - t_min - n_steps * resolution);
  const Ts = np.add(t0, np.multiply(np.arange(0, n_steps + 1, 1, { dtype: np.float64 }), resolution));
  const ys = time_series(Ts);
  return [np.reshape(np.getitem(ys, ':, :-1'), [-1, n_steps, 1]), np.reshape(np.getitem(ys, ':, 1:'), [-1, n_steps, 1])];
}

/**
 * The book's test window: n_steps + 1 instants from t = 12.2. Returns the instants of the inputs
 * (t_instance[:-1]) and of the targets (t_instance[1:]), the inputs X_new [1, n_steps, 1] and
 * the targets [n_steps].
 */
export function test_window(n_steps: number, start = 12.2): { t_in: NDArray; t: NDArray; X_new: NDArray; target: NDArray } {
  const t_instance = np.linspace(start, start + resolution * (n_steps + 1), n_steps + 1);
  const t_in = np.getitem(t_instance, ':-1');
  const X_new = np.reshape(time_series(t_in), [-1, n_steps, 1]);
  const t = np.getitem(t_instance, '1:');
  return { t_in, t, X_new, target: time_series(t) };
}
