/**
 * Command-line options of the ported section scripts (`rnn run notebooks-ported/x.ts --epochs 3`).
 * Each script declares the integer options it accepts with their defaults; anything else is an
 * error (a mistyped `--iteration 500` must not silently run the default).
 */

export type IntOptions<K extends string> = Record<K, number>;

/** `--name N` / `--name=N` for each declared option (positive integers); `--help` lists them. */
export function parseIntOptions<K extends string>(script: string, defaults: IntOptions<K>, help: Partial<Record<K, string>> = {}, argv: readonly string[] = process.argv.slice(2)): IntOptions<K> {
  const out = { ...defaults };
  const names = Object.keys(defaults) as K[];
  const usage = (): string =>
    `usage: rnn run notebooks-ported/${script}.ts${names.map((n) => ` [--${n} N]`).join('')}\n` +
    names.map((n) => `  --${n} N  ${help[n] ?? ''} (default ${defaults[n]})`).join('\n');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      process.stderr.write(usage() + '\n');
      process.exit(0);
    }
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(a);
    const name = m?.[1] as K | undefined;
    if (!m || name === undefined || !names.includes(name)) {
      process.stderr.write(`${script}: unknown argument '${a}'\n${usage()}\n`);
      process.exit(2);
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined || !/^[1-9]\d*$/.test(value)) {
      process.stderr.write(`${script}: --${name} needs a positive integer, got ${value === undefined ? 'nothing' : `'${value}'`}\n`);
      process.exit(2);
    }
    out[name] = Number(value);
  }
  return out;
}
