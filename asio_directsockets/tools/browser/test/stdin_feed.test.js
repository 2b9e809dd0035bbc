'use strict';
// run.js --stdin: the feed a program's synchronous reads take standard input from, served by the
// static server as GET /run/stdin?max=N (a JSON route that answers when input has arrived).
// No browser needed.

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { PassThrough } = require('node:stream');
const { stdinFeed } = require('../stdin_feed');
const { startStaticServer } = require('../static_server');

function getJson(port, urlPath) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: urlPath }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    }).on('error', reject);
  });
}
const text = (answer) => Buffer.from(answer.data, 'base64').toString();

test('stdin feed: a take waits for input, returns at most max bytes, consumes them, then eof', async () => {
  const input = new PassThrough();
  const feed = stdinFeed(input);
  let settled = false;
  const first = feed.take(4).then((a) => { settled = true; return a; });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(settled, false, 'nothing typed yet: the take waits');
  input.write('hello\n');
  const a = await first;
  assert.equal(text(a), 'hell');
  assert.equal(a.eof, false);
  assert.equal(text(await feed.take(100)), 'o\n');
  input.write('more');
  input.end();
  const b = await feed.take(100);
  assert.equal(text(b), 'more');
  assert.equal(b.eof, false, 'bytes first, end of file on the next take');
  const c = await feed.take(100);
  assert.deepEqual({ data: c.data, eof: c.eof }, { data: '', eof: true });
  assert.equal((await feed.take(100)).eof, true, 'and on every take after');
});

test('stdin feed over the static server: the answer waits until input arrives', async () => {
  const input = new PassThrough();
  const feed = stdinFeed(input);
  const server = await startStaticServer({
    json: { '/run/stdin': (url) => feed.take(Number(url.searchParams.get('max')) || 4096) },
  });
  try {
    const pending = getJson(server.port, '/run/stdin?max=16');
    setTimeout(() => input.write('typed later\n'), 100);
    const answer = await pending;
    assert.equal(text(answer), 'typed later\n');
    input.end();
    assert.equal((await getJson(server.port, '/run/stdin?max=16')).eof, true);
  } finally {
    await server.close();
  }
});
