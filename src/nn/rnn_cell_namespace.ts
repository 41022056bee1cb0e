/**
 * What `tf.nn.rnn_cell` holds: the cell classes, the wrappers and LSTMStateTuple. The
 * wrappers that TF 1.x keeps only in tf.contrib.rnn (OutputProjectionWrapper, ...) are here
 * too, because the reference notebook spells them `tf.nn.rnn_cell.X` (TF 0.x).
 */
export {
  RNNCell,
  BasicRNNCell,
  BasicLSTMCell,
  LSTMCell,
  GRUCell,
  MultiRNNCell,
  LSTMStateTuple,
  DropoutWrapper,
  OutputProjectionWrapper,
  InputProjectionWrapper,
  ResidualWrapper,
  EmbeddingWrapper,
} from './rnn_cell';
export type {
  Activation,
  RNNState,
  StateSize,
  LSTMState,
  MultiState,
  StateOf,
  KeepProb,
  RNNCellOptions,
  BasicRNNCellOptions,
  BasicLSTMCellOptions,
  LSTMCellOptions,
  GRUCellOptions,
  DropoutWrapperOptions,
  ProjectionWrapperOptions,
} from './rnn_cell';
