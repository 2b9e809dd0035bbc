#!/usr/bin/env node
'use strict';
// Runs a wasm program in headless Chromium (content_shell) on a page that lacks what Direct
// Sockets needs, to check that the library reports errors instead of crashing:
//   node test/wasm/policy_page.js --profile no-isolation|no-permissions-policy
//        [--mode page|worker] prog.js [-- args...]
//   no-isolation            no COOP/COEP: the page is not cross-origin isolated and the API
//                           does not exist
//   no-permissions-policy   isolated, but the Permissions-Policy header is missing
// Exits with the program's status (asio_directsockets/tools/browser/run_program.js).
const path = require('node:path');
const { runProgram } = require(path.join(__dirname, '..', '..', 'asio_directsockets', 'tools',
                                         'browser', 'run_program.js'));

const PROFILES = {
  'no-isolation': {
    'Cross-Origin-Opener-Policy': null,
    'Cross-Origin-Embedder-Policy': null,
    'Permissions-Policy': null,
  },
  'no-permissions-policy': {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Permissions-Policy': null,
  },
};

async function main(argv) {
  const o = { mode: 'page', args: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { o.args = argv.slice(i + 1); break; }
    if (a === '--profile') o.profile = argv[++i];
    else if (a === '--mode') o.mode = argv[++i];
    else if (a === '--browser') o.browser = argv[++i];
    else if (a === '--verbose') o.verbose = true;
    else o.program = a;
  }
  const headers = PROFILES[o.profile];
  if (!headers || !o.program) {
    process.stderr.write('usage: policy_page.js --profile ' + Object.keys(PROFILES).join('|') +
                         ' [--mode page|worker] prog.js [-- args...]\n');
    return 2;
  }
  const r = await runProgram({
    program: o.program, args: o.args, mode: o.mode, timeoutS: 120, headers,
    requireDirectSockets: false, verbose: o.verbose,
    ...(o.browser ? { browser: o.browser } : {}),
  });
  if (r.kind !== 'exit') process.stderr.write(`policy_page.js (${o.profile}): ${r.message}\n`);
  return r.status;
}

main(process.argv.slice(2)).then((status) => process.stdout.write('', () => process.exit(status)));
