'use strict';
// Test kit for the bridge tests (asio_directsockets/js/test/bridge_*.test.js): loopback peers
// that verify every byte, and a driver that plays the C++ side of an upload.

const net = require('node:net');
const path = require('node:path');
const { load } = require('./harness');

const ds = require(path.join(__dirname, '..', '..', 'node', 'direct_sockets.js'));

const KiB = 1024;
const MiB = 1024 * 1024;
// The result codes, from the contract (asio_directsockets/js/bridge/contract.json).
const E = Object.fromEntries(require('../../bridge/contract.json').result_codes.map((r) => [r.name, r.value]));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(p, ms, what) {
  let t;
  return Promise.race([
    p,
    new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`timeout ${ms} ms: ${what}`)), ms); }),
  ]).finally(() => clearTimeout(t));
}

async function waitFor(cond, ms, what) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timeout ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
}

// Byte i of every test stream is i mod 251.
const MOD = 251;

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

// A sink that verifies pattern bytes. mode: 'fast' | 'slow' (rate bytes/s) | 'stopgo'
// (read `burst` bytes, pause `pauseMs`) | 'paused' (reads nothing until resume()).
async function sink({ mode = 'fast', rate = 16 * MiB, burst = 512 * KiB, pauseMs = 200 } = {}) {
  const conns = new Set();
  const stats = [];
  let onConn = null;
  const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, (s) => {
    conns.add(s);
    const st = { bytes: 0, firstBad: -1, ended: false, error: null, closed: false, socket: s,
                 firstAt: 0, lastAt: 0 };
    stats.push(st);
    let budget = burst;
    const t0 = Date.now();
    s.on('data', (d) => {
      if (!st.firstAt) st.firstAt = performance.now();
      st.lastAt = performance.now();
      if (st.firstBad < 0) {
        for (let i = 0; i < d.length; i++) {
          if (d[i] !== (st.bytes + i) % MOD) { st.firstBad = st.bytes + i; break; }
        }
      }
      st.bytes += d.length;
      if (mode === 'slow') {
        const due = t0 + (st.bytes / rate) * 1000;
        const wait = due - Date.now();
        if (wait > 1) { s.pause(); setTimeout(() => s.resume(), wait); }
      } else if (mode === 'stopgo') {
        budget -= d.length;
        if (budget <= 0) { budget = burst; s.pause(); setTimeout(() => s.resume(), pauseMs); }
      }
    });
    s.on('end', () => { st.ended = true; s.end(); });
    s.on('error', (e) => { st.error = e.code; });
    s.on('close', () => { st.closed = true; conns.delete(s); });
    if (mode !== 'paused') s.resume();
    if (onConn) { const f = onConn; onConn = null; f(st); }
  });
  const port = await listen(server);
  return {
    port, stats, conns,
    next: () => new Promise((r) => { if (stats.length) r(stats[stats.length - 1]); else onConn = r; }),
    resumeAll() { for (const s of conns) s.resume(); },
    close() {
      for (const s of conns) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

// An echo server (ends its side when the client's FIN arrives).
async function echo() {
  const conns = new Set();
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    conns.add(s);
    s.on('error', () => {});
    s.on('close', () => conns.delete(s));
    s.pipe(s);
  });
  const port = await listen(server);
  return { port, conns, close() { for (const s of conns) s.destroy(); return new Promise((r) => server.close(() => r())); } };
}

// Seeded PRNG (xorshift32).
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

// Sizes for an upload: 'logu' log-uniform 1 B .. max; 'fixed'; 'mixed' (mostly small, with
// bursts of big writes up to 4 MiB).
function sizeGen(kind, { seed = 1, max = 256 * KiB, fixed = 64 * KiB } = {}) {
  const r = rng(seed);
  if (kind === 'fixed') return () => fixed;
  if (kind === 'logu') return () => Math.max(1, Math.floor(Math.exp(r() * Math.log(max))));
  if (kind === 'mixed') {
    return () => {
      const x = r();
      if (x < 0.05) return Math.floor(1 * MiB + r() * 3 * MiB);
      if (x < 0.4) return Math.floor(64 * KiB + r() * 192 * KiB);
      return Math.max(1, Math.floor(Math.exp(r() * Math.log(64 * KiB))));
    };
  }
  throw new Error('unknown size kind ' + kind);
}

// Resolves when the socket's writer loop has written everything and waits for data.
async function writerIdle(env, h) {
  for (;;) {
    const s = env.AdsBridge.socks.get(h);
    if (!s || (s.wqBytes === 0 && s.wake)) return;
    await new Promise((r) => setImmediate(r));
  }
}

let nextOp = 1000;
function opId() { return nextOp++; }

// Plays the C++ side of an upload of `total` pattern bytes: ads_write calls of sizes from
// `sizes`, `depth` of them outstanding, each from its own scratch buffer which is poisoned
// (0xEE) as soon as the write completes, so a bridge that kept reading wasm memory after
// completing would corrupt the stream. `pauses`: probability of a 0-3 ms pause after a write;
// `offset`: stream offset of the first byte (for a second upload on the same connection);
// `idle`: after each write, wait until the bridge has written everything (adversarial: the next
// small write then meets a pipe that a big write may just have filled).
async function upload(env, h, total, { sizes, depth = 1, maxSize = 4 * MiB, pauses = 0, seed = 7, offset = 0,
                                      idle = false } = {}) {
  const I = env.imports;
  const r = rng(seed);
  const scratch = [];
  for (let i = 0; i < depth; i++) scratch.push(env.malloc(maxSize));
  const pat = env.malloc(maxSize + MOD);   // pat[j] = j mod 251: any stream slice is a copy away
  for (let j = 0; j < maxSize + MOD; j++) env.heap[pat + j] = j % MOD;
  let off = 0;
  let calls = 0;
  const t0 = performance.now();
  async function lane(i) {
    while (off < total) {
      const len = Math.min(Math.min(sizes(), maxSize), total - off);
      const start = offset + off;
      off += len;
      const p = scratch[i];
      env.heap.copyWithin(p, pat + (start % MOD), pat + (start % MOD) + len);
      const op = opId();
      calls++;
      I.ads_write(h, op, p, len);
      const c = await env.next(op, 60000);
      if (c.err !== E.OK || c.value !== len) throw new Error(`write ${op} -> err ${c.err} value ${c.value}`);
      env.heap.fill(0xee, p, p + len);
      if (idle) await writerIdle(env, h);
      if (pauses && r() < pauses) await sleep(Math.floor(r() * 4));
    }
  }
  // With depth > 1 lanes interleave; offsets are claimed synchronously before each call, and
  // ads_write preserves call order (FIFO), so the stream stays in pattern order.
  await Promise.all(Array.from({ length: depth }, (_, i) => lane(i)));
  return { calls, ms: performance.now() - t0 };
}

async function connect(env, port, opts = {}) {
  const op = opId();
  const h = env.imports.ads_tcp_connect(op, env.cstr(opts.host || '127.0.0.1'), port,
                                        opts.noDelay ?? 1, -1, 0, 0, 0);
  if (h < 0) throw new Error('ads_tcp_connect returned ' + h);
  const c = await env.next(op);
  if (c.err !== E.OK) throw new Error('connect failed: ' + c.err);
  return h;
}

// Install the Node Direct Sockets implementation globally with `options`, load the bridge.
function setup(options = {}, harness = {}) {
  ds.install(globalThis, options);
  return load(harness);
}

// Records unhandled rejections and uncaught exceptions while a test runs.
function trapEscapes() {
  const seen = [];
  const onRej = (e) => seen.push(['unhandledRejection', e]);
  const onExc = (e) => seen.push(['uncaughtException', e]);
  process.on('unhandledRejection', onRej);
  process.on('uncaughtException', onExc);
  return {
    seen,
    stop() {
      process.off('unhandledRejection', onRej);
      process.off('uncaughtException', onExc);
      return seen;
    },
  };
}

module.exports = {
  ds, load, setup, E, KiB, MiB, MOD, sleep, withTimeout, waitFor, sink, echo, listen, rng, sizeGen,
  upload, connect, opId, trapEscapes, writerIdle,
};
