// Instantiates the module with the import wrapped for JSPI (Emscripten 3.1.6 predates JSPI;
// asio_directsockets/js/jspi_pre.js does the same for ads_wait).
Module['instantiateWasm'] = function (imports, receiveInstance) {
  imports['env']['jspi_wait_import'] = new WebAssembly.Suspending(imports['env']['jspi_wait_import']);
  getBinaryPromise().then(function (binary) {
    return WebAssembly.instantiate(binary, imports);
  }).then(function (output) {
    receiveInstance(output['instance'], output['module']);
  });
  return {};
};
