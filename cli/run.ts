/**
 * `rnn run script.ts [args...]`: runs the script in a child process (so Ctrl-C and crashes
 * are reported cleanly by this one) with the chosen backend and seed.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface RunOptions {
  backend: string;
  seed?: string;
  quiet?: boolean;
}

export async function runScript(script: string, args: readonly string[], opts: RunOptions): Promise<number> {
  const file = path.resolve(script);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    process.stderr.write(`rnn: script not found: ${script}\n`);
    return 2;
  }
  if (opts.seed !== undefined && !/^-?\d+$/.test(opts.seed)) {
    process.stderr.write(`rnn: --seed must be an integer, got '${opts.seed}'\n`);
    return 2;
  }
  const env: NodeJS.ProcessEnv = { ...process.env, TF1TS_BACKEND: opts.backend };
  if (opts.seed !== undefined) env.TF1TS_SEED = opts.seed;
  if (!opts.quiet) env.TF1TS_BANNER = path.relative(process.cwd(), file);
  const child = spawn(process.execPath, [path.join(__dirname, 'bootstrap.js'), file, ...args], { stdio: 'inherit', env });
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
    child.kill('SIGINT');
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('exit', (c, s) => res([c, s])));
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);
  if (interrupted || signal === 'SIGINT') {
    process.stderr.write(`\nrnn: interrupted (Ctrl-C): ${path.relative(process.cwd(), file)} stopped; checkpoints already written are intact.\n`);
    return 130;
  }
  if (signal) {
    process.stderr.write(`rnn: ${path.relative(process.cwd(), file)} was killed by ${signal}\n`);
    return 1;
  }
  return code ?? 1;
}
