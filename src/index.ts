/**
 * tf1-ts: TensorFlow 1's graph-and-session model in TypeScript.
 *   import * as tf from 'tf1-ts'   or   import tf from 'tf1-ts'
 */
import * as tf from './api';
export * from './api';
export default tf;
