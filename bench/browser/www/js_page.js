'use strict';
// Fetches the run configuration from the browser driver and runs the raw-JS client in this page
// or in a dedicated Worker, reporting through the driver's CDP binding with the same messages as
// the program harness (asio_directsockets/tools/browser/harness): {t: 'out'|'err', s},
// {t: 'exit', status}, {t: 'fatal', kind, message}.
(function () {
  const emit = (msg) => window.__adsRunnerEmit(JSON.stringify(msg));
  const fatal = (message) => emit({ t: 'fatal', kind: 'exception', message: String(message) });
  window.addEventListener('unhandledrejection', (ev) => fatal(`unhandled rejection: ${ev.reason}`));
  fetch('/run/config.json').then((r) => r.json()).then((config) => {
    if (typeof TCPSocket !== 'function') {
      emit({ t: 'fatal', kind: 'no-direct-sockets', message: 'Direct Sockets API missing in the page' });
      return;
    }
    if (config.mode === 'worker') {
      const worker = new Worker('js_worker.js');
      worker.onmessage = (ev) => emit(ev.data);
      worker.onerror = (ev) => {
        ev.preventDefault();
        fatal(`uncaught exception in the Worker: ${ev.message}`);
      };
      worker.postMessage(config);
      return;
    }
    benchJsClient.run(config.args, (line) => emit({ t: 'out', s: line }))
      .then((status) => emit({ t: 'exit', status, how: 'main' }), fatal);
  }, (e) => fatal(`cannot read the run configuration: ${e}`));
})();
