/**
 * tf.nn.embedding_lookup (TF's embedding_ops): rows of an embedding matrix by id, a gather in
 * graph land (its gradient is the gather's).
 */
import { ValueError } from '../core/errors';
import { checkOptions } from '../core/options';
import { Tensor, get_default_graph } from '../graph/graph';
import { make1 } from './registry';
import { TensorLike, convert_to_tensor } from './common';
import { clip_by_norm } from './clip_ops';

export interface EmbeddingLookupOptions {
  partition_strategy?: 'mod' | 'div';
  name?: string;
  validate_indices?: boolean;
  max_norm?: number | null;
}

/**
 * tf.nn.embedding_lookup(params, ids, {name, max_norm}): the rows of `params` at `ids`
 * (output [...ids.shape, ...params.shape[1:]]), a gather named 'embedding_lookup'. With max_norm,
 * each looked-up row is clipped to that L2 norm. `params` may be one tensor or a list of one
 * (partitioned embeddings, several tensors, are not supported).
 */
export function embedding_lookup(params: TensorLike | readonly TensorLike[], ids: TensorLike, opts: EmbeddingLookupOptions = {}): Tensor {
  opts = checkOptions('embedding_lookup', opts, ['partition_strategy', 'name', 'validate_indices', 'max_norm']);
  const list = Array.isArray(params) && !(params.length > 0 && typeof params[0] === 'number') ? (params as readonly TensorLike[]) : [params as TensorLike];
  if (list.length === 0) throw new ValueError('Need at least one param');
  if (list.length > 1) throw new ValueError(`embedding_lookup: partitioned params (a list of ${list.length} tensors) are not supported; pass one tensor`);
  const strategy = opts.partition_strategy ?? 'mod';
  if (strategy !== 'mod' && strategy !== 'div') throw new ValueError(`Unrecognized partition strategy: ${String(strategy)}`);
  const g = get_default_graph();
  const scope = g.nameScope(opts.name ?? 'embedding_lookup');
  try {
    const p = convert_to_tensor(list[0]);
    const i = convert_to_tensor(ids, null);
    const rows = make1('GatherV2', [p, i], { axis: 0 }, { name: g.currentNameScope, exactName: true });
    if (opts.max_norm === undefined || opts.max_norm === null) return rows;
    // Clip each embedding (the trailing params dims) to max_norm.
    const idsRank = i.shape.ndims;
    const rank = rows.shape.ndims;
    if (idsRank === null || rank === null) throw new ValueError('embedding_lookup with max_norm needs ids and params of known rank');
    const axes = Array.from({ length: rank - idsRank }, (_, k) => idsRank + k);
    return clip_by_norm(rows, opts.max_norm, axes);
  } finally {
    scope[Symbol.dispose]();
  }
}
