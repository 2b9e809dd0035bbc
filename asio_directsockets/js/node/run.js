#!/usr/bin/env node
'use strict';
// ads-node: runs an Emscripten-built program under Node with the Node implementation of Direct
// Sockets, exactly as `node -r .../register.js prog.js args...` does (register.js also hides
// fetch from Emscripten's loader), and exits with the program's status.
//
//   ads-node path/to/prog.js [args...]
//
// A JSPI build (-DASIO_DS_BLOCKING=jspi) needs a Node with WebAssembly.Suspending (22 or later):
// run this file with that Node.

const fs = require('node:fs');
const path = require('node:path');

const USAGE = 'usage: ads-node prog.js [args...]';

function main(argv) {
  const [program, ...args] = argv;
  if (!program || program === '--help' || program === '-h') {
    process.stdout.write(USAGE + '\n');
    process.exit(program ? 0 : 2);
  }
  const file = path.resolve(program);
  if (!fs.existsSync(file)) {
    process.stderr.write(`ads-node: program not found: ${file}\n${USAGE}\n`);
    process.exit(126);
  }
  // What the program sees is what `node prog.js args...` would give it.
  process.argv = [process.argv[0], file, ...args];
  require('./register');
  require(file);
}

main(process.argv.slice(2));
