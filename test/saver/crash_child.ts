/**
 * Child process of crash.test.ts (not a test itself), run as
 *   node cli/rnn.js run -q test/saver/crash_child.ts <dir> <saves> [count]
 * Trains the model of model.ts and saves after every step with a default Saver
 * (max_to_keep 2, global_step naming), printing `saved <step>` once each save has returned.
 * The crash point comes from TF1TS_CRASH_AFTER_WRITE (the n-th low-level write step of the process).
 * With `count`, nothing is killed: the hook's SIGKILL is intercepted to count the steps, and the
 * line is `saved <step> <steps so far>`.
 */
import * as path from 'path';
import * as tf from 'tf1-ts';
import { buildModel, trainStep } from './model';

const [dir, savesArg, mode] = process.argv.slice(2);
const saves = Number(savesArg);
let steps = 0;
if (mode === 'count') {
  // The crash hook calls process.kill(pid, 'SIGKILL') when its counter equals the variable;
  // moving the target one ahead each time turns it into a step counter.
  process.env.TF1TS_CRASH_AFTER_WRITE = '1';
  const kill = process.kill.bind(process);
  process.kill = ((pid: number, signal?: string | number) => {
    if (pid === process.pid && signal === 'SIGKILL') {
      steps++;
      process.env.TF1TS_CRASH_AFTER_WRITE = String(steps + 1);
      return true;
    }
    return kill(pid, signal);
  }) as typeof process.kill;
}

const m = buildModel();
const saver = new tf.train.Saver(null, { max_to_keep: 2 });
const sess = new tf.Session();
sess.run(tf.global_variables_initializer());
for (let i = 1; i <= saves; i++) {
  trainStep(sess, m, i - 1);
  saver.save(sess, path.join(dir, 'model.ckpt'), { global_step: m.globalStep });
  process.stdout.write(mode === 'count' ? `saved ${i} ${steps}\n` : `saved ${i}\n`);
}
