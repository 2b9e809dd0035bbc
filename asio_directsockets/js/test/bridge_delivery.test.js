'use strict';
// Completion delivery: ads_take_completions, callback mode (ads_schedule_drain -> _ads_drain)
// and blocking mode (ads_wait with Asyncify.handleSleep, here a fake that follows Emscripten
// 3.1.6's protocol: unwind on the first call, rewind by calling the same code again).

const test = require('node:test');
const assert = require('node:assert/strict');
const K = require('./support/testkit');

const { E } = K;
const T = { timeout: 20000 };

// A completion produced from "outside wasm": an accept on an unknown handle is queued at once
// (transfers would return the error instead: docs/browser-bridge.md, "Transfers").
function completeOne(env, op = K.opId()) {
  env.imports.ads_accept(9999, op);
  return op;
}

// Wrap every import so the test knows when "wasm" is inside an import call.
function guardImports(env) {
  const state = { inImport: 0 };
  for (const k of Object.keys(env.imports)) {
    const f = env.imports[k];
    env.imports[k] = (...a) => { state.inImport++; try { return f(...a); } finally { state.inImport--; } };
  }
  return state;
}

test('ads_take_completions: in order, empties the queue, never inside the producing call', T, () => {
  const env = K.setup({}, { autoDrain: false });
  const ops = [completeOne(env), completeOne(env), completeOne(env)];
  assert.equal(env.completions.length, 0, 'queued, not delivered');
  env.take();
  assert.deepEqual(env.completions.map((c) => c.op), ops);
  assert.ok(env.completions.every((c) => c.err === E.BAD_DESCRIPTOR));
  env.take();
  assert.equal(env.completions.length, 3);
});

test('ads_take_completions: records queued by callbacks wait for the next call; a throwing callback keeps the rest', T, () => {
  const env = K.setup({}, { autoDrain: false });
  let extra = 0;
  env.onComplete = () => { if (extra++ === 0) completeOne(env); };
  const a = completeOne(env);
  const b = completeOne(env);
  env.take();
  assert.deepEqual(env.completions.map((c) => c.op), [a, b]);
  env.take();
  assert.equal(env.completions.length, 3);

  const env2 = K.setup({}, { autoDrain: false });
  const ops = [completeOne(env2), completeOne(env2), completeOne(env2)];
  env2.onComplete = (rec) => { if (rec.op === ops[0]) throw new Error('C++ exception'); };
  assert.throws(() => env2.take(), /C\+\+ exception/);
  env2.onComplete = null;
  env2.take();
  assert.deepEqual(env2.completions.map((c) => c.op), ops, 'the rest delivered afterwards, in order');

  // a nested ads_take_completions (from inside a callback) returns at once: order is kept
  const env3 = K.setup({}, { autoDrain: false });
  const o1 = completeOne(env3);
  const o2 = completeOne(env3);
  let o3 = 0;
  env3.onComplete = (rec) => {
    if (rec.op === o1) { o3 = completeOne(env3); env3.take(); }
  };
  env3.take();
  assert.deepEqual(env3.completions.map((c) => c.op), [o1, o2]);
  env3.take();
  assert.deepEqual(env3.completions.map((c) => c.op), [o1, o2, o3]);
});

test('callback mode: _ads_drain once per arming, when a completion arrives, never inside an import', T, async () => {
  const env = K.setup({}, { autoDrain: false });
  const g = guardImports(env);
  let drains = 0;
  env.onDrain = () => {
    assert.equal(g.inImport, 0, 'not re-entrant');
    drains++;
    env.imports.ads_take_completions();
  };
  env.imports.ads_schedule_drain(-1);
  await K.sleep(20);
  assert.equal(drains, 0, 'no completion, no timer: no call');
  const op = completeOne(env);
  assert.equal(drains, 0, 'not from inside the call that queued it');
  await null;
  await null;
  assert.equal(drains, 1, 'from a microtask right after');
  assert.ok(env.completion(op));
  completeOne(env);
  await K.sleep(10);
  assert.equal(drains, 1, 'one call per arming');
  env.imports.ads_schedule_drain(-1);   // armed with a completion already queued
  await K.sleep(5);
  assert.equal(drains, 2);
});

test('callback mode: the timeout fires without completions; a newer arming replaces the timeout', T, async () => {
  const env = K.setup({}, { autoDrain: false });
  const calls = [];
  const t0 = performance.now();
  env.onDrain = () => calls.push(performance.now() - t0);
  env.imports.ads_schedule_drain(30);
  await K.sleep(80);
  assert.equal(calls.length, 1);
  assert.ok(calls[0] >= 25, `after the timeout (${calls[0]} ms)`);
  calls.length = 0;
  const t1 = performance.now();
  env.onDrain = () => calls.push(performance.now() - t1);
  env.imports.ads_schedule_drain(1000);
  env.imports.ads_schedule_drain(20);
  await K.sleep(100);
  assert.equal(calls.length, 1, 'one pending timer at a time');
  assert.ok(calls[0] < 500);
  env.imports.ads_schedule_drain(10);
  completeOne(env);
  await K.sleep(50);
  assert.equal(calls.length, 2, 'the completion came first; the timer does not call again');
});

test('callback mode: a program that completes ops immediately forever does not starve the event loop', T, async () => {
  const env = K.setup({}, { autoDrain: false });
  let drains = 0;
  let timerFired = false;
  let stop = false;
  env.onDrain = () => {
    drains++;
    env.imports.ads_take_completions();
    if (stop) return;
    env.imports.ads_accept(9999, K.opId());   // completes at once, again and again
    env.imports.ads_schedule_drain(-1);
  };
  env.imports.ads_schedule_drain(-1);
  completeOne(env);
  const t0 = performance.now();
  setTimeout(() => { timerFired = true; }, 0);
  await K.waitFor(() => timerFired, 2000, 'setTimeout(0) runs');
  stop = true;
  assert.ok(performance.now() - t0 < 200);
  assert.ok(drains > 10, `drains kept going (${drains})`);
});

// Emscripten 3.1.6 Asyncify.handleSleep protocol, for one "wasm" caller at a time.
function fakeAsyncify() {
  const A = {
    State: { Normal: 0, Unwinding: 1, Rewinding: 2, Disabled: 3 },
    state: 0,
    currData: null,
    handleSleepReturnValue: 0,
    rewind: null,          // re-enters the suspended "wasm" code
    handleSleep(startAsync) {
      if (A.state === A.State.Normal) {
        let reached = false;
        let after = false;
        startAsync((v) => {
          A.handleSleepReturnValue = v || 0;
          reached = true;
          if (!after) return;
          A.state = A.State.Rewinding;
          A.rewind();
        });
        after = true;
        if (!reached) {
          A.state = A.State.Unwinding;
          A.currData = {};
        }
        return A.handleSleepReturnValue;
      }
      if (A.state === A.State.Rewinding) {
        A.state = A.State.Normal;
        A.currData = null;
        return A.handleSleepReturnValue;
      }
      throw new Error('bad state ' + A.state);
    },
  };
  return A;
}

// Runs `ads_wait(timeout)` as suspended wasm code would; resolves with its return value.
function blockingWait(env, A, timeout) {
  return new Promise((resolve) => {
    const body = () => {
      const r = env.imports.ads_wait(timeout);
      if (A.state === A.State.Unwinding) {   // the export returns to JS; the stack is saved
        A.state = A.State.Normal;
        return;
      }
      resolve({ r, at: performance.now() });
    };
    A.rewind = body;
    body();
  });
}

test('blocking mode: ads_can_block, immediate returns, wake on completion (from a microtask), timeout', T, async () => {
  const plain = K.setup({}, { autoDrain: false });
  assert.equal(plain.imports.ads_can_block(), 0);
  assert.equal(plain.imports.ads_wait(-1), 0, 'cannot block without Asyncify');

  const A = fakeAsyncify();
  const env3 = K.load({ autoDrain: false, asyncify: A });
  const I = env3.imports;
  assert.equal(I.ads_can_block(), 1);
  assert.equal(I.ads_wait(0), 0, 'timeout 0: no sleep');
  completeOne(env3);
  assert.equal(I.ads_wait(-1), 1, 'a completion is waiting: no sleep');
  env3.take();

  // sleeps until a completion arrives
  const p = blockingWait(env3, A, -1);
  assert.ok(A.currData, 'suspended');
  let resumed = false;
  p.then(() => { resumed = true; });
  completeOne(env3);
  assert.equal(resumed, false, 'not woken inside the call that queued the completion');
  const { r } = await p;
  assert.equal(r, 1);
  assert.equal(A.currData, null);
  env3.take();

  // timeout
  const t0 = performance.now();
  const w = await blockingWait(env3, A, 40);
  assert.equal(w.r, 0);
  assert.ok(w.at - t0 >= 35, `woke after the timeout (${(w.at - t0).toFixed(1)} ms)`);
});

test('blocking mode: no _ads_drain while suspended; it runs after the wake-up', T, async () => {
  const A = fakeAsyncify();
  const env = K.load({ autoDrain: false, asyncify: A });
  let drainsWhileAsleep = 0;
  let drains = 0;
  env.onDrain = () => { drains++; if (A.currData) drainsWhileAsleep++; };
  env.imports.ads_schedule_drain(10);   // fires during the sleep below
  const w = await blockingWait(env, A, 60);
  assert.equal(w.r, 0);
  assert.equal(drainsWhileAsleep, 0);
  await K.sleep(30);
  assert.equal(drains, 1, 'the deferred drain ran after the wake-up');
});

// JSPI (jspi_pre.js sets Module.adsJspi): ads_wait returns a promise where it would sleep, which
// WebAssembly.Suspending turns into a suspension; everything else as with Asyncify.
test('blocking mode under JSPI: ads_wait returns a promise that settles on a completion or the timeout', T, async () => {
  const env = K.load({ autoDrain: false });
  env.Module.adsJspi = true;
  const I = env.imports;
  assert.equal(I.ads_can_block(), 1);
  assert.equal(I.ads_wait(0), 0, 'timeout 0: no sleep');
  completeOne(env);
  assert.equal(I.ads_wait(-1), 1, 'a completion is waiting: no promise');
  env.take();

  const p = I.ads_wait(-1);
  assert.ok(p instanceof Promise, 'would sleep: a promise');
  assert.equal(I.ads_wait(-1), 0, 'a second waiter is refused');
  let resumed = false;
  p.then(() => { resumed = true; });
  completeOne(env);
  assert.equal(resumed, false, 'not settled inside the call that queued the completion');
  assert.equal(await p, 1);
  env.take();

  const t0 = performance.now();
  assert.equal(await I.ads_wait(40), 0);
  assert.ok(performance.now() - t0 >= 35, 'settled after the timeout');
  const y = I.ads_wait(-2);   // ds::ads_wait_yield: one macrotask
  assert.ok(y instanceof Promise);
  assert.equal(await y, 0);
});

test('blocking mode: successive waits share one timer, re-armed only for an earlier deadline', T, async () => {
  const env = K.load({ autoDrain: false });
  env.Module.adsJspi = true;
  const I = env.imports;
  const real = globalThis.setTimeout;
  let arms = 0;
  globalThis.setTimeout = (...a) => { arms++; return real(...a); };
  try {
    for (let i = 0; i < 20; i++) {   // a run() loop with a timer pending, woken by completions
      const p = I.ads_wait(5000);
      completeOne(env);
      assert.equal(await p, 1);
      env.take();
    }
    assert.equal(arms, 1, 'one setTimeout for 20 waits');
    // an earlier deadline re-arms, and the wait ends at its own timeout
    let t0 = performance.now();
    assert.equal(await I.ads_wait(30), 0);
    assert.ok(performance.now() - t0 >= 29, 'not before its timeout');
    // One new timer for the earlier deadline; under load a second one: Node arms a timer from
    // its loop's cached time, so it can fire a few ms before performance.now() reaches the
    // deadline, and the bridge then re-arms for the rest (checked below).
    assert.ok(arms === 2 || arms === 3, `re-armed once for the earlier deadline (${arms - 1})`);
    // a timer armed for an earlier waiter fires early for a later one: it re-arms for the rest
    const p = I.ads_wait(20);
    completeOne(env);
    assert.equal(await p, 1);
    env.take();
    t0 = performance.now();
    assert.equal(await I.ads_wait(80), 0);
    assert.ok(performance.now() - t0 >= 79, `woke after its own timeout (${performance.now() - t0} ms)`);
  } finally {
    globalThis.setTimeout = real;
  }
});
