'use strict';
// Builds the small C test programs with the real Emscripten toolchain (unchanged builds, the
// default ENVIRONMENT) into a cache folder keyed by source and flags, so that re-runs are fast.
// Also: an echo server on 127.0.0.1, and running run.js as a child process.

const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');

const FIXTURES = path.join(__dirname, 'fixtures');
const RUN_JS = path.join(__dirname, '..', 'run.js');

const BUILDS = {
  plain: { source: 'args_status.c', flags: ['-O1'] },
  asyncify: { source: 'args_status.c', flags: ['-O1', '-sASYNCIFY', '-DWITH_ASYNCIFY'] },
  tcp_connect: { source: 'tcp_connect.c', flags: ['-O1'] },
};

function emcc(args) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NODE_PATH: process.env.NODE_PATH || '/usr/share/nodejs' };
    execFile('emcc', args, { env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`emcc ${args.join(' ')} failed:\n${stderr}`));
      else resolve();
    });
  });
}

// Resolves to the path of the built .js (its .wasm next to it).
async function buildFixture(name) {
  const b = BUILDS[name];
  const src = path.join(FIXTURES, b.source);
  const hash = crypto.createHash('sha256')
    .update(fs.readFileSync(src)).update(JSON.stringify(b.flags)).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), 'ads-runner-fixtures', `${name}-${hash}`);
  const out = path.join(dir, `${name}.js`);
  if (fs.existsSync(out) && fs.existsSync(path.join(dir, `${name}.wasm`))) return out;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ads-runner-build-'));
  await emcc([...b.flags, src, '-o', path.join(tmp, `${name}.js`)]);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true });  // a concurrent build won the race
  }
  return out;
}

async function echoServer() {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.address().port, close: () => new Promise((r) => server.close(r)) };
}

// Runs run.js with `args`; resolves to {code, stdout, stderr}.
function runCli(args, timeoutMs = 120000) {
  return new Promise((resolve) => {
    execFile(process.execPath, [RUN_JS, ...args], { timeout: timeoutMs, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
  });
}

module.exports = { buildFixture, echoServer, runCli, RUN_JS };
