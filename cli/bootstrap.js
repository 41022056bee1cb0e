// Runs one user script in this (child) process: TypeScript through tsx, `tf1-ts` resolved to
// this package wherever the script lives, errors reported with the script's file:line.
'use strict';
const path = require('path');
const Module = require('module');

const [, , script, ...args] = process.argv;
const root = path.resolve(__dirname, '..');
process.setSourceMapsEnabled(true);
require('tsx/cjs/api').register();

// `import ... from 'tf1-ts'` (and 'tf1-ts/...') resolves here, also for scripts outside the repo.
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === 'tf1-ts') return resolve.call(this, path.join(root, 'src', 'index.ts'), parent, ...rest);
  if (request.startsWith('tf1-ts/')) return resolve.call(this, path.join(root, 'src', request.slice(7)), parent, ...rest);
  return resolve.call(this, request, parent, ...rest);
};

const file = path.resolve(script);
process.argv = [process.argv[0], file, ...args];

function report(e) {
  const name = e && e.name ? e.name : 'Error';
  const msg = e && e.message !== undefined ? e.message : String(e);
  process.stderr.write(`\n${name}: ${msg}\n`);
  const stack = (e && e.stack) || '';
  const frames = stack.split('\n').filter((l) => /^\s+at /.test(l));
  const mine = frames.find((l) => l.includes(file));
  const where = mine || frames[0];
  if (where) {
    const m = /\(?((?:\/|[A-Za-z]:)[^()]*?:\d+:\d+)\)?\s*$/.exec(where);
    process.stderr.write(`    at ${m ? path.relative(process.cwd(), m[1]) : where.trim()}\n`);
  }
  if (process.env.RNN_STACK) process.stderr.write(stack + '\n');
}

process.on('unhandledRejection', (e) => {
  report(e);
  process.exit(1);
});
try {
  const exported = require(file);
  const ret = exported && typeof exported.main === 'function' ? exported.main(args) : null;
  if (ret && typeof ret.then === 'function') {
    ret.catch((e) => {
      report(e);
      process.exit(1);
    });
  }
} catch (e) {
  report(e);
  process.exit(1);
}
