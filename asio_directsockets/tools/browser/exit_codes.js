'use strict';
// Exit statuses of run.js when the program itself did not decide one. A program's own status
// (main's return value or exit()'s argument, 0-255) is passed through unchanged.

const EXIT = Object.freeze({
  UNCAUGHT: 1,          // an uncaught JS exception or promise rejection ended the program
  USAGE: 2,             // bad command line
  TIMEOUT: 124,         // --timeout passed (as coreutils timeout(1))
  BROWSER: 125,         // the browser could not start, crashed, or killed/crashed the renderer
  NOT_RUNNABLE: 126,    // the program could not be loaded, or Direct Sockets is missing
  ABORTED: 134,         // abort(), std::terminate or a wasm trap (as a native SIGABRT: 128 + 6)
});

module.exports = { EXIT };
