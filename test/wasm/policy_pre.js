// --pre-js of wasm_policy_errors (test/CMakeLists.txt), test only: under Node, ADS_TEST_POLICY
// reshapes the Direct Sockets environment before the program starts.
//   no-api      TCPSocket, TCPServerSocket and UDPSocket do not exist (a page that is not an
//               isolated context)
//   deny-local  the Node implementation refuses loopback and local-network peers, as an
//               Isolated Web App without the local-network permission
//               (ADS_NODE_DIRECT_SOCKETS: path of asio_directsockets/js/node/direct_sockets.js)
(function () {
  if (typeof process === 'undefined' || !process.env) return;
  var mode = process.env.ADS_TEST_POLICY;
  if (mode === 'no-api') {
    delete globalThis.TCPSocket;
    delete globalThis.TCPServerSocket;
    delete globalThis.UDPSocket;
  } else if (mode === 'deny-local') {
    require(process.env.ADS_NODE_DIRECT_SOCKETS).install(globalThis, { denyLocalNetwork: true });
  }
})();
