'use strict';
// Runs a user's own Isolated Web App folder in headless full Chromium, as a dev-mode IWA: the
// folder is served on 127.0.0.1 and installed through the dev-mode proxy, the network permissions
// are granted, the app is launched on its start page (with the program's arguments as ?arg=
// query parameters), and its console is streamed until it ends. See docs/iwa.md ("Your own app").
//
// The app talks to the tool only through what a deployed app has anyway: its console (log/info
// to stdout, warnings and errors to stderr) and, when its program ends, a call of
// window.adsIwaExit(status) if that function exists. The tool defines it (a CDP binding, added
// before the app's scripts run); in a user's Chrome it is absent. The starter template's config.js
// (examples/starter/iwa/config.js) wires Emscripten's Module to both.

const fs = require('node:fs');
const path = require('node:path');
const { startStaticServer } = require('./static_server');
const { launchBrowser, CHROMIUM } = require('./chromium');
const { devProxyBundleId } = require('./iwa_id');
const { EXIT } = require('./exit_codes');
const { runOutcome, fail, oneLine } = require('./run_outcome');
const iwa = require('./iwa_install');

const EXIT_BINDING = 'adsIwaExit';
const MANIFEST = path.join('.well-known', 'manifest.webmanifest');

// The folder's manifest, checked for what installing and Direct Sockets need. Throws with a
// sentence that says what to fix.
function readAppManifest(appDir) {
  const file = path.join(appDir, MANIFEST);
  if (!fs.existsSync(file)) throw new Error(`not an Isolated Web App folder: ${file} is missing`);
  let m;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not JSON (${e.message})`);
  }
  if (typeof m.version !== 'string' || !m.version) throw new Error(`${file}: an IWA manifest needs a "version"`);
  const policy = m.permissions_policy || {};
  const warnings = [];
  for (const feature of ['direct-sockets', 'cross-origin-isolated']) {
    if (!(policy[feature] || []).includes('self')) {
      warnings.push(`the manifest's permissions_policy does not give "${feature}" to "self": TCPSocket and UDPSocket will be missing`);
    }
  }
  return { manifest: m, startUrl: m.start_url || '/', warnings };
}

// The URL the app is launched on: its start page, the arguments as ?arg=... in order.
function launchUrl(origin, start, args = []) {
  const url = new URL(start, `${origin}/`);
  for (const a of args) url.searchParams.append('arg', String(a));
  return url.href;
}

// Console lines: log and info are the program's stdout, warnings and errors its stderr; debug and
// the rest only with verbose.
const STDOUT_LEVELS = new Set(['log', 'info']);
const STDERR_LEVELS = new Set(['error', 'warning', 'assert']);

function consoleText(p) {
  return (p.args || []).map((a) => (a.value !== undefined ? String(a.value) : a.description || a.type)).join(' ');
}

// options:
//   appDir        the folder (with .well-known/manifest.webmanifest)
//   args          the program's arguments (?arg= parameters of the start URL)
//   start         start page instead of the manifest's start_url
//   timeoutS      deadline (default 600; 0: none, the run ends with the app or Ctrl-C)
//   keepRunning   an uncaught exception is reported but does not end the run
//   browser, flags, verbose, onStdout, onStderr, onProgress, onBrowserStderr
// Resolves to { status, kind, message } as run_program.js's runProgram.
async function runApp(options) {
  const o = { args: [], timeoutS: 600, flags: [], ...options };
  const out = o.onStdout || ((l) => process.stdout.write(l + '\n'));
  const err = o.onStderr || ((l) => process.stderr.write(l + '\n'));
  const progress = iwa.progressReporter(o.onProgress);
  const appDir = path.resolve(o.appDir || '');
  let app;
  try {
    app = readAppManifest(appDir);
  } catch (e) {
    return fail('load', EXIT.NOT_RUNNABLE, e.message);
  }
  for (const w of app.warnings) err(`warning: ${w}`);

  let server = null;
  let browser = null;
  const outcome = runOutcome();
  const end = outcome.end;

  try {
    server = await startStaticServer({ mounts: { '/': appDir } });
    progress(`serving ${appDir} on ${server.origin}`);
    browser = await launchBrowser({
      binary: o.browser || CHROMIUM,
      flags: [iwa.IWA_FEATURES, ...o.flags],
      isolatedContext: false,
      onStderr: o.onBrowserStderr,
    });
    progress(`started ${o.browser || CHROMIUM}`);
    outcome.watch(browser, o.timeoutS, 'the app was still running');

    const { cdp } = browser;
    await cdp.send('Target.setDiscoverTargets', { discover: true });  // crashes and closed windows
    const origin = `isolated-app://${devProxyBundleId()}`;
    const installer = await iwa.installerSession(cdp);
    const manifestId = await iwa.installApp(cdp, installer, { origin, source: `${server.origin}/` });
    progress(`installed as ${origin} (dev-mode proxy)`);
    await iwa.grantNetwork(cdp, origin);
    progress(`granted ${iwa.GRANTS.join(', ')}`);

    watchApp(cdp, origin, {
      out, err, verbose: o.verbose,
      exited: (status) => end({ kind: 'exit', status: status & 0xff }),
      uncaught: (text) => {
        err(`uncaught exception: ${text}`);
        if (!o.keepRunning) end(fail('exception', EXIT.UNCAUGHT, `the app failed: ${oneLine(text)}`));
      },
      crashed: (what) => end(fail('crash', EXIT.BROWSER, `the app's renderer ${what}`)),
      closed: () => end({ kind: 'exit', status: 0, how: 'window closed' }),
    });
    // The app's window stops before running script until it is set up (see watchApp).
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
    const url = launchUrl(origin, o.start || app.startUrl, o.args);
    await iwa.launchApp(cdp, installer, { manifestId, url });
    progress(`launched ${url.slice(origin.length)}`);
  } catch (e) {
    end(fail('error', EXIT.BROWSER, oneLine(e.message)));
  }

  const result = await outcome.promise;
  progress(result.kind === 'exit' ? `the app ended with status ${result.status}` : `the run ended: ${result.kind}`);
  if (browser) await browser.close();
  if (server) await server.close();
  return result;
}

// Attaches to the app's window as it opens (browser-wide auto-attach with waitForDebuggerOnStart)
// and to the Workers it starts; defines the exit binding and streams the console before resuming
// it, so nothing the app says early is lost.
function watchApp(cdp, origin, on) {
  const sessions = new Map();  // sessionId -> label ('app', 'worker', ...)
  let appTarget = null;
  const resume = (sid) => cdp.send('Runtime.runIfWaitingForDebugger', {}, sid).catch(() => {});

  cdp.on('Target.attachedToTarget', async (p, parent) => {
    const { sessionId, targetInfo } = p;
    const isAppWindow = parent === undefined && (targetInfo.type === 'app' || targetInfo.type === 'page') &&
                        (targetInfo.url === '' || targetInfo.url === 'about:blank' || targetInfo.url.startsWith(origin));
    const isAppWorker = parent !== undefined && sessions.has(parent);
    if (!isAppWindow && !isAppWorker) {
      resume(sessionId);
      return;
    }
    sessions.set(sessionId, isAppWindow ? 'app' : targetInfo.type);
    if (isAppWindow) appTarget = targetInfo.targetId;
    try {
      await cdp.send('Runtime.enable', {}, sessionId);
      if (isAppWindow) {
        await cdp.send('Runtime.addBinding', { name: EXIT_BINDING }, sessionId);
        await cdp.send('Inspector.enable', {}, sessionId).catch(() => {});
      }
      await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, sessionId)
          .catch(() => {});
    } finally {
      resume(sessionId);
    }
  });
  cdp.on('Runtime.bindingCalled', (p, sid) => {
    if (sessions.get(sid) !== 'app' || p.name !== EXIT_BINDING) return;
    const status = Number.parseInt(p.payload, 10);
    on.exited(Number.isFinite(status) ? status : EXIT.UNCAUGHT);
  });
  cdp.on('Runtime.consoleAPICalled', (p, sid) => {
    if (!sessions.has(sid)) return;
    const text = consoleText(p);
    if (STDOUT_LEVELS.has(p.type)) on.out(text);
    else if (STDERR_LEVELS.has(p.type)) on.err(text);
    else if (on.verbose) on.err(`[${sessions.get(sid)} console.${p.type}] ${text}`);
  });
  cdp.on('Runtime.exceptionThrown', (p, sid) => {
    if (!sessions.has(sid)) return;
    const d = p.exceptionDetails || {};
    const text = (d.exception && d.exception.description) || d.text || 'exception';
    // Emscripten ends a program by throwing these; they are not failures.
    if (/^ExitStatus\b|^unwind$/.test(text)) return;
    on.uncaught(text);
  });
  cdp.on('Target.targetCrashed', (p) => {
    if (p.targetId === appTarget) on.crashed(p.status === 'killed' ? 'was killed by the browser' : `crashed (${p.status})`);
  });
  cdp.on('Target.targetDestroyed', (p) => {
    if (p.targetId === appTarget) on.closed();
  });
}

module.exports = { runApp, readAppManifest, launchUrl, EXIT_BINDING };
