'use strict';
// Chrome's Direct Sockets API (TCPSocket, TCPServerSocket, UDPSocket) for Node.js, behaving as
// Chromium 156 does. CommonJS, Node built-ins only. See docs/node-direct-sockets.md.
//
//   const ds = require('.../direct_sockets.js');
//   ds.install();                                    // globalThis.TCPSocket etc.
//   ds.install(globalThis, { emulateChromiumWriteDrop: true });

const { configure, getConfig } = require('./config');
const { TCPSocket } = require('./tcp_socket');
const { TCPServerSocket } = require('./tcp_server_socket');
const { UDPSocket } = require('./udp_socket');
const { MulticastController } = require('./multicast_controller');

// Defines the constructors on `globalObject` (non-enumerable, like Web IDL interface objects)
// and applies `options` (see config.js) process-wide. Returns the effective configuration.
function install(globalObject = globalThis, options = undefined) {
  const cfg = configure(options || {});
  const define = (name, value) => Object.defineProperty(globalObject, name, {
    value, writable: true, configurable: true, enumerable: false,
  });
  define('TCPSocket', TCPSocket);
  define('TCPServerSocket', TCPServerSocket);
  define('UDPSocket', UDPSocket);
  if (cfg.multicast) define('MulticastController', MulticastController);
  return cfg;
}

module.exports = { TCPSocket, TCPServerSocket, UDPSocket, MulticastController, install, getConfig };
