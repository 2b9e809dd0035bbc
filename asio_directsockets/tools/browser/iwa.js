#!/usr/bin/env node
'use strict';
// The Isolated Web App route: runs an Emscripten program the way a real deployment does, as a
// dev-mode Isolated Web App in full Chromium, instead of content_shell's test-only switch.
//
//   node asio_directsockets/tools/browser/iwa.js [run.js options] prog.js [-- args...]
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

const MANIFEST_TEMPLATE = path.join(__dirname, 'iwa', 'manifest.template.webmanifest');
const IWA_FEATURES = '--enable-features=IsolatedWebApps,IsolatedWebAppDevMode';
const GRANTS = ['loopback-network', 'local-network'];

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
    flags: [IWA_FEATURES, ...(o.flags || [])],
    isolatedContext: false,
  }),
  serverFiles: (o) => ({
    '/.well-known/manifest.webmanifest': {
      type: 'application/manifest+json',
      body: manifestFor(path.basename(o.program, '.js')),
    },
    '/icon.png': { type: 'image/png', body: solidPng(256, [30, 90, 160]) },
  }),
  async open({ browser, server, events }) {
    const { cdp } = browser;
    const origin = `isolated-app://${devProxyBundleId()}`;
    const manifestId = `${origin}/`;
    // PWA.* is answered on a page session, not on the browser's own.
    const { targetInfos } = await cdp.send('Target.getTargets');
    const blank = targetInfos.find((t) => t.type === 'page');
    if (!blank) throw new Error('the browser has no page target to install from');
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: blank.targetId, flatten: true });
    try {
      await cdp.send('PWA.install', { manifestId, installUrlOrBundleUrl: `${server.origin}/` }, sessionId, 90000);
    } catch (e) {
      throw new Error(`installing the Isolated Web App failed: ${e.message}`);
    }
    for (const name of GRANTS) {
      await cdp.send('Browser.setPermission', { permission: { name }, setting: 'granted', origin });
    }
    try {
      await cdp.send('PWA.launch', { manifestId, url: `${origin}/runner/index.html` }, sessionId, 90000);
    } catch (e) {
      throw new Error(`launching the Isolated Web App failed: ${e.message}`);
    }
    // The app window is an "app" target; PWA.launch's targetId does not name it (Chromium 156).
    return openPageSession(cdp, events, {
      match: (t) => (t.type === 'app' || t.type === 'page') && t.url.startsWith(`${origin}/`),
      what: `app window for ${origin}`,
    });
  },
};

if (require.main === module) {
  require('./run').runCli(process.argv.slice(2), { name: 'iwa.js', route: iwaRoute });
}

module.exports = { iwaRoute, manifestFor, MANIFEST_TEMPLATE };
