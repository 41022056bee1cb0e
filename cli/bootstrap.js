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

/** A path as the user reads it: relative to the working directory when inside it, else absolute. */
function shown(p) {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** The source line at file:line:col with a caret under the column (empty if unreadable). */
function codeFrame(f, line, col) {
  try {
    const text = require('fs').readFileSync(f, 'utf8').split(/\r?\n/)[line - 1];
    if (text === undefined) return '';
    const num = String(line);
    return `  ${num} | ${text}\n  ${' '.repeat(num.length)} | ${' '.repeat(Math.max(0, col - 1))}^\n`;
  } catch {
    return '';
  }
}

/** Frames of the library, the CLI, dependencies and Node itself are not where the user's bug is. */
function isUserFrame(loc) {
  return !loc.startsWith('node:') && !loc.includes(`${path.sep}node_modules${path.sep}`) && !loc.startsWith(path.join(root, 'src') + path.sep) && !loc.startsWith(path.join(root, 'cli') + path.sep);
}

function report(e) {
  // A TypeScript syntax error (esbuild's transform error): "<file>:<line>:<col>: ERROR: <text>".
  const msgText = e && typeof e.message === 'string' ? e.message : '';
  const syntax = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m.exec(msgText);
  if (syntax && /^Transform failed/.test(msgText)) {
    const [, f, line, col, text] = syntax;
    process.stderr.write(`\nSyntaxError: ${text}\n    at ${shown(f)}:${line}:${Number(col) + 1}\n${codeFrame(f, Number(line), Number(col) + 1)}`);
    const more = msgText.split('\n').filter((l) => / ERROR: /.test(l)).length - 1;
    if (more > 0) process.stderr.write(`  (and ${more} more error${more > 1 ? 's' : ''})\n`);
    if (process.env.RNN_STACK) process.stderr.write(`${e.stack}\n`);
    return;
  }
  const name = e && e.name ? e.name : 'Error';
  const msg = e && e.message !== undefined ? e.message : String(e);
  process.stderr.write(`\n${name}: ${msg}\n`);
  const stack = (e && typeof e.stack === 'string' && e.stack) || '';
  const locs = stack
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .map((l) => {
      const m = /\(?((?:\/|[A-Za-z]:|node:)[^()]*?):(\d+):(\d+)\)?\s*$/.exec(l);
      return m ? { file: m[1], line: Number(m[2]), col: Number(m[3]), raw: l.trim() } : { file: '', line: 0, col: 0, raw: l.trim() };
    });
  // The script's own line: the first frame in user code (the script or its own modules), else the first.
  const where = locs.find((l) => l.file && isUserFrame(l.file)) || locs.find((l) => l.file === file) || locs[0];
  if (where) {
    if (where.file) process.stderr.write(`    at ${shown(where.file)}:${where.line}:${where.col}\n${isUserFrame(where.file) ? codeFrame(where.file, where.line, where.col) : ''}`);
    else process.stderr.write(`    ${where.raw}\n`);
  }
  if (process.env.RNN_STACK) process.stderr.write(stack + '\n');
  else if (where) process.stderr.write('(set RNN_STACK=1 for the full stack trace)\n');
}

process.on('unhandledRejection', (e) => {
  report(e);
  process.exit(1);
});
process.on('uncaughtException', (e) => {
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
