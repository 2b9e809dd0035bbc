'use strict';
// The few Web IDL conversions the Direct Sockets IDL needs, so arguments coerce and fail as they
// do in Blink's generated bindings (https://webidl.spec.whatwg.org/#es-type-mapping).

const { typeError } = require('./errors');

function toNumber(v, ctx) {
  if (typeof v === 'bigint') throw typeError(ctx, 'Cannot convert a BigInt value to a number');
  return Number(v);  // throws TypeError for Symbol, like ToNumber
}

// Integer conversion. Without [EnforceRange] values wrap modulo 2^bits (so a port of 65536 is 0);
// with it, non-finite or out-of-range values throw.
function toUnsigned(v, bits, typeName, enforceRange, ctx) {
  let x = toNumber(v, ctx);
  if (enforceRange) {
    if (!Number.isFinite(x)) throw typeError(ctx, 'Value is not a finite number.');
    x = Math.trunc(x);
    if (x < 0 || x > 2 ** bits - 1) {
      throw typeError(ctx, `Value is outside the '${typeName}' value range.`);
    }
    return x;
  }
  if (!Number.isFinite(x) || x === 0) return 0;
  x = Math.trunc(x) % 2 ** bits;
  return x < 0 ? x + 2 ** bits : x;
}

const toUnsignedShort = (v, enforce, ctx) => toUnsigned(v, 16, 'unsigned short', enforce, ctx);
const toUnsignedLong = (v, enforce, ctx) => toUnsigned(v, 32, 'unsigned long', enforce, ctx);
const toOctet = (v, enforce, ctx) => toUnsigned(v, 8, 'octet', enforce, ctx);

function toDOMString(v, ctx) {
  if (typeof v === 'symbol') throw typeError(ctx, 'Cannot convert a Symbol value to a string');
  return String(v);
}

function toEnum(v, values, typeName, ctx) {
  const s = toDOMString(v, ctx);
  if (!values.includes(s)) {
    throw typeError(ctx,
                    `The provided value '${s}' is not a valid enum value of type ${typeName}.`);
  }
  return s;
}

// Dictionary conversion: undefined/null mean {}, other non-objects throw. Returns a reader that
// gets each member once, in the order the caller asks (callers ask in IDL order: inherited
// members first, then lexicographic, as the spec requires).
function dictionary(v, typeName, ctx) {
  if (v === undefined || v === null) return () => undefined;
  if (typeof v !== 'object' && typeof v !== 'function') {
    throw typeError(ctx, `The provided value is not of type '${typeName}'.`);
  }
  return (name) => v[name];
}

function memberContext(ctx, member, dictName) {
  const read = `Failed to read the '${member}' property from '${dictName}'`;
  return ctx ? `${ctx}: ${read}` : read;
}

// BufferSource = (ArrayBuffer or ArrayBufferView), without [AllowShared]: views of
// SharedArrayBuffer (e.g. a threaded wasm heap) are refused as in Blink.
function isBufferSource(v) {
  if (v instanceof ArrayBuffer) return true;
  return ArrayBuffer.isView(v) && !(v.buffer instanceof SharedArrayBuffer);
}

function toBufferSource(v, ctx) {
  if (!isBufferSource(v)) {
    throw typeError(ctx, "The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.");
  }
  return v;
}

// A Uint8Array over the bytes of a BufferSource, read at call time (a detached buffer reads as
// empty, which is what Blink's DOMArrayPiece sees).
function bytesOf(source) {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
}

function isDetached(source) {
  const buf = source instanceof ArrayBuffer ? source : source.buffer;
  if ('detached' in ArrayBuffer.prototype) return buf.detached;
  // Node 20: a detached buffer and every view on it report byteLength 0.
  return buf.byteLength === 0 && (source instanceof ArrayBuffer || source.byteLength === 0);
}

module.exports = {
  toUnsignedShort, toUnsignedLong, toOctet, toDOMString, toEnum, dictionary, memberContext,
  toBufferSource, isBufferSource, bytesOf, isDetached,
};
