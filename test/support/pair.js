// Runs one server program and then one or more clients against it, the way a
// person would: start the server on a free 127.0.0.1 port, wait until it is
// ready, run each client, check its exit status and output, stop the server.
// Used for Beast's own examples (test/third_party/) and this project's
// examples, natively, as WebAssembly under Node, and inside headless Chromium.
//
//   node pair.js --server '<json argv>' [--ready TEXT]
//                [--client '<json argv>' --expect TEXT...]...
//
// Ready means: the server printed a line containing TEXT (--ready), or else
// 127.0.0.1:{port} accepts a TCP connection.
//
// Arguments may contain {port}; it is replaced by the chosen port (and
// {port+1}, {port+2} for servers that listen on consecutive ports).
'use strict';
const { spawn } = require('node:child_process');
const net = require('node:net');

const SERVER_READY_MS = 60000;  // a browser start plus a wasm compile
const CLIENT_LIMIT_MS = 30000;

function parseArgs(argv) {
  const out = { server: null, ready: null, clients: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--server') out.server = JSON.parse(value);
    else if (flag === '--ready') out.ready = value;
    else if (flag === '--client') out.clients.push({ argv: JSON.parse(value), expect: [] });
    else if (flag === '--expect') {
      if (!out.clients.length) throw new Error('--expect before any --client');
      out.clients[out.clients.length - 1].expect.push(value);
    } else throw new Error(`unknown flag ${flag}`);
  }
  if (!out.server || !out.clients.length) throw new Error('need --server and at least one --client');
  return out;
}

// Three consecutive free ports, so servers listening on port..port+2 fit.
async function freePorts() {
  for (let attempt = 0; attempt < 50; ++attempt) {
    const base = 20000 + Math.floor(Math.random() * 40000);
    const ok = await Promise.all([0, 1, 2].map((k) => canBind(base + k)));
    if (ok.every(Boolean)) return base;
  }
  throw new Error('no three consecutive free ports found');
}

function canBind(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function substitute(args, port) {
  return args.map((a) =>
    a.replace(/\{port\+(\d)\}/g, (_, k) => String(port + Number(k))).replace(/\{port\}/g, String(port)));
}

function accepting(port) {
  return new Promise((resolve) => {
    const c = net.connect({ port, host: '127.0.0.1' });
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

function run(argv, limitMs) {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// SIGTERM first, so a browser runner can take its browser down with it.
async function stop(child, exited) {
  if (exited()) return;
  child.kill('SIGTERM');
  for (let waited = 0; waited < 5000 && !exited(); waited += 50) await new Promise((r) => setTimeout(r, 50));
  if (!exited()) child.kill('SIGKILL');
}

async function main() {
  const { server, ready, clients } = parseArgs(process.argv.slice(2));
  const port = await freePorts();
  const serverArgv = substitute(server, port);
  console.log(`server: ${serverArgv.join(' ')}`);
  const srv = spawn(serverArgv[0], serverArgv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let serverOut = '';
  let serverExit = null;
  srv.stdout.on('data', (d) => { serverOut += d; });
  srv.stderr.on('data', (d) => { serverOut += d; });
  srv.on('exit', (code, signal) => { serverExit = { code, signal }; });

  let failed = false;
  try {
    const deadline = Date.now() + SERVER_READY_MS;
    const isReady = ready ? async () => serverOut.includes(ready) : () => accepting(port);
    while (!(await isReady())) {
      if (serverExit) throw new Error(`server exited early (${JSON.stringify(serverExit)}):\n${serverOut}`);
      if (Date.now() > deadline) {
        throw new Error(`server not ready (${ready ? JSON.stringify(ready) : `accepting on ${port}`}) ` +
                        `after ${SERVER_READY_MS} ms`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const c of clients) {
      const argv = substitute(c.argv, port);
      console.log(`client: ${argv.join(' ')}`);
      const r = await run(argv, CLIENT_LIMIT_MS);
      process.stdout.write(r.stdout.split('\n').map((l) => `  | ${l}`).join('\n') + '\n');
      if (r.stderr) process.stdout.write(r.stderr.split('\n').map((l) => `  ! ${l}`).join('\n') + '\n');
      if (r.code !== 0) {
        console.log(`FAIL: client exited with ${r.code ?? r.signal}${r.signal === 'SIGKILL' ? ' (timed out)' : ''}`);
        failed = true;
      }
      for (const text of c.expect) {
        if (!r.stdout.includes(text)) {
          console.log(`FAIL: client output lacks ${JSON.stringify(text)}`);
          failed = true;
        }
      }
    }
    if (serverExit) {
      console.log(`FAIL: server exited during the test (${JSON.stringify(serverExit)})`);
      failed = true;
    }
  } catch (e) {
    console.log(`FAIL: ${e.message}`);
    failed = true;
  } finally {
    await stop(srv, () => serverExit !== null);
  }
  if (failed && serverOut) console.log(`server output:\n${serverOut}`);
  console.log(failed ? 'pair: FAILED' : 'pair: passed');
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.log(`FAIL: ${e.stack}`); process.exit(1); });
