'use strict';
// The IWA tool's --app-dir form (iwa_app.js) in real headless full Chromium: a user's own app
// folder (the starter template's pages) installed, granted, launched with ?arg= arguments, its
// console streamed, and its end reported through window.adsIwaExit; and what goes wrong said.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { runApp, readAppManifest, launchUrl } = require('../iwa_app');
const { parseAppArgs } = require('../iwa');
const { isNoise, noiseFilter } = require('../browser_noise');
const { EXIT } = require('../exit_codes');
const { buildFixture, appFolder, STARTER_IWA } = require('./fixtures');

const collect = () => {
  const out = [];
  const err = [];
  const progress = [];
  return { out, err, progress, onStdout: (l) => out.push(l), onStderr: (l) => err.push(l), onProgress: (l) => progress.push(l) };
};

test('app folder: argv from ?arg=, stdout, stderr, status from main() and from exit()', async () => {
  const dir = await appFolder(await buildFixture('exit_runtime'));
  const c = collect();
  let r = await runApp({ appDir: dir, args: ['one', 'two words'], timeoutS: 120, ...c });
  assert.equal(r.kind, 'exit', r.message);
  assert.equal(r.status, 43);  // 40 + argc
  assert.deepEqual(c.out, ['arg 1: one', 'arg 2: two words']);
  assert.ok(c.err.includes('argc 3'), c.err.join('\n'));
  assert.deepEqual(c.progress.map((l) => l.replace(/ \([\d.]+ s\)$/, '').replace(/[a-z2-7]{56}/, 'ID').replace(/:\d+/, ':PORT')), [
    `serving ${dir} on http://127.0.0.1:PORT`, 'started /usr/lib/chromium/chromium',
    'installed as isolated-app://ID (dev-mode proxy)', 'granted loopback-network, local-network',
    'launched /index.html?arg=one&arg=two+words', 'the app ended with status 43',
  ]);
  r = await runApp({ appDir: dir, args: ['exit', '7'], timeoutS: 120, ...collect() });
  assert.deepEqual([r.kind, r.status], ['exit', 7]);
});

test('app folder: an uncaught exception ends the run with status 1 and says what it was', async () => {
  const dir = await appFolder(await buildFixture('exit_runtime'));
  const c = collect();
  const r = await runApp({ appDir: dir, args: ['throw-js'], timeoutS: 120, ...c });
  assert.equal(r.kind, 'exception');
  assert.equal(r.status, EXIT.UNCAUGHT);
  assert.match(r.message, /thrown by the program/);
  assert.ok(c.err.some((l) => /uncaught exception: .*thrown by the program/.test(l)), c.err.join('\n'));
});

test('app folder: a program that never ends is stopped by --timeout (124)', async () => {
  // Built without EXIT_RUNTIME, main() returning does not end the program.
  const dir = await appFolder(await buildFixture('plain'));
  const c = collect();
  const t0 = Date.now();
  const r = await runApp({ appDir: dir, args: ['x'], timeoutS: 3, ...c });
  assert.equal(r.kind, 'timeout');
  assert.equal(r.status, EXIT.TIMEOUT);
  assert.deepEqual(c.out, ['arg 1: x']);
  assert.ok(Date.now() - t0 < 30000);
});

test('app folder: what is missing is said before the browser starts', async () => {
  const empty = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'ads-iwa-empty-'));
  let r = await runApp({ appDir: empty, ...collect() });
  assert.deepEqual([r.kind, r.status], ['load', EXIT.NOT_RUNNABLE]);
  assert.match(r.message, /not an Isolated Web App folder: .*manifest\.webmanifest is missing/);
  fs.mkdirSync(path.join(empty, '.well-known'));
  fs.writeFileSync(path.join(empty, '.well-known', 'manifest.webmanifest'), '{"name": "x"}');
  r = await runApp({ appDir: empty, ...collect() });
  assert.match(r.message, /needs a "version"/);
  fs.writeFileSync(path.join(empty, '.well-known', 'manifest.webmanifest'), '{"version": "1.0.0"}');
  const m = readAppManifest(empty);
  assert.equal(m.startUrl, '/');
  assert.equal(m.warnings.length, 2);
  assert.match(m.warnings[0], /"direct-sockets"/);
  assert.deepEqual(readAppManifest(STARTER_IWA).warnings, []);
});

test('launch URL and command line of the --app-dir form', () => {
  assert.equal(launchUrl('isolated-app://abc', '/index.html', ['a b', '&x=1']),
               'isolated-app://abc/index.html?arg=a+b&arg=%26x%3D1');
  assert.equal(launchUrl('isolated-app://abc', '/'), 'isolated-app://abc/');
  const o = parseAppArgs(['--app-dir', 'd', '--timeout', '0', '--keep-running', '--', '--not-an-option']);
  assert.deepEqual([o.appDir, o.timeoutS, o.keepRunning, o.args], ['d', 0, true, ['--not-an-option']]);
  assert.throws(() => parseAppArgs(['--app-dir', 'd', 'extra']), /arguments go after --/);
  assert.throws(() => parseAppArgs(['--timeout', '3']), /--app-dir needs a folder/);
});

test('browser noise: container complaints are dropped, the rest is kept whole', () => {
  assert.ok(isNoise('[1:2:1207/144657.892501:ERROR:dbus/bus.cc:405] Failed to connect to the bus: x'));
  assert.ok(isNoise('LaunchProcess: failed to execvp:'));
  assert.ok(!isNoise('[1:2:1207/1.2:ERROR:direct_sockets_service_impl.cc:12] connection refused'));
  const kept = [];
  const f = noiseFilter((t) => kept.push(t));
  f('[x:ERROR:dbus/bus.cc:405] Failed to connect to the bus\nrenderer: some');
  f('thing happened\n');
  assert.deepEqual(kept, ['renderer: something happened\n']);
});
