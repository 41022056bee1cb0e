/** Public surface of the checkpoint storage layer (see README.md in this folder). */
export type { BundleData, BundleDType, BundleTensor, WriteBundleOptions } from './bundle';
export {
  DATA_TYPE_ENUM,
  bundleExists,
  dataFilename,
  deleteBundle,
  indexFilename,
  listBundle,
  readBundle,
  readBundleEntry,
  writeBundle,
} from './bundle';
export type { CheckpointState, GenerateStateOptions, UpdateStateOptions } from './state';
export {
  checkpointLog,
  checkpointStateToText,
  generateCheckpointState,
  getCheckpointState,
  latestCheckpoint,
  latest_checkpoint,
  parseCheckpointState,
  updateCheckpointState,
} from './state';
export type { WriteHooks } from './atomic';
export { CRASH_ENV_VAR, writeFileAtomic } from './atomic';
export { crc32c, mask, unmask } from './crc32c';
