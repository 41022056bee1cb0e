/**
 * The `tf.train` namespace: optimizers and the global step. api.ts exposes this module as
 * `tf.train` (`export * as train from './train'`).
 */
export { Optimizer, GradientDescentOptimizer, MomentumOptimizer, AdamOptimizer, RMSPropOptimizer, AdagradOptimizer, TRAIN_OP } from './optimizers';
export type {
  AdamOptions,
  AdagradOptions,
  ApplyGradientsOptions,
  ComputeGradientsOptions,
  GradAndVar,
  GradientDescentOptions,
  Hyper,
  MinimizeOptions,
  MomentumOptions,
  RMSPropOptions,
} from './optimizers';
export { exponential_decay } from './learning_rate_decay';
export { assert_global_step, create_global_step, get_global_step, get_or_create_global_step, global_step } from './training_util';
// Saver & co. (src/train/checkpoint, issue: checkpoint) are re-exported here by that issue, e.g.
// export { Saver, latest_checkpoint, get_checkpoint_state } from './checkpoint/saver';
export { Saver, latest_checkpoint, get_checkpoint_state, checkpoint_exists, type SaverOptions, type SaveOptions, type SaverVarList, type CheckpointStateProto } from './saver';
