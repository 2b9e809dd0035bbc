'use strict';
// A program's standard input in the browser, as it arrives (run.js --stdin). Emscripten reads
// standard input synchronously: on the main browser thread a byte at a time (Module.stdin), and
// a pthread of a -pthread build in its own Worker (js/runtime/stdin_on_thread.js). Nothing can
// arrive while such a read waits, so the reader asks with a synchronous request,
// GET /run/stdin?max=N, which this answers once input has arrived (up to N bytes, which it
// consumes) or it has ended: { data: base64, eof }. While the main browser thread waits so, the
// program's output (which Emscripten writes there) waits too.

function stdinFeed(stream) {
  let received = Buffer.alloc(0);
  let taken = 0;
  let ended = false;
  let waiters = [];
  const wakeAll = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  stream.on('data', (chunk) => {
    received = Buffer.concat([received.subarray(taken), Buffer.from(chunk)]);
    taken = 0;
    wakeAll();
  });
  stream.on('end', () => { ended = true; wakeAll(); });
  stream.on('error', () => { ended = true; wakeAll(); });

  const answer = (max) => {
    const data = received.subarray(taken, taken + max);
    taken += data.length;
    return { data: data.toString('base64'), eof: data.length === 0 && ended };
  };
  return {
    // Resolves with up to `max` bytes once some have arrived, or with none at the end.
    take(max) {
      if (taken < received.length || ended) return Promise.resolve(answer(max));
      return new Promise((resolve) => waiters.push(() => resolve(answer(max))));
    },
  };
}

module.exports = { stdinFeed };
