/**
 * The `rnn` command line: run, compare, bench.
 */
import { Command, Option } from 'commander';
import { runScript } from './run';

export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command();
  program
    .name('rnn')
    .description('tf1-ts: run TensorFlow 1 style TypeScript notebooks and compare them with the originals')
    .showHelpAfterError()
    .enablePositionalOptions();

  program
    .command('run')
    .description('run a TypeScript script that imports tf1-ts (arguments after the script are passed to it)')
    .argument('<script>', 'path of the .ts (or .js) script to run')
    .argument('[args...]', 'arguments passed to the script (process.argv.slice(2) inside it)')
    .addOption(new Option('-b, --backend <name>', 'backend for every Session the script opens').choices(['cpu', 'gpu', 'auto']).default('cpu'))
    .option('-s, --seed <n>', 'seed every random thing (graph seeds, dataset shuffling) so the run is reproducible')
    .option('-q, --quiet', 'do not print the backend banner')
    .passThroughOptions()
    .allowUnknownOption()
    .action(async (script: string, args: string[], opts: { backend: string; seed?: string; quiet?: boolean }) => {
      const code = await runScript(script, args, opts);
      process.exitCode = code;
    });

  program
    .command('compare')
    .description('run the ported notebook sections and show each cell beside the original (terminal, and HTML with --html)')
    .argument('[sections...]', 'sections to compare (default: all)')
    .option('--html <file>', 'also write a self-contained HTML report to <file>')
    .option('-b, --backend <name>', 'backend for the ported scripts', 'cpu')
    .option('-s, --seed <n>', 'seed for the ported scripts', '42')
    .option('--epochs <n>', 'epochs for the MNIST section')
    .option('--iterations <n>', 'training iterations for the time-series sections')
    .action(async (sections: string[], opts: Record<string, string | undefined>) => {
      // require, not import(): see the bench command below.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { compareCommand } = require('./compare/command') as typeof import('./compare/command');
      process.exitCode = await compareCommand(sections, opts);
    });

  program
    .command('bench')
    .description('benchmark the MNIST RNN and time-series workloads on every backend and against TensorFlow.js / PyTorch')
    .option('--json <file>', 'also write the results as JSON')
    .option('--quick', 'fewer iterations (a smoke run)')
    .action(async (opts: { json?: string; quick?: boolean }) => {
      // require, not import(): under tsx's CommonJS hook a dynamic import() goes to Node's ESM
      // loader, which cannot resolve the extensionless TypeScript path.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { benchCommand } = require('./bench/command') as typeof import('./bench/command');
      process.exitCode = await benchCommand(opts);
    });

  await program.parseAsync([...argv]);
}
