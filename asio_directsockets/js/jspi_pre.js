// --pre-js of the asio_directsockets::blocking link target in JSPI mode
// (-DASIO_DS_BLOCKING=jspi, docs/browser.md "Blocking mode").
//
// Blocking mode without ASYNCIFY: V8's JavaScript Promise Integration suspends
// the wasm stack inside the one import that waits (ads_wait returns a promise)
// and resumes it when the promise settles. Emscripten 3.1.6 predates JSPI, so
// this file does its import half: it instantiates the module itself with
// ads_wait wrapped in WebAssembly.Suspending. blocking_exit_status.js (the
// post-js) does the export half: main() is entered through
// WebAssembly.promising.
Module['adsJspi'] = true;
Module['instantiateWasm'] = function (imports, receiveInstance) {
  if (typeof WebAssembly.Suspending !== 'function' ||
      typeof WebAssembly.promising !== 'function') {
    var msg = 'asio_directsockets: this program was built for JSPI (blocking mode), which this ' +
              'engine lacks: it needs WebAssembly.Suspending (Chromium 137 or later, Node 25 ' +
              'or later); rebuild with -DASIO_DS_BLOCKING=asyncify for older engines';
    err(msg);
    abort(msg);
  }
  // By identity, so this does not depend on how the import is named in the module.
  var wrapped = 0;
  for (var mod in imports) {
    for (var name in imports[mod]) {
      if (imports[mod][name] === _ads_wait) {
        imports[mod][name] = new WebAssembly.Suspending(_ads_wait);
        wrapped++;
      }
    }
  }
  if (!wrapped) abort('asio_directsockets: ads_wait is not imported by this module');
  getBinaryPromise().then(function (binary) {
    return WebAssembly.instantiate(binary, imports);
  }).then(function (output) {
    receiveInstance(output['instance'], output['module']);
  }, function (e) {
    err('asio_directsockets: failed to instantiate the wasm module: ' + e);
    abort(e);
  });
  return {};  // the exports arrive through receiveInstance
};
