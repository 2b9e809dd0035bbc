'use strict';
// MulticastController over dgram's addMembership/dropMembership, following Blink's
// multicast_controller.cc. Only exists when MulticastInDirectSockets is on (config.multicast)
// and the socket is in bound mode.

const { domError, typeError, methodContext, openError } = require('./errors');
const { toDOMString } = require('./webidl');
const { parseIPLiteral } = require('./ip');
const { defineInterface } = require('./socket_core');

const CREATE = Symbol('create');
const CLOSE = Symbol('closeOrAbort');  // MulticastController::OnCloseOrAbort()

function parseGroup(ip, ctx) {
  // eslint-disable-next-line no-control-regex
  if (!/^[\x00-\x7f]*$/.test(ip)) {
    throw typeError(ctx, 'ipAddress must contain only ascii characters');
  }
  const parsed = parseIPLiteral(ip);
  if (!parsed) throw typeError(ctx, 'ipAddress is not valid ipv4 or ipv6');
  return parsed.address;  // normalized, as joinedGroups reports it
}

class MulticastController {
  #socket;
  #open = true;
  #joined = [];
  #joining = new Set();
  #leaving = new Set();

  constructor(token, socket) {
    if (token !== CREATE) throw new TypeError('Illegal constructor');
    this.#socket = socket;
  }

  joinGroup(ipAddress) {
    const ctx = methodContext('joinGroup', 'MulticastController');
    try {
      if (arguments.length < 1) throw typeError(ctx, '1 argument required, but only 0 present.');
      if (!this.#open) {
        throw domError(ctx, 'Cannot join group if the socket is not opened', 'InvalidStateError');
      }
      const group = parseGroup(toDOMString(ipAddress, ctx), ctx);
      if (this.#joined.includes(group)) {
        throw domError(ctx, 'Cannot join the same group again', 'InvalidStateError');
      }
      if (this.#joining.has(group)) {
        throw domError(ctx, 'Already joining this group', 'InvalidStateError');
      }
      this.#joining.add(group);
      return this.#later(() => {
        this.#joining.delete(group);
        this.#socket.addMembership(group);
        if (!this.#joined.includes(group)) this.#joined.push(group);
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  leaveGroup(ipAddress) {
    const ctx = methodContext('leaveGroup', 'MulticastController');
    try {
      if (arguments.length < 1) throw typeError(ctx, '1 argument required, but only 0 present.');
      if (!this.#open) {
        throw domError(ctx, 'Cannot leave group if the socket is not opened', 'InvalidStateError');
      }
      const group = parseGroup(toDOMString(ipAddress, ctx), ctx);
      if (!this.#joined.includes(group)) {
        throw domError(ctx, 'Cannot leave group which is not joined', 'InvalidStateError');
      }
      if (this.#leaving.has(group)) {
        throw domError(ctx, 'Already leaving the group', 'InvalidStateError');
      }
      this.#leaving.add(group);
      return this.#later(() => {
        this.#leaving.delete(group);
        this.#socket.dropMembership(group);
        this.#joined = this.#joined.filter((g) => g !== group);
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  get joinedGroups() { return Object.freeze(this.#joined.slice()); }

  // The browser answers over IPC, so results arrive in a later task. OS errors reject with
  // the DOMException Blink builds from the net error.
  #later(op) {
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          op();
          resolve();
        } catch (e) {
          reject(openError(e));
        }
      });
    });
  }

  [CLOSE]() {
    this.#open = false;
    this.#joined = [];
    this.#joining.clear();
    this.#leaving.clear();
  }
}
defineInterface(MulticastController, 'MulticastController');

function createMulticastController(socket) {
  return new MulticastController(CREATE, socket);
}

module.exports = { MulticastController, createMulticastController, CLOSE };
