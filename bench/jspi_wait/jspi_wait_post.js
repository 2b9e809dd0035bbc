// Runs the loop through WebAssembly.promising and the same waits as plain JS awaits, alternating,
// and prints one JSON row per round (µs per wait).
Module['onRuntimeInitialized'] = function () {
  var loop = WebAssembly.promising(Module['asm']['jspi_wait_loop']);
  var n = 200000, rounds = 5, round = 0;
  function jsLoop(k) {
    return new Promise(function (done) {
      var i = 0;
      function step() {
        if (i++ >= k) { done(); return; }
        new Promise(function (r) { queueMicrotask(function () { r(1); }); }).then(step);
      }
      step();
    });
  }
  function next() {
    var t0 = performance.now();
    loop(n).then(function () {
      var t1 = performance.now();
      return jsLoop(n).then(function () {
        var t2 = performance.now();
        out(JSON.stringify({ schema: 1, scenario: 'jspi_wait', round: round, waits: n,
                             jspi_us_per_wait: (t1 - t0) * 1e3 / n,
                             js_await_us_per_wait: (t2 - t1) * 1e3 / n }));
        if (++round < rounds) next();
      });
    });
  }
  next();
};
