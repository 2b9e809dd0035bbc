'use strict';
// IP literal parsing as Chromium's net::IPAddress::AssignFromIPLiteral() does it: IPv4 goes through
// the URL host parser (so "127.1" and "0x7f.0.0.1" are accepted), IPv6 must not carry brackets.
// Results are canonical strings, like IPAddress::ToString().

const net = require('node:net');

function parseIPv4Part(s) {
  if (s === '') return NaN;
  if (/^0[xX][0-9a-fA-F]*$/.test(s)) return s.length === 2 ? 0 : parseInt(s.slice(2), 16);
  if (/^0[0-7]+$/.test(s)) return parseInt(s.slice(1), 8);
  if (/^(0|[1-9][0-9]*)$/.test(s)) return parseInt(s, 10);
  return NaN;
}

// WHATWG URL IPv4 parser (url::IPv4AddressToNumber): 1-4 parts, the last fills the rest.
function parseIPv4(s) {
  const parts = s.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();  // one trailing dot
  if (parts.length === 0 || parts.length > 4) return null;
  const nums = parts.map(parseIPv4Part);
  if (nums.some(Number.isNaN)) return null;
  const last = nums.pop();
  if (nums.some((n) => n > 255) || last >= 256 ** (4 - nums.length)) return null;
  let value = last;
  nums.forEach((n, i) => { value += n * 256 ** (3 - i); });
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

function canonicalIPv6(s) {
  if (!net.isIPv6(s) || s.includes('%')) return null;  // scope ids are not IP literals
  return new URL(`http://[${s}]/`).hostname.slice(1, -1);  // RFC 5952 compressed form
}

// Returns { address, family: 4|6 } or null when `s` is not an IP literal.
function parseIPLiteral(s) {
  if (typeof s !== 'string') return null;
  if (s.includes(':')) {
    const a = canonicalIPv6(s);
    return a ? { address: a, family: 6 } : null;
  }
  if (!/^[0-9a-fA-FxX.]+$/.test(s)) return null;
  const a = parseIPv4(s);
  return a ? { address: a, family: 4 } : null;
}

// Host part of a remote address: like the HostResolver, accept a bracketed IPv6 literal.
function parseHostLiteral(s) {
  if (s.startsWith('[') && s.endsWith(']')) return parseIPLiteral(s.slice(1, -1));
  return parseIPLiteral(s);
}

// Address spaces for the optional local-network block (loopback, private, link-local).
function isLocalNetwork(address, family) {
  if (family === 4) {
    const [a, b] = address.split('.').map(Number);
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ||
        (a === 169 && b === 254) || a === 0;
  }
  const x = address.toLowerCase();
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(x);  // ::ffff:7f00:1
  if (mapped) {
    const hi = parseInt(mapped[1], 16);
    const lo = parseInt(mapped[2], 16);
    return isLocalNetwork([hi >> 8, hi & 255, lo >> 8, lo & 255].join('.'), 4);
  }
  if (x.startsWith('::ffff:') && parseIPv4(x.slice(7))) return isLocalNetwork(x.slice(7), 4);
  return x === '::1' || x === '::' || /^f[cd]/.test(x) || /^fe[89ab]/.test(x);
}

module.exports = { parseIPLiteral, parseHostLiteral, isLocalNetwork };
