/**
 * A progress bar for the long loops of the ported sections. It writes to stderr only, so stdout
 * stays exactly what the notebook printed (and what `rnn compare` checks). On a terminal it
 * redraws in place; when stderr is a pipe (rnn compare, tests) it prints one line every
 * PIPE_EVERY_MS. The training loops are synchronous, so cli-progress's own timers never fire
 * inside them: every redraw here is triggered by update().
 */
import { SingleBar } from 'cli-progress';

export interface Progress {
  /** Sets the number of finished steps and, optionally, the text shown after the bar. */
  update(done: number, info?: string): void;
  /** One more step done (and, optionally, new text after the bar). */
  tick(info?: string): void;
  /** Runs `print` (which writes to stdout) without mixing its text into the bar's line. */
  print(print: () => void): void;
  stop(): void;
}

const PIPE_EVERY_MS = 10_000;

export function progressBar(label: string, total: number): Progress {
  const tty = process.stderr.isTTY === true;
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label} [{bar}] {value}/{total} {percentage}% | {duration_formatted} elapsed, ETA {eta_formatted} {info}`,
    barsize: 24,
    hideCursor: tty,
    noTTYOutput: true,
    notTTYSchedule: PIPE_EVERY_MS,
    etaBuffer: 50,
  });
  bar.start(total, 0, { info: '' });
  let last = Date.now();
  let done = 0;
  const redraw = (): void => {
    last = Date.now();
    bar.render();
  };
  const update = (n: number, info?: string): void => {
    done = n;
    bar.update(n, info === undefined ? {} : { info });
    if (!tty && Date.now() - last >= PIPE_EVERY_MS) redraw();
  };
  return {
    update,
    tick: (info) => update(done + 1, info),
    print: (print) => {
      if (tty) {
        process.stderr.clearLine(0);
        process.stderr.cursorTo(0);
      }
      print();
      if (tty) redraw();
    },
    stop: () => bar.stop(),
  };
}
