// Training a Sequence Classifier: an RNN of 150 basic cells reads each MNIST image as 28 rows
// of 28 pixels; a fully connected layer on the last state gives the 10 logits
// (original notebook In [28] - In [34]).
//
//   rnn run notebooks-ported/mnist_classifier.ts [--epochs N] [--iterations-per-epoch N]
//
// --epochs: the original ran 100 epochs; the default here is 1 (CPU time).
// --iterations-per-epoch: default mnist.train.num_examples // batch_size (366), as the original;
//   smaller values are for smoke tests only.
import * as tf from 'tf1-ts';
import { In, metric } from 'tf1-ts/notebook';
import { parseIntOptions } from './common/args';
import { progressBar } from './common/progress';

const opts = parseIntOptions(
  'mnist_classifier',
  { epochs: 1, 'iterations-per-epoch': 0 },
  { epochs: 'training epochs (the original: 100)', 'iterations-per-epoch': 'batches per epoch (0: all, num_examples // batch_size)' },
);

In(28);
const fully_connected = tf.contrib.layers.fully_connected; // from tensorflow.contrib.layers import fully_connected
const input_data = tf.examples.tutorials.mnist.input_data; // from tensorflow.examples.tutorials.mnist import input_data

In(30);
tf.reset_default_graph(); // reset graphs

const n_steps = 28;
const n_inputs = 28;
const n_neurons = 150;
const n_outputs = 10;

const learning_rate = 0.001;

const X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);
const y = tf.placeholder(tf.int32, [null]);

const basic_cell = new tf.nn.rnn_cell.BasicRNNCell(n_neurons); // num_units = n_neurons
const [outputs, states] = tf.nn.dynamic_rnn(basic_cell, X, { dtype: tf.float32 });

const logits = fully_connected(states, n_outputs, { activation_fn: null });
const xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits({ labels: y,
                                                          logits: logits });

const loss = tf.reduce_mean(xentropy);
const optimizer = new tf.train.AdamOptimizer({ learning_rate: learning_rate });
const training_op = optimizer.minimize(loss);
const correct = tf.nn.in_top_k(logits, y, 1);
const accuracy = tf.reduce_mean(tf.cast(correct, tf.float32));

const init = tf.global_variables_initializer();

In(32);
const mnist = input_data.read_data_sets('tmp/data/');
const X_test = mnist.test.images.reshape([-1, n_steps, n_inputs]);
const y_test = mnist.test.labels;
metric('test_examples', X_test.shape[0]);

In(34);
const n_epochs = opts.epochs; // the original: 100
const batch_size = 150;
const n_batches = opts['iterations-per-epoch'] || // mnist.train.num_examples // batch_size:
  Math.floor(mnist.train.num_examples / batch_size);

{
  using sess = new tf.Session();
  init.run();
  const bar = progressBar('mnist', n_epochs * n_batches); // on stderr
  for (let epoch = 0; epoch < n_epochs; epoch++) {
    let X_batch, y_batch;
    for (let iteration = 0; iteration < n_batches; iteration++) {
      [X_batch, y_batch] = mnist.train.next_batch(batch_size);
      X_batch = X_batch.reshape([-1, n_steps, n_inputs]);
      sess.run(training_op, [[X, X_batch], [y, y_batch]]);
      bar.tick(`epoch ${epoch}`);
    }
    const acc_train = accuracy.eval([[X, X_batch!], [y, y_batch!]]);
    const acc_test = accuracy.eval([[X, X_test], [y, y_test]]);
    bar.print(() => console.log(epoch, 'Train accuracy', acc_train, 'Test accuracy:', acc_test));
    metric('train_accuracy', acc_train.item());
    metric('test_accuracy', acc_test.item());
  }
  bar.stop();
}
