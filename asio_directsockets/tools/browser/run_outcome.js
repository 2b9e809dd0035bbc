'use strict';
// How one run in the browser ends (run_program.js, iwa_app.js): the first of the program's end,
// the deadline, the browser's exit or an error decides; later ones are ignored. Results are
// { kind, status, message }: kind 'exit' carries the program's status, every other kind a one-line
// message and a status of exit_codes.js.

const { EXIT } = require('./exit_codes');

function fail(kind, status, message) {
  return { kind, status, message };
}

function oneLine(text) {
  return String(text).replace(/\s*\n\s*/g, ' | ').slice(0, 2000);
}

// { promise, settled, end(result), watch(browser, timeoutS, what) }. watch arms the deadline (none
// for timeoutS 0; `what` ends its message "timed out after S s: ...") and the browser's exit; the
// deadline is cleared once the run has ended.
function runOutcome() {
  let settle;
  let timer = null;
  const outcome = {
    settled: false,
    promise: new Promise((resolve) => { settle = resolve; }),
    end(result) {
      if (outcome.settled) return;
      outcome.settled = true;
      clearTimeout(timer);
      settle(result);
    },
    watch(browser, timeoutS, what) {
      if (timeoutS > 0) {
        timer = setTimeout(() => outcome.end(fail('timeout', EXIT.TIMEOUT,
            `timed out after ${timeoutS} s: ${what}`)), timeoutS * 1000);
      }
      browser.exitPromise.then((e) => outcome.end(fail('browser-exit', EXIT.BROWSER,
          `the browser exited unexpectedly (${e.signal ? 'signal ' + e.signal : 'exit code ' + e.code})`)));
    },
  };
  return outcome;
}

module.exports = { runOutcome, fail, oneLine };
