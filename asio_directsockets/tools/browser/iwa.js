#!/usr/bin/env node
'use strict';
// The Isolated Web App route: runs an Emscripten program the way a real deployment does, as a
// dev-mode Isolated Web App in full Chromium, instead of content_shell's test-only switch.
//
//   node asio_directsockets/tools/browser/iwa.js [run.js options] prog.js [-- args...]
//   node asio_directsockets/tools/browser/iwa.js --app-dir DIR [options] [-- args...]
//
// The second form installs the user's own app folder instead of the runner's harness
// (iwa_app.js; options in APP_USAGE below).
//
// Over the CDP pipe (the PWA domain exists only for pipe clients) it
//   1. starts Chromium with IsolatedWebApps + IsolatedWebAppDevMode,
//   2. serves the harness, the program and a manifest (iwa/manifest.template.webmanifest, with
//      permissions_policy for direct-sockets, cross-origin-isolated, loopback-network and
//      local-network) on 127.0.0.1, and installs that server as a dev-proxy IWA with a fresh
//      random Web Bundle ID (PWA.install),
//   3. grants loopback-network and local-network to the app's origin (Browser.setPermission;
//      only grants made after the install count, and headless Chromium cannot show the prompt),
//   4. launches it on the harness page (PWA.launch) and attaches to that page.
// Chromium applies the IWA's COOP/COEP/CSP itself. See docs/iwa.md.

const fs = require('node:fs');
const path = require('node:path');
const { CHROMIUM } = require('./chromium');
const { openPageSession } = require('./page_session');
const { devProxyBundleId } = require('./iwa_id');
const { solidPng } = require('./solid_png');
const { runApp } = require('./iwa_app');
const { EXIT } = require('./exit_codes');
const { commonOption, runAndReport, exitWhenDone } = require('./run');
const iwa = require('./iwa_install');

const MANIFEST_TEMPLATE = path.join(__dirname, 'iwa', 'manifest.template.webmanifest');

// The template with this run's name and start page.
function manifestFor(programName) {
  const m = JSON.parse(fs.readFileSync(MANIFEST_TEMPLATE, 'utf8'));
  m.name = `${programName} (asio_directsockets)`;
  m.start_url = '/runner/index.html';
  return JSON.stringify(m, null, 2);
}

const iwaRoute = {
  browserOptions: (o) => ({
    binary: o.browser || CHROMIUM,
    flags: [iwa.IWA_FEATURES, ...(o.flags || [])],
    isolatedContext: false,
  }),
  serverFiles: (o) => ({
    '/.well-known/manifest.webmanifest': {
      type: 'application/manifest+json',
      body: manifestFor(path.basename(o.program, '.js')),
    },
    '/icon.png': { type: 'image/png', body: solidPng(256, [30, 90, 160]) },
  }),
  async open({ browser, server, events, options = {} }) {
    const { cdp } = browser;
    const progress = iwa.progressReporter(options.onProgress);
    const origin = `isolated-app://${devProxyBundleId()}`;
    const installer = await iwa.installerSession(cdp);
    const manifestId = await iwa.installApp(cdp, installer, { origin, source: `${server.origin}/` });
    progress(`installed as ${origin} (dev-mode proxy)`);
    await iwa.grantNetwork(cdp, origin);
    await iwa.launchApp(cdp, installer, { manifestId, url: `${origin}/runner/index.html` });
    progress('launched');
    // The app window is an "app" target; PWA.launch's targetId does not name it (Chromium 156).
    return openPageSession(cdp, events, {
      match: (t) => (t.type === 'app' || t.type === 'page') && t.url.startsWith(`${origin}/`),
      what: `app window for ${origin}`,
    });
  },
};

const APP_USAGE = 'usage: iwa.js --app-dir DIR [--start PATH] [--timeout S] [--keep-running] ' +
                  '[--browser PATH] [--browser-flag F]... [--verbose[=all]] [--quiet] [-- args...]';

// The --app-dir form's command line:
//   --app-dir DIR      the app's folder (.well-known/manifest.webmanifest, its pages, the program)
//   --start PATH       the page to launch (default: the manifest's start_url)
//   --timeout S        give up after S seconds -> status 124 (default 600; 0: never, e.g. a server)
//   --keep-running     report uncaught exceptions without ending the run
function parseAppArgs(argv) {
  const o = { timeoutS: 600, flags: [], args: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--') {
      o.args = argv.slice(i + 1);
      break;
    } else if (a === '--app-dir') o.appDir = value();
    else if (a.startsWith('--app-dir=')) o.appDir = a.slice(10);
    else if (a === '--start') o.start = value();
    else if (a === '--keep-running') o.keepRunning = true;
    else if (!commonOption(a, value, o)) {
      throw new Error(`unknown option or argument ${a} (the app's arguments go after --)`);
    }
  }
  if (!o.appDir) throw new Error('--app-dir needs a folder');
  if (!(o.timeoutS >= 0)) throw new Error('--timeout must be a number of seconds (0: none)');
  return o;
}

async function appMain(argv) {
  let o;
  try {
    o = parseAppArgs(argv);
  } catch (e) {
    process.stderr.write(`iwa.js: ${e.message}\n${APP_USAGE}\n`);
    return EXIT.USAGE;
  }
  return runAndReport('iwa.js', o, runApp);
}

// The command's own options: what comes before `--` (the rest is the program's).
function ownOptions(argv) {
  const end = argv.indexOf('--');
  return end < 0 ? argv : argv.slice(0, end);
}

function isAppForm(argv) {
  return ownOptions(argv).some((a) => a === '--app-dir' || a.startsWith('--app-dir='));
}

function cli(argv) {
  if (ownOptions(argv).some((a) => a === '--help' || a === '-h')) {
    process.stdout.write('usage: iwa.js [run.js options] prog.js [-- args...]   (run.js --help)\n' + APP_USAGE + '\n');
    process.exit(0);
  }
  if (!isAppForm(argv)) {
    require('./run').runCli(argv, { name: 'iwa.js', route: iwaRoute });
    return;
  }
  exitWhenDone('iwa.js', appMain(argv));
}

if (require.main === module) cli(process.argv.slice(2));

module.exports = { iwaRoute, manifestFor, MANIFEST_TEMPLATE, parseAppArgs, cli };
