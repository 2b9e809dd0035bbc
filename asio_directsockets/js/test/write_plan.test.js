'use strict';
// The write discipline's pure core (asio_directsockets/js/bridge/write_plan.js): table-driven,
// no sockets, no Emscripten runtime. The file is linked alone, as Emscripten would serialize it,
// and run in a scope that has nothing else: a dependency on a socket, the clock, wasm memory or
// another part of the bridge would fail here. The tunables are the bridge's defaults (core.js).
// Why each decision is right: docs/chromium-write-drop.md and docs/browser-bridge.md, "Writes".

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const H = require('./support/harness');

const FILE = path.join(H.LIBRARY_DIR, 'write_plan.js');
const { library, decls } = H.compileLibrary([FILE]);
const P = new Function(`'use strict'; ${decls.join('\n')}; return AdsWritePlan;`)();
const T = H.evaluateLibrary([path.join(H.LIBRARY_DIR, 'core.js')]).library.$AdsBridge;

const KiB = 1024;
const MiB = 1024 * KiB;
const UNKNOWN = { lo: 64 * KiB, hi: Infinity };   // a fresh kind of connection
const PROVEN = { lo: 64 * KiB, hi: 64 * KiB };    // Chromium 156 after a probe

// A connection's write state, as AdsTcp.fields() creates it, with overrides.
function st(o = {}) {
  return {
    wqBytes: 0, ub: 0, fillBound: 0, guarded: false, held: false, noProbe: false, slowSeen: false,
    rate: 0, rates: [], durs: [], lastSettle: 0, lastReply: 0, bytesOut: 0, ...o,
  };
}
const tun = (o = {}) => ({ ...T, ...o });

test('the core is linked alone: no dependencies, nothing but decisions', () => {
  assert.deepEqual(library.$AdsWritePlan__deps, []);
  assert.deepEqual(Object.keys(P).sort(), ['checkable', 'classify', 'closeGraceMs', 'drainRate', 'guardMs',
                                           'noteRate', 'plan', 'replyShowsDrain', 'retryDelay']);
});

test('classify: settled late / fits / dropped / undecided', () => {
  const rows = [
    // k, ub0, n, settled within the task, outcome
    [UNKNOWN, 0, 64 * KiB + 1, false, 'late'],                 // the probe in Chromium 156: proves hi
    [PROVEN, 64 * KiB, MiB, false, 'late'],                    // accepted whatever the bounds
    [UNKNOWN, 0, 64 * KiB + 1, true, 'fits'],                  // pipe provably not full: a bigger pipe
    [PROVEN, 64 * KiB - 1, MiB, true, 'fits'],                 // ub0 < lo: nothing can have been dropped
    [PROVEN, 64 * KiB, MiB, true, 'dropped'],                  // n > hi and settled in the task
    [PROVEN, 64 * KiB, 64 * KiB + 1, true, 'dropped'],
    [PROVEN, 64 * KiB, 64 * KiB, true, 'undecided'],           // could have fitted: never re-issue
    [UNKNOWN, 64 * KiB, MiB, true, 'undecided'],               // hi unknown: cannot be proven dropped
    [{ lo: 128 * KiB, hi: 64 * KiB }, 128 * KiB, MiB, true, 'undecided'],   // inconsistent bounds
  ];
  for (const [k, ub0, n, inTask, want] of rows) {
    assert.equal(P.classify(k, ub0, n, inTask), want, JSON.stringify({ k, ub0, n, inTask }));
  }
});

test('retryDelay: two macrotasks, then 1, 2, 4, 8, 16, 16 ... ms', () => {
  const got = [1, 2, 3, 4, 5, 6, 7, 8, 30].map((a) => P.retryDelay(a));
  assert.deepEqual(got, [0, 0, 1, 2, 4, 8, 16, 16, 16]);
});

test('checkable: only a proven, tight upper bound makes writes checkable', () => {
  const rows = [
    [UNKNOWN, 0],
    [PROVEN, 64 * KiB],
    [{ lo: 64 * KiB, hi: 512 * KiB }, 512 * KiB],    // MAX_WRITE / 2
    [{ lo: 64 * KiB, hi: 512 * KiB + 1 }, 0],        // too loose: a 1 MiB write could fit
    [{ lo: 128 * KiB, hi: 64 * KiB }, 0],            // inconsistent
  ];
  for (const [k, want] of rows) assert.equal(P.checkable(k, T), want, JSON.stringify(k));
  assert.equal(P.checkable({ lo: 64 * KiB, hi: 512 * KiB }, tun({ MAX_WRITE: 512 * KiB })), 0);
});

test('plan: probe, checked, small, hold, guard, reply', () => {
  const rows = [
    // what, state, k, tunables, decision
    ['a small first write fits', st({ wqBytes: 1000 }), UNKNOWN, T, { n: 1000, kind: 'small' }],
    ['more than a pipe load queued, pipe not full: probe lo + 1',
      st({ wqBytes: 200 * KiB }), UNKNOWN, T, { n: 64 * KiB + 1, kind: 'probe' }],
    ['a small write that would end the chance to probe is held once',
      st({ wqBytes: 10000, ub: 60000, fillBound: 60000 }), UNKNOWN, T, { wait: 'hold' }],
    ['... then it waits for the guard',
      st({ wqBytes: 10000, ub: 60000, fillBound: 60000, held: true }), UNKNOWN, T, { wait: 'guard' }],
    ['... or for nothing once the peer replied on a quiet connection',
      st({ wqBytes: 10000, ub: 60000, fillBound: 60000, held: true, lastSettle: 5, lastReply: 6 }),
      UNKNOWN, T, { wait: 'reply' }],
    ['... but a reply does not count after backpressure was seen',
      st({ wqBytes: 10000, ub: 60000, fillBound: 60000, held: true, lastSettle: 5, lastReply: 6,
           rates: [MiB] }), UNKNOWN, T, { wait: 'guard' }],
    ['... nor with REPLY_EVIDENCE off',
      st({ wqBytes: 10000, ub: 60000, fillBound: 60000, held: true, lastSettle: 5, lastReply: 6 }),
      UNKNOWN, tun({ REPLY_EVIDENCE: false }), { wait: 'guard' }],
    ['... and after the guard wait it is written',
      st({ wqBytes: 10000, ub: 60000, fillBound: 60000, held: true, guarded: true }), UNKNOWN, T,
      { n: 10000, kind: 'small' }],
    ['pipe may be full and hi unknown: the probe goes after the guard',
      st({ wqBytes: 200 * KiB, ub: 70000, fillBound: 70000 }), UNKNOWN, T, { wait: 'guard' }],
    ['... and then is still a probe',
      st({ wqBytes: 200 * KiB, ub: 70000, fillBound: 70000, guarded: true }), UNKNOWN, T,
      { n: 64 * KiB + 1, kind: 'probe' }],
    ['a connection that stopped probing writes unchecked, guarded',
      st({ wqBytes: 200 * KiB, noProbe: true, held: true }), UNKNOWN, T, { wait: 'guard' }],
    ['hi proven: coalesce up to MAX_WRITE and check',
      st({ wqBytes: 3 * MiB, ub: 64 * KiB }), PROVEN, T, { n: MiB, kind: 'checked' }],
    ['hi proven: a tail <= hi is merged, never left unchecked',
      st({ wqBytes: MiB + 1000, ub: 64 * KiB }), PROVEN, T, { n: MiB + 1000, kind: 'checked' }],
    ['hi proven: a small write fits while fillBound leaves room',
      st({ wqBytes: 1000, fillBound: 0 }), PROVEN, T, { n: 1000, kind: 'small' }],
    ['hi proven: a small write after a large one waits for the guard',
      st({ wqBytes: 1000, fillBound: 64 * KiB }), PROVEN, T, { wait: 'guard' }],
    ['hi proven but too loose: unchecked and guarded',
      st({ wqBytes: 100 * KiB }), { lo: 64 * KiB, hi: 600 * KiB }, T, { wait: 'guard' }],
    ['a bigger pipe proven: probes at its lo + 1',
      st({ wqBytes: 2 * MiB }), { lo: MiB, hi: Infinity }, T, { n: MiB + 1, kind: 'probe' }],
    ['a bigger pipe proven: small writes fit up to its lo',
      st({ wqBytes: 500 * KiB, fillBound: 500 * KiB, held: true }), { lo: MiB, hi: Infinity }, T,
      { n: 500 * KiB, kind: 'small' }],
  ];
  for (const [what, s, k, t, want] of rows) {
    const before = JSON.stringify(s);
    assert.deepEqual(P.plan(s, k, t), want, what);
    assert.equal(JSON.stringify(s), before, `plan changes nothing: ${what}`);
  }
});

test('drainRate, guardMs: the slowest recent sample, clamped to GUARD_MIN_MS .. GUARD_MAX_MS', () => {
  assert.equal(P.drainRate(st(), T), T.DEFAULT_RATE);
  assert.equal(P.drainRate(st({ rates: [5 * MiB, 2 * MiB, 9 * MiB] }), T), 2 * MiB);
  const rows = [
    [[], 64 * KiB, 4 * 64 * KiB / T.DEFAULT_RATE * 1000],   // 15.6 ms before any measurement
    [[64 * MiB], 64 * KiB, 3.90625],
    [[1e10], 64 * KiB, T.GUARD_MIN_MS],
    [[1000], 64 * KiB, T.GUARD_MAX_MS],
  ];
  for (const [rates, cap, want] of rows) assert.equal(P.guardMs(st({ rates }), cap, T), want, String(rates));
});

test('closeGraceMs: floor, pipe loads at the slowest rate, a slow reader, twice the longest write, cap', () => {
  const rows = [
    ['nothing written: the quiet floor', st(), PROVEN, T.CLOSE_QUIET_MS],
    ['8 pipe loads at the slowest measured rate', st({ bytesOut: MiB, rates: [64 * KiB, MiB] }),
      PROVEN, 8000],
    ['at least a slow reader\'s time for a pipe load', st({ bytesOut: MiB }), PROVEN,
      64 * KiB / T.CLOSE_SLOW_RATE * 1000],
    ['a slow reader\'s time even when writes drained fast', st({ bytesOut: 64 * KiB + 1,
      rates: [64 * MiB], slowSeen: true }), PROVEN, 64 * KiB / T.CLOSE_SLOW_RATE * 1000],
    ['the pipe holds at most what was written', st({ bytesOut: 1000 }), PROVEN, T.CLOSE_QUIET_MS],
    ['backpressure seen: the higher floor', st({ bytesOut: 1000, slowSeen: true }), PROVEN, T.CLOSE_MIN_MS],
    ['a bigger pipe: BIG_PIPE_ASSUMED', st({ bytesOut: 8 * MiB }), { lo: 128 * KiB, hi: Infinity },
      T.BIG_PIPE_ASSUMED / T.CLOSE_SLOW_RATE * 1000],
    ['a connection that stopped probing counts as a bigger pipe', st({ bytesOut: 100, noProbe: true }),
      UNKNOWN, T.CLOSE_MIN_MS],
    ['twice the longest recent write', st({ bytesOut: 1000, durs: [40, 3000, 10] }), PROVEN, 6000],
    ['capped', st({ bytesOut: MiB, rates: [1000] }), PROVEN, T.CLOSE_MAX_MS],
  ];
  for (const [what, s, k, want] of rows) assert.equal(P.closeGraceMs(s, k, T), want, what);
});

test('noteRate: keeps RATE_SAMPLES samples, flags a slow one, ignores unmeasurable writes', () => {
  const s = st();
  P.noteRate(s, 1000, 0, T);
  assert.deepEqual([s.rates, s.durs, s.slowSeen], [[], [], false]);
  for (let i = 1; i <= T.RATE_SAMPLES + 2; i++) P.noteRate(s, i * MiB, 1, T);   // i GiB/s: quiet
  assert.equal(s.rates.length, T.RATE_SAMPLES);
  assert.equal(s.rates[0], 3 * MiB * 1000);
  assert.equal(s.slowSeen, false);
  P.noteRate(s, 64 * KiB, 1000, T);   // 64 KiB/s: backpressure
  assert.equal(s.slowSeen, true);
  assert.equal(P.drainRate(s, T), 64 * KiB);
  assert.equal(s.durs.at(-1), 1000);
});
