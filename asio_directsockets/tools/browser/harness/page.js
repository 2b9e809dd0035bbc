'use strict';
// The harness page: fetches this run's configuration from the runner's server, then runs the
// program here (mode "page") or in a dedicated Worker (mode "worker"), and forwards every
// report to the runner through the CDP binding __adsRunnerEmit (see run_program.js).

(function () {
  const emit = (msg) => {
    if (typeof window.__adsRunnerEmit === 'function') window.__adsRunnerEmit(JSON.stringify(msg));
    else console.log('[runner]', JSON.stringify(msg));  // opened by hand, not by the runner
  };
  const fatal = (kind, message) => emit({ t: 'fatal', kind, message });

  function loadScript(url, onError) {
    const s = document.createElement('script');
    s.src = url;
    s.onerror = () => onError(`cannot load the program script ${url}`);
    document.body ? document.body.appendChild(s) : document.head.appendChild(s);
  }

  function runInWorker(config) {
    let worker;
    try {
      worker = new Worker('worker.js');
    } catch (e) {
      fatal('load', `cannot start the dedicated Worker: ${e}`);
      return;
    }
    worker.onmessage = (ev) => emit(ev.data);
    worker.onerror = (ev) => {
      ev.preventDefault();
      fatal('exception', `uncaught exception in the Worker: ${ev.message} (${ev.filename}:${ev.lineno})`);
    };
    worker.onmessageerror = () => fatal('exception', 'undecodable message from the Worker');
    worker.postMessage(config);
  }

  // The runner adds its binding before it navigates here (content_shell), or right after the
  // page opened (an Isolated Web App is launched first, then attached to): wait a little for it.
  const runnerAttached = () => new Promise((resolve) => {
    const t0 = Date.now();
    (function poll() {
      if (typeof window.__adsRunnerEmit === 'function' || Date.now() - t0 > 10000) resolve();
      else setTimeout(poll, 10);
    })();
  });

  runnerAttached()
    .then(() => fetch('/run/config.json'))
    .then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.json();
    })
    .then((config) => {
      if (config.mode === 'worker') runInWorker(config);
      else adsProgramHost.startProgram(config, emit, loadScript);
    })
    .catch((e) => fatal('load', `cannot read the run configuration: ${e}`));
})();
