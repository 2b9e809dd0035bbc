// A TCP echo server on 127.0.0.1:<port> for clients under test that need a
// peer (Asio's own example clients, test/third_party/asio_examples.cmake).
// Prints "echo server ready" once listening; runs until killed.
'use strict';
const net = require('node:net');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node echo_server.js <port>');
  process.exit(2);
}
net.createServer((c) => {
  c.on('error', () => {});
  c.pipe(c);
}).listen(port, '127.0.0.1', () => console.log('echo server ready'));
