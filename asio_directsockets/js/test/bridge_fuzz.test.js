'use strict';
// Property test of the bridge's entry points: seeded random sequences of every import with
// valid and invalid handles (unknown, closed, wrong kind, NaN, huge), op ids (fresh, duplicate
// of a pending one, 0, negative, fractional, undefined) and buffers (inside the arena, across
// its end, outside memory, negative or NaN lengths), interleaved with real traffic to loopback
// echo servers, memory growth, cancels and closes. Properties:
//   * no exception leaves an import, no unhandled rejection, no internal error;
//   * wasm memory changes only inside the buffer (and address/port outputs) of an op that is
//     still pending, or of the synchronous call being made; after ads_cancel/ads_close/ads_abort
//     returns, the buffers of that handle's ops are never written again;
//   * every call with a fresh valid op id completes exactly once, with a known error code and a
//     value that fits (reads <= len, writes == len); invalid or duplicate ids never complete;
//   * after everything is closed, every op has completed (nothing hangs).
// ADS_FUZZ_SEEDS / ADS_FUZZ_STEPS make longer runs (docs/reliability.md); defaults take seconds.

const test = require('node:test');
const assert = require('node:assert/strict');
const dgram = require('node:dgram');
const K = require('./support/testkit');

const { E } = K;
const SEEDS = Number(process.env.ADS_FUZZ_SEEDS || 12);
const STEPS = Number(process.env.ADS_FUZZ_STEPS || 250);
const FIRST_SEED = Number(process.env.ADS_FUZZ_FIRST_SEED || 1);
const ARENA = 256 * 1024;
const MAX_CODE = 18;

async function udpEcho() {
  const s = dgram.createSocket('udp4');
  s.on('message', (m, r) => s.send(m, r.port, r.address));
  s.on('error', () => {});
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  return { port: s.address().port, close: () => new Promise((r) => s.close(r)) };
}

function runSeed(seed, servers) {
  const env = K.setup({}, { memory: 2 << 20 });
  // The raw imports: a transfer's done-now result is checked here, not seen as a completion.
  const I = env.raw;
  const rnd = K.rng(seed * 7919);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const int = (n) => Math.floor(rnd() * n);

  const arena = env.malloc(ARENA);
  const host = env.cstr('127.0.0.1');
  const badHost = env.cstr('not a host \u00ff');
  const empty = env.cstr('');
  let shadow = Uint8Array.from(env.heap.subarray(arena, arena + ARENA));

  // Regions JS may write right now: [start, end) relative to the arena, per pending op.
  const pending = new Map();          // op -> { kind, h, regions, len, frozen }
  const handles = [];                 // every handle we got, open or closed
  const closed = new Set();
  const done = new Set();             // ops that completed
  const doneNow = new Set();          // ... of which transfers done inside the call
  const opened = new Set();           // handles whose open succeeded, and accepted ones
  const kindOf = new Map();           // handle -> 'tcp' | 'listener' | 'udp' 
  const invalidIds = [];              // ids the bridge must ignore
  const violations = [];
  const okByKind = {};
  const errHist = {};
  let nextOp = 1;
  let syncRegions = [];               // the current synchronous call's outputs

  const rel = (p) => p - arena;
  const inArena = (p, n) => p >= arena && p + n <= arena + ARENA;

  function checkMemory(where) {
    const heap = env.heap;
    const allowed = [...syncRegions];
    for (const rec of pending.values()) if (!rec.frozen) allowed.push(...rec.regions);
    for (let i = 0; i < ARENA; i++) {
      const v = heap[arena + i];
      if (v === shadow[i]) continue;
      if (!allowed.some(([a, b]) => i >= a && i < b)) {
        violations.push(`${where}: byte ${i} of the arena changed outside every pending buffer`);
        break;
      }
    }
    shadow = Uint8Array.from(heap.subarray(arena, arena + ARENA));
  }

  env.onComplete = (rec) => {
    checkMemory(`completion of op ${rec.op}`);
    const p = pending.get(rec.op);
    if (!p) {
      violations.push(`completion for op ${rec.op}, which is not pending (err ${rec.err})`);
      return;
    }
    pending.delete(rec.op);
    account(rec, p);
  };

  // One op's result, completed later (a record) or done now (a transfer's return value).
  function account(rec, p) {
    done.add(rec.op);
    if (!Number.isInteger(rec.err) || rec.err < 0 || rec.err > MAX_CODE) {
      violations.push(`op ${rec.op}: unknown error code ${rec.err}`);
    }
    if (!Number.isInteger(rec.value)) violations.push(`op ${rec.op}: value ${rec.value}`);
    const key = `${p.kind}:${rec.err}`;
    errHist[key] = (errHist[key] || 0) + 1;
    if (rec.err === E.OK) {
      okByKind[p.kind] = (okByKind[p.kind] || 0) + 1;
      if (p.kind === 'read' && rec.value > 0) okByKind.dataReads = (okByKind.dataReads || 0) + 1;
      if ((p.kind === 'read' || p.kind === 'recv') && !(rec.value >= 0 && rec.value <= p.len)) {
        violations.push(`op ${rec.op}: read of ${p.len} reported ${rec.value}`);
      }
      if ((p.kind === 'write' || p.kind === 'send') && rec.value !== p.len) {
        violations.push(`op ${rec.op}: write of ${p.len} reported ${rec.value}`);
      }
      if (p.kind === 'accept' && !(rec.value > 0)) violations.push(`accept gave ${rec.value}`);
      if (p.kind === 'accept') {
        handles.push(rec.value);
        opened.add(rec.value);
        kindOf.set(rec.value, 'tcp');
      }
      if (p.kind === 'open') opened.add(p.h);
    }
  }

  // A transfer (ads_read/ads_write/ads_udp_*): done now, or -PENDING and tracked until its
  // completion. A done-now read may write its buffer during the call; nothing is held after.
  function transfer(name, op, kind, h, regions, len, fn) {
    syncRegions = regions;
    const r = call(name, fn);
    if (r === -E.PENDING) {
      if (op.fresh) track(op, kind, h, regions, len);
      else violations.push(`${name}: -PENDING for op id ${op.id}, which it cannot hold`);
      return;
    }
    syncResult(name, r);
    if (!op.fresh || typeof r !== 'number') return;
    doneNow.add(op.id);
    account({ op: op.id, err: r < 0 ? -r : 0, value: r < 0 ? 0 : r }, { kind, h, len });
  }
  // A non-blocking attempt (op 0): never pends.
  function attempt(name, fn, maxLen) {
    const r = call(name, fn);
    if (r === -E.PENDING) violations.push(`${name} with op 0 returned -PENDING`);
    syncResult(name, r, maxLen);
  }

  // Handles: mostly live ones of the kind the call wants, sometimes any, sometimes garbage.
  const handle = (want) => {
    const x = rnd();
    const live = [...opened].filter((h) => !closed.has(h) && (!want || kindOf.get(h) === want));
    if (live.length && x < 0.6) return pick(live);
    if (handles.length && x < 0.8) return pick(handles);
    return pick([0, -1, 99999, NaN, undefined, 1.5, 2 ** 31, '1', null]);
  };
  // A buffer: inside the arena mostly; else across its end, outside memory, negative, NaN.
  const buffer = () => {
    const x = rnd();
    if (x < 0.9) {
      const len = pick([0, 1, 7, 100, 4096, 65536]);
      const off = int(ARENA - len + 1);
      return [arena + off, len];
    }
    return pick([
      [arena + ARENA - 8, 64],
      [env.heap.length - 4, 16],
      [env.heap.length + 100, 8],
      [0, 16],
      [-16, 8],
      [arena, -1],
      [arena, NaN],
      [arena, 1e12],
      [2 ** 32 - 8, 8],
      [undefined, 8],
    ]);
  };
  // An op id: fresh mostly; else a pending one (duplicate) or an invalid value.
  const opFor = () => {
    const x = rnd();
    if (x < 0.85) return { id: nextOp++, fresh: true };
    // A duplicate of an id the bridge still holds (the C++ side never reuses one before its
    // completion was delivered; an id whose record is queued is free again in the bridge).
    const held = [...pending.keys()].filter((id) => env.AdsBridge.ops.has(id));
    if (x < 0.92 && held.length) return { id: pick(held), fresh: false };
    const bad = pick([0, -3, 1.5, NaN, undefined, '7', 2 ** 40]);
    invalidIds.push(bad);
    return { id: bad, fresh: false };
  };

  function track(op, kind, h, regions, len) {
    if (!op.fresh) return;
    pending.set(op.id, { kind, h, regions, len, frozen: false });
  }
  // The bridge may write a buffer only if it lies inside memory; we track the arena part.
  const region = (p, n) => (inArena(p, Math.max(0, n | 0)) && n > 0 ? [[rel(p), rel(p) + n]] : []);

  function freezeHandle(h) {
    // ads_cancel/ads_close/ads_abort return: the bridge forgot these buffers. Poison them so
    // that a later write shows even if it writes the old value back.
    for (const rec of pending.values()) {
      if (rec.h !== h || rec.frozen) continue;
      rec.frozen = true;
      for (const [a, b] of rec.regions) {
        for (let i = a; i < b; i++) env.heap[arena + i] = (i * 13 + 0x5a) & 255;
      }
    }
    shadow = Uint8Array.from(env.heap.subarray(arena, arena + ARENA));
  }

  function call(name, fn) {
    try {
      return fn();
    } catch (e) {
      violations.push(`${name} threw: ${e && e.stack ? e.stack : e}`);
      return undefined;
    }
  }
  function syncResult(name, r, maxLen) {
    if (typeof r !== 'number' || !Number.isInteger(r)) violations.push(`${name} returned ${r}`);
    else if (maxLen !== undefined && r > maxLen) violations.push(`${name}: ${r} > len ${maxLen}`);
  }

  async function step() {
    checkMemory('between steps');
    const a = int(27);
    const want = [4, 5, 6, 7, 8, 15, 16].includes(a) ? 'tcp'
               : [11, 12, 17, 18, 20, 21].includes(a) ? 'udp' : a === 9 ? 'listener' : null;
    const h = handle(want);
    const [buf, len] = buffer();
    syncRegions = [];
    switch (a) {
      case 0: case 1: case 23: case 24: {  // connect: to the echo server, a closed port, or garbage
        const op = opFor();
        const port = pick([servers.tcp, servers.tcp, 0, 70000, -1, 1]);
        const hostPtr = pick([host, host, badHost, empty, 0, env.heap.length + 5]);
        const r = call('ads_tcp_connect',
                       () => I.ads_tcp_connect(op.id, hostPtr, port, pick([-1, 0, 1]),
                                               pick([-1, 0, 500, 2000]), 0, 0, pick([0, 4, 6, 9])));
        syncResult('ads_tcp_connect', r);
        if (r > 0) kindOf.set(r, 'tcp');
        if (r > 0) {
          handles.push(r);
          track(op, 'open', r, [], 0);
        } else if (op.fresh) {
          invalidIds.push(op.id);  // refused at once: no completion will come
        }
        break;
      }
      case 2: {  // listen
        const op = opFor();
        const r = call('ads_tcp_listen', () => I.ads_tcp_listen(op.id, pick([host, 0, badHost]),
                                                               pick([0, 0, 1, 70000]), pick([0, 1, 5]), -1));
        syncResult('ads_tcp_listen', r);
        if (r > 0) kindOf.set(r, 'listener');
        if (r > 0) {
          handles.push(r);
          track(op, 'open', r, [], 0);
        } else if (op.fresh) {
          invalidIds.push(op.id);
        }
        break;
      }
      case 3: {  // UDP: connected to the echo server, or bound
        const op = opFor();
        const connected = rnd() < 0.5;
        const r = call('ads_udp_open', () => I.ads_udp_open(
            op.id, connected ? host : 0, connected ? servers.udp : 0, connected ? 0 : host,
            0, 0, 0, -1));
        syncResult('ads_udp_open', r);
        if (r > 0) kindOf.set(r, 'udp');
        if (r > 0) {
          handles.push(r);
          track(op, 'open', r, [], 0);
        } else if (op.fresh) {
          invalidIds.push(op.id);
        }
        break;
      }
      case 4: case 5: case 6: {
        const op = opFor();
        transfer('ads_read', op, 'read', h, region(buf, len), len,
                 () => I.ads_read(h, op.id, buf, len));
        break;
      }
      case 7: case 8: {
        const op = opFor();
        transfer('ads_write', op, 'write', h, [], len, () => I.ads_write(h, op.id, buf, len));
        break;
      }
      case 9: {
        const op = opFor();
        call('ads_accept', () => I.ads_accept(h, op.id));
        track(op, 'accept', h, [], 0);
        break;
      }
      case 10: {
        const op = opFor();
        call('ads_poll', () => I.ads_poll(h, op.id, pick([0, 1, 2, 3, -1, NaN])));
        track(op, 'poll', h, [], 0);
        break;
      }
      case 11: {
        const op = opFor();
        const [addr] = buffer();
        const to = pick([0, host, addr]);
        const toPort = pick([servers.udp, 0, 70000]);
        transfer('ads_udp_send', op, 'send', h, [], len,
                 () => I.ads_udp_send(h, op.id, buf, len, to, toPort));
        break;
      }
      case 12: {
        const op = opFor();
        const from = arena + int(ARENA - 64);
        const port = arena + (int(ARENA / 4 - 1) * 4);
        const outs = rnd() < 0.5;
        transfer('ads_udp_receive', op, 'recv', h,
                 [...region(buf, len), ...(outs ? [...region(from, 64), ...region(port, 4)] : [])], len,
                 () => I.ads_udp_receive(h, op.id, buf, len, outs ? from : 0, outs ? port : 0));
        break;
      }
      case 13: {
        const out = arena + int(ARENA - 64);
        const port = arena + int(ARENA - 4);
        syncRegions = [...region(out, 64), ...region(port, 4)];
        syncResult('ads_endpoint', call('ads_endpoint', () => I.ads_endpoint(h, pick([0, 1]), out, port)));
        break;
      }
      case 14:
        syncResult('ads_available', call('ads_available', () => I.ads_available(h)));
        break;
      case 15: {
        syncRegions = region(buf, len);
        attempt('ads_read', () => I.ads_read(h, 0, buf, len),
                Number.isFinite(len) ? Math.max(len, 0) : undefined);
        break;
      }
      case 16:
        attempt('ads_write', () => I.ads_write(h, 0, buf, len),
                Number.isFinite(len) ? Math.max(len, 0) : undefined);
        break;
      case 17: {
        const from = arena + int(ARENA - 64);
        const port = arena + int(ARENA / 4 - 1) * 4;
        syncRegions = [...region(buf, len), ...region(from, 64), ...region(port, 4)];
        attempt('ads_udp_receive', () => I.ads_udp_receive(h, 0, buf, len, from, port),
                Number.isFinite(len) ? Math.max(len, 0) : undefined);
        break;
      }
      case 18:
        attempt('ads_udp_send', () => I.ads_udp_send(h, 0, buf, len, pick([0, host]), servers.udp));
        break;
      case 19: {
        if (rnd() < 0.5) break;
        const which = pick(['ads_cancel', 'ads_close', 'ads_abort', 'ads_shutdown_send']);
        call(which, () => I[which](h));
        if (which !== 'ads_shutdown_send') freezeHandle(h);
        if (which === 'ads_close' || which === 'ads_abort') closed.add(h);
        break;
      }
      case 20:
        syncResult('ads_udp_connect', call('ads_udp_connect',
                   () => I.ads_udp_connect(h, pick([host, badHost, 0]), pick([servers.udp, 0, -5]))));
        break;
      case 21:
        syncResult('ads_multicast', call('ads_multicast', () => I.ads_multicast(h, 1, pick([host, 0]))));
        break;
      case 22:
        if (rnd() < 0.1 && env.heap.length < (16 << 20)) env.grow(1 << 20);
        break;
      default:  // let the event loop and the sockets run
        await K.sleep(int(3));
    }
    checkMemory(`after step ${a}`);
    syncRegions = [];
    if (rnd() < 0.5) await new Promise((r) => setImmediate(r));  // let promises settle
  }

  return {
    env, pending, done, doneNow, invalidIds, violations, handles, closed, okByKind,
    async run() {
      const esc = K.trapEscapes();
      try {
        // A few connections that are open from the start, so that transfers really happen.
        for (let i = 0; i < 3; i++) {
          const op = { id: nextOp++, fresh: true };
          const h = I.ads_tcp_connect(op.id, host, servers.tcp, 1, -1, 0, 0, 0);
          assert.ok(h > 0, `ads_tcp_connect returned ${h}`);
          handles.push(h);
          kindOf.set(h, 'tcp');
          track(op, 'open', h, [], 0);
          await K.waitFor(() => done.has(op.id), 5000, 'the first connections');
        }
        for (let i = 0; i < STEPS; i++) await step();
        // Close everything; every op must then complete.
        for (const h of new Set(handles)) {
          call('ads_close', () => I.ads_close(h));
          freezeHandle(h);
        }
        const deadline = Date.now() + 10000;
        while (pending.size && Date.now() < deadline) await K.sleep(5);
        checkMemory('at the end');
        await K.sleep(20);
        if (process.env.ADS_FUZZ_VERBOSE) console.log(seed, JSON.stringify(errHist));
      } finally {
        const escapes = esc.stop();
        for (const [kind, e] of escapes) violations.push(`${kind}: ${e && e.stack ? e.stack : e}`);
      }
    },
  };
}

test(`bridge entry points under random call sequences (${SEEDS} seeds x ${STEPS} steps)`,
     { timeout: 600000 }, async () => {
  const echo = await K.echo();
  const udp = await udpEcho();
  let ops = 0;
  let completions = 0;
  let nowTotal = 0;
  const okTotal = {};
  try {
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      const f = runSeed(seed, { tcp: echo.port, udp: udp.port });
      await f.run();
      const where = `seed ${seed}`;
      assert.deepEqual(f.violations, [], where);
      assert.equal(f.pending.size, 0,
                   `${where}: ops never completed: ${[...f.pending.keys()].slice(0, 10)}`);
      assert.equal(f.env.AdsBridge.stats.internalErrors, 0, `${where}: internal errors`);
      ops += f.done.size;
      nowTotal += f.doneNow.size;
      for (const [k, v] of Object.entries(f.okByKind)) okTotal[k] = (okTotal[k] || 0) + v;
      completions += f.env.completions.length;
      assert.equal(f.env.completions.length + f.doneNow.size, f.done.size,
                   `${where}: completions without a pending op`);
    }
  } finally {
    await echo.close();
    await udp.close();
  }
  assert.ok(ops > SEEDS * 10, `only ${ops} ops completed`);
  process.stdout.write(`# bridge fuzz: ${SEEDS} seeds x ${STEPS} steps, ${ops} ops completed exactly once ` +
                       `(${nowTotal} done inside the call); ` +
                       `successes by kind ${JSON.stringify(okTotal)}\n`);
});
