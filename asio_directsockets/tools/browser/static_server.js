'use strict';
// A small static file server on 127.0.0.1 for the browser runner. It maps URL prefixes to
// folders (`/runner/` -> the harness, `/app/` -> the program's folder), answers a few JSON
// routes, and sends the isolation headers on every response so that the page and its Workers
// may use Direct Sockets. Nothing outside the mapped folders is reachable.

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { ISOLATION_HEADERS } = require('./isolation_headers');

const MIME_TYPES = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',  // required by WebAssembly.instantiateStreaming
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.data': 'application/octet-stream',
});

function mimeType(file) {
  return MIME_TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

// Resolves `rest` (the URL path after a mount prefix) inside `root`; null if it escapes.
function resolveInside(root, rest) {
  let decoded;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  const rootWithSep = root.endsWith(path.sep) ? root : root + path.sep;
  return file === root || file.startsWith(rootWithSep) ? file : null;
}

// options:
//   mounts:  { '/prefix/': '/abs/folder', ... }
//   json:    { '/path': (url) => value, ... } answered with JSON (value may be a promise:
//                                            the answer waits for it)
//   files:   { '/path': { type, body }, ... }  fixed responses (a Buffer or string body)
//   headers: headers sent on every response (default: ISOLATION_HEADERS); a header whose value
//            is null is left out, so tests can serve a page missing one of them.
// Resolves to { port, origin, close() }.
async function startStaticServer({ mounts = {}, json = {}, files = {}, headers = ISOLATION_HEADERS } = {}) {
  const roots = Object.entries(mounts).map(([prefix, dir]) => [prefix, path.resolve(dir)]);
  const common = Object.entries(headers).filter(([, v]) => v !== null && v !== undefined);

  const server = http.createServer((req, res) => {
    for (const [k, v] of common) res.setHeader(k, v);
    res.setHeader('Cache-Control', 'no-store');
    const url = new URL(req.url, 'http://127.0.0.1');
    const reply = (status, type, body) => {
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply(405, 'text/plain', 'method not allowed\n');
      return;
    }
    if (Object.prototype.hasOwnProperty.call(json, url.pathname)) {
      Promise.resolve(json[url.pathname](url)).then(
        (value) => reply(200, 'application/json', JSON.stringify(value)),
        (e) => reply(500, 'text/plain', `${e && e.message ? e.message : e}\n`));
      return;
    }
    if (Object.prototype.hasOwnProperty.call(files, url.pathname)) {
      reply(200, files[url.pathname].type, files[url.pathname].body);
      return;
    }
    const mount = roots.find(([prefix]) => url.pathname.startsWith(prefix));
    const file = mount && resolveInside(mount[1], url.pathname.slice(mount[0].length));
    if (!file) {
      reply(404, 'text/plain', 'not found\n');
      return;
    }
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) {
        reply(404, 'text/plain', 'not found\n');
        return;
      }
      res.writeHead(200, { 'Content-Type': mimeType(file), 'Content-Length': st.size });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const stream = fs.createReadStream(file);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    });
  });
  return listenOnLoopback(server);
}

// Listens on 127.0.0.1 with an OS-chosen port; close() also ends open connections (a browser
// keeps them alive), so that it never waits for them.
async function listenOnLoopback(server) {
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

module.exports = { startStaticServer, listenOnLoopback, mimeType, MIME_TYPES };
