// A chat server speaking the protocol of Boost.Asio's chat example (cpp11/chat: a 4-character
// decimal body length, then the body), listening on 127.0.0.1 only (the example's own server
// listens on every interface). Like the example's chat_room, it sends every message to every
// participant, the sender included, and greets a newcomer with the last 100 messages.
// Prints "chat: BODY" for each message and "chat server ready" once listening.
//
//   node chat_server.js PORT
'use strict';
const net = require('node:net');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node chat_server.js PORT');
  process.exit(2);
}

const participants = new Set();
const recent = [];
const HEADER = 4;
const MAX_BODY = 512;  // chat_message::max_body_length

function deliver(frame) {
  recent.push(frame);
  if (recent.length > 100) recent.shift();
  for (const p of participants) p.write(frame);
}

const server = net.createServer((sock) => {
  participants.add(sock);
  for (const frame of recent) sock.write(frame);
  let pending = Buffer.alloc(0);
  sock.on('data', (data) => {
    pending = Buffer.concat([pending, data]);
    while (pending.length >= HEADER) {
      const length = Number(pending.subarray(0, HEADER).toString('latin1').trim());
      if (!Number.isInteger(length) || length < 0 || length > MAX_BODY) {
        sock.destroy();  // as the example's session: a bad header ends it
        return;
      }
      if (pending.length < HEADER + length) break;
      const frame = pending.subarray(0, HEADER + length);
      pending = pending.subarray(HEADER + length);
      console.log(`chat: ${frame.subarray(HEADER).toString('utf8')}`);
      deliver(Buffer.from(frame));
    }
  });
  const leave = () => participants.delete(sock);
  sock.on('close', leave);
  sock.on('error', leave);
});
server.listen(port, '127.0.0.1', () => console.log('chat server ready'));
process.on('SIGTERM', () => process.exit(0));
