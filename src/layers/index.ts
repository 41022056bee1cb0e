/**
 * The `tf.layers` namespace (api.ts: `export * as layers from './layers'`). The contrib layers
 * (fully_connected, regularizers, xavier_initializer) are gathered in src/contrib.ts.
 */
export { dense } from './core';
export type { Activation, DenseOptions } from './core';
