#!/usr/bin/env node
// Entry point of the `rnn` command: loads the TypeScript CLI through tsx (no build step).
'use strict';
require('tsx/cjs/api').register();
require('./main.ts').main(process.argv).catch((e) => {
  process.stderr.write(`rnn: ${e && e.message ? e.message : String(e)}\n`);
  process.exit(1);
});
