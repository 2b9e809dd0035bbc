'use strict';
// Errors exactly as Chromium's Blink module builds them, plus the Node -> net::Error mapping that
// Chromium's network service would apply to the same OS error.
//
// Sources (chromium/chromium):
//   third_party/blink/renderer/modules/direct_sockets/socket.cc
//     CreateDOMExceptionCodeAndMessageFromNetErrorCode()  -> opened/closed rejections
//   .../tcp_readable_stream_wrapper.cc, tcp_writable_stream_wrapper.cc, udp_*_stream_wrapper.cc
//     "Stream aborted by the remote: " + net::ErrorToString(code)  -> stream errors
//   net/base/net_errors_posix.cc MapSystemError(), net/socket/socket_posix.cc MapConnectError()

const { getConfig } = require('./config');

// errno (as Node reports it in err.code) -> net::Error name, as MapSystemError() does.
const SYSTEM_ERRORS = {
  EACCES: 'ERR_ACCESS_DENIED',
  EPERM: 'ERR_ACCESS_DENIED',
  ENETDOWN: 'ERR_INTERNET_DISCONNECTED',
  ETIMEDOUT: 'ERR_TIMED_OUT',
  ECONNRESET: 'ERR_CONNECTION_RESET',
  ENETRESET: 'ERR_CONNECTION_RESET',
  EPIPE: 'ERR_CONNECTION_RESET',
  ECONNABORTED: 'ERR_CONNECTION_ABORTED',
  ECONNREFUSED: 'ERR_CONNECTION_REFUSED',
  EHOSTUNREACH: 'ERR_ADDRESS_UNREACHABLE',
  EHOSTDOWN: 'ERR_ADDRESS_UNREACHABLE',
  ENETUNREACH: 'ERR_ADDRESS_UNREACHABLE',
  EAFNOSUPPORT: 'ERR_ADDRESS_UNREACHABLE',
  EADDRNOTAVAIL: 'ERR_ADDRESS_INVALID',
  EMSGSIZE: 'ERR_MSG_TOO_BIG',
  ENOTCONN: 'ERR_SOCKET_NOT_CONNECTED',
  EISCONN: 'ERR_SOCKET_IS_CONNECTED',
  EINVAL: 'ERR_INVALID_ARGUMENT',
  EADDRINUSE: 'ERR_ADDRESS_IN_USE',
  EBADF: 'ERR_INVALID_HANDLE',
  ENOBUFS: 'ERR_NO_BUFFER_SPACE',
  ENOMEM: 'ERR_OUT_OF_MEMORY',
  EMFILE: 'ERR_INSUFFICIENT_RESOURCES',
};

// getaddrinfo failures: Chromium's HostResolver reports all of them as ERR_NAME_NOT_RESOLVED.
const DNS_ERRORS = new Set([
  'ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'ESERVFAIL',
  'ENONAME', 'EBADNAME', 'EREFUSED', 'ETIMEOUT',
]);

// net::Error name -> numeric value (net/base/net_error_list.h), for consumers that want codes.
const NET_ERROR_CODES = {
  ERR_FAILED: -2, ERR_ABORTED: -3, ERR_INVALID_ARGUMENT: -4, ERR_INVALID_HANDLE: -5,
  ERR_TIMED_OUT: -7, ERR_UNEXPECTED: -9, ERR_ACCESS_DENIED: -10, ERR_INSUFFICIENT_RESOURCES: -12,
  ERR_OUT_OF_MEMORY: -13,
  ERR_INTERNET_DISCONNECTED: -106, ERR_CONNECTION_CLOSED: -100, ERR_CONNECTION_RESET: -101,
  ERR_CONNECTION_REFUSED: -102, ERR_CONNECTION_ABORTED: -103, ERR_CONNECTION_FAILED: -104,
  ERR_NAME_NOT_RESOLVED: -105, ERR_ADDRESS_INVALID: -108, ERR_ADDRESS_UNREACHABLE: -109,
  ERR_CONNECTION_TIMED_OUT: -118, ERR_NETWORK_ACCESS_DENIED: -138, ERR_MSG_TOO_BIG: -142,
  ERR_ADDRESS_IN_USE: -147, ERR_SOCKET_NOT_CONNECTED: -15, ERR_SOCKET_IS_CONNECTED: -23,
  ERR_NO_BUFFER_SPACE: -55, ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS: -385,
};

// Map a Node error to a net::Error name. `phase` 'connect' applies MapConnectError()'s overrides.
function netErrorName(err, phase) {
  if (!err) return 'ERR_FAILED';
  if (err.netError) return err.netError;
  const code = err.code;
  if (phase === 'resolve' || DNS_ERRORS.has(code)) return 'ERR_NAME_NOT_RESOLVED';
  if (phase === 'connect') {
    if (code === 'EACCES') return 'ERR_NETWORK_ACCESS_DENIED';
    if (code === 'ETIMEDOUT') return 'ERR_CONNECTION_TIMED_OUT';
    return SYSTEM_ERRORS[code] || 'ERR_CONNECTION_FAILED';
  }
  // Node's own invalid-argument errors (bad port, bad address) are EINVAL to the OS.
  if (typeof code === 'string' && code.startsWith('ERR_SOCKET_BAD')) return 'ERR_INVALID_ARGUMENT';
  if (code === 'ERR_INVALID_ARG_VALUE') return 'ERR_INVALID_ARGUMENT';
  return SYSTEM_ERRORS[code] || 'ERR_FAILED';
}

// Blink's CreateDOMExceptionCodeAndMessageFromNetErrorCode().
function openErrorNameAndMessage(netName) {
  switch (netName) {
    case 'ERR_NAME_NOT_RESOLVED': return ['NetworkError', "Hostname couldn't be resolved."];
    case 'ERR_INVALID_URL': return ['DataError', 'Supplied url is not valid.'];
    case 'ERR_UNEXPECTED': return ['UnknownError', 'Unexpected error occured.'];
    case 'ERR_ACCESS_DENIED':
      return ['InvalidAccessError', 'Access to the requested host or port is blocked.'];
    case 'ERR_NETWORK_ACCESS_DENIED': return ['InvalidAccessError', 'Firewall error.'];
    case 'ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS':
      return ['InvalidAccessError', 'Access to local network is blocked.'];
    default: return ['NetworkError', 'Network Error.'];
  }
}

// Attach the machine-readable cause. Chromium's own message carries no net error for open
// failures, so unless `exactMessages` is set we append "(net::ERR_X; ECODE)" so a consumer can
// tell refused from unreachable from timed out.
function decorate(ex, netName, err, withSuffix) {
  Object.defineProperty(ex, 'netError', { value: 'net::' + netName, enumerable: false });
  Object.defineProperty(ex, 'netErrorCode', {
    value: NET_ERROR_CODES[netName] ?? NET_ERROR_CODES.ERR_FAILED, enumerable: false,
  });
  if (err && err.code) Object.defineProperty(ex, 'systemError', { value: err.code });
  if (err) Object.defineProperty(ex, 'cause', { value: err, enumerable: false });
  return ex;
}

function suffix(netName, err) {
  if (getConfig().exactMessages) return '';
  const sys = err && err.code && err.code !== netName ? '; ' + err.code : '';
  return ` (net::${netName}${sys})`;
}

// Rejection for `opened` (and `closed`) when opening fails.
function openError(err, phase) {
  const netName = typeof err === 'string' ? err : netErrorName(err, phase);
  const [name, message] = openErrorNameAndMessage(netName);
  const nodeErr = typeof err === 'string' ? null : err;
  return decorate(new DOMException(message + suffix(netName, nodeErr), name), netName, nodeErr);
}

// Error for a readable/writable stream after open. Chromium's text already names the error.
function streamError(err, prefix = 'Stream aborted by the remote: ') {
  const netName = typeof err === 'string' ? err : netErrorName(err);
  const nodeErr = typeof err === 'string' ? null : err;
  return decorate(new DOMException(prefix + 'net::' + netName, 'NetworkError'), netName, nodeErr);
}

// Blink's ExceptionState prefixes messages with the failing operation's context.
function typeError(context, message) {
  return new TypeError(context ? `${context}: ${message}` : message);
}

function domError(context, message, name) {
  return new DOMException(context ? `${context}: ${message}` : message, name);
}

function ctorContext(iface) { return `Failed to construct '${iface}'`; }
function methodContext(method, iface) { return `Failed to execute '${method}' on '${iface}'`; }

module.exports = {
  netErrorName, openError, streamError, typeError, domError, ctorContext, methodContext,
  NET_ERROR_CODES,
};
