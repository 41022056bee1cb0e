// Training to Predict Time Series: an RNN of 100 ReLU cells, its outputs projected to one value
// per step by an OutputProjectionWrapper, learns to predict the next value of
// t*sin(t)/3 + 2*sin(5t) over 20-step windows; then the same model's cheaper variant, one fully
// connected layer on the reshaped outputs (original notebook In [36] - In [None]#4).
//
//   rnn run notebooks-ported/time_series.ts [--iterations N]
//
// --iterations: the original's n_iterations is 10000; the default here is 1500 (CPU time).
// TF 1.x's own run of this model (original/tf1_reference.ts) logs an MSE of 0.059 at iteration
// 500 and 0.042 at 1400; `rnn compare` draws both curves and compares their plateaus.
//
// The original cells are pseudo-code in three places, filled in with what they mean:
// - `X_batch, y_batch = [...]` and `X_new = [...]`: the series' generator, common/time_series_data.ts;
// - In [39] wraps the cell but does not call dynamic_rnn again, so In [41]'s `outputs` would still
//   be the unprojected [batch, 20, 100] outputs of In [36]; the port adds that call (as the book does);
// - the training loop prints `iterations`, a NameError in Python: it means `iteration`.
// The prediction cell uses `sess` after the `with` block closed it; here it runs inside the block.
// In [None]#3 (the reshape variant) is built in a fresh graph, as in the book (see there).
import * as tf from 'tf1-ts';
import { In, plot, metric } from 'tf1-ts/notebook';
import { parseIntOptions } from './common/args';
import { progressBar } from './common/progress';
import { next_batch, test_window } from './common/time_series_data';

const opts = parseIntOptions('time_series', { iterations: 1500 }, { iterations: 'training iterations (the original: 10000)' });

// Imported in In [28]: from tensorflow.contrib.layers import fully_connected
const fully_connected = tf.contrib.layers.fully_connected;

In(36);
tf.reset_default_graph(); // reset graphs

const n_steps = 20;
const n_inputs = 1;
const n_neurons = 100;
const n_outputs = 1;

let X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);
let y = tf.placeholder(tf.float32, [null, n_steps, n_outputs]);
let cell: tf.nn.rnn_cell.RNNCell = new tf.nn.rnn_cell.BasicRNNCell(n_neurons, { activation: tf.nn.relu });
let [outputs, states] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32 });

In(39);
cell = new tf.nn.rnn_cell.OutputProjectionWrapper(
  new tf.nn.rnn_cell.BasicRNNCell(n_neurons, { activation: tf.nn.relu }),
  n_outputs, // output_size = n_outputs
);
// Left out by the notebook (see the header): run the wrapped cell, so `outputs` is [batch, 20, 1].
[outputs, states] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32 });

In(41);
const learning_rate = 0.001;

const loss = tf.reduce_mean(tf.square(outputs.sub(y)));
const optimizer = new tf.train.AdamOptimizer({ learning_rate: learning_rate });
const training_op = optimizer.minimize(loss);

const init = tf.global_variables_initializer();

In('None#1');
const n_iterations = opts.iterations; // the original: 10000
const batch_size = 50;

{
  using sess = new tf.Session();
  init.run();
  const bar = progressBar('time series', n_iterations); // on stderr
  for (let iteration = 0; iteration < n_iterations; iteration++) {
    const [X_batch, y_batch] = next_batch(batch_size, n_steps); // fetch next training batch
    sess.run(training_op, [[X, X_batch], [y, y_batch]]);
    if (iteration % 100 === 0) {
      const mse = loss.eval([[X, X_batch], [y, y_batch]]);
      bar.print(() => console.log(iteration, '\tmse', mse));
    }
    bar.tick();
  }
  bar.stop();
  // Not in the original: the trained model's MSE on 10 fresh batches (bounded by checks.ts).
  const [X_eval, y_eval] = next_batch(10 * batch_size, n_steps);
  const final_mse = loss.eval([[X, X_eval], [y, y_eval]]).item();
  console.log(`final mse ${final_mse.toPrecision(6)} ` +
              `(after ${n_iterations} iterations, on ${10 * batch_size} fresh windows)`);
  metric('final_mse', final_mse);

  In('None#2');
  const { t_in, t, X_new, target } = test_window(n_steps); // New sequences (the book's: from t = 12.2)
  const y_pred = sess.run(outputs, [[X, X_new]]);
  plot({ id: 'time_series_prediction', title: 'Testing the model', x_label: 'time', y_label: 'value',
         series: [{ name: 'instance', x: t_in.data, y: X_new.data, mark: 'line' },
                  { name: 'target', x: t.data, y: target.data, mark: 'point' },
                  { name: 'prediction', x: t.data, y: y_pred.data, mark: 'point' }] });
}

In('None#3');
// The notebook builds this in In [36]'s graph, where TF 1.x stops with "Variable
// rnn/basic_rnn_cell/kernel already exists" (tf1-ts too); the book starts a fresh graph:
tf.reset_default_graph();
X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);
y = tf.placeholder(tf.float32, [null, n_steps, n_outputs]);
cell = new tf.nn.rnn_cell.BasicRNNCell(n_neurons, { activation: tf.nn.relu });
let rnn_outputs;
[rnn_outputs, states] = tf.nn.dynamic_rnn(cell, X, { dtype: tf.float32 });

In('None#4');
const stacked_rnn_outputs = tf.reshape(rnn_outputs, [-1, n_neurons]);
const stacked_outputs = fully_connected(stacked_rnn_outputs, n_outputs, { activation_fn: null });
outputs = tf.reshape(stacked_outputs, [-1, n_steps, n_outputs]);
