'use strict';
// The raw-JS Direct Sockets client: the same scenarios as bench/bench_client.cpp, written the
// way a page would use TCPSocket/UDPSocket directly (one async loop per connection, `await
// writer.write()`, `await reader.read()`), with the same arguments and the same JSON rows
// (docs/benchmarks.md#json-rows). It shows what the library costs over doing the same work in
// JS in the same page. Loaded by js_page.js (page) or js_worker.js (dedicated Worker).
//
//   run(['tcp_echo', '--port', P, '--msg', 64, ...], print) -> exit status
// Scenarios: tcp_echo udp_rr udp_flood tcp_connect mem_idle tcp_download tcp_upload.

(function (global) {
  const now = () => performance.now();

  function parseArgs(argv) {
    const o = { scenario: argv[0] };
    for (let i = 1; i < argv.length; i += 2) {
      if (!String(argv[i]).startsWith('--') || i + 1 >= argv.length) throw new Error(`expected --key value, got ${argv[i]}`);
      o[String(argv[i]).slice(2)] = argv[i + 1];
    }
    const used = new Set(['scenario']);
    const num = (k, d) => {
      used.add(k);
      return o[k] === undefined ? d : Number(o[k]);
    };
    num.checkAllUsed = () => {
      for (const k of Object.keys(o)) if (!used.has(k)) throw new Error(`unknown option --${k}`);
    };
    return { scenario: o.scenario, num };
  }

  // Host figures from the browser driver (bench/common/host.hpp explains the routes); the same
  // synchronous requests the wasm program makes, so both pay the same at the window's edges.
  function hostNumber(path) {
    try {
      const x = new XMLHttpRequest();
      x.open('GET', path, false);
      x.send();
      const v = Number(x.responseText);
      return x.status === 200 && Number.isFinite(v) ? v : -1;
    } catch {
      return -1;
    }
  }
  const cpuNs = (pid) => hostNumber(pid > 0 ? `/api/cpu?pid=${pid}` : '/api/cpu?who=client');
  const rssKib = (pid) => hostNumber(`/api/rss?pid=${pid}`);
  async function probe() {
    try {
      const r = await fetch('/api/probe');
      return r.ok ? await r.json() : {};
    } catch {
      return {};
    }
  }

  class Latency {
    constructor() { this.v = []; }
    add(ms) { this.v.push(ms * 1000); }
    pct(p) {
      if (!this.v.length) return 0;
      if (!this.sorted) { this.v.sort((a, b) => a - b); this.sorted = true; }
      return this.v[Math.min(Math.floor(p * this.v.length), this.v.length - 1)];
    }
  }

  // The measurement window of a rate scenario (bench/common/window.hpp): warm-up, then `secs`
  // of counting, then onStop; wall time and CPU (browser + server) over the counted part.
  class Window {
    constructor(warm, secs, serverPid) {
      Object.assign(this, { warm, secs, serverPid, measuring: false, stopping: false });
    }
    start(onStop) {
      return new Promise((resolve) => {
        setTimeout(() => {
          this.c0 = cpuNs(0);
          this.s0 = this.serverPid > 0 ? cpuNs(this.serverPid) : -1;
          this.measuring = true;
          this.t0 = now();
          setTimeout(() => {
            this.measuring = false;
            this.stopping = true;
            this.t1 = now();
            this.c1 = cpuNs(0);
            this.s1 = this.serverPid > 0 ? cpuNs(this.serverPid) : -1;
            onStop();
            resolve();
          }, this.secs * 1000);
        }, this.warm * 1000);
      });
    }
    seconds() { return (this.t1 - this.t0) / 1000; }
    addCpu(values, units, ops) {
      if (!(ops > 0) || this.c0 < 0 || this.c1 < 0) return;
      const client = (this.c1 - this.c0) / 1e3 / ops;
      values.cpu_client_per_op = client;
      units.cpu_client_per_op = 'us';
      if (this.s0 >= 0 && this.s1 >= 0) {
        const server = (this.s1 - this.s0) / 1e3 / ops;
        Object.assign(values, { cpu_server_per_op: server, cpu_per_op: client + server });
        Object.assign(units, { cpu_server_per_op: 'us', cpu_per_op: 'us' });
      }
    }
  }

  function row(scenario, msg, conns, extra, values, units) {
    return JSON.stringify({ schema: 1, impl: 'js-direct-sockets', platform: 'chromium', scenario,
                            msg, conns, ...extra, values, units });
  }

  async function openTcp(port, options = {}) {
    const sock = new TCPSocket('127.0.0.1', port, options);
    const { readable, writable } = await sock.opened;
    return { sock, reader: readable.getReader(), writer: writable.getWriter() };
  }

  // Ends a connection with operations pending: the pending read ends as EOF, the write fails.
  function abortTcp(c) {
    c.reader.cancel().catch(() => {});
    c.writer.abort().catch(() => {});
  }

  async function closeTcp(c) {
    try { c.reader.releaseLock(); } catch {}
    try { c.writer.releaseLock(); } catch {}
    try { await c.sock.close(); } catch {}
  }

  // ---- tcp_echo: write one message, read the echo completely, repeat --------------------------
  async function tcpEcho(a) {
    const port = a.num('port', 0), msg = a.num('msg', 64), conns = a.num('conns', 1);
    const secs = a.num('secs', 1), warm = a.num('warm', 0.25), serverPid = a.num('server-pid', 0);
    a.num.checkAllUsed();
    const w = new Window(warm, secs, serverPid);
    const lat = new Latency();
    let rts = 0;
    const cs = [];
    for (let i = 0; i < conns; i++) cs.push(await openTcp(port, { noDelay: true }));
    const out = new Uint8Array(msg);
    for (let i = 0; i < msg; i++) out[i] = (i * 7 + 1) & 255;
    const loop = async (c) => {
      while (!w.stopping) {
        const t0 = now();
        await c.writer.write(out);
        let got = 0, last = -1;
        while (got < msg) {
          const { value, done } = await c.reader.read();
          if (done) throw new Error('eof');
          got += value.byteLength;
          last = value[value.byteLength - 1];
        }
        if (got !== msg || last !== out[msg - 1]) throw new Error(`bad echo (${got} bytes)`);
        if (w.measuring) {
          rts++;
          lat.add(now() - t0);
        }
      }
    };
    const loops = cs.map((c) => loop(c).catch((e) => (w.stopping ? null : e)));
    await w.start(() => cs.forEach(abortTcp));
    const errors = (await Promise.all(loops)).filter(Boolean);
    if (errors.length) throw errors[0];
    const s = w.seconds();
    const values = { throughput: rts * msg / 1048576 / s, rate: rts / s, p50: lat.pct(0.5), p99: lat.pct(0.99) };
    const units = { throughput: 'MiB/s', rate: 'round trips/s', p50: 'us', p99: 'us' };
    w.addCpu(values, units, rts);
    return row('tcp_echo', msg, conns, { seconds: s }, values, units);
  }

  // ---- udp_rr / udp_flood: one bound socket, send_to + receive, window 1 or W ------------------
  async function udp(a, flood) {
    const port = a.num('port', 0), msg = a.num('msg', 64), win = flood ? a.num('window', 64) : 1;
    const secs = a.num('secs', 1), warm = a.num('warm', 0.25), serverPid = a.num('server-pid', 0);
    a.num.checkAllUsed();
    const sock = new UDPSocket({ localAddress: '127.0.0.1' });
    const { readable, writable } = await sock.opened;
    const reader = readable.getReader(), writer = writable.getWriter();
    const w = new Window(warm, secs, serverPid);
    const lat = new Latency();
    const data = new Uint8Array(msg).fill(117);
    let received = 0, lost = 0, inFlight = 0, sending = false, progress = 0, lastProgress = 0, sentAt = 0;
    let failure = null;
    const fill = () => {
      if (sending || w.stopping || inFlight >= win) return;
      sending = true;
      inFlight++;
      sentAt = now();
      writer.write({ data, remoteAddress: '127.0.0.1', remotePort: port }).then(() => {
        sending = false;
        fill();
      }, (e) => { if (!w.stopping) failure = failure || e; });
    };
    const receive = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        if (value.data.byteLength !== msg) throw new Error(`echo of ${value.data.byteLength} bytes`);
        if (inFlight > 0) inFlight--;
        if (w.measuring) {
          received++;
          if (win === 1) lat.add(now() - sentAt);
        }
        progress++;
        fill();
      }
    })().catch((e) => { if (!w.stopping) failure = failure || e; });
    const watchdog = setInterval(() => {
      if (w.stopping) return;
      if (progress === lastProgress && inFlight > 0 && !sending) {
        if (w.measuring) lost += inFlight;
        inFlight = 0;
        fill();
      }
      lastProgress = progress;
    }, 20);
    fill();
    await w.start(() => {
      clearInterval(watchdog);
      reader.cancel().catch(() => {});
      writer.abort().catch(() => {});
    });
    await receive;
    if (failure) throw failure;
    const s = w.seconds();
    const values = { rate: received / s };
    const units = { rate: 'datagrams/s' };
    if (!flood) Object.assign(values, { p50: lat.pct(0.5), p99: lat.pct(0.99) }), Object.assign(units, { p50: 'us', p99: 'us' });
    values.lost = lost;
    units.lost = 'datagrams';
    w.addCpu(values, units, received);
    return row(flood ? 'udp_flood' : 'udp_rr', msg, 1, { window: win, seconds: s }, values, units);
  }

  // ---- tcp_connect: connect, [write one byte,] the server closes, read EOF, close ---------------
  async function tcpConnect(a) {
    const port = a.num('port', 0), conns = a.num('conns', 1);
    const secs = a.num('secs', 1), warm = a.num('warm', 0.25), serverPid = a.num('server-pid', 0);
    const sendByte = a.num('send-byte', 0) !== 0;
    a.num.checkAllUsed();
    const w = new Window(warm, secs, serverPid);
    const lat = new Latency();
    let cycles = 0;
    const byte = new Uint8Array([99]);
    const loop = async () => {
      while (!w.stopping) {
        const t0 = now();
        const c = await openTcp(port);
        if (sendByte) await c.writer.write(byte);
        const { done } = await c.reader.read();
        if (!done) throw new Error('read (expected eof): got data');
        await closeTcp(c);
        if (w.measuring) {
          cycles++;
          lat.add(now() - t0);
        }
      }
    };
    const loops = Array.from({ length: conns }, () => loop().catch((e) => (w.stopping ? null : e)));
    await w.start(() => {});
    const errors = (await Promise.all(loops)).filter(Boolean);
    if (errors.length) throw errors[0];
    const s = w.seconds();
    const values = { rate: cycles / s, p50: lat.pct(0.5), p99: lat.pct(0.99) };
    const units = { rate: 'connections/s', p50: 'us', p99: 'us' };
    w.addCpu(values, units, cycles);
    return row('tcp_connect', 0, conns, { seconds: s }, values, units);
  }

  // ---- mem_idle: `conns` connections, each greeted with one byte, then one read pending ---------
  async function memIdle(a) {
    const port = a.num('port', 0), conns = a.num('conns', 1000), serverPid = a.num('server-pid', 0);
    a.num.checkAllUsed();
    const warmup = await openTcp(port);  // warms the browser's lazily built state, not counted
    await warmup.reader.read();
    await closeTcp(warmup);
    const before = await probe();
    const server0 = serverPid > 0 ? rssKib(serverPid) : -1;
    const cs = [];
    for (let i = 0; i < conns; i++) cs.push(await openTcp(port));
    const pending = [];
    for (const c of cs) {
      const { value, done } = await c.reader.read();
      if (done || !value.byteLength) throw new Error('greeting: eof');
      pending.push(c.reader.read().catch(() => {}));  // idle from now on: one read pending
    }
    await new Promise((r) => setTimeout(r, 100));
    const server1 = serverPid > 0 ? rssKib(serverPid) : -1;
    const after = await probe();
    cs.forEach(abortTcp);
    const values = {}, units = {};
    const perConn = (name, k) => {
      if (before[k] >= 0 && after[k] >= 0) {
        values[name] = (after[k] - before[k]) / conns;
        units[name] = 'bytes';
      }
    };
    perConn('client_bytes_per_conn', 'js_heap');
    if (server0 >= 0 && server1 >= 0) {
      values.server_bytes_per_conn = (server1 - server0) * 1024 / conns;
      units.server_bytes_per_conn = 'bytes';
    }
    perConn('js_heap_bytes_per_conn', 'js_heap');
    perConn('renderer_bytes_per_conn', 'renderer_rss');
    perConn('network_service_bytes_per_conn', 'network_rss');
    return row('mem_idle', 0, conns, {}, values, units);
  }

  // ---- bulk transfers (bench/scenarios/tcp_bulk.hpp), the same pattern and protocol -------------
  const BLOCK = 65521;
  const TABLE = new Uint8Array(BLOCK + 251).map((_, j) => j % 251);
  function forRuns(n, offset, f) {
    for (let at = 0; at < n;) {
      const o = offset + at;
      const within = o % BLOCK;
      const len = Math.min(n - at, BLOCK - within);
      if (!f(at, o % 251, len, Math.floor(o / BLOCK) & 255)) return;
      at += len;
    }
  }
  function fillPattern(buf, offset) {
    forRuns(buf.length, offset, (at, start, len, add) => {
      for (let k = 0; k < len; k++) buf[at + k] = TABLE[start + k] + add;
      return true;
    });
  }
  function checkPattern(buf, offset) {
    let bad = -1;
    forRuns(buf.length, offset, (at, start, len, add) => {
      for (let k = 0; k < len; k++) {
        if (buf[at + k] !== ((TABLE[start + k] + add) & 255)) { bad = at + k; return false; }
      }
      return true;
    });
    return bad;
  }
  function header(bytes) {
    const h = new Uint8Array(8);
    for (let i = 0, v = bytes; i < 8; i++, v = Math.floor(v / 256)) h[i] = v & 255;
    return h;
  }

  // tcp_download: read everything the source sends, checking every byte.
  async function tcpDownload(a) {
    const port = a.num('port', 0), msg = a.num('msg', 65536), bytes = a.num('bytes', 64 * 1048576);
    const serverPid = a.num('server-pid', 0);
    a.num.checkAllUsed();
    const c = await openTcp(port);
    await c.writer.write(header(bytes));
    const t0 = now(), c0 = cpuNs(0), s0 = cpuNs(serverPid);
    let done = 0;
    while (done < bytes) {
      const r = await c.reader.read();
      if (r.done) throw new Error(`eof after ${done} bytes`);
      const bad = checkPattern(r.value, done);
      if (bad >= 0) throw new Error(`wrong byte at offset ${done + bad}`);
      done += r.value.byteLength;
    }
    const s = (now() - t0) / 1000, c1 = cpuNs(0), s1 = cpuNs(serverPid);
    await closeTcp(c);
    return bulkRow('tcp_download', msg, bytes, s, c0, c1, s0, s1, serverPid);
  }

  // tcp_upload: the write discipline of docs/chromium-write-drop.md#the-discipline in plain JS,
  // so the page's own ceiling is measured next to the library: one write in flight, every write
  // larger than Chromium's 64 KiB send pipe (`msg` bytes, 1 MiB by default); a write whose
  // promise settles within the current task found the pipe full and was dropped (Chromium 156),
  // so it is written again after a macrotask. A plain `await writer.write()` loop would lose
  // data here. The verifying sink answers once every byte arrived.
  async function tcpUpload(a) {
    const port = a.num('port', 0), msg = a.num('msg', 1048576), bytes = a.num('bytes', 64 * 1048576);
    const serverPid = a.num('server-pid', 0);
    a.num.checkAllUsed();
    if (msg <= 65536) throw new Error('the raw-JS upload needs --msg > 65536 (checkable writes)');
    const c = await openTcp(port);
    await c.writer.write(header(bytes));
    const macrotask = () => new Promise((r) => setTimeout(r, 0));
    const t0 = now(), c0 = cpuNs(0), s0 = cpuNs(serverPid);
    let drops = 0;
    for (let done = 0; done < bytes;) {
      let n = Math.min(msg, bytes - done);
      if (bytes - done - n > 0 && bytes - done - n <= 65536) n = bytes - done;  // no small tail
      const buf = new Uint8Array(n);
      fillPattern(buf, done);
      for (;;) {
        let settled = false;
        const p = c.writer.write(buf);
        p.then(() => { settled = true; }, () => { settled = true; });
        for (let i = 0; i < 64 && !settled; i++) await null;
        const inTask = settled;
        await p;
        if (!inTask) break;
        drops++;
        await macrotask();
      }
      done += n;
    }
    let line = '';
    while (!line.includes('\n')) {
      const r = await c.reader.read();
      if (r.done) throw new Error('sink closed before its verdict');
      line += new TextDecoder().decode(r.value);
    }
    const s = (now() - t0) / 1000, c1 = cpuNs(0), s1 = cpuNs(serverPid);
    if (!line.startsWith('OK ')) throw new Error(`sink: ${line.trim()}`);
    await closeTcp(c);
    return bulkRow('tcp_upload', msg, bytes, s, c0, c1, s0, s1, serverPid, { drops });
  }

  function bulkRow(scenario, msg, bytes, s, c0, c1, s0, s1, serverPid, extra = {}) {
    const mib = bytes / 1048576;
    const values = { throughput: mib / s }, units = { throughput: 'MiB/s' };
    if (c0 >= 0 && c1 >= 0) Object.assign(values, { cpu_client_per_op: (c1 - c0) / 1e3 / mib }), units.cpu_client_per_op = 'us/MiB';
    if (serverPid > 0 && s0 >= 0 && s1 >= 0 && c0 >= 0) {
      Object.assign(values, { cpu_server_per_op: (s1 - s0) / 1e3 / mib, cpu_per_op: (c1 - c0 + s1 - s0) / 1e3 / mib });
      Object.assign(units, { cpu_server_per_op: 'us/MiB', cpu_per_op: 'us/MiB' });
    }
    return row(scenario, msg, 1, { bytes, seconds: s, ...extra }, values, units);
  }

  const SCENARIOS = {
    tcp_echo: tcpEcho,
    udp_rr: (a) => udp(a, false),
    udp_flood: (a) => udp(a, true),
    tcp_connect: tcpConnect,
    mem_idle: memIdle,
    tcp_download: tcpDownload,
    tcp_upload: tcpUpload,
  };

  // Runs one scenario; prints its row (or an error row) and resolves to the exit status.
  async function run(argv, print) {
    let a;
    try {
      a = parseArgs(argv);
      const f = SCENARIOS[a.scenario];
      if (!f) throw new Error(`unknown scenario ${a.scenario}`);
      print(await f(a));
      return 0;
    } catch (e) {
      print(JSON.stringify({ schema: 1, impl: 'js-direct-sockets', platform: 'chromium',
                             scenario: a ? a.scenario : String(argv[0]), msg: 0, conns: 1,
                             error: String(e && e.message ? e.message : e) }));
      return 1;
    }
  }

  global.benchJsClient = { run };
})(globalThis);
