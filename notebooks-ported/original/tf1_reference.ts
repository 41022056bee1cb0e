/**
 * TensorFlow 1.x's own runs of cells whose original output is missing (pseudo-code cells).
 *
 * The reference notebook's time-series training loop (In [None]#1) has no stored output. The book
 * it follows has the same cells runnable: Géron's "Hands-On Machine Learning", chapter 14
 * notebook (github.com/ageron/handson-ml, 14_recurrent_neural_networks.ipynb at commit
 * 2d5d735e5fcc62fe3a57fdaee30abad451a62c4b, "Time series" section), run on TF 1.x. Its model is
 * the port's exactly: BasicRNNCell(100, relu) in an OutputProjectionWrapper(1), dynamic_rnn over
 * 20 steps, MSE loss, AdamOptimizer(0.001), batch 50, the same t·sin(t)/3 + 2·sin(5t) windows,
 * 1500 iterations. These are the batch MSEs it printed every 100 iterations: measurements, kept as
 * data so `rnn compare` can set the port's curve beside TF 1.x's.
 */

/** [iteration, training-batch MSE] printed by TF 1.x (OutputProjectionWrapper variant). */
export const TF1_TIME_SERIES_MSE: ReadonlyArray<readonly [number, number]> = [
  [0, 11.967254],
  [100, 0.525841],
  [200, 0.1495599],
  [300, 0.07279411],
  [400, 0.06158535],
  [500, 0.05938873],
  [600, 0.05470166],
  [700, 0.047849063],
  [800, 0.05107608],
  [900, 0.047209196],
  [1000, 0.047058314],
  [1100, 0.047831465],
  [1200, 0.04083041],
  [1300, 0.047086805],
  [1400, 0.041784383],
];

/** Where TF1_TIME_SERIES_MSE comes from, for reports. */
export const TF1_TIME_SERIES_SOURCE = 'TF 1.x run of the same model (Géron, handson-ml ch. 14, stored output)';
