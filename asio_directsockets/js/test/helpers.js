'use strict';
// Shared test helpers: loopback-only servers, a byte-verifying sink, timeouts.

const net = require('node:net');
const path = require('node:path');

const MODULE = path.join(__dirname, '..', 'node', 'direct_sockets.js');
const ds = require(MODULE);

const KiB = 1024;
const MiB = 1024 * 1024;

function withTimeout(p, ms, what) {
  let t;
  const timeout = new Promise((_, rej) => {
    t = setTimeout(() => rej(new Error(`timeout after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const macrotask = () => new Promise((r) => setImmediate(r));

// Byte i of a test stream is i mod 251, so a lost or reordered chunk shows at its offset.
function pattern(offset, length) {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (offset + i) % 251;
  return b;
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

// An echo server on 127.0.0.1 that ends its side when the client does.
async function echoServer() {
  const conns = new Set();
  const server = net.createServer((s) => {
    conns.add(s);
    s.on('error', () => {});
    s.on('close', () => conns.delete(s));
    s.pipe(s);
  });
  const port = await listen(server);
  return { port, server, conns, close: () => closeServer(server, conns) };
}

function closeServer(server, conns) {
  for (const s of conns) s.destroy();
  return new Promise((r) => server.close(() => r()));
}

// A sink that counts and verifies every byte against pattern(). `paused` starts it not reading.
async function sinkServer({ paused = false } = {}) {
  const conns = new Set();
  const stats = [];
  let onConn = null;
  const server = net.createServer({ pauseOnConnect: true }, (s) => {
    conns.add(s);
    const st = { bytes: 0, firstBad: -1, ended: false, error: null, socket: s };
    stats.push(st);
    s.on('data', (d) => {
      for (let i = 0; i < d.length; i++) {
        if (st.firstBad < 0 && d[i] !== (st.bytes + i) % 251) st.firstBad = st.bytes + i;
      }
      st.bytes += d.length;
    });
    s.on('end', () => { st.ended = true; });
    s.on('error', (e) => { st.error = e.code; });
    s.on('close', () => conns.delete(s));
    if (!paused) s.resume();
    if (onConn) onConn(st);
  });
  const port = await listen(server);
  return {
    port, stats, conns,
    nextConnection: () => new Promise((r) => {
      if (stats.length) return r(stats[stats.length - 1]);
      onConn = r;
    }),
    close: () => closeServer(server, conns),
  };
}

// Read everything from a reader until done, or until `limit` bytes.
async function readBytes(reader, limit = Infinity) {
  const parts = [];
  let n = 0;
  while (n < limit) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.byteLength;
  }
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

// Number of microtask turns until `p` settles, or -1 if it does not settle within this task
// (the "settleHops" probe, docs/chromium-write-drop.md#when-a-write-settles).
async function settleHops(p, maxHops = 64) {
  let settled = false;
  p.then(() => { settled = true; }, () => { settled = true; });
  for (let i = 0; i < maxHops; i++) {
    if (settled) return i;
    await null;
  }
  return settled ? maxHops : -1;
}

async function waitFor(cond, ms, what) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timeout after ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
}

module.exports = {
  ds, MODULE, KiB, MiB, withTimeout, sleep, macrotask, pattern, echoServer, sinkServer, listen,
  readBytes, settleHops, waitFor, closeServer,
};
