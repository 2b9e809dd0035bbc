'use strict';
// The browser runner end to end, in real headless content_shell: unchanged Emscripten builds in
// the page and in a dedicated Worker (argv, line-by-line stdout/stderr, exit status from main()
// and from exit(), with and without ASYNCIFY), a real Direct Sockets connection, and every
// failure path: abort, wasm trap, uncaught exception, missing API, renderer killed by the
// browser, browser crash, timeout, unloadable program, bad command line. Each ends with the
// documented status and one line of explanation, and leaves no browser or profile behind.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { runProgram } = require('../run_program');
const { ISOLATION_HEADERS } = require('../isolation_headers');
const { EXIT } = require('../exit_codes');
const { buildFixture, echoServer, runCli } = require('./fixtures');

const progs = {};
test.before(async () => {
  const names = ['plain', 'asyncify', 'jspi', 'tcp_connect'];
  const built = await Promise.all(names.map(buildFixture));
  names.forEach((n, i) => { progs[n] = built[i]; });
});

// Runs a program and collects everything; checks that the browser and its profile are gone.
async function run(options) {
  const stdout = [];
  const stderr = [];
  const diagnostics = [];
  let browser = null;
  const result = await runProgram({
    timeoutS: 60,
    onStdout: (l) => stdout.push(l),
    onStderr: (l) => stderr.push(l),
    onDiagnostic: (l) => diagnostics.push(l),
    onLaunched: (b) => { browser = b; },
    ...options,
  });
  if (browser) {
    assert.ok(browser.exited, 'the browser must have exited');
    assert.equal(browser.profile, null, 'the profile must have been removed');
    assert.throws(() => process.kill(browser.pid, 0), /ESRCH/, 'the browser process must be gone');
  }
  return { ...result, stdout, stderr, diagnostics, browser };
}

for (const mode of ['page', 'worker']) {
  test(`${mode}: argv, stdout and stderr lines, main's return value`, async () => {
    const r = await run({ program: progs.plain, mode, args: ['one', 'two words', 'ünïcode'] });
    assert.equal(r.kind, 'exit', r.message);
    assert.equal(r.status, 44);
    assert.deepEqual(r.stdout, ['arg 1: one', 'arg 2: two words', 'arg 3: ünïcode']);
    assert.deepEqual(r.stderr, ['argc 4']);
  });

  test(`${mode}: ASYNCIFY main() that suspended still reports its own return value`, async () => {
    const r = await run({ program: progs.asyncify, mode, args: ['sleep', 'x'] });
    assert.equal(r.kind, 'exit', r.message);
    assert.equal(r.status, 43);
    assert.deepEqual(r.stdout, ['slept', 'arg 2: x']);
  });

  test(`${mode}: JSPI main() that suspended reports its own return value, and exit() after one`, async () => {
    const r = await run({ program: progs.jspi, mode, args: ['sleep', 'x'] });
    assert.equal(r.kind, 'exit', r.message);
    assert.equal(r.status, 43);
    assert.deepEqual(r.stdout, ['slept', 'arg 2: x']);
    const e = await run({ program: progs.jspi, mode, args: ['sleep', 'exit', '9'] });
    assert.equal(e.kind, 'exit', e.message);
    assert.equal(e.status, 9);
    assert.deepEqual(e.stdout, ['slept']);
  });

  test(`${mode}: exit() after a suspension, and 5000 lines in order`, async () => {
    const r = await run({ program: progs.asyncify, mode, args: ['lines', '5000', 'sleep', 'exit', '7'] });
    assert.equal(r.kind, 'exit', r.message);
    assert.equal(r.status, 7);
    assert.equal(r.stdout.length, 5001);
    r.stdout.slice(0, 5000).forEach((l, i) => assert.equal(l, `line ${i}`));
    assert.equal(r.stdout[5000], 'slept');
    assert.deepEqual(r.stderr, []);
  });

  test(`${mode}: abort() is status 134 with a message`, async () => {
    const r = await run({ program: progs.plain, mode, args: ['before', 'abort'] });
    assert.equal(r.kind, 'abort');
    assert.equal(r.status, EXIT.ABORTED);
    assert.equal(r.message, 'the program aborted: abort() was called');
    assert.deepEqual(r.stdout, ['arg 1: before']);
  });

  test(`${mode}: a real TCPSocket through Direct Sockets`, async (t) => {
    const echo = await echoServer();
    t.after(() => echo.close());
    const r = await run({ program: progs.tcp_connect, mode, args: [String(echo.port)] });
    assert.equal(r.kind, 'exit', r.message);
    assert.equal(r.status, 0, r.stderr.join('\n'));
    assert.deepEqual(r.stdout, ['echo: hello']);
  });

  test(`${mode}: without Permissions-Policy the first socket gets the renderer killed`, async (t) => {
    const echo = await echoServer();
    t.after(() => echo.close());
    const r = await run({
      program: progs.tcp_connect, mode, args: [String(echo.port)],
      headers: { ...ISOLATION_HEADERS, 'Permissions-Policy': null },
    });
    assert.equal(r.kind, 'crash', r.message);
    assert.equal(r.status, EXIT.BROWSER);
    assert.equal(r.message, 'the renderer was killed by the browser: Frame is not sufficiently isolated to use Direct Sockets.');
  });

  test(`${mode}: without COOP/COEP the Direct Sockets API is missing`, async () => {
    const r = await run({
      program: progs.plain, mode,
      headers: { ...ISOLATION_HEADERS, 'Cross-Origin-Opener-Policy': null, 'Cross-Origin-Embedder-Policy': null },
    });
    assert.equal(r.kind, 'no-direct-sockets');
    assert.equal(r.status, EXIT.NOT_RUNNABLE);
    const where = mode === 'page' ? 'page' : 'dedicated Worker';
    assert.match(r.message, new RegExp(`^Direct Sockets API missing in the ${where}: typeof TCPSocket is 'undefined', crossOriginIsolated=false`));
    assert.deepEqual(r.stdout, []);
  });

  test(`${mode}: a program that never ends times out`, async () => {
    const t0 = Date.now();
    const r = await run({ program: progs.asyncify, mode, args: ['hang'], timeoutS: 3 });
    assert.equal(r.kind, 'timeout');
    assert.equal(r.status, EXIT.TIMEOUT);
    assert.equal(r.message, `timed out after 3 s: the program was still running (mode ${mode})`);
    assert.ok(Date.now() - t0 < 15000);
  });
}

test('worker: --bridge-stats reports, before the exit, that no bridge was used', async () => {
  const r = await run({ program: progs.plain, mode: 'worker', bridgeStats: true });
  assert.equal(r.kind, 'exit', r.message);
  assert.deepEqual(r.diagnostics, ['[bridge stats] no asio_directsockets bridge activity']);
});

test('page: --wait-for-exit waits past main() for the exit() of a callback-mode program', async () => {
  const early = await run({ program: progs.plain, mode: 'page', args: ['later', '9'] });
  assert.equal(early.kind, 'exit', early.message);
  assert.equal(early.status, 43, 'without the option main() ends the run');
  const late = await run({ program: progs.plain, mode: 'page', args: ['later', '9'], waitForExit: true });
  assert.equal(late.kind, 'exit', late.message);
  assert.equal(late.status, 9);
  assert.deepEqual(late.stderr, ['argc 3']);
});

test('page: a wasm trap is reported as an abort', async () => {
  const r = await run({ program: progs.plain, mode: 'page', args: ['trap'] });
  assert.equal(r.kind, 'abort');
  assert.equal(r.status, EXIT.ABORTED);
  assert.match(r.message, /^the program aborted: wasm trap: unreachable/);
});

test('worker: an exception thrown by the program is status 1', async () => {
  const r = await run({ program: progs.plain, mode: 'worker', args: ['throw-js'] });
  assert.equal(r.kind, 'exception');
  assert.equal(r.status, EXIT.UNCAUGHT);
  assert.match(r.message, /^the program failed: uncaught exception: Error: thrown by the program/);
});

test('a browser that dies mid-run is reported, not waited for', async () => {
  const r = await run({
    program: progs.asyncify, mode: 'page', args: ['hang'], timeoutS: 60,
    onLaunched: (b) => setTimeout(() => process.kill(b.pid, 'SIGKILL'), 1500),
  });
  assert.equal(r.kind, 'browser-exit');
  assert.equal(r.status, EXIT.BROWSER);
  assert.equal(r.message, 'the browser exited unexpectedly (signal SIGKILL)');
});

test('a missing program or browser fails at once', async () => {
  const r = await run({ program: '/nonexistent/prog.js', mode: 'page' });
  assert.equal(r.kind, 'load');
  assert.equal(r.status, EXIT.NOT_RUNNABLE);
  assert.equal(r.message, 'program not found: /nonexistent/prog.js');

  const b = await run({ program: progs.plain, mode: 'page', browser: '/nonexistent/chromium' });
  assert.equal(b.kind, 'error');
  assert.equal(b.status, EXIT.BROWSER);
  assert.match(b.message, /^browser not found: \/nonexistent\/chromium/);
});

test('a program whose script is missing cannot be loaded (page and worker)', async (t) => {
  const dir = fs.mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'ads-empty-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const js = require('node:path').join(dir, 'gone.js');
  fs.writeFileSync(js, '');
  for (const mode of ['page', 'worker']) {
    // Exists when checked, then removed before the browser asks for it.
    const r = await run({ program: js, mode, onLaunched: () => fs.rmSync(js, { force: true }) });
    assert.equal(r.kind, 'load', `${mode}: ${r.message}`);
    assert.equal(r.status, EXIT.NOT_RUNNABLE);
    assert.match(r.message, /^cannot load the program script http:\/\/127\.0\.0\.1:\d+\/app\/gone\.js/);
    fs.writeFileSync(js, '');
  }
});

test('CLI: status, streams, one-line failure message, usage errors', async () => {
  const ok = await runCli(['--mode', 'worker', '--timeout', '60', progs.plain, '--', 'a', '--not-an-option']);
  assert.equal(ok.code, 43);
  assert.equal(ok.stdout, 'arg 1: a\narg 2: --not-an-option\n');
  assert.equal(ok.stderr, 'argc 3\n');

  const aborted = await runCli(['--timeout=60', progs.plain, '--', 'abort']);
  assert.equal(aborted.code, EXIT.ABORTED);
  const lines = aborted.stderr.trim().split('\n');
  assert.equal(lines[lines.length - 1], 'run.js: the program aborted: abort() was called');

  const usage = await runCli(['--mode', 'tab', progs.plain]);
  assert.equal(usage.code, EXIT.USAGE);
  assert.match(usage.stderr, /^run\.js: --mode must be page or worker, not 'tab'\nusage: /);
  assert.equal((await runCli([])).code, EXIT.USAGE);
  assert.equal((await runCli(['--timeout', '0', progs.plain])).code, EXIT.USAGE);
  assert.equal((await runCli(['--bogus', progs.plain])).code, EXIT.USAGE);
});
