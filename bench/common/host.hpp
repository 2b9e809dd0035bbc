// The browser build's window on the machine it runs on. A wasm program in a
// page cannot read /proc, so the browser driver (bench/browser/driver.js)
// answers a few requests on the page's own origin:
//   /api/cpu?who=client   CPU ns of the browser's processes (and of a proxy
//                         such as websockify, when the run has one): the
//                         client side of a browser measurement
//   /api/cpu?pid=P        CPU ns of process P and its children (the server)
//   /api/rss?pid=P        RSS of process P in KiB
//   /api/probe            browser-side memory (JS heap after a full GC,
//                         renderer and network-service RSS, bytes held by the
//                         library's JS bridge), taken over CDP, so it is
//                         asked asynchronously while the program waits
// The numbers are asked with a synchronous XMLHttpRequest at the edges of a
// measurement window only. Without the driver (e.g. under Node) every answer
// is -1, which the scenarios report as "not measured".
#pragma once

#if defined(__EMSCRIPTEN__)

#include <emscripten/emscripten.h>

#include <string>

namespace bench::host {

// clang-format off
EM_JS(double, host_number_js, (const char* path), {
  try {
    if (typeof XMLHttpRequest === 'undefined') return -1;
    var x = new XMLHttpRequest();
    x.open('GET', UTF8ToString(path), false);
    x.send();
    if (x.status !== 200) return -1;
    var v = Number(x.responseText);
    return isFinite(v) ? v : -1;
  } catch (e) {
    return -1;
  }
});

EM_JS(void, probe_start_js, (), {
  Module['benchProbe'] = undefined;
  var done = function(t) { Module['benchProbe'] = t; };
  try {
    fetch('/api/probe').then(function(r) { return r.ok ? r.text() : ""; })
        .then(done, function() { done(""); });
  } catch (e) {
    done("");
  }
});

EM_JS(int, probe_ready_js, (), { return Module['benchProbe'] !== undefined ? 1 : 0; });

EM_JS(double, probe_value_js, (const char* key), {
  try {
    var v = JSON.parse(Module['benchProbe'])[UTF8ToString(key)];
    return typeof v === 'number' && isFinite(v) ? v : -1;
  } catch (e) {
    return -1;
  }
});
// clang-format on

inline double number(const std::string& path) {
  return host_number_js(path.c_str());
}

}  // namespace bench::host

#endif
