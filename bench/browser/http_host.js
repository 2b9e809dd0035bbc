'use strict';
// The browser driver's HTTP server on 127.0.0.1: static folders (the program harness, the
// programs, the raw-JS client), the run configuration, and the /api/ routes the programs ask
// for host figures (bench/common/host.hpp). Every response carries the isolation headers that
// Direct Sockets needs (asio_directsockets/tools/browser/isolation_headers.js).

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { ISOLATION_HEADERS } = require('../../asio_directsockets/tools/browser/isolation_headers');
const { listenOnLoopback, mimeType } = require('../../asio_directsockets/tools/browser/static_server');

// mounts: {'/prefix/': folder}; routes: {'/path': async (searchParams) => value} answered as
// JSON (a number or string as plain text). Resolves to {port, origin, close()}.
async function startHost({ mounts, routes }) {
  const roots = Object.entries(mounts).map(([prefix, dir]) => [prefix, path.resolve(dir)]);
  const server = http.createServer(async (req, res) => {
    for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
    res.setHeader('Cache-Control', 'no-store');
    const url = new URL(req.url, 'http://127.0.0.1');
    const reply = (status, type, body) => {
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (Object.prototype.hasOwnProperty.call(routes, url.pathname)) {
      try {
        const v = await routes[url.pathname](url.searchParams);
        if (typeof v === 'number' || typeof v === 'string') reply(200, 'text/plain', String(v));
        else reply(200, 'application/json', JSON.stringify(v));
      } catch (e) {
        reply(500, 'text/plain', `${e && e.message ? e.message : e}\n`);
      }
      return;
    }
    const mount = roots.find(([prefix]) => url.pathname.startsWith(prefix));
    let file = null;
    if (mount) {
      const rel = path.posix.normalize('/' + decodeURIComponent(url.pathname.slice(mount[0].length)));
      file = path.join(mount[1], rel);
      if (!file.startsWith(mount[1] + path.sep)) file = null;
    }
    fs.readFile(file || '/nonexistent', (err, data) => {
      if (err) {
        reply(404, 'text/plain', 'not found\n');
        return;
      }
      res.writeHead(200, { 'Content-Type': mimeType(file), 'Content-Length': data.length });
      res.end(data);
    });
  });
  return listenOnLoopback(server);
}

module.exports = { startHost };
