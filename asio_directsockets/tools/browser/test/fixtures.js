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

// JSPI blocking mode as asio_directsockets::blocking links it (-DASIO_DS_BLOCKING=jspi): the bridge
// (whose ads_wait suspends), jspi_pre.js, the exit-status post-js, wasm exceptions.
const JS_DIR = path.join(__dirname, '..', '..', '..', 'js');
const BRIDGE = fs.readdirSync(path.join(JS_DIR, 'bridge')).filter((f) => f.endsWith('.js')).sort()
  .map((f) => `--js-library=${path.join(JS_DIR, 'bridge', f)}`);
const JSPI_FLAGS = ['-O1', '-fwasm-exceptions', '-DWITH_JSPI', ...BRIDGE,
  '--pre-js', path.join(JS_DIR, 'jspi_pre.js'), '--post-js', path.join(JS_DIR, 'blocking_exit_status.js'),
  '-lexports.js'];

const BUILDS = {
  plain: { source: 'args_status.c', flags: ['-O1'] },
  asyncify: { source: 'args_status.c', flags: ['-O1', '-sASYNCIFY', '-DWITH_ASYNCIFY'] },
  jspi: { source: 'args_status.c', flags: JSPI_FLAGS },
  tcp_connect: { source: 'tcp_connect.c', flags: ['-O1'] },
  // main() returning ends the program (onExit), as the blocking mode's programs do in an app.
  exit_runtime: { source: 'args_status.c', flags: ['-O1', '-sEXIT_RUNTIME=1'] },
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
    .update(fs.readFileSync(src)).update(JSON.stringify(b.flags));
  for (const f of b.flags) {
    const m = /^--js-library=(.*)$/.exec(f);
    const file = m ? m[1] : (f.endsWith('.js') && fs.existsSync(f) ? f : null);
    if (file) hash.update(fs.readFileSync(file));
  }
  const digest = hash.digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), 'ads-runner-fixtures', `${name}-${digest}`);
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

// An Isolated Web App folder as a user lays it out: the starter template's pages and manifest
// (examples/starter/iwa) with the fixture `program` as its my_app.js. Resolves to the folder.
const STARTER_IWA = path.join(__dirname, '..', '..', '..', '..', 'examples', 'starter', 'iwa');
async function appFolder(program) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ads-iwa-app-'));
  fs.cpSync(STARTER_IWA, dir, { recursive: true });
  fs.copyFileSync(program, path.join(dir, 'my_app.js'));
  const wasm = program.replace(/\.js$/, '.wasm');
  fs.copyFileSync(wasm, path.join(dir, path.basename(wasm)));
  return dir;
}

module.exports = { buildFixture, echoServer, runCli, appFolder, RUN_JS, STARTER_IWA };
