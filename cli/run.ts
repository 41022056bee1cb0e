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

/** A path as the user reads it: relative to the working directory when inside it, else absolute. */
function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** How long a script may take to stop after Ctrl-C before it is killed. */
const FORCE_KILL_MS = 5000;

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
  if (!opts.quiet) env.TF1TS_BANNER = shown(file);
  const child = spawn(process.execPath, [path.join(__dirname, 'bootstrap.js'), file, ...args], { stdio: 'inherit', env });
  let interrupted: NodeJS.Signals | null = null;
  let forceKill: NodeJS.Timeout | null = null;
  const onSigint = (sig: NodeJS.Signals): void => {
    if (interrupted) {
      // A second Ctrl-C: the script is not stopping (it may catch SIGINT); stop it now.
      child.kill('SIGKILL');
      return;
    }
    interrupted = sig;
    child.kill(sig);
    forceKill = setTimeout(() => {
      process.stderr.write(`\nrnn: ${shown(file)} did not stop within ${FORCE_KILL_MS / 1000} s of ${sig}; killing it\n`);
      child.kill('SIGKILL');
    }, FORCE_KILL_MS);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('exit', (c, s) => res([c, s])));
  if (forceKill) clearTimeout(forceKill);
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);
  if (interrupted === 'SIGTERM') {
    process.stderr.write(`\nrnn: terminated (SIGTERM): ${shown(file)} stopped; checkpoints already written are intact.\n`);
    return 143;
  }
  if (interrupted || signal === 'SIGINT') {
    process.stderr.write(`\nrnn: interrupted (Ctrl-C): ${shown(file)} stopped; checkpoints already written are intact.\n`);
    return 130;
  }
  if (signal) {
    process.stderr.write(`rnn: ${shown(file)} was killed by ${signal}\n`);
    return 1;
  }
  return code ?? 1;
}
