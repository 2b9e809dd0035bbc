// Runs one server program and then one or more clients against it, the way a
// person would: start the server on a free 127.0.0.1 port, wait until it is
// ready, run each client, check its exit status and output, stop the server.
// Used for Beast's own examples (test/third_party/) and this project's
// examples, natively, as WebAssembly under Node, and inside headless Chromium.
//
//   node pair.js --server '<json argv>' [--ready TEXT] [--server ... [--ready ...]]...
//                [--expect-server TEXT]...
//                [--client '<json argv>' [--stdin TEXT [--hold-stdin yes|MS]] [--exit CODE]
//                 --expect TEXT...]...
//
// Ready means: the server printed a line containing TEXT (--ready), or
// 127.0.0.1:N accepts a TCP connection (--ready accepting:N, N may be {port+1}),
// or else 127.0.0.1:{port} accepts one. Several servers start in order, each
// once the previous one is ready (e.g. a proxy in front of an echo server),
// and stop in reverse order.
//
// A client passes if it exits with CODE (default 0) and its output (stdout, then stderr)
// contains every --expect TEXT: error cases expect the exit status and the message.
//
// --stdin gives the client TEXT on its standard input (then end of file); without
// it the client's standard input is empty. With --hold-stdin yes, the end of file
// comes only once the client's output shows every --expect TEXT, as a person
// types a line into an interactive client, waits for the answer, then ends it
// (Boost.Asio's chat client closes its connection at end of input). With
// --hold-stdin MS, at the latest after MS milliseconds: output written to a pipe
// may wait in the client's buffer until it exits (the chat client never flushes),
// and a browser program's output cannot show while it waits for input
// (asio_directsockets/tools/browser/stdin_feed.js).
//
// --expect-server TEXT: once the clients are done, the output of the server
// given last must contain TEXT (within 5 s).
//
// Arguments may contain {port}; it is replaced by the chosen port (and
// {port+1}, {port+2} for servers that listen on consecutive ports).
'use strict';
const { spawn } = require('node:child_process');
const net = require('node:net');

const SERVER_READY_MS = 60000;  // a browser start plus a wasm compile
const CLIENT_LIMIT_MS = 30000;

function parseArgs(argv) {
  const out = { servers: [], clients: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--server') out.servers.push({ argv: JSON.parse(value), ready: null, expect: [] });
    else if (flag === '--expect-server') {
      if (!out.servers.length) throw new Error('--expect-server before any --server');
      out.servers[out.servers.length - 1].expect.push(value);
    }
    else if (flag === '--ready') {
      if (!out.servers.length) throw new Error('--ready before any --server');
      out.servers[out.servers.length - 1].ready = value;
    }
    else if (flag === '--client') out.clients.push({ argv: JSON.parse(value), expect: [], stdin: null, hold: false, exit: 0 });
    else if (flag === '--hold-stdin') {
      if (!out.clients.length) throw new Error('--hold-stdin before any --client');
      out.clients[out.clients.length - 1].hold = value === 'yes' ? true : Number(value);
    }
    else if (flag === '--exit') {
      if (!out.clients.length) throw new Error('--exit before any --client');
      out.clients[out.clients.length - 1].exit = Number(value);
    }
    else if (flag === '--stdin') {
      if (!out.clients.length) throw new Error('--stdin before any --client');
      out.clients[out.clients.length - 1].stdin = value;
    }
    else if (flag === '--expect') {
      if (!out.clients.length) throw new Error('--expect before any --client');
      out.clients[out.clients.length - 1].expect.push(value);
    } else throw new Error(`unknown flag ${flag}`);
  }
  if (!out.servers.length || !out.clients.length) throw new Error('need --server and at least one --client');
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

// holdUntil: texts the output must show before the input ends (null: end it at once);
// holdMs: or this long at most.
function run(argv, limitMs, input, holdUntil = null, holdMs = 0) {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: [input === null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    let holding = false;
    const release = () => {
      if (holding && holdUntil.every((t) => (stdout + stderr).includes(t))) {
        holding = false;
        child.stdin.end();
      }
    };
    if (input !== null) {
      child.stdin.on('error', () => {});  // a client that exits without reading
      if (holdUntil) {
        holding = true;
        child.stdin.write(input);
        if (holdMs > 0) {
          setTimeout(() => {
            if (holding) { holding = false; child.stdin.end(); }
          }, holdMs);
        }
      } else {
        child.stdin.end(input);
      }
    }
    child.stdout.on('data', (d) => { stdout += d; release(); });
    child.stderr.on('data', (d) => { stderr += d; release(); });
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

// Starts one server and waits until it is ready; returns its handle.
async function startServer(spec, port) {
  const argv = substitute(spec.argv, port);
  console.log(`server: ${argv.join(' ')}`);
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const srv = { argv, child, out: '', exit: null };
  child.stdout.on('data', (d) => { srv.out += d; });
  child.stderr.on('data', (d) => { srv.out += d; });
  child.on('exit', (code, signal) => { srv.exit = { code, signal }; });
  const ready = spec.ready;
  let isReady;
  if (ready && ready.startsWith('accepting:')) {
    const at = Number(substitute([ready.slice('accepting:'.length)], port)[0]);
    isReady = () => accepting(at);
  } else {
    isReady = ready ? async () => srv.out.includes(ready) : () => accepting(port);
  }
  const deadline = Date.now() + SERVER_READY_MS;
  while (!(await isReady())) {
    if (srv.exit) throw Object.assign(new Error(`server exited early (${JSON.stringify(srv.exit)}):\n${srv.out}`), { srv });
    if (Date.now() > deadline) {
      throw Object.assign(new Error(`server not ready (${ready ? JSON.stringify(ready) : `accepting on ${port}`}) ` +
                                    `after ${SERVER_READY_MS} ms`), { srv });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return srv;
}

async function main() {
  const { servers, clients } = parseArgs(process.argv.slice(2));
  const port = await freePorts();
  const started = [];
  let failed = false;
  try {
    for (const spec of servers) {
      try {
        started.push(await startServer(spec, port));
      } catch (e) {
        if (e.srv) started.push(e.srv);
        throw e;
      }
    }
    for (const c of clients) {
      const argv = substitute(c.argv, port);
      console.log(`client: ${argv.join(' ')}`);
      const r = await run(argv, CLIENT_LIMIT_MS, c.stdin, c.hold ? c.expect : null,
                          typeof c.hold === 'number' ? c.hold : 0);
      process.stdout.write(r.stdout.split('\n').map((l) => `  | ${l}`).join('\n') + '\n');
      if (r.stderr) process.stdout.write(r.stderr.split('\n').map((l) => `  ! ${l}`).join('\n') + '\n');
      if (r.code !== c.exit) {
        console.log(`FAIL: client exited with ${r.code ?? r.signal}${r.signal === 'SIGKILL' ? ' (timed out)' : ''}` +
                    (c.exit ? ` (expected ${c.exit})` : ''));
        failed = true;
      }
      for (const text of c.expect) {
        if (!(r.stdout + r.stderr).includes(text)) {
          console.log(`FAIL: client output lacks ${JSON.stringify(text)}`);
          failed = true;
        }
      }
    }
    const last = started[started.length - 1];
    const lastSpec = servers[servers.length - 1];
    for (const text of lastSpec.expect) {
      for (let waited = 0; waited < 5000 && !last.out.includes(text); waited += 50) {
        await new Promise((r) => setTimeout(r, 50));
      }
      if (!last.out.includes(text)) {
        console.log(`FAIL: server output lacks ${JSON.stringify(text)}`);
        failed = true;
      }
    }
    for (const srv of started) {
      if (srv.exit) {
        console.log(`FAIL: server ${srv.argv[0]} exited during the test (${JSON.stringify(srv.exit)})`);
        failed = true;
      }
    }
  } catch (e) {
    console.log(`FAIL: ${e.message}`);
    failed = true;
  } finally {
    for (const srv of started.slice().reverse()) await stop(srv.child, () => srv.exit !== null);
  }
  if (failed) {
    for (const srv of started) if (srv.out) console.log(`server ${srv.argv[0]} output:\n${srv.out}`);
  }
  console.log(failed ? 'pair: FAILED' : 'pair: passed');
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.log(`FAIL: ${e.stack}`); process.exit(1); });
