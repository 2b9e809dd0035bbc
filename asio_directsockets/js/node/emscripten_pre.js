// emcc --pre-js asio_directsockets/js/node/emscripten_pre.js
// Under Node, makes the Direct Sockets API exist before the program starts. In a browser (which
// has the API, or must not get ours) it does nothing. The module path comes from
// DIRECT_SOCKETS_NODE_MODULE because the build output does not know where the source tree is;
// `node -r .../register.js program.js` is the alternative that needs no pre-js at all.
if (typeof process === 'object' && process.versions && process.versions.node &&
    typeof globalThis.TCPSocket === 'undefined') {
  if (process.env.DIRECT_SOCKETS_NODE_MODULE) {
    require(process.env.DIRECT_SOCKETS_NODE_MODULE).install(globalThis);
  } else {
    console.warn('Direct Sockets: set DIRECT_SOCKETS_NODE_MODULE to .../direct_sockets.js ' +
                 'or run node with -r .../register.js');
  }
}
