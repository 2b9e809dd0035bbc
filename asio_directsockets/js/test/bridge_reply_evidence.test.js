'use strict';
// Reply evidence (docs/browser-bridge.md, "Reply evidence"): in request/response traffic the
// peer's reply shows that it read our request, so small writes need not wait for the guard.
//  * echo request/response with the drop emulation: byte-exact, and the guard is not waited for;
//  * a peer that keeps sending while it reads nothing must not fool it into losing writes.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const K = require('./support/testkit');

const { E, KiB, MOD } = K;
const T = { timeout: 60000 };
const DROP = { emulateChromiumWriteDrop: true };

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

// Writes len pattern bytes starting at stream offset `start`, waits for the completion.
async function write(env, h, buf, start, len) {
  for (let i = 0; i < len; i++) env.heap[buf + i] = (start + i) % MOD;
  const op = K.opId();
  env.imports.ads_write(h, op, buf, len);
  const c = await env.next(op, 20000);
  assert.equal(c.err, E.OK);
  assert.equal(c.value, len);
  env.heap.fill(0xee, buf, buf + len);
}

// Reads exactly len bytes into buf.
async function readExactly(env, h, buf, len) {
  let got = 0;
  while (got < len) {
    const op = K.opId();
    env.imports.ads_read(h, op, buf + got, len - got);
    const c = await env.next(op, 20000);
    assert.equal(c.err, E.OK);
    got += c.value;
  }
}

async function echoRounds(options, msg, rounds) {
  const env = K.setup(DROP, { memory: 16 << 20 });
  Object.assign(env.AdsBridge, options);
  const esc = K.trapEscapes();
  const server = await K.echo();
  try {
    const h = await K.connect(env, server.port);
    const out = env.malloc(msg);
    const back = env.malloc(msg);
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) {
      await write(env, h, out, r * msg, msg);
      await readExactly(env, h, back, msg);
      for (let i = 0; i < msg; i++) {
        if (env.heap[back + i] !== (r * msg + i) % MOD) assert.fail(`round ${r}: byte ${i} differs`);
      }
    }
    const ms = performance.now() - t0;
    const s = env.AdsBridge.socks.get(h).stats;
    env.imports.ads_close(h);
    assert.deepEqual(esc.stop(), []);
    return { ms, stats: s };
  } finally {
    esc.stop();
    await server.close();
  }
}

for (const msg of [4 * KiB, 64 * KiB]) {
  test(`echo request/response, ${msg / KiB} KiB messages, drop emulation: exact, no guard waits`, T, async (t) => {
    const rounds = 200;
    const on = await echoRounds({}, msg, rounds);
    const off = await echoRounds({ REPLY_EVIDENCE: false }, msg, rounds);
    t.diagnostic(`${rounds} round trips: ${on.ms.toFixed(0)} ms with reply evidence ` +
                 `(${on.stats.replyResets} resets, ${on.stats.guardWaits} guard waits), ` +
                 `${off.ms.toFixed(0)} ms without (${off.stats.guardWaits} guard waits)`);
    assert.ok(on.stats.replyResets > 0, 'the replies ended the guard');
    assert.equal(on.stats.guardWaits, 0, 'no round trip waited for the guard');
    assert.ok(off.stats.guardWaits > 0, 'without reply evidence the same traffic meets the guard');
  });
}

// A peer that sends 1 KiB every 2 ms and reads nothing for `stallMs`, then reads (and verifies)
// everything. The client writes 8 x 1000 B, each once the bridge has written the last, reads
// whatever the peer sent (evidence that is no evidence), and repeats. Writes pile up in the
// kernel, then in the pipe, until one fits only partly: it settles late, when the peer reads
// again, at a low rate, so the connection is no longer quiet. (Writes that fill the pipe exactly
// settle in the task instead; docs/browser-bridge.md, "Known limits", says what that costs.)
test('a peer that sends but does not read: reply evidence does not lose writes', T, async (t) => {
  const env = K.setup(DROP, { memory: 16 << 20 });
  const esc = K.trapEscapes();
  const st = { bytes: 0, firstBad: -1, ended: false };
  let peer = null;
  const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, (s) => {
    peer = s;
    s.setRecvBufferSize?.(4 * KiB);
    const chatter = setInterval(() => s.write(Buffer.alloc(KiB, 0x41)), 2);
    s.on('data', (d) => {
      for (let i = 0; i < d.length && st.firstBad < 0; i++) {
        if (d[i] !== (st.bytes + i) % MOD) st.firstBad = st.bytes + i;
      }
      st.bytes += d.length;
    });
    s.on('end', () => { st.ended = true; clearInterval(chatter); s.end(); });
    s.on('error', () => clearInterval(chatter));
    s.on('close', () => clearInterval(chatter));
  });
  const port = await listen(server);
  try {
    // sendBufferSize 4 KiB: the kernel takes little, so the pipe fills soon.
    const cop = K.opId();
    const h = env.imports.ads_tcp_connect(cop, env.cstr('127.0.0.1'), port, 1, -1, 4 * KiB, 0, 0);
    assert.equal((await env.next(cop)).err, E.OK);
    const out = env.malloc(4 * KiB);
    const junk = env.malloc(64 * KiB);
    const stallMs = 3000;
    setTimeout(() => peer.resume(), stallMs);
    let written = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < stallMs + 500) {
      for (let i = 0; i < 8; i++) {
        await write(env, h, out, written, 1000);
        written += 1000;
        await K.writerIdle(env, h);
      }
      const op = K.opId();
      env.imports.ads_read(h, op, junk, 64 * KiB);
      assert.equal((await env.next(op, 20000)).err, E.OK);
    }
    // (not closing first: after a 3 s stall the close grace is long, see closeGraceMs)
    await K.waitFor(() => st.bytes >= written || st.firstBad >= 0, 20000, 'the peer got everything');
    const B = env.AdsBridge;
    t.diagnostic(`${written} B written, peer got ${st.bytes}; reply resets ${B.stats.replyResets}, ` +
                 `guard waits ${B.stats.guardWaits}, undecided ${B.stats.undecided}`);
    assert.equal(st.firstBad, -1, 'no byte lost or reordered');
    assert.equal(st.bytes, written, 'every byte arrived');
    assert.ok(B.stats.guardWaits > 0, 'once writes settled late at a low rate, the guard was back');
    env.imports.ads_abort(h);
    assert.deepEqual(esc.stop(), []);
  } finally {
    esc.stop();
    if (peer) peer.destroy();
    await new Promise((r) => server.close(() => r()));
  }
});
