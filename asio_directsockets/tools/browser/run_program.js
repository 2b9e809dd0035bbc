'use strict';
// Runs one Emscripten program in headless Chromium with real Direct Sockets and returns how it
// ended. The pieces: a static server for the harness and the program's folder (with the
// isolation headers), the browser with a DevTools pipe, a page session that receives the
// harness's reports, and a deadline. Whatever happens, the browser is killed, its profile
// removed and the server closed before this resolves.

const fs = require('node:fs');
const path = require('node:path');
const { stdinFeed } = require('./stdin_feed');
const { startStaticServer } = require('./static_server');
const { launchBrowser } = require('./chromium');
const { openPageSession } = require('./page_session');
const { ISOLATION_HEADERS } = require('./isolation_headers');
const { EXIT } = require('./exit_codes');
const { runOutcome, fail, oneLine } = require('./run_outcome');

const HARNESS_DIR = path.join(__dirname, 'harness');

// The content_shell route: http://127.0.0.1 is an isolated context (browser flag) and the
// server sends the isolation headers; the harness is one navigation away.
const contentShellRoute = {
  browserOptions: (o) => ({ binary: o.browser, flags: o.flags || [], isolatedContext: true }),
  serverFiles: () => ({}),
  async open({ browser, server, events }) {
    const page = await openPageSession(browser.cdp, events);
    await page.navigate(`${server.origin}/runner/index.html`);
    return page;
  },
};

function validateOptions(o) {
  if (!o.program) throw new Error('no program given');
  if (o.mode !== 'page' && o.mode !== 'worker') throw new Error(`--mode must be page or worker, not '${o.mode}'`);
  if (!(o.timeoutS > 0)) throw new Error(`bad timeout: ${o.timeoutS}`);
}

// options:
//   program       path of the Emscripten-generated .js (its .wasm next to it)
//   args          argv[1..] for main()
//   mode          'page' | 'worker'
//   timeoutS      deadline for the whole run (default 600)
//   waitForExit   do not end when main() returns; wait for exit() (callback-mode programs)
//   browser       browser binary; flags: extra browser flags
//   headers       response headers (default ISOLATION_HEADERS; null values are left out)
//   requireDirectSockets  fail at once if the API is missing (default true)
//   stdin         the program's standard input, as it arrives: a stream (process.stdin); the
//                 program blocks reading it until more comes or it ends (stdin_feed.js)
//   bridgeStats   report the library bridge's write-discipline counters when the program ends
//   route         how to open the harness (default: content_shell; iwa.js supplies another)
//   onStdout(line), onStderr(line)   the program's output
//   onDiagnostic(line)               console warnings/errors from the page (and everything with
//                                    verbose), browser log entries with verbose
//   onBrowserStderr(text)            raw browser stderr (verbose)
//   onLaunched(browser)              for tests: the launched Browser (pid, ...)
//   verbose
// Resolves to { status, kind, message }: kind is 'exit' (status = the program's), 'abort',
// 'exception', 'timeout', 'crash', 'browser-exit', 'no-direct-sockets', 'load' or 'error';
// message is a one-line explanation for every kind but 'exit'.
async function runProgram(options) {
  const o = { args: [], mode: 'page', timeoutS: 600, route: contentShellRoute, ...options };
  validateOptions(o);
  const programPath = path.resolve(o.program);
  if (!fs.existsSync(programPath)) return fail('load', EXIT.NOT_RUNNABLE, `program not found: ${programPath}`);
  const out = o.onStdout || ((l) => process.stdout.write(l + '\n'));
  const err = o.onStderr || ((l) => process.stderr.write(l + '\n'));
  const diag = o.onDiagnostic || ((l) => process.stderr.write(l + '\n'));

  const config = {
    mode: o.mode,
    program: `/app/${encodeURIComponent(path.basename(programPath))}`,
    args: o.args.map(String),
    waitForExit: !!o.waitForExit,
    requireDirectSockets: o.requireDirectSockets !== false,
    bridgeStats: !!o.bridgeStats,
    stdin: !!o.stdin,
  };
  const stdin = o.stdin ? stdinFeed(o.stdin) : null;
  let server = null;
  let browser = null;
  const outcome = runOutcome();
  const end = outcome.end;

  try {
    server = await startStaticServer({
      mounts: { '/runner/': HARNESS_DIR, '/app/': path.dirname(programPath) },
      json: {
        '/run/config.json': () => config,
        ...(stdin ? { '/run/stdin': (url) => stdin.take(Math.max(1, Number(url.searchParams.get('max')) || 4096)) } : {}),
      },
      files: o.route.serverFiles(o),
      headers: o.headers || ISOLATION_HEADERS,
    });
    browser = await launchBrowser({ ...o.route.browserOptions(o), onStderr: o.onBrowserStderr });
    if (o.onLaunched) o.onLaunched(browser);

    outcome.watch(browser, o.timeoutS, `the program was still running (mode ${o.mode})`);

    const events = {
      onReport: (msg) => {
        if (outcome.settled) return;
        switch (msg.t) {
          case 'out': out(msg.s); break;
          case 'err': err(msg.s); break;
          case 'bridge-stats': diag(`[bridge stats] ${msg.text}`); break;
          case 'exit': end({ kind: 'exit', status: msg.status & 0xff, how: msg.how }); break;
          case 'abort': end(fail('abort', EXIT.ABORTED, `the program aborted: ${oneLine(msg.what) || 'abort() was called'}`)); break;
          case 'fatal':
            if (msg.kind === 'no-direct-sockets' || msg.kind === 'load') end(fail(msg.kind, EXIT.NOT_RUNNABLE, oneLine(msg.message)));
            else end(fail('exception', EXIT.UNCAUGHT, `the program failed: ${oneLine(msg.message)}`));
            break;
          default: break;
        }
      },
      onConsole: (level, text, where) => {
        if (outcome.settled) return;
        if (o.verbose || level === 'error' || level === 'warning' || level === 'exception') {
          diag(`[${where} console.${level}] ${text}`);
        }
      },
      onLog: (level, text) => {
        if (o.verbose && !outcome.settled) diag(`[browser log ${level}] ${text}`);
      },
      onCrash: (info) => {
        // The browser logs why it killed a renderer just before doing so; give stderr a moment.
        setTimeout(() => {
          const reason = browser.rendererKillReason();
          const what = info.status === 'killed' || reason ? 'killed by the browser' : `crashed (${info.status || 'unknown'}${info.errorCode !== undefined ? ', code ' + info.errorCode : ''})`;
          end(fail('crash', EXIT.BROWSER, `the renderer was ${what}${reason ? ': ' + reason : ''}`));
        }, 200);
      },
    };
    await o.route.open({ browser, server, events, options: o });
  } catch (e) {
    end(fail('error', EXIT.BROWSER, oneLine(e.message)));
  }

  const result = await outcome.promise;
  if (browser) await browser.close();
  if (server) await server.close();
  return result;
}

module.exports = { runProgram, contentShellRoute, HARNESS_DIR };
