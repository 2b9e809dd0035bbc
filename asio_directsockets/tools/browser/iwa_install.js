'use strict';
// The steps every Isolated Web App route shares, over the CDP pipe of a Chromium started with
// IWA_FEATURES: install (PWA.install), grant the network permissions (after the install: grants
// made before it are not seen by the app, and headless Chromium cannot show the prompt), launch
// (PWA.launch). See docs/iwa.md.

const IWA_FEATURES = '--enable-features=IsolatedWebApps,IsolatedWebAppDevMode';
const GRANTS = Object.freeze(['loopback-network', 'local-network']);
const INSTALL_TIMEOUT_MS = 90000;

// PWA.* is answered on a page session, not on the browser's own: attach to the blank page.
async function installerSession(cdp) {
  const { targetInfos } = await cdp.send('Target.getTargets');
  const blank = targetInfos.find((t) => t.type === 'page');
  if (!blank) throw new Error('the browser has no page target to install from');
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: blank.targetId, flatten: true });
  return sessionId;
}

// Installs `source` (the http:// origin of a dev-mode proxy, or a bundle URL) as the app whose
// origin is `origin` (isolated-app://<id>); returns the manifest ID PWA.launch needs.
async function installApp(cdp, sessionId, { origin, source }) {
  const manifestId = `${origin}/`;
  try {
    await cdp.send('PWA.install', { manifestId, installUrlOrBundleUrl: source }, sessionId, INSTALL_TIMEOUT_MS);
  } catch (e) {
    throw new Error(`installing the Isolated Web App failed: ${e.message}`);
  }
  return manifestId;
}

async function grantNetwork(cdp, origin, names = GRANTS) {
  for (const name of names) {
    await cdp.send('Browser.setPermission', { permission: { name }, setting: 'granted', origin });
  }
}

async function launchApp(cdp, sessionId, { manifestId, url }) {
  try {
    await cdp.send('PWA.launch', { manifestId, url }, sessionId, INSTALL_TIMEOUT_MS);
  } catch (e) {
    throw new Error(`launching the Isolated Web App failed: ${e.message}`);
  }
}

// One "<what> (<seconds since start> s)" line per phase, to `sink` (or nowhere).
function progressReporter(sink) {
  const t0 = Date.now();
  return (what) => {
    if (sink) sink(`${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  };
}

module.exports = { IWA_FEATURES, GRANTS, installerSession, installApp, grantNetwork, launchApp, progressReporter };
