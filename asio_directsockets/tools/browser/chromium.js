'use strict';
// Launches a Chromium-family browser (content_shell by default) headless with a fresh profile
// and a DevTools pipe, and guarantees that it is killed and its profile removed: on close(),
// and when this Node process exits or is interrupted.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { CdpPipe } = require('./cdp_pipe');

const CONTENT_SHELL = '/usr/lib/chromium/chromium-shell';
const CHROMIUM = '/usr/lib/chromium/chromium';

// Flags for a quiet, deterministic headless run (docs/browser-tests.md): no sandbox (we run as root
// in CI), no GPU, no QUIC, and no background traffic or updates from the browser itself.
const BASE_FLAGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--remote-debugging-pipe',
]);

// content_shell only: treat http://127.0.0.1 as an isolated context, which (with the page's
// isolation headers) exposes Direct Sockets without an Isolated Web App. The value is a site:
// with a port it has no effect.
const ISOLATED_CONTEXT_FLAG = '--isolated-context-origins=http://127.0.0.1';

const STDERR_KEEP = 256 * 1024;  // the tail kept for crash diagnostics

const live = new Set();  // browsers to kill if this process goes away
function killAllSync() {
  for (const b of live) b.killSync();
}
let hooksInstalled = false;
function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      killAllSync();
      process.exit(128 + os.constants.signals[sig]);
    });
  }
}

class Browser {
  constructor(child, profile) {
    this.child = child;
    this.pid = child.pid;
    this.profile = profile;
    this.stderrTail = '';
    this.exited = false;
    this.exitInfo = null;
    this.exitPromise = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exited = true;
        this.exitInfo = { code, signal };
        live.delete(this);
        resolve(this.exitInfo);
      });
    });
    this.cdp = new CdpPipe(child.stdio[3], child.stdio[4]);
  }

  keepStderr(text) {
    this.stderrTail += text;
    if (this.stderrTail.length > STDERR_KEEP) this.stderrTail = this.stderrTail.slice(-STDERR_KEEP / 2);
  }

  // The browser's own explanation for killing a renderer, if it logged one.
  rendererKillReason() {
    const m = this.stderrTail.match(/Terminating render process for bad Mojo message: (.*)/);
    if (m) return m[1].replace(/^Received bad user message: /, '').trim();
    return null;
  }

  killSync() {
    if (!this.exited) {
      try {
        this.child.kill('SIGKILL');
      } catch {}
    }
    this.removeProfile();
  }

  removeProfile() {
    if (!this.profile) return;
    try {
      fs.rmSync(this.profile, { recursive: true, force: true });
      this.profile = null;
    } catch {}
  }

  // Asks the browser to close, kills it if it has not exited within `graceMs`, removes the
  // profile. Safe to call more than once.
  async close(graceMs = 3000) {
    if (!this.exited) {
      this.cdp.send('Browser.close', {}, undefined, graceMs).catch(() => {});
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exitPromise;
      clearTimeout(timer);
    }
    this.cdp.shutdown(new Error('browser closed'));
    // The profile may still be written to by exiting helpers for a moment: retry briefly.
    for (let i = 0; i < 10 && this.profile; i++) {
      this.removeProfile();
      if (this.profile) await new Promise((r) => setTimeout(r, 50));
    }
  }
}

// options:
//   binary:  browser executable (default: content_shell, or $ADS_BROWSER)
//   flags:   extra command-line flags
//   isolatedContext: add --isolated-context-origins=http://127.0.0.1 (default: true for
//            content_shell)
//   onStderr(text): browser stderr as it arrives (for --verbose)
// Resolves once DevTools answers, to a Browser.
async function launchBrowser({ binary, flags = [], isolatedContext, onStderr } = {}) {
  const bin = binary || process.env.ADS_BROWSER || CONTENT_SHELL;
  if (!fs.existsSync(bin)) {
    throw new Error(`browser not found: ${bin} (install chromium-shell, or pass --browser)`);
  }
  const isShell = path.basename(bin).includes('shell');
  const wantIsolated = isolatedContext === undefined ? isShell : isolatedContext;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ads-browser-profile-'));
  const argv = [...BASE_FLAGS, `--user-data-dir=${profile}`];
  if (wantIsolated) argv.push(ISOLATED_CONTEXT_FLAG);
  argv.push(...flags, 'about:blank');

  installExitHooks();
  // Not detached: the browser stays in our process group, so a terminal's Ctrl-C or a test
  // driver killing the group reaches it too. Its helpers exit when it does.
  const child = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
  const browser = new Browser(child, profile);
  browser.argv = argv;
  live.add(browser);
  const onOutput = (d) => {
    const text = d.toString();
    browser.keepStderr(text);
    if (onStderr) onStderr(text);
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const spawnError = new Promise((_, reject) => child.once('error', reject));
  try {
    await Promise.race([
      browser.cdp.send('Browser.getVersion', {}, undefined, 30000),
      spawnError,
      browser.exitPromise.then((e) => {
        throw new Error(`browser exited at start (${e.signal || 'code ' + e.code})`);
      }),
    ]);
  } catch (e) {
    await browser.close(500);
    throw new Error(`cannot start ${bin}: ${e.message}`);
  }
  return browser;
}

module.exports = { launchBrowser, BASE_FLAGS, ISOLATED_CONTEXT_FLAG, CONTENT_SHELL, CHROMIUM };
