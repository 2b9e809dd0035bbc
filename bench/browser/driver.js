#!/usr/bin/env node
'use strict';
// The browser half's driver: keeps one headless content_shell (real Direct Sockets) open and
// runs benchmark clients in it one after the other, in the page or in a dedicated Worker, so
// that a benchmark round does not pay a browser start per measurement. bench/browser_runner.py
// talks to it over stdin/stdout, one JSON object per line:
//
//   {"cmd": "run", "id": 1, "client": "program" | "js", "program": "bench_client_wasm.js",
//    "mode": "page" | "worker", "args": [...], "waitForExit": false, "timeoutS": 60,
//    "proxyPids": [], "bridgeStats": false, "probeWorker": false,
//    "profile": "out.cpuprofile", "trace": "out.trace.json"}   (both optional, for analysis:
//    a V8 CPU profile of the page; a Chromium trace of every process, see startTrace)
//     -> {"id": 1, "kind": "exit", "status": 0, "out": [lines], "err": [lines], "seconds": 1.2}
//        kind: exit | abort | exception | timeout | crash | load | no-direct-sockets | error
//   {"cmd": "restart", "id": 2}   -> {"id": 2, "kind": "restarted"}  (a fresh browser and profile)
//   {"cmd": "quit"}
//
// "program" runs an unchanged Emscripten build from --app-dir with the project's own harness
// (asio_directsockets/tools/browser/harness, as run.js does); "js" runs the raw-JS client
// (bench/browser/www). Both report through the CDP binding __adsRunnerEmit. While a client runs,
// the driver answers its /api/ requests (bench/common/host.hpp): CPU of the browser's processes
// (plus `proxyPids`, e.g. websockify) and of the server, RSS, and memory probes over CDP.
//
//   node bench/browser/driver.js --app-dir build/bench-wasm/bench/browser [--browser PATH]
//                                [--mount /extra/KEY/=DIR ...]
//
// --mount serves another build's folder (e.g. the -pthread build, build/bench-wasm-threads)
// under its own prefix; a "program" that starts with "/" is such a URL (/extra/KEY/prog.js), so
// the program's .wasm and, for a -pthread build, its .worker.js load from beside it. Every
// response is cross-origin isolated (http_host.js), which a -pthread program's
// SharedArrayBuffer needs; the harness gives its pthread Workers the program's script
// (Module.mainScriptUrlOrBlob) and takes main()'s status from Module.onExit, also when main()
// runs on a pthread (-sPROXY_TO_PTHREAD).

const path = require('node:path');
const readline = require('node:readline');
const { launchBrowser } = require('../../asio_directsockets/tools/browser/chromium');
const { HARNESS_DIR } = require('../../asio_directsockets/tools/browser/run_program');
const { startHost } = require('./http_host');
const proc = require('./proc_stats');

const BINDING = '__adsRunnerEmit';
const WWW = path.join(__dirname, 'www');

// What the JS bridge holds (docs/browser-bridge.md), evaluated in the program's context.
const BRIDGE_BYTES = `(() => {
  const B = globalThis.AdsBridge;
  if (!B || !B.socks) return JSON.stringify({ bytes: -1, peak: -1 });
  let bytes = 0, peak = 0;
  for (const s of B.socks.values()) {
    const staging = s.staging ? s.staging.length : 0;
    bytes += (s.wqBytes || 0) + staging + (s.rxBytes || 0);
    for (const m of s.inbox || []) bytes += (m.data && m.data.byteLength) || 0;
    peak += ((s.stats && s.stats.maxQueued) || 0) + staging;
  }
  return JSON.stringify({ bytes, peak });
})()`;

class Driver {
  constructor(options) {
    this.o = options;
    this.browser = null;
    this.page = null;       // the page's CDP session id
    this.worker = null;     // the current run's Worker session id
    this.run = null;        // the run in progress
    this.config = {};
  }

  async start() {
    this.host = await startHost({
      mounts: { '/runner/': HARNESS_DIR, '/app/': this.o.appDir, '/bench/': WWW, ...this.o.mounts },
      routes: {
        '/run/config.json': async () => this.config,
        '/api/cpu': async (q) => this.cpu(q),
        '/api/rss': async (q) => proc.rssKib(Number(q.get('pid'))),
        '/api/probe': async () => this.probe(),
      },
    });
    await this.launch();
  }

  async launch() {
    this.browser = await launchBrowser({ binary: this.o.browser, flags: this.o.flags || [] });
    const cdp = this.browser.cdp;
    const { targetInfos } = await cdp.send('Target.getTargets');
    const target = targetInfos.find((t) => t.type === 'page');
    if (!target) throw new Error('the browser has no page');
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: true });
    this.page = sessionId;
    cdp.on('Runtime.bindingCalled', (p, sid) => {
      if (sid === this.page && p.name === BINDING) this.onReport(p.payload);
    });
    cdp.on('Runtime.exceptionThrown', (p) => {
      const d = p.exceptionDetails || {};
      if (this.run) this.run.err.push(`[exception] ${(d.exception && d.exception.description) || d.text}`);
    });
    cdp.on('Runtime.consoleAPICalled', (p) => {
      if (!this.run || (p.type !== 'error' && p.type !== 'warning')) return;
      this.run.err.push(`[console.${p.type}] ${(p.args || []).map((a) => a.value ?? a.description).join(' ')}`);
    });
    cdp.on('Target.attachedToTarget', (p, sid) => {
      if (sid !== this.page || p.targetInfo.type !== 'worker') return;
      this.worker = p.sessionId;
      cdp.send('Runtime.enable', {}, p.sessionId).catch(() => {});
      cdp.send('Runtime.runIfWaitingForDebugger', {}, p.sessionId).catch(() => {});
    });
    cdp.on('Target.targetCrashed', () => this.finish({ kind: 'crash', status: 125, message: 'the renderer crashed' }));
    this.browser.exitPromise.then(() => this.finish({ kind: 'crash', status: 125, message: 'the browser exited' }));
    await cdp.send('Runtime.enable', {}, sessionId);
    await cdp.send('Runtime.addBinding', { name: BINDING }, sessionId);
    await cdp.send('Page.enable', {}, sessionId);
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true }, sessionId);
  }

  async restart() {
    if (this.browser) await this.browser.close();
    this.browser = null;
    await this.launch();
  }

  onReport(payload) {
    const r = this.run;
    if (!r) return;
    let msg;
    try {
      msg = JSON.parse(payload);
    } catch {
      return;
    }
    switch (msg.t) {
      case 'out': r.out.push(msg.s); break;
      case 'err': r.err.push(msg.s); break;
      case 'bridge-stats': r.bridgeStats = msg.text; break;
      case 'exit': this.finish({ kind: 'exit', status: msg.status & 0xff }); break;
      case 'abort': this.finish({ kind: 'abort', status: 134, message: msg.what }); break;
      case 'fatal': this.finish({ kind: msg.kind === 'exception' ? 'exception' : msg.kind, status: 126, message: msg.message }); break;
      default: break;
    }
  }

  finish(result) {
    const r = this.run;
    if (!r || r.result) return;
    r.result = result;
    r.resolve();
  }

  // Runs one client; resolves to the reply.
  async runOne(cmd) {
    const t0 = Date.now();
    this.config = {
      mode: cmd.mode || 'page',
      program: (cmd.program || '').startsWith('/') ? cmd.program
        : `/app/${encodeURIComponent(cmd.program || '')}`,
      args: (cmd.args || []).map(String),
      waitForExit: !!cmd.waitForExit,
      requireDirectSockets: true,
      bridgeStats: !!cmd.bridgeStats,
      // A -pthread program in the page whose main() runs on a pthread: its bridge and sockets
      // live in that pthread's Worker, which the memory probe then reads.
      probeWorker: !!cmd.probeWorker,
    };
    this.worker = null;
    const r = { out: [], err: [], result: null, proxyPids: cmd.proxyPids || [] };
    r.done = new Promise((resolve) => { r.resolve = resolve; });
    this.run = r;
    const timer = setTimeout(() => this.finish({ kind: 'timeout', status: 124,
      message: `timed out after ${cmd.timeoutS} s` }), (cmd.timeoutS || 120) * 1000);
    const url = cmd.client === 'js' ? `${this.host.origin}/bench/js.html` : `${this.host.origin}/runner/index.html`;
    if (cmd.profile) await this.startProfile(cmd.profileIntervalUs);
    if (cmd.trace) await this.startTrace(cmd.traceCategories);
    try {
      const nav = await this.browser.cdp.send('Page.navigate', { url }, this.page);
      if (nav && nav.errorText) this.finish({ kind: 'load', status: 126, message: nav.errorText });
    } catch (e) {
      this.finish({ kind: 'error', status: 125, message: e.message });
    }
    await r.done;
    clearTimeout(timer);
    if (cmd.profile) await this.stopProfile(cmd.profile).catch((e) => r.err.push(`[driver] profile: ${e.message}`));
    if (cmd.trace) await this.stopTrace(cmd.trace).catch((e) => r.err.push(`[driver] trace: ${e.message}`));
    // Leave the page: its sockets close and its memory goes before the next measurement.
    let crashed = r.result.kind === 'crash';
    if (!crashed) {
      try {
        await this.browser.cdp.send('Page.navigate', { url: 'about:blank' }, this.page, 10000);
      } catch {
        crashed = true;
      }
    }
    this.run = null;
    if (crashed) await this.restart();
    let threadCpu;
    if (r.threadsFirst && r.threadsLast) {
      threadCpu = {};
      for (const [k, v] of Object.entries(r.threadsLast)) {
        const d = v - (r.threadsFirst[k] || 0);
        if (d > 0) threadCpu[k] = d;
      }
    }
    return { ...r.result, out: r.out, err: r.err, bridgeStats: r.bridgeStats, threadCpu,
             seconds: (Date.now() - t0) / 1000 };
  }

  // A V8 CPU profile of the page (for finding where a client spends its time; in worker mode
  // the Worker's own profile is not taken). Saved as a .cpuprofile (Chrome DevTools format).
  async startProfile(intervalUs = 100) {
    const cdp = this.browser.cdp;
    await cdp.send('Profiler.enable', {}, this.page);
    await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs }, this.page);
    await cdp.send('Profiler.start', {}, this.page);
  }

  async stopProfile(file) {
    const { profile } = await this.browser.cdp.send('Profiler.stop', {}, this.page);
    require('node:fs').writeFileSync(file, JSON.stringify(profile));
  }

  // A Chromium trace of the whole browser (all processes) while the client runs, saved as JSON
  // for chrome://tracing or Perfetto: where a round trip's time goes between the renderer, its
  // IO thread and the network service.
  async startTrace(categories) {
    const cdp = this.browser.cdp;
    this.traceEvents = [];
    this.onTraceData = (p) => { for (const e of p.value || []) this.traceEvents.push(e); };
    cdp.on('Tracing.dataCollected', this.onTraceData);
    await cdp.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: {
      includedCategories: (categories || 'toplevel,v8,blink,mojom,ipc,net,disabled-by-default-v8.gc')
        .split(',') } });
  }

  async stopTrace(file) {
    const cdp = this.browser.cdp;
    const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await done;
    cdp.off('Tracing.dataCollected', this.onTraceData);
    require('node:fs').writeFileSync(file, JSON.stringify({ traceEvents: this.traceEvents }));
    this.traceEvents = null;
  }

  // CPU ns of the client side (who=client: the browser's processes and the run's proxies) or of
  // one process tree (pid=P). The trees are taken at a run's first request and kept for the run,
  // so that the requests at a window's two edges are cheap and count the same processes.
  cpu(q) {
    const r = this.run || {};
    const key = q.get('pid') ? `pid${q.get('pid')}` : 'client';
    r.trees = r.trees || new Map();
    if (!r.trees.has(key)) {
      const table = proc.processTable();
      const roots = q.get('pid') ? [Number(q.get('pid'))] : [this.browser.pid, ...(r.proxyPids || [])];
      r.trees.set(key, roots.flatMap((root) => proc.treeOf(root, table)));
    }
    if (key === 'client' && this.run) {
      // Where the client side's CPU goes, per process kind and thread, between the first and
      // the last of these requests (the edges of the measurement window).
      const snap = proc.threadCpu(r.trees.get(key));
      if (!r.threadsFirst) r.threadsFirst = snap;
      else r.threadsLast = snap;
    }
    return proc.pidsCpuNs(r.trees.get(key));
  }

  // Browser-side memory, bytes: the program context's JS heap after a full GC, the renderer's
  // and the network service's RSS, and what the JS bridge holds.
  async probe() {
    const cdp = this.browser.cdp;
    const session = (this.config.mode === 'worker' || this.config.probeWorker) && this.worker
      ? this.worker : this.page;
    const out = { js_heap: -1, renderer_rss: -1, network_rss: -1, bridge_bytes: -1, bridge_peak: -1 };
    try {
      await cdp.send('HeapProfiler.collectGarbage', {}, session);
      out.js_heap = (await cdp.send('Runtime.getHeapUsage', {}, session)).usedSize;
      const r = await cdp.send('Runtime.evaluate', { expression: BRIDGE_BYTES, returnByValue: true }, session);
      const b = JSON.parse(r.result.value);
      out.bridge_bytes = b.bytes;
      out.bridge_peak = b.peak;
    } catch (e) {
      if (this.run) this.run.err.push(`[driver] probe: ${e.message}`);
    }
    const rss = (kind) => {
      const pids = proc.browserHelpers(this.browser.pid, kind);
      return pids.length ? pids.reduce((s, pid) => s + Math.max(0, proc.rssKib(pid)) * 1024, 0) : -1;
    };
    out.renderer_rss = rss('renderer');
    out.network_rss = rss('network');
    return out;
  }

  async close() {
    if (this.browser) await this.browser.close();
    if (this.host) await this.host.close();
  }
}

function parseArgs(argv) {
  const o = { flags: [], mounts: {} };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--app-dir') o.appDir = path.resolve(argv[++i]);
    else if (argv[i] === '--browser') o.browser = argv[++i];
    else if (argv[i] === '--browser-flag') o.flags.push(argv[++i]);
    else if (argv[i] === '--mount') {
      const [prefix, dir] = argv[++i].split(/=(.*)/s);
      if (!/^\/[^/].*\/$/.test(prefix) || !dir) throw new Error(`--mount /prefix/=DIR, not ${argv[i]}`);
      o.mounts[prefix] = path.resolve(dir);
    }
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!o.appDir) throw new Error('--app-dir is required');
  return o;
}

async function main() {
  const driver = new Driver(parseArgs(process.argv.slice(2)));
  await driver.start();
  const send = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
  send({ kind: 'ready', browserPid: driver.browser.pid });
  const lines = readline.createInterface({ input: process.stdin });
  // One command at a time, in order.
  let queue = Promise.resolve();
  lines.on('line', (line) => {
    queue = queue.then(async () => {
      let cmd;
      try {
        cmd = JSON.parse(line);
      } catch {
        send({ kind: 'error', message: `bad command: ${line.slice(0, 200)}` });
        return;
      }
      try {
        if (cmd.cmd === 'run') send({ id: cmd.id, ...(await driver.runOne(cmd)) });
        else if (cmd.cmd === 'restart') {
          await driver.restart();
          send({ id: cmd.id, kind: 'restarted', browserPid: driver.browser.pid });
        } else if (cmd.cmd === 'quit') {
          await driver.close();
          process.exit(0);
        } else send({ id: cmd.id, kind: 'error', message: `unknown command ${cmd.cmd}` });
      } catch (e) {
        send({ id: cmd.id, kind: 'error', status: 125, message: e.message, out: [], err: [] });
      }
    });
  });
  lines.on('close', () => {
    queue.then(() => driver.close()).then(() => process.exit(0));
  });
}

main().catch((e) => {
  process.stderr.write(`driver: ${e.stack || e}\n`);
  process.exit(1);
});
