// Creative RNN: the trained time-series model generates a sequence from a seed of 20 zeros,
// feeding each prediction back as the next input (original notebook In [None]#5).
//
//   rnn run notebooks-ported/creative_rnn.ts [--iterations N]
//
// The original cell continues the time-series section's session: it uses `sess` and `outputs`
// of the model last built there, the reshape + fully_connected variant (In [None]#3 - #4).
// A section script runs on its own, so the lines before In('None#5') rebuild that model and
// train it as In [None]#1 does (--iterations, default 1500; the original's n_iterations is
// 10000), logging to stderr only: the original cell prints nothing.
import * as tf from 'tf1-ts';
import { np } from 'tf1-ts/numpy';
import { In, plot } from 'tf1-ts/notebook';
import { parseIntOptions } from './common/args';
import { resolution } from './common/time_series_data';
import { reportTimeSeries, trainTimeSeries } from './common/train_time_series';

const opts = parseIntOptions('creative_rnn', { iterations: 1500 }, { iterations: 'training iterations of the model (the original: 10000)' });

const fully_connected = tf.contrib.layers.fully_connected;

// In [36], [None]#3 and [None]#4: the model.
const n_steps = 20;
const n_inputs = 1;
const n_neurons = 100;
const n_outputs = 1;

const X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);
const y = tf.placeholder(tf.float32, [null, n_steps, n_outputs]);
const cell = new tf.nn.rnn_cell.BasicRNNCell(n_neurons, { activation: tf.nn.relu });
const [rnn_outputs] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32 });
const stacked_rnn_outputs = tf.reshape(rnn_outputs, [-1, n_neurons]);
const stacked_outputs = fully_connected(stacked_rnn_outputs, n_outputs, { activation_fn: null });
const outputs = tf.reshape(stacked_outputs, [-1, n_steps, n_outputs]);

// In [41]: loss and optimizer.
const learning_rate = 0.001;
const loss = tf.reduce_mean(tf.square(outputs.sub(y)));
const optimizer = new tf.train.AdamOptimizer({ learning_rate: learning_rate });
const training_op = optimizer.minimize(loss);
const init = tf.global_variables_initializer();

{
  using sess = new tf.Session();
  init.run();
  // In [None]#1: training.
  const trained = trainTimeSeries(sess, { X, y, outputs, loss, training_op,
                                          n_iterations: opts.iterations, label: 'creative_rnn model' });

  In('None#5');
  const sequence = new Array<number>(n_steps).fill(0.0); // seed sequence that are n_steps long
  // print(sequence)
  for (let iteration = 0; iteration < 300; iteration++) {
    const X_batch = np.array(sequence.slice(-n_steps), np.float32).reshape(1, n_steps, 1);
    const y_pred = sess.run(outputs, [[X, X_batch]]);
    sequence.push(y_pred.get(0, -1, 0));
  }
  const t = np.multiply(np.arange(sequence.length), resolution); // time of each value
  plot({ id: 'creative_sequence', title: 'Creative sequence (seed: 20 zeros)', x_label: 'time',
         y_label: 'value', series: [{ name: 'sequence', x: t.data, y: sequence }] });
  reportTimeSeries(sess, 'creative_rnn_model', 'The generating model', { X, outputs }, trained);
}
