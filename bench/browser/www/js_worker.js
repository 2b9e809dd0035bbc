'use strict';
// The raw-JS client in a dedicated Worker: runs the configured scenario, posts the page what to
// report (js_page.js forwards it).
importScripts('js_client.js');
self.onmessage = (ev) => {
  self.onmessage = null;
  const post = (msg) => self.postMessage(msg);
  if (typeof TCPSocket !== 'function') {
    post({ t: 'fatal', kind: 'no-direct-sockets', message: 'Direct Sockets API missing in the Worker' });
    return;
  }
  self.benchJsClient.run(ev.data.args, (line) => post({ t: 'out', s: line }))
    .then((status) => post({ t: 'exit', status, how: 'main' }),
          (e) => post({ t: 'fatal', kind: 'exception', message: String(e) }));
};
