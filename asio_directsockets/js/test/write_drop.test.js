'use strict';
// The Chromium 156 write-drop emulation (install(..., { emulateChromiumWriteDrop: true })),
// checked against the observations in docs/chromium-write-drop.md ("The investigation"), and the same
// write disciplines against the fixed pipe (the default), which must not lose or duplicate data.

const test = require('node:test');
const assert = require('node:assert/strict');
const { ds, KiB, MiB, withTimeout, sleep, macrotask, pattern, sinkServer, settleHops, waitFor } =
    require('./helpers');

const { TCPSocket } = ds;
const T = { timeout: 60000 };
const PIPE = 64 * KiB;

async function connect(port) {
  const s = new TCPSocket('127.0.0.1', port, { noDelay: true });
  const info = await withTimeout(s.opened, 5000, 'opened');
  return { s, info, w: info.writable.getWriter() };
}

async function closeAll({ s, info, w }) {
  w.releaseLock();
  await info.readable.cancel();
  await info.writable.close().catch(() => {});
  await withTimeout(s.closed.catch(() => {}), 5000, 'closed');
}

// Wait until the sink's count stops changing.
async function settledCount(st, quietMs = 300) {
  let last = -1;
  while (st.bytes !== last) {
    last = st.bytes;
    await sleep(quietMs);
  }
  return st.bytes;
}

// docs/chromium-write-drop.md#the-discipline: one write in flight, every write > 64 KiB, a write that settles within the
// current task was dropped and is re-issued.
async function writeDetect(w, buf, st) {
  for (let attempt = 0; ; attempt++) {
    const p = w.write(buf);
    const hops = await settleHops(p);
    await p;
    if (hops < 0) return;
    st.drops++;
    if (attempt < 2) await macrotask();
    else await sleep(Math.min(1 << (attempt - 2), 16));
  }
}

// Split into writes of `chunk`, merging a tail <= 64 KiB into the previous write.
function plan(total, chunk) {
  const out = [];
  for (let off = 0; off < total;) {
    let len = Math.min(chunk, total - off);
    if (total - off - len > 0 && total - off - len <= PIPE) len = total - off;
    out.push([off, len]);
    off += len;
  }
  return out;
}

async function detectUpload(w, total, chunk) {
  const st = { drops: 0 };
  for (const [off, len] of plan(total, chunk)) await writeDetect(w, pattern(off, len), st);
  return st;
}

test('emulation on: naive burst of 128 x 64 KiB awaited writes loses all but the first', T,
     async (t) => {
       ds.install(globalThis, { emulateChromiumWriteDrop: true });
       const sink = await sinkServer();
       try {
         const c = await connect(sink.port);
         const t0 = performance.now();
         for (let i = 0; i < 128; i++) await c.w.write(pattern(i * PIPE, PIPE));
         const writeMs = performance.now() - t0;
         const st = await sink.nextConnection();
         const got = await settledCount(st);
         t.diagnostic(`128 awaited writes took ${writeMs.toFixed(1)} ms; sink got ${got} bytes`);
         // Every promise resolved, fast, yet only the first chunk entered the pipe: the other
         // 127 writes started while the 64 KiB pipe was full (docs/chromium-write-drop.md#reproduction, cases A/B).
         assert.equal(got, 65536);
         assert.equal(st.firstBad, -1, 'what arrived is the correct prefix');
         // Nothing is held back: a later 1-byte write lands right behind byte 65,535 (case L).
         await sleep(50);
         await c.w.write(pattern(128 * PIPE, 1));
         await waitFor(() => st.bytes === 65537, 5000, 'kick');
         assert.equal(st.firstBad, 65536, 'a hole: 127 chunks were discarded, not stuck');
         await closeAll(c);
       } finally {
         await sink.close();
       }
     });

test('emulation on: calibration of settle timing and the full-pipe drop', T, async () => {
  const sink = await sinkServer();
  try {
    // A first write <= 64 KiB fits the empty pipe and settles inside the task.
    let c = await connect(sink.port);
    assert.ok((await settleHops(c.w.write(pattern(0, PIPE)))) >= 0);
    await closeAll(c);
    // A first write of 65,537 B can never complete inside Write(): it settles in a later task.
    c = await connect(sink.port);
    const big = c.w.write(pattern(0, PIPE + 1));
    assert.equal(await settleHops(big), -1);
    await big;
    const st1 = sink.stats[1];
    await waitFor(() => st1.bytes === PIPE + 1, 5000, '65,537 bytes');
    await closeAll(c);
    // 65,536 B then 70,000 B at once: the second starts on a full pipe, settles inside the task
    // and is lost.
    c = await connect(sink.port);
    await c.w.write(pattern(0, PIPE));
    const second = c.w.write(pattern(PIPE, 70000));
    assert.ok((await settleHops(second)) >= 0, 'dropped write settles in the same task');
    await second;
    const st2 = sink.stats[2];
    assert.equal(await settledCount(st2, 200), PIPE);
    await closeAll(c);
  } finally {
    await sink.close();
  }
});

test('emulation on: one big write on a fresh connection arrives complete (case K)', T, async () => {
  const sink = await sinkServer();
  try {
    const c = await connect(sink.port);
    await c.w.write(pattern(0, 8 * MiB));
    const st = await sink.nextConnection();
    await waitFor(() => st.bytes === 8 * MiB, 10000, '8 MiB');
    assert.equal(st.firstBad, -1);
    await closeAll(c);
  } finally {
    await sink.close();
  }
});

test('emulation on: one write in flight, 1 MiB writes, no detection: data is lost', T,
     async (t) => {
       const sink = await sinkServer();
       try {
         const c = await connect(sink.port);
         for (let i = 0; i < 16; i++) await c.w.write(pattern(i * MiB, MiB));
         const st = await sink.nextConnection();
         const got = await settledCount(st);
         t.diagnostic(`naive 1 MiB writes: sink got ${(got / MiB).toFixed(2)} of 16 MiB`);
         assert.ok(got < 16 * MiB, 'a write issued right after a big one meets a full pipe');
         await closeAll(c);
       } finally {
         await sink.close();
       }
     });

test('emulation on: one write in flight, every write > 64 KiB, re-issue when settled in-task: ' +
     'byte-exact', T, async (t) => {
  const sink = await sinkServer();
  try {
    for (const chunk of [MiB, 256 * KiB + 1, 4 * MiB]) {
      const c = await connect(sink.port);
      const total = 16 * MiB + 12345;
      const t0 = performance.now();
      const res = await detectUpload(c.w, total, chunk);
      const ms = performance.now() - t0;
      const st = sink.stats[sink.stats.length - 1];
      await waitFor(() => st.bytes >= total, 10000, 'sink');
      await sleep(50);
      t.diagnostic(`chunk ${chunk}: ${res.drops} drops re-issued, ` +
                   `${(total / MiB / (ms / 1000)).toFixed(0)} MiB/s`);
      assert.equal(st.bytes, total, 'nothing lost, nothing duplicated');
      assert.equal(st.firstBad, -1);
      if (chunk % PIPE === 0) {
        // The last piece of such a write fills the pipe exactly, so the next write meets a
        // full pipe: the emulation drops it and the discipline repairs it.
        assert.ok(res.drops > 0, 'the emulation dropped writes that the discipline repaired');
      }
      await closeAll(c);
    }
  } finally {
    await sink.close();
  }
});

test('emulation on via DIRECT_SOCKETS_EMULATE_WRITE_DROP=1', T, async () => {
  const { execFileSync } = require('node:child_process');
  const path = require('node:path');
  const register = path.join(__dirname, '..', 'node', 'register.js');
  const out = execFileSync(process.execPath, [
    '-r', register, '-e',
    'console.log(JSON.stringify([typeof TCPSocket, require(' +
        JSON.stringify(path.join(__dirname, '..', 'node', 'direct_sockets.js')) +
        ').getConfig().emulateChromiumWriteDrop]))',
  ], { env: { ...process.env, DIRECT_SOCKETS_EMULATE_WRITE_DROP: '1' }, timeout: 10000 });
  assert.deepEqual(JSON.parse(out.toString()), ['function', true]);
});

test('fixed pipe (default): naive writes lose nothing; the discipline finds no drops', T,
     async () => {
       ds.install();
       const sink = await sinkServer();
       try {
         let c = await connect(sink.port);
         for (let i = 0; i < 128; i++) await c.w.write(pattern(i * PIPE, PIPE));
         let st = await sink.nextConnection();
         await waitFor(() => st.bytes === 128 * PIPE, 10000, 'naive 8 MiB');
         assert.equal(st.firstBad, -1);
         await closeAll(c);

         c = await connect(sink.port);
         const res = await detectUpload(c.w, 16 * MiB, MiB);
         st = sink.stats[1];
         await waitFor(() => st.bytes >= 16 * MiB, 10000, 'detect 16 MiB');
         await sleep(50);
         assert.equal(res.drops, 0, 'a write > 64 KiB never settles in-task without the bug');
         assert.equal(st.bytes, 16 * MiB);
         assert.equal(st.firstBad, -1);
         await closeAll(c);
       } finally {
         await sink.close();
       }
     });

test('teardown discards what is still in the 64 KiB pipe, as in Chromium (docs/chromium-write-drop.md#close)', T,
     async (t) => {
       ds.install();  // the discard is independent of the drop bug
       const sink = await sinkServer({ paused: true });
       try {
         const c = await connect(sink.port);
         // 64 KiB writes until one blocks: the peer reads nothing, Node's socket and the kernel
         // fill up, the pump stops, and the last write that resolved sits in the full pipe.
         let resolved = 0;
         for (let i = 0; ; i++) {
           const p = c.w.write(pattern(resolved, PIPE));
           const r = await Promise.race([p.then(() => 'ok'), sleep(500).then(() => 'stuck')]);
           if (r === 'stuck') {
             p.catch(() => {});
             break;
           }
           resolved += PIPE;
           assert.ok(i < 4096, 'writes never blocked');
         }
         // socket.close(): the pending write rejects, both streams close, teardown.
         c.w.releaseLock();
         await withTimeout(c.s.close(), 5000, 'close');
         const sst = await sink.nextConnection();
         sst.socket.resume();
         const got = await settledCount(sst);
         t.diagnostic(`resolved ${resolved} B, sink got ${got} B: lost ${resolved - got} B`);
         assert.equal(sst.firstBad, -1);
         assert.equal(got, resolved - PIPE, 'exactly the pipe load of a resolved write is lost');
         await waitFor(() => sst.ended, 5000, 'FIN after the flush');
       } finally {
         await sink.close();
       }
     });

test('closing after the pipe drained loses nothing', T, async () => {
  ds.install(globalThis, { emulateChromiumWriteDrop: true });
  const sink = await sinkServer();
  try {
    const c = await connect(sink.port);
    await detectUpload(c.w, 4 * MiB + 1, MiB);
    c.w.releaseLock();
    await withTimeout(c.s.close(), 5000, 'close');
    const st = await sink.nextConnection();
    await waitFor(() => st.ended, 5000, 'FIN');
    assert.equal(st.bytes, 4 * MiB + 1);
    assert.equal(st.firstBad, -1);
  } finally {
    await sink.close();
    ds.install();
  }
});
