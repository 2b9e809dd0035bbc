'use strict';
// Host name resolution for remoteAddress, as the browser's HostResolver does it for Direct
// Sockets: IP literals are used as they are, names go to the system resolver, and dnsQueryType
// restricts the address family (A or AAAA). Every failure is ERR_NAME_NOT_RESOLVED.

const dns = require('node:dns');
const { parseHostLiteral } = require('./ip');

function notResolved(cause) {
  const err = new Error(`name not resolved${cause && cause.code ? ' (' + cause.code + ')' : ''}`);
  err.netError = 'ERR_NAME_NOT_RESOLVED';
  err.code = cause && cause.code ? cause.code : 'ENOTFOUND';
  if (cause) err.cause = cause;
  return err;
}

// Resolves to a non-empty list of { address, family } in resolver order.
async function resolveHost(host, dnsQueryType) {
  const family = dnsQueryType === 'ipv4' ? 4 : dnsQueryType === 'ipv6' ? 6 : 0;
  const literal = parseHostLiteral(host);
  if (literal) {
    // A literal of the other family cannot satisfy an A/AAAA-only query.
    if (family && literal.family !== family) throw notResolved({ code: 'ENODATA' });
    return [literal];
  }
  // getaddrinfo("") would "succeed" in Node with no address; Chromium fails it.
  if (host === '' || host.length > 253) throw notResolved({ code: 'ENOTFOUND' });
  let list;
  try {
    list = await dns.promises.lookup(host, { all: true, family, verbatim: true });
  } catch (e) {
    throw notResolved(e);
  }
  if (!list.length) throw notResolved({ code: 'ENODATA' });
  return list;
}

module.exports = { resolveHost };
