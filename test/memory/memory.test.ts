/**
 * No leaks: a 1000-iteration training loop on the CPU backend keeps memory flat. The loop runs
 * in a child process (node --expose-gc) that measures heapUsed and RSS after full GCs at
 * iteration 100 and 1000; growth between the two must stay below small bounds. A leak of one
 * 32x16 float batch (2 KB) per step would already add ~1.8 MB of heap over those 900 steps.
 */
import { execFile } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const CHILD = path.join(__dirname, 'train_loop.ts');
const ITERATIONS = 1000;
const MAX_HEAP_GROWTH = 1.5 * 2 ** 20;
const MAX_RSS_GROWTH = 16 * 2 ** 20;

interface Sample {
  heapUsed: number;
  rss: number;
  ops: number;
  loss: number;
}

function runLoop(mode: 'gd' | 'adam'): Promise<{ samples: Record<string, Sample> }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', '-r', 'tsx/cjs', CHILD, String(ITERATIONS), mode], { cwd: ROOT, env: { ...process.env, TF1TS_BACKEND: 'cpu' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

const mb = (n: number): string => `${(n / 2 ** 20).toFixed(2)} MB`;

test.each(['adam', 'gd'] as const)('%s: heap and RSS stay flat from iteration 100 to 1000; the graph does not grow', async (mode) => {
  const { samples } = await runLoop(mode);
  const a = samples['100'];
  const b = samples[String(ITERATIONS)];
  process.stdout.write(
    `memory (${mode}, cpu): heapUsed ${mb(a.heapUsed)} -> ${mb(b.heapUsed)} (${mb(b.heapUsed - a.heapUsed)}), rss ${mb(a.rss)} -> ${mb(b.rss)} (${mb(b.rss - a.rss)}), loss ${a.loss.toFixed(4)} -> ${b.loss.toFixed(4)}\n`,
  );
  expect(b.ops).toBe(a.ops);
  expect(b.heapUsed - a.heapUsed).toBeLessThan(MAX_HEAP_GROWTH);
  expect(b.rss - a.rss).toBeLessThan(MAX_RSS_GROWTH);
  expect(b.loss).toBeLessThan(a.loss); // it did train
}, 120000);
