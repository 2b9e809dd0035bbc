'use strict';
// Constructor argument and option-dictionary handling, check for check and message for message
// as Blink does it. Sources (chromium/chromium, in blink/renderer/modules/direct_sockets/):
//   socket_options.idl, tcp_socket.idl, udp_message.idl   IDL types ([EnforceRange] or not)
//   tcp_socket.cc        CreateTCPSocketOptions(), CheckSendReceiveBufferSize()
//   tcp_server_socket.cc CreateTCPServerSocketOptions()
//   udp_socket.cc        InferUDPSocketMode(), Create{Connected,Bound}UDPSocketOptions(),
//                        ValidateMulticastOptions()
//   udp_writable_stream_wrapper.cc  UDPWritableStreamWrapper::Write()
// The WICG spec (https://wicg.github.io/direct-sockets/) states the same TCPSocket checks:
// keepAliveDelay < 1000, sendBufferSize == 0, receiveBufferSize == 0 throw TypeError.

const { getConfig } = require('./config');
const { typeError } = require('./errors');
const idl = require('./webidl');
const { parseIPLiteral } = require('./ip');

const DNS_QUERY_TYPES = ['ipv4', 'ipv6'];

function readSocketOptions(get, ctx, dictName, out) {
  const rbs = get('receiveBufferSize');
  if (rbs !== undefined) {
    out.receiveBufferSize =
        idl.toUnsignedLong(rbs, true, idl.memberContext(ctx, 'receiveBufferSize', dictName));
  }
  const sbs = get('sendBufferSize');
  if (sbs !== undefined) {
    out.sendBufferSize =
        idl.toUnsignedLong(sbs, true, idl.memberContext(ctx, 'sendBufferSize', dictName));
  }
}

function readDnsQueryType(get, ctx, dictName, out) {
  const v = get('dnsQueryType');
  if (v !== undefined) {
    out.dnsQueryType = idl.toEnum(v, DNS_QUERY_TYPES, 'SocketDnsQueryType',
                                  idl.memberContext(ctx, 'dnsQueryType', dictName));
  }
}

function checkSendReceiveBufferSize(o, ctx) {
  if (o.sendBufferSize === 0) throw typeError(ctx, 'sendBufferSize must be greater than zero.');
  // (sic) Blink's message says "receiver".
  if (o.receiveBufferSize === 0) {
    throw typeError(ctx, 'receiverBufferSize must be greater than zero.');
  }
}

// new TCPSocket(remoteAddress, remotePort, options)
function parseTCPSocketArgs(args) {
  const ctx = "Failed to construct 'TCPSocket'";
  if (args.length < 2) {
    throw typeError(ctx, `2 arguments required, but only ${args.length} present.`);
  }
  const remoteAddress = idl.toDOMString(args[0], ctx);
  // `unsigned short` without [EnforceRange]: wraps modulo 65536; Blink has no port-0 check,
  // so port 0 fails later, at connect time, as a NetworkError.
  const remotePort = idl.toUnsignedShort(args[1], false, ctx);
  const get = idl.dictionary(args[2], 'TCPSocketOptions', ctx);
  const o = {};
  readSocketOptions(get, ctx, 'TCPSocketOptions', o);
  readDnsQueryType(get, ctx, 'TCPSocketOptions', o);
  const kad = get('keepAliveDelay');
  if (kad !== undefined) {
    o.keepAliveDelay =
        idl.toUnsignedLong(kad, true, idl.memberContext(ctx, 'keepAliveDelay', 'TCPSocketOptions'));
  }
  const nd = get('noDelay');
  o.noDelay = nd === undefined ? false : Boolean(nd);

  checkSendReceiveBufferSize(o, ctx);
  if (o.keepAliveDelay !== undefined && o.keepAliveDelay < 1000) {
    throw typeError(ctx, 'keepAliveDelay must be no less than 1,000 milliseconds.');
  }
  return { remoteAddress, remotePort, options: o };
}

const LOCAL_PORT_ZERO =
    'localPort must be greater than zero. Leave this field unassigned to allow the OS to pick a ' +
    'port on its own.';
const IPV6_ONLY = 'ipv6Only can only be specified when localAddress is [::] or equivalent.';

// new TCPServerSocket(localAddress, options)
function parseTCPServerSocketArgs(args) {
  const ctx = "Failed to construct 'TCPServerSocket'";
  if (args.length < 1) throw typeError(ctx, '1 argument required, but only 0 present.');
  const localAddress = idl.toDOMString(args[0], ctx);
  const get = idl.dictionary(args[1], 'TCPServerSocketOptions', ctx);
  const o = {};
  const backlog = get('backlog');
  if (backlog !== undefined) {
    o.backlog = idl.toUnsignedLong(backlog, true,
                                   idl.memberContext(ctx, 'backlog', 'TCPServerSocketOptions'));
  }
  const v6 = get('ipv6Only');
  if (v6 !== undefined) o.ipv6Only = Boolean(v6);
  const lp = get('localPort');
  if (lp !== undefined) {
    const lpctx = idl.memberContext(ctx, 'localPort', 'TCPServerSocketOptions');
    o.localPort = idl.toUnsignedShort(lp, true, lpctx);
  }

  const ip = parseIPLiteral(localAddress);
  if (!ip) throw typeError(ctx, 'localAddress must be a valid IP address.');
  if (o.localPort === 0) throw typeError(ctx, LOCAL_PORT_ZERO);
  if (o.backlog === 0) throw typeError(ctx, 'backlog must be greater than zero.');
  if (o.ipv6Only !== undefined && ip.address !== '::') throw typeError(ctx, IPV6_ONLY);
  return { local: ip, options: o };
}

// new UDPSocket(options)
function parseUDPSocketArgs(args) {
  const ctx = "Failed to construct 'UDPSocket'";
  if (args.length < 1) throw typeError(ctx, '1 argument required, but only 0 present.');
  const dictName = 'UDPSocketOptions';
  const get = idl.dictionary(args[0], dictName, ctx);
  const mctx = (m) => idl.memberContext(ctx, m, dictName);
  const o = {};
  readSocketOptions(get, ctx, dictName, o);
  readDnsQueryType(get, ctx, dictName, o);
  const v6 = get('ipv6Only');
  if (v6 !== undefined) o.ipv6Only = Boolean(v6);
  const la = get('localAddress');
  if (la !== undefined) o.localAddress = idl.toDOMString(la, mctx('localAddress'));
  const lp = get('localPort');
  if (lp !== undefined) o.localPort = idl.toUnsignedShort(lp, true, mctx('localPort'));
  // The multicast members only exist in the dictionary when MulticastInDirectSockets is on;
  // otherwise Blink never reads them.
  if (getConfig().multicast) {
    const share = get('multicastAllowAddressSharing');
    if (share !== undefined) o.multicastAllowAddressSharing = Boolean(share);
    const loop = get('multicastLoopback');
    if (loop !== undefined) o.multicastLoopback = Boolean(loop);
    const ttl = get('multicastTimeToLive');
    if (ttl !== undefined) {
      o.multicastTimeToLive = idl.toOctet(ttl, true, mctx('multicastTimeToLive'));
    }
  }
  const ra = get('remoteAddress');
  if (ra !== undefined) o.remoteAddress = idl.toDOMString(ra, mctx('remoteAddress'));
  const rp = get('remotePort');
  if (rp !== undefined) o.remotePort = idl.toUnsignedShort(rp, true, mctx('remotePort'));

  // InferUDPSocketMode()
  const hasRA = o.remoteAddress !== undefined;
  const hasRP = o.remotePort !== undefined;
  let mode = null;
  if (hasRA && hasRP) {
    mode = 'connected';
  } else if (hasRA || hasRP) {
    throw typeError(ctx, 'remoteAddress and remotePort should either be specified together or ' +
                             'not specified at all.');
  }
  if (o.localAddress !== undefined) {
    if (mode) {
      throw typeError(ctx, 'remoteAddress and localAddress cannot be specified at the same time.');
    }
    mode = 'bound';
  } else if (o.localPort !== undefined) {
    throw typeError(ctx, 'localPort cannot be specified without localAddress.');
  }
  if (!mode) throw typeError(ctx, 'neither remoteAddress nor localAddress specified.');

  if (mode === 'connected') {
    if (o.ipv6Only !== undefined) {
      throw typeError(ctx, 'ipv6Only can only be specified with localAddress.');
    }
    checkSendReceiveBufferSize(o, ctx);
    return { mode, options: o };
  }
  const ip = parseIPLiteral(o.localAddress);
  if (!ip) throw typeError(ctx, 'localAddress must be a valid IP address.');
  if (o.localPort === 0) throw typeError(ctx, LOCAL_PORT_ZERO);
  if (o.dnsQueryType !== undefined) {
    throw typeError(ctx, 'dnsQueryType is only relevant when remoteAddress is specified.');
  }
  checkSendReceiveBufferSize(o, ctx);
  if (o.ipv6Only !== undefined && ip.address !== '::') throw typeError(ctx, IPV6_ONLY);
  return { mode, local: ip, options: o };
}

// A chunk written to a UDPSocket's writable (UDPWritableStreamWrapper::Write()).
function parseUDPMessage(chunk, mode) {
  const dictName = 'UDPMessage';
  const get = idl.dictionary(chunk, dictName, '');
  const m = {};
  const data = get('data');
  if (data !== undefined) {
    m.data = idl.toBufferSource(data, idl.memberContext('', 'data', dictName));
  }
  readDnsQueryType(get, '', dictName, m);
  const ra = get('remoteAddress');
  if (ra !== undefined) m.remoteAddress = idl.toDOMString(ra);
  const rp = get('remotePort');
  if (rp !== undefined) m.remotePort = idl.toUnsignedShort(rp, false);

  if (m.data === undefined) throw new TypeError("UDPMessage: missing 'data' field.");
  if (m.remoteAddress !== undefined && m.remotePort !== undefined) {
    if (mode === 'connected') {
      throw new TypeError("UDPMessage: 'remoteAddress' and 'remotePort' must not be specified " +
                          "in 'connected' mode.");
    }
  } else if (m.remoteAddress !== undefined || m.remotePort !== undefined) {
    throw new TypeError("UDPMessage: either none or both 'remoteAddress' and 'remotePort' " +
                        'fields must be specified.');
  } else if (mode === 'bound') {
    throw new TypeError("UDPMessage: 'remoteAddress' and 'remotePort' must be specified " +
                        "in 'bound' mode.");
  }
  if (m.dnsQueryType !== undefined && mode === 'connected') {
    throw new TypeError("UDPMessage: 'dnsQueryType' must not be specified in 'connected' mode.");
  }
  if (idl.bytesOf(m.data).byteLength === 0) {
    throw new TypeError("UDPMessage: 'data' field must not be empty.");
  }
  return m;
}

module.exports = {
  parseTCPSocketArgs, parseTCPServerSocketArgs, parseUDPSocketArgs, parseUDPMessage,
};
