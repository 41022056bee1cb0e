/** `rnn compare [sections...]` as cli/main.ts declares it: options -> runCompare -> exit code. */
import { runCompare } from './index';

export interface CompareCommandOptions {
  html?: string;
  backend?: string;
  seed?: string;
  epochs?: string;
  iterations?: string;
}

const positiveInt = (name: string, v: string | undefined): string | undefined => {
  if (v !== undefined && !/^[1-9]\d*$/.test(v)) throw new Error(`--${name} must be a positive integer, got '${v}'`);
  return v;
};

/** 0: every checked cell passed; 1: some failed; 2: bad usage (unknown section, bad option). */
export async function compareCommand(sections: string[], opts: CompareCommandOptions): Promise<number> {
  let epochs: string | undefined;
  let iterations: string | undefined;
  try {
    epochs = positiveInt('epochs', opts.epochs);
    iterations = positiveInt('iterations', opts.iterations);
  } catch (e) {
    process.stderr.write(`rnn compare: ${(e as Error).message}\n`);
    return 2;
  }
  // --quiet: the backend banner must not land in the compared output.
  const runArgs = ['--quiet', '--backend', opts.backend ?? 'cpu', ...(opts.seed !== undefined ? ['--seed', opts.seed] : [])];
  // Only the scripts that train get the knobs, so the others never see unknown flags.
  const sectionArgs: Record<string, string[]> = {};
  if (epochs) sectionArgs.mnist_classifier = ['--epochs', epochs];
  if (iterations) for (const s of ['time_series', 'creative_rnn']) sectionArgs[s] = ['--iterations', iterations];
  try {
    const result = await runCompare({ sections, html: opts.html, runArgs, sectionArgs });
    return result.failed > 0 ? 1 : 0;
  } catch (e) {
    process.stderr.write(`rnn compare: ${(e as Error).message}\n`);
    return 2;
  }
}
