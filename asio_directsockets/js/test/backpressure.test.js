'use strict';
// Flow control in both directions: a reader that does not read stops the peer (TCP window),
// and a peer that does not read stops our writes from resolving. Nothing is buffered without
// bound on the Node side.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { ds, MiB, KiB, withTimeout, sleep, pattern, listen, readBytes, sinkServer, waitFor } =
    require('./helpers');

const { TCPSocket } = ds;
const T = { timeout: 30000 };

test('slow reader: the peer is held back by TCP flow control, then all 32 MiB arrive intact', T,
     async (t) => {
       ds.install();
       const TOTAL = 32 * MiB;
       const CHUNK = 256 * KiB;
       let sender;
       let writtenByPeer = 0;  // bytes the peer's socket accepted into the kernel
       const server = net.createServer((s) => {
         sender = s;
         let off = 0;
         const pump = () => {
           while (off < TOTAL) {
             const ok = s.write(Buffer.from(pattern(off, CHUNK)));
             off += CHUNK;
             if (!ok) return;
           }
           s.end();
         };
         s.on('drain', pump);
         s.on('error', () => {});
         pump();
       });
       const port = await listen(server);
       try {
         const sock = new TCPSocket('127.0.0.1', port);
         const { readable } = await sock.opened;
         // Nobody reads for a second.
         await sleep(1000);
         writtenByPeer = sender.bytesWritten - sender.writableLength;
         assert.ok(writtenByPeer < 16 * MiB,
                   `peer pushed ${(writtenByPeer / MiB).toFixed(1)} MiB while we did not read`);
         t.diagnostic(`peer stalled after ${(writtenByPeer / MiB).toFixed(2)} MiB`);
         await sleep(300);
         const later = sender.bytesWritten - sender.writableLength;
         assert.ok(later - writtenByPeer < 256 * KiB, 'the peer is stalled, not merely slow');

         const r = readable.getReader();
         const got = await withTimeout(readBytes(r), 20000, 'read all');
         assert.equal(got.length, TOTAL);
         assert.equal(Buffer.compare(got, Buffer.from(pattern(0, TOTAL))), 0);
         r.releaseLock();
         await sock.close();
       } finally {
         if (sender) sender.destroy();
         await new Promise((r) => server.close(r));
       }
     });

test('peer that does not read: write() promises stop resolving; memory stays bounded', T,
     async (t) => {
       const sink = await sinkServer({ paused: true });
       try {
         const sock = new TCPSocket('127.0.0.1', sink.port);
         const { writable } = await sock.opened;
         const w = writable.getWriter();
         const chunk = 64 * KiB;
         let resolved = 0;
         let stuck = false;
         for (let off = 0; off < 256 * MiB; off += chunk) {
           const p = w.write(pattern(off, chunk));
           const res = await Promise.race([p.then(() => 'ok'), sleep(500).then(() => 'stuck')]);
           if (res === 'stuck') {
             stuck = true;
             await sleep(200);
             // The pending write has not resolved either; Node holds little.
             break;
           }
           resolved += chunk;
         }
         t.diagnostic(`writes blocked after ${(resolved / MiB).toFixed(2)} MiB`);
         assert.ok(stuck, 'writes must block when the peer stops reading');
         assert.ok(resolved < 32 * MiB, `${(resolved / MiB).toFixed(1)} MiB accepted before blocking`);
         assert.ok(w.desiredSize <= 0, 'the writer reports backpressure');
         // Let the sink read: everything written arrives, in order.
         const st = await sink.nextConnection();
         st.socket.resume();
         await waitFor(() => st.bytes >= resolved, 10000, 'sink catching up');
         assert.equal(st.firstBad, -1);
         w.releaseLock();
         await writable.abort();
       } finally {
         await sink.close();
       }
     });

test('one big write: the promise resolves only once the data has left the 64 KiB pipe', T,
     async () => {
       const sink = await sinkServer();
       try {
         const sock = new TCPSocket('127.0.0.1', sink.port);
         const { writable, readable } = await sock.opened;
         const w = writable.getWriter();
         await withTimeout(w.write(pattern(0, 16 * MiB)), 10000, '16 MiB write');
         const st = await sink.nextConnection();
         await waitFor(() => st.bytes === 16 * MiB, 10000, 'sink');
         assert.equal(st.firstBad, -1);
         w.releaseLock();
         await readable.cancel();
         await writable.close();
         await sock.closed;
       } finally {
         await sink.close();
       }
     });
