'use strict';
// End to end with the real toolchain: a small C program linked with the bridge (every file of
// asio_directsockets/js/bridge/, one --js-library each, as CMake passes them) by Emscripten (3.1.6 on the reference machine), run by
// Node with the Node Direct Sockets implementation. It echoes 24 MiB through a loopback echo
// server in 64 KiB ads_write/ads_read calls, poisons each write buffer once the write completed,
// grows wasm memory while a read is pending, and checks every byte. Three builds:
//   callback mode (-O2), callback mode with -sMODULARIZE, blocking mode (-sASYNCIFY, -O1 with
//   ASSERTIONS, which checks that no import other than ads_wait changes the Asyncify state).
// Skipped when emcc is not installed.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile, execFileSync } = require('node:child_process');
const K = require('./support/testkit');

// --js-library=<file> for every library file, in the order CMake passes them.
const LIB_ARGS = require('./support/harness').LIBRARY_FILES.map((f) => `--js-library=${f}`);
const DS = path.join(__dirname, '..', 'node', 'direct_sockets.js');
const REGISTER = path.join(__dirname, '..', 'node', 'register.js');

function haveEmcc() {
  try {
    execFileSync('emcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const PROGRAM = String.raw`
#include <emscripten.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ads_tcp_connect(int op, const char* host, int port, int no_delay, int keep_alive_delay_ms,
                    int send_buffer, int receive_buffer, int dns_query_type);
int ads_read(int handle, int op, void* buf, int len);
int ads_write(int handle, int op, const void* buf, int len);
void ads_close(int handle);
int ads_endpoint(int handle, int which, char* address_out, int* port_out);
void ads_take_completions(void);
void ads_schedule_drain(int timeout_ms);
int ads_wait(int timeout_ms);
int ads_can_block(void);

enum { OP_CONNECT = 1, OP_WRITE = 2, OP_READ = 3 };
enum { PENDING = 19 };   /* a transfer's -PENDING: the op completes later */
#define TOTAL (24 * 1024 * 1024)
#define CHUNK 65536

static int h, done;
static unsigned char* wbuf;
static unsigned char* rbuf;
static long sent, received;

static void on_result(int op, int err, int value);

/* A transfer done inside the call is handled at once; else its completion follows. */
static void transfer_result(int op, int r) {
  if (r != -PENDING) on_result(op, r < 0 ? -r : 0, r < 0 ? 0 : r);
}

static void finish(const char* why) {
  if (done) return;
  done = 1;
  printf("RESULT %s sent=%ld received=%ld\n", why, sent, received);
  fflush(stdout);
  ads_close(h);
}

static void write_next(void) {
  if (sent >= TOTAL) return;
  int n = TOTAL - sent < CHUNK ? (int)(TOTAL - sent) : CHUNK;
  for (int i = 0; i < n; i++) wbuf[i] = (unsigned char)((sent + i) % 251);
  transfer_result(OP_WRITE, ads_write(h, OP_WRITE, wbuf, n));
}

EMSCRIPTEN_KEEPALIVE void ads_on_complete(int op, int err, int value) { on_result(op, err, value); }

static void on_result(int op, int err, int value) {
  if (done) return;
  if (err) { printf("op %d err %d\n", op, err); finish("fail"); return; }
  if (op == OP_CONNECT) {
    char addr[64]; int port = 0;
    if (ads_endpoint(h, 1, addr, &port) != 0) { finish("fail-endpoint"); return; }
    printf("connected to %s:%d can_block=%d\n", addr, port, ads_can_block());
    transfer_result(OP_READ, ads_read(h, OP_READ, rbuf, CHUNK));
    void* big = malloc(48 * 1024 * 1024);   /* memory grows while the read is pending */
    memset(big, 1, 1024);
    write_next();
  } else if (op == OP_WRITE) {
    memset(wbuf, 0xEE, CHUNK);              /* the bytes were copied out: poison */
    sent += value;
    write_next();
  } else if (op == OP_READ) {
    for (int i = 0; i < value; i++)
      if (rbuf[i] != (unsigned char)((received + i) % 251)) { finish("fail-content"); return; }
    received += value;
    if (received == TOTAL) { finish("ok"); return; }
    transfer_result(OP_READ, ads_read(h, OP_READ, rbuf, CHUNK));
  }
}

EMSCRIPTEN_KEEPALIVE void ads_drain(void) {
  ads_take_completions();
  if (!done) ads_schedule_drain(-1);
}

int main(int argc, char** argv) {
  wbuf = malloc(CHUNK);
  rbuf = malloc(CHUNK);
  h = ads_tcp_connect(OP_CONNECT, "127.0.0.1", atoi(argv[1]), 1, -1, 0, 0, 0);
  if (h < 0) { printf("RESULT fail-connect %d\n", h); return 1; }
#ifdef BLOCKING
  while (!done) {
    if (ads_wait(10000)) ads_take_completions();
    else finish("fail-timeout");
  }
  printf("main returns\n");
#else
  ads_schedule_drain(-1);
#endif
  return 0;
}
`;

const EXPORTS = '-sEXPORTED_FUNCTIONS=_main,_ads_on_complete,_ads_drain';
const BUILDS = {
  callback: ['-O2', '-sALLOW_MEMORY_GROWTH=1', EXPORTS],
  modularize: ['-O2', '-sMODULARIZE', '-sEXPORT_NAME=createProg', '-sALLOW_MEMORY_GROWTH=1', EXPORTS],
  blocking: ['-DBLOCKING', '-O1', '-sASSERTIONS=1', '-sASYNCIFY', "-sASYNCIFY_IMPORTS=['ads_wait']",
             '-sALLOW_MEMORY_GROWTH=1', EXPORTS],
};

function run(cmd, args, opts) {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 60000, ...opts }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('Emscripten build: callback, MODULARIZE and ASYNCIFY programs echo 24 MiB byte-exact', {
  timeout: 180000, skip: haveEmcc() ? false : 'emcc not installed',
}, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ads-emcc-'));
  const srv = await K.echo();
  try {
    fs.writeFileSync(path.join(dir, 'prog.c'), PROGRAM);
    fs.writeFileSync(path.join(dir, 'run_mod.js'),
                     `require(${JSON.stringify(DS)}).install(globalThis);\n` +
                     "require('./modularize.js')({ arguments: [process.argv[2]] })" +
                     '.catch((e) => { console.error(e); process.exit(1); });\n');
    const env = { ...process.env, NODE_PATH: process.env.NODE_PATH || '/usr/share/nodejs' };
    for (const [name, flags] of Object.entries(BUILDS)) {
      const b = await run('emcc', ['prog.c', ...LIB_ARGS, ...flags, '-o', `${name}.js`],
                          { cwd: dir, env });
      assert.equal(b.code, 0, `emcc ${name}: ${b.stderr}`);
    }
    for (const drop of ['0', '1']) {
      for (const name of Object.keys(BUILDS)) {
        const args = name === 'modularize'
          ? ['--no-experimental-fetch', 'run_mod.js', String(srv.port)]
          : ['--no-experimental-fetch', '-r', REGISTER, `${name}.js`, String(srv.port)];
        const t0 = performance.now();
        const r = await run(process.execPath, args,
                            { cwd: dir, env: { ...env, DIRECT_SOCKETS_EMULATE_WRITE_DROP: drop } });
        const ms = performance.now() - t0;
        t.diagnostic(`${name}, drop emulation ${drop}: ${r.stdout.trim().split('\n').pop()} ` +
                     `(process ${ms.toFixed(0)} ms)`);
        assert.equal(r.code, 0, `${name} exit code; stderr: ${r.stderr}`);
        assert.match(r.stdout, /RESULT ok sent=25165824 received=25165824/);
        assert.equal(r.stderr, '', 'nothing on stderr');
        if (name === 'blocking') assert.match(r.stdout, /can_block=1[\s\S]*main returns/);
        else assert.match(r.stdout, /can_block=0/);
      }
    }
  } finally {
    await srv.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Emscripten 3.1.6's pipes answer EAGAIN forever once the write end is closed; the C++ side
// asks ads_pipe_eof to turn that into end-of-file. Checked against the real PIPEFS.
const PIPE_PROGRAM = String.raw`
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int ads_pipe_eof(int fd);
int main(void) {
  int fds[2];
  if (pipe(fds) != 0) return 1;
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  char b[16];
  printf("empty-open=%d\n", ads_pipe_eof(fds[0]));
  write(fds[1], "abc", 3);
  close(fds[1]);
  printf("data-left=%d\n", ads_pipe_eof(fds[0]));
  printf("read=%d\n", (int)read(fds[0], b, sizeof b));
  printf("writer-closed=%d read=%d\n", ads_pipe_eof(fds[0]), (int)read(fds[0], b, sizeof b));
  printf("other-fds=%d%d%d\n", ads_pipe_eof(fds[1]), ads_pipe_eof(1), ads_pipe_eof(99));
  return 0;
}
`;

test('ads_pipe_eof against Emscripten\'s PIPEFS: 1 only for an empty pipe without a writer', {
  timeout: 120000, skip: haveEmcc() ? false : 'emcc not installed',
}, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ads-pipe-'));
  try {
    fs.writeFileSync(path.join(dir, 'pipe.c'), PIPE_PROGRAM);
    const env = { ...process.env, NODE_PATH: process.env.NODE_PATH || '/usr/share/nodejs' };
    const b = await run('emcc', ['pipe.c', ...LIB_ARGS, '-O1', '-o', 'pipe.js'], { cwd: dir, env });
    assert.equal(b.code, 0, `emcc: ${b.stderr}`);
    const r = await run(process.execPath, ['--no-experimental-fetch', 'pipe.js'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'empty-open=0\ndata-left=0\nread=3\nwriter-closed=1 read=-1\nother-fds=000\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
