// An HTTPS server on the host for the TLS client tests (examples/CMakeLists.txt):
//   node https_server.js <port> <chain.pem> <key.pem>
// GET /bytes/<n> answers n bytes of examples/tls/byte_pattern.hpp (byte i is 'a' + i % 26) with
// Connection: close and hangs up at once, so the last data, close_notify and the FIN arrive
// together: the pattern that loses data when a transport drops what came with the FIN before a
// read was pending (docs/chromium-fin-drop.md). Anything else: 404.
'use strict';
const fs = require('node:fs');
const https = require('node:https');

const [port, cert, key] = process.argv.slice(2);
if (!key) {
  console.error('usage: node https_server.js <port> <chain.pem> <key.pem>');
  process.exit(2);
}
const server = https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) },
  (req, res) => {
    const m = /^\/bytes\/(\d+)$/.exec(req.url);
    if (req.method !== 'GET' || !m) {
      res.writeHead(404, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end('not found\n');
      return;
    }
    const body = Buffer.alloc(Number(m[1]));
    for (let i = 0; i < body.length; ++i) body[i] = 97 + (i % 26);
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream', 'Content-Length': body.length, Connection: 'close',
    });
    res.end(body);
  });
server.listen(Number(port), '127.0.0.1',
  () => console.log(JSON.stringify({ listening: `127.0.0.1:${port}`, tls: true })));
