// Error mapping: what Direct Sockets throws or rejects with -> the contract's result codes
// (docs/browser-bridge.md, "Error mapping").
// Part of the bridge library: docs/browser-bridge.md.

mergeInto(LibraryManager.library, {
  $AdsErrors__deps: ['$AdsBridge'],
  $AdsErrors: {
    // The net::ERR_* name carried by an error: Chromium puts it into stream error messages
    // ("Stream aborted by the remote: net::ERR_CONNECTION_RESET"); the Node implementation also
    // appends it to open errors and sets e.netError.
    netName: function (e) {
      var s = '';
      try {
        if (e && e.netError) s += String(e.netError) + ' ';
        s += e && e.message !== undefined ? String(e.message) : String(e);
      } catch (x) { /* unprintable */ }
      var m = /ERR_[A-Z0-9_]+/.exec(s);
      return m ? m[0] : '';
    },
    message: function (e) {
      try { return String(e && e.message !== undefined ? e.message : e).toLowerCase(); } catch (x) { return ''; }
    },
    fromNetName: function (n) {
      var B = AdsBridge;
      switch (n) {
        case 'ERR_CONNECTION_REFUSED': return B.CONNECTION_REFUSED;
        case 'ERR_NAME_NOT_RESOLVED': case 'ERR_NAME_RESOLUTION_FAILED':
        case 'ERR_DNS_TIMED_OUT': case 'ERR_DNS_MALFORMED_RESPONSE': case 'ERR_DNS_SERVER_FAILED':
          return B.HOST_NOT_FOUND;
        case 'ERR_ADDRESS_UNREACHABLE': return B.HOST_UNREACHABLE;
        case 'ERR_CONNECTION_TIMED_OUT': case 'ERR_TIMED_OUT': return B.TIMED_OUT;
        case 'ERR_ACCESS_DENIED': case 'ERR_NETWORK_ACCESS_DENIED':
        case 'ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS': case 'ERR_BLOCKED_BY_PRIVATE_NETWORK_ACCESS_CHECKS':
          return B.ACCESS_DENIED;
        case 'ERR_ADDRESS_IN_USE': return B.ADDRESS_IN_USE;
        case 'ERR_INTERNET_DISCONNECTED': case 'ERR_NETWORK_CHANGED': return B.NETWORK_DOWN;
        case 'ERR_CONNECTION_RESET': case 'ERR_CONNECTION_ABORTED': case 'ERR_CONNECTION_CLOSED':
          return B.CONNECTION_RESET;
        case 'ERR_MSG_TOO_BIG': return B.MESSAGE_SIZE;
        case 'ERR_NO_BUFFER_SPACE': case 'ERR_INSUFFICIENT_RESOURCES': case 'ERR_OUT_OF_MEMORY':
          return B.NO_BUFFER_SPACE;
        case 'ERR_INVALID_ARGUMENT': case 'ERR_ADDRESS_INVALID': return B.INVALID_ARGUMENT;
        case 'ERR_SOCKET_NOT_CONNECTED': return B.NOT_CONNECTED;
        default: return 0;
      }
    },
    // A constructor that threw synchronously.
    mapThrow: function (e) {
      var B = AdsBridge;
      var name = e && e.name;
      if (name === 'TypeError' || name === 'RangeError') return B.INVALID_ARGUMENT;
      if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'InvalidAccessError') {
        return B.ACCESS_DENIED;
      }
      if (name === 'NotSupportedError' || name === 'ReferenceError') return B.NOT_SUPPORTED;
      return B.INVALID_ARGUMENT;
    },
    // `opened` rejected. kind: 'tcp' (connect), 'listen', 'udp-connected', 'udp-bound'.
    // Chromium's messages name no cause ("Network Error."), so the default is per kind.
    mapOpenError: function (e, kind) {
      var B = AdsBridge;
      var name = e && e.name;
      if (name === 'TypeError' || name === 'RangeError') return B.INVALID_ARGUMENT;
      if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'InvalidAccessError') {
        return B.ACCESS_DENIED;
      }
      if (name === 'NotSupportedError') return B.NOT_SUPPORTED;
      var c = AdsErrors.fromNetName(AdsErrors.netName(e));
      if (c) return c;
      var m = AdsErrors.message(e);
      if (/resolve|resolution|not found/.test(m)) return B.HOST_NOT_FOUND;
      if (/unreachable/.test(m)) return B.HOST_UNREACHABLE;
      if (/timed? ?out/.test(m)) return B.TIMED_OUT;
      if (/refused/.test(m)) return B.CONNECTION_REFUSED;
      if (/in use/.test(m)) return B.ADDRESS_IN_USE;
      if (/blocked|denied|not allowed|permission/.test(m)) return B.ACCESS_DENIED;
      if (kind === 'listen' || kind === 'udp-bound') return B.ADDRESS_IN_USE;
      if (kind === 'udp-connected') return B.HOST_UNREACHABLE;
      return B.CONNECTION_REFUSED;
    },
    // A stream error after open. dir: 'read' | 'write'; udp: true for UDP sockets.
    mapStreamError: function (e, dir, udp) {
      var B = AdsBridge;
      var c = AdsErrors.fromNetName(AdsErrors.netName(e));
      if (udp) {
        if (c) return c;
        return dir === 'read' ? B.CONNECTION_RESET : B.BROKEN_PIPE;
      }
      if (c === B.TIMED_OUT || c === B.NETWORK_DOWN || c === B.HOST_UNREACHABLE) return c;
      if (dir === 'read') return B.CONNECTION_RESET;
      return c === B.CONNECTION_RESET ? B.CONNECTION_RESET : B.BROKEN_PIPE;
    }
  }
});
