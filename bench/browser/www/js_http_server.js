'use strict';
// The HTTP benchmark's raw-JS server (bench/http_runner.py): what examples/http_server does,
// written directly on Direct Sockets' TCPServerSocket the way a page would, as the anchor the
// library's server is compared with. Not an Emscripten program: the browser runner
// (asio_directsockets/tools/browser/run.js) loads it like one and it uses the harness's Module
// (arguments, print, printErr, quit).
//
//   run.js bench/browser/www/js_http_server.js -- 127.0.0.1 PORT [CLOSE_GRACE_MS]   (PORT 0: any)
//
// Prints {"listening":"ADDRESS:PORT"} when ready. An accept loop; per connection one async read
// loop that collects a request head up to \r\n\r\n (a body, if any, by its Content-Length) and
// answers before reading on:
//   GET /api/info   a small JSON document (as the example's)
//   GET /big.bin    10 MiB, byte i = i % 251 (bench/http/www.cmake makes the same file)
//   anything else   404
// with Content-Length; keep-alive unless the request says `Connection: close` (or is
// HTTP/1.0 without keep-alive), in which case the server closes after the response.
//
// Each response is one writer.write() of a buffer prepared in full (the 10 MiB body with its
// head is built once per kind of head), so no write ever starts on a full Chromium send pipe
// (the Chromium 156 write drop, docs/chromium-write-drop.md, only hits a write issued while the
// 64 KiB pipe is full). Closing: the spec'd writer.close() + socket.close() tear the
// connection down at once and Chromium discards whatever is still in the send pipe, so after
// the last response the server waits for the client's end of stream (an HTTP/1.1 client that
// asked for `Connection: close` closes once it has the response), at most CLOSE_GRACE_MS,
// before closing.
(async () => {
  const args = (typeof Module !== 'undefined' && Module.arguments) || [];
  const address = args[0] || '127.0.0.1';
  const port = Number(args[1] || 0);
  const print = (t) => (Module.print || console.log)(t);
  const CLOSE_GRACE_MS = Number(args[2] || 1000);
  const BIG = 10 << 20;
  const started = performance.now();
  let requests = 0;

  const latin1 = new TextDecoder('latin1');
  const encoder = new TextEncoder();
  const head = (status, type, length, close) =>
    `HTTP/1.1 ${status}\r\nServer: raw JS Direct Sockets http_server\r\nContent-Type: ${type}\r\n` +
    `Content-Length: ${length}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
  const text = (status, type, body, close) => {
    const b = encoder.encode(body);
    const h = encoder.encode(head(status, type, b.length, close));
    const out = new Uint8Array(h.length + b.length);
    out.set(h, 0);
    out.set(b, h.length);
    return out;
  };
  // The 10 MiB answer, head included, once for keep-alive and once for close.
  const bigBody = new Uint8Array(BIG);
  for (let i = 0; i < BIG; i++) bigBody[i] = i % 251;
  const bigResponses = [false, true].map((close) => {
    const h = encoder.encode(head('200 OK', 'application/octet-stream', BIG, close));
    const out = new Uint8Array(h.length + BIG);
    out.set(h, 0);
    out.set(bigBody, h.length);
    return out;
  });

  function respond(method, target, close) {
    ++requests;
    if (method !== 'GET') return text('405 Method Not Allowed', 'text/plain', 'only GET\n', close);
    if (target === '/api/info') {
      return text('200 OK', 'application/json',
                  `{"server":"raw JS","platform":"JavaScript in a browser, Direct Sockets",` +
                  `"requests":${requests},"uptime_ms":${Math.round(performance.now() - started)}}\n`,
                  close);
    }
    if (target === '/big.bin') return bigResponses[close ? 1 : 0];
    return text('404 Not Found', 'text/plain', `not found: ${target}\n`, close);
  }

  // The index of the \r\n\r\n that ends a head in buf[from..), or -1.
  function headEnd(buf, from) {
    for (let i = Math.max(from, 3); i < buf.length; i++) {
      if (buf[i] === 10 && buf[i - 1] === 13 && buf[i - 2] === 10 && buf[i - 3] === 13) return i - 3;
    }
    return -1;
  }

  async function serve(socket) {
    let reader, writer;
    try {
      const { readable, writable } = await socket.opened;
      reader = readable.getReader();
      writer = writable.getWriter();
      let buf = new Uint8Array(0);
      let scanned = 0;
      let close = false;
      while (!close) {
        const end = headEnd(buf, scanned);
        if (end < 0) {
          if (buf.length > 64 * 1024) return;  // no head that large
          scanned = Math.max(0, buf.length - 3);
          const { value, done } = await reader.read();
          if (done) return;
          if (buf.length === 0) buf = value;
          else {
            const joined = new Uint8Array(buf.length + value.length);
            joined.set(buf, 0);
            joined.set(value, buf.length);
            buf = joined;
          }
          continue;
        }
        const lines = latin1.decode(buf.subarray(0, end)).split('\r\n');
        const [method, target, version] = lines[0].split(' ');
        let length = 0;
        let connection = '';
        for (let i = 1; i < lines.length; i++) {
          const colon = lines[i].indexOf(':');
          const name = lines[i].slice(0, colon).trim().toLowerCase();
          if (name === 'content-length') length = Number(lines[i].slice(colon + 1));
          else if (name === 'connection') connection = lines[i].slice(colon + 1).trim().toLowerCase();
        }
        close = connection.includes('close') ||
                (version === 'HTTP/1.0' && !connection.includes('keep-alive'));
        // The request body (GET has none; anything else is read and dropped).
        let rest = buf.subarray(end + 4);
        while (rest.length < length) {
          const { value, done } = await reader.read();
          if (done) return;
          const joined = new Uint8Array(rest.length + value.length);
          joined.set(rest, 0);
          joined.set(value, rest.length);
          rest = joined;
        }
        buf = rest.subarray(length);
        scanned = 0;
        await writer.write(respond(method, target.split('?')[0], close));
      }
      // Connection: close. Wait for the client's end of stream (bounded) so that the send pipe
      // has drained before the teardown discards it.
      const grace = new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS));
      const eof = (async () => {
        for (;;) if ((await reader.read()).done) return;
      })().catch(() => {});
      await Promise.race([eof, grace]);
    } catch {
      // reset by the client, or a failed write: the connection ends
    } finally {
      // socket.close() needs both streams unlocked (a pending read is rejected by the release).
      try { if (reader) reader.releaseLock(); } catch {}
      try { if (writer) writer.releaseLock(); } catch {}
      socket.close().catch(() => {});
    }
  }

  try {
    const options = { backlog: 4096 };  // the system's maximum, as the library asks
    if (port) options.localPort = port;
    const server = new TCPServerSocket(address, options);
    const { readable, localAddress, localPort } = await server.opened;
    print(JSON.stringify({ listening: `${localAddress}:${localPort}` }));
    const accepted = readable.getReader();
    for (;;) {
      const { value, done } = await accepted.read();
      if (done) break;
      serve(value);
    }
    Module.quit(0, new Error('exit'));
  } catch (e) {
    (Module.printErr || console.error)(`js_http_server: ${e}`);
    Module.quit(1, e);
  }
})();
