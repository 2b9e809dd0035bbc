'use strict';
// Wires the Emscripten program to this page, without inline script (an Isolated Web App's CSP
// forbids it): its arguments come from the URL (?arg=one&arg=two), its stdout and stderr go to
// the page and to the console, and its exit status is shown. Under asio_directsockets' IWA tool
// (ads-iwa --app-dir) the console is streamed to the terminal and window.adsIwaExit (defined by
// the tool, absent in a user's Chrome) ends the run with the program's status.

(function () {
  const output = document.getElementById('output');
  const show = (text, cls) => {
    const line = document.createElement('div');
    line.textContent = text;
    if (cls) line.className = cls;
    output.appendChild(line);
  };
  const report = (status) => {
    if (typeof window.adsIwaExit === 'function') window.adsIwaExit(String(status));
  };

  window.Module = {
    arguments: new URLSearchParams(location.search).getAll('arg'),
    print: (text) => {
      console.log(text);
      show(text);
    },
    printErr: (text) => {
      console.error(text);
      show(text, 'err');
    },
    // exit(), main() returning (the blocking mode reports it here) and abort().
    onExit: (status) => {
      show(`[exited with status ${status}]`);
      report(status);
    },
    onAbort: (what) => {
      show(`[aborted: ${what}]`, 'err');
      report(134);  // as a native SIGABRT
    },
  };
  // An uncaught C++ exception is printed by the library (type and what()) and then thrown here.
  window.addEventListener('error', (ev) => show(`[uncaught: ${ev.message}]`, 'err'));
})();
