/**
 * Child process for crash.test.ts (not a test itself). Usage:
 *   node -r tsx/cjs crash_child.ts <dir> <same|new> [opt=<k>]
 * Writes checkpoint A completely (bundle + state file), then checkpoint B: to the same prefix
 * ("same") or to a new prefix with a state update listing both ("new"). The crash point comes
 * from TF1TS_CRASH_AFTER_WRITE (counted over the whole process) or, with opt=<k>, from the
 * crashAfterWrite option of B's bundle write. Prints the step counts of A and B when it survives.
 */
import * as path from 'path';
import { writeBundle } from '../../src/train/checkpoint/bundle';
import { updateCheckpointState } from '../../src/train/checkpoint/state';
import { checkpointA, checkpointB } from './crash_fixtures';

const [dir, mode, opt] = process.argv.slice(2);
// The parent sets TF1TS_CRASH_AFTER_WRITE to (A's step count + k), so A always completes.

let aSteps = 0;
const prefixA = path.join(dir, mode === 'same' ? 'model.ckpt' : 'model.ckpt-1');
writeBundle(prefixA, checkpointA(), { onWrite: () => aSteps++ });
updateCheckpointState(dir, prefixA, { onWrite: () => aSteps++ });

let bSteps = 0;
const crashAfterWrite = opt?.startsWith('opt=') ? Number(opt.slice(4)) : undefined;
const prefixB = mode === 'same' ? prefixA : path.join(dir, 'model.ckpt-2');
writeBundle(prefixB, checkpointB(), { onWrite: () => bSteps++, crashAfterWrite });
updateCheckpointState(dir, prefixB, {
  allModelCheckpointPaths: mode === 'same' ? [prefixB] : [prefixA, prefixB],
  onWrite: () => bSteps++,
});
process.stdout.write(JSON.stringify({ aSteps, bSteps }));
