'use strict';
// A minimal Chrome DevTools Protocol client over --remote-debugging-pipe: the browser reads
// commands from its fd 3 and writes replies and events to its fd 4, one JSON message per
// NUL-terminated record. No WebSocket, no npm dependency. Only pipe clients may use the
// "unsafe" domains (PWA.install / PWA.launch), which the IWA route needs.

const { EventEmitter } = require('node:events');

class CdpError extends Error {}

class CdpPipe extends EventEmitter {
  // toBrowser: writable stream (browser fd 3); fromBrowser: readable stream (browser fd 4).
  constructor(toBrowser, fromBrowser) {
    super();
    this.out = toBrowser;
    this.nextId = 1;
    this.pending = new Map();
    this.closed = false;
    let chunks = [];
    fromBrowser.on('data', (data) => {
      let start = 0;
      for (let i = data.indexOf(0); i >= 0; i = data.indexOf(0, start)) {
        chunks.push(data.subarray(start, i));
        const text = Buffer.concat(chunks).toString('utf8');
        chunks = [];
        start = i + 1;
        this.dispatch(text);
      }
      if (start < data.length) chunks.push(data.subarray(start));
    });
    const onGone = () => this.shutdown(new CdpError('DevTools pipe closed'));
    fromBrowser.on('end', onGone);
    fromBrowser.on('close', onGone);
    fromBrowser.on('error', onGone);
    toBrowser.on('error', onGone);
  }

  dispatch(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;  // not ours to interpret; never throw into the stream
    }
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.error) p.reject(new CdpError(`${p.method}: ${msg.error.message || JSON.stringify(msg.error)}`));
      else p.resolve(msg.result);
      return;
    }
    // Events: every listener gets (params, sessionId); 'event' gets the whole message.
    this.emit('event', msg);
    if (msg.method) this.emit(msg.method, msg.params || {}, msg.sessionId);
  }

  // Sends one command; rejects on a protocol error, after `timeoutMs`, or when the pipe closes.
  send(method, params = {}, sessionId = undefined, timeoutMs = 30000) {
    if (this.closed) return Promise.reject(new CdpError(`${method}: DevTools pipe closed`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new CdpError(`${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, method });
      const msg = { id, method, params };
      if (sessionId) msg.sessionId = sessionId;
      this.out.write(JSON.stringify(msg) + '\0');
    });
  }

  shutdown(reason) {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new CdpError(`${p.method}: ${reason.message}`));
    }
    this.pending.clear();
    this.emit('closed', reason);
  }
}

module.exports = { CdpPipe, CdpError };
