#!/usr/bin/env python3
"""Verifying TCP peers on 127.0.0.1 for the browser bulk-integrity tests.

Usage: bulk_peer.py [--max-seconds S] -- COMMAND...
Starts two listeners (default buffers, and SO_RCVBUF/SO_SNDBUF = 8 KiB), replaces {port} and
{small_port} in COMMAND, runs it, stops, and exits with COMMAND's status (or 1 if a peer thread
failed unexpectedly). Python because Node cannot set SO_RCVBUF on a TCP socket.

The program under test talks a one-line header protocol (ASCII, '\\n'-terminated):

  UP <id> <n> <seed> <reader> <reply|quiet>
      then n bytes of pattern(seed). The peer reads them the way <reader> says and checks every
      byte. With "reply" it answers on the same connection once n bytes arrived (or a byte was
      wrong, or nothing came for IDLE_S): a verdict line. It keeps reading until EOF to catch
      bytes beyond n.
  QUERY <id> <bytes|end> <timeout_ms>
      on a fresh connection: waits until upload <id> has n bytes (bytes) or has ended (end: FIN
      or RST), a wrong byte, or nothing moved for the timeout; answers a verdict line.
  DOWN <id> <n> <seed> <writer>
      the peer sends n bytes of pattern(seed) paced by <writer>, then FIN.

reader/writer: fast | slow:<bytes per second> | stopgo:<burst bytes>:<pause ms>
verdict: "OK <received> <end>" | "BAD <received> <offset> <got> <want> <end>" |
         "SHORT <received> <end>" | "LONG <received> <end>" | "UNKNOWN <id>"
         with <end> one of open, fin, rst.

pattern(seed): byte i = (i % 251 + i // 65521 + seed) & 255. The i % 251 term shows any shift
at once unless it is a multiple of 251; the block term catches those within one block.
"""

import socket
import subprocess
import sys
import threading
import time

BLOCK = 65521
IDLE_S = 5.0
MAX_CHUNK = 1 << 20
_REF = bytes(i % 251 for i in range(251)) * (BLOCK // 251 + 3)
_ADD = [bytes((x + k) & 255 for x in range(256)) for k in range(256)]


def expected(seed, offset, n):
    """The pattern bytes [offset, offset + n)."""
    parts = []
    while n > 0:
        block, within = divmod(offset, BLOCK)
        take = min(n, BLOCK - within)
        start = offset % 251
        parts.append(_REF[start:start + take].translate(_ADD[(block + seed) & 255]))
        offset += take
        n -= take
    return b"".join(parts)


class Pace:
    """How fast a peer moves bytes: fast, slow:<B/s>, stopgo:<burst>:<pause ms>."""

    def __init__(self, spec):
        kind, *args = spec.split(":")
        self.kind = kind
        if kind == "fast":
            self.chunk = MAX_CHUNK
        elif kind == "slow":
            self.rate = float(args[0])
            self.chunk = 16384
            self.t0 = None
            self.moved = 0
        elif kind == "stopgo":
            self.burst, self.pause = int(args[0]), int(args[1]) / 1000.0
            self.chunk = 262144
            self.in_burst = 0
        else:
            raise ValueError(f"bad pace {spec}")

    def before(self):
        """Waits as the pace requires; returns the most bytes to move now."""
        if self.kind == "slow":
            now = time.monotonic()
            if self.t0 is None:
                self.t0 = now
            ahead = self.moved / self.rate - (now - self.t0)
            if ahead > 0:
                time.sleep(ahead)
        elif self.kind == "stopgo" and self.in_burst >= self.burst:
            time.sleep(self.pause)
            self.in_burst = 0
        if self.kind == "stopgo":
            return min(self.chunk, self.burst - self.in_burst)
        return self.chunk

    def after(self, n):
        if self.kind == "slow":
            self.moved += n
        elif self.kind == "stopgo":
            self.in_burst += n


class Upload:
    def __init__(self, n, seed):
        self.n, self.seed = n, seed
        self.received = 0
        self.bad = None  # (offset, got, want)
        self.end = "open"
        self.last_progress = time.monotonic()
        self.cond = threading.Condition()

    def verdict(self):
        if self.bad:
            off, got, want = self.bad
            return f"BAD {self.received} {off} {got} {want} {self.end}"
        if self.received > self.n:
            return f"LONG {self.received} {self.end}"
        if self.received < self.n:
            return f"SHORT {self.received} {self.end}"
        return f"OK {self.received} {self.end}"


class Peer:
    def __init__(self):
        self.uploads = {}
        self.lock = threading.Lock()
        self.failures = []
        self.stopping = False

    # --- connections ---------------------------------------------------------------------
    def serve(self, listener):
        while not self.stopping:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=self.guarded, args=(conn,), daemon=True).start()

    def guarded(self, conn):
        try:
            with conn:
                self.handle(conn)
        except (ConnectionError, TimeoutError, socket.timeout):
            pass  # the program's side went away: its test reports that
        except Exception as e:  # a bug in this peer: make the run fail visibly
            self.failures.append(repr(e))
            print(f"bulk_peer: {e!r}", file=sys.stderr, flush=True)

    def read_line(self, conn):
        line = b""
        while not line.endswith(b"\n"):
            b = conn.recv(1)
            if not b:
                raise ConnectionError("EOF before the header")
            line += b
            if len(line) > 200:
                raise ValueError("header too long")
        return line.decode().split()

    def handle(self, conn):
        conn.settimeout(120)
        words = self.read_line(conn)
        if words[0] == "UP":
            self.upload(conn, words[1], int(words[2]), int(words[3]), Pace(words[4]), words[5] == "reply")
        elif words[0] == "QUERY":
            self.query(conn, words[1], words[2], int(words[3]) / 1000.0)
        elif words[0] == "DOWN":
            self.download(conn, int(words[2]), int(words[3]), Pace(words[4]))
        else:
            raise ValueError(f"bad header {words}")

    def upload(self, conn, uid, n, seed, pace, reply):
        up = Upload(n, seed)
        with self.lock:
            self.uploads[uid] = up
        replied = False
        buf = bytearray(MAX_CHUNK)
        view = memoryview(buf)
        while True:
            want = pace.before()
            try:
                got = conn.recv_into(view[:want])
            except ConnectionResetError:
                with up.cond:
                    up.end = "rst"
                    up.cond.notify_all()
                return
            if got == 0:
                with up.cond:
                    up.end = "fin"
                    up.cond.notify_all()
                return
            pace.after(got)
            with up.cond:
                if up.bad is None and up.received < n:
                    check = min(got, n - up.received)
                    ref = expected(seed, up.received, check)
                    if view[:check] != ref:
                        k = next(i for i in range(check) if buf[i] != ref[i])
                        up.bad = (up.received + k, buf[k], ref[k])
                up.received += got
                up.last_progress = time.monotonic()
                up.cond.notify_all()
                done = up.bad is not None or up.received >= n
            if reply and done and not replied:
                conn.sendall((up.verdict() + "\n").encode())
                replied = True

    def query(self, conn, uid, until, timeout):
        deadline = time.monotonic() + 30
        while True:  # the upload's connection may not have been accepted yet
            with self.lock:
                up = self.uploads.get(uid)
            if up or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        if not up:
            conn.sendall(f"UNKNOWN {uid}\n".encode())
            return
        with up.cond:
            while True:
                if up.bad is not None or up.end != "open":
                    break
                if until == "bytes" and up.received >= up.n:
                    break
                idle = time.monotonic() - up.last_progress
                if idle >= timeout:
                    break
                up.cond.wait(timeout - idle)
            text = up.verdict()
        conn.sendall((text + "\n").encode())

    def download(self, conn, n, seed, pace):
        sent = 0
        while sent < n:
            k = min(pace.before(), n - sent)
            conn.sendall(expected(seed, sent, k))
            pace.after(k)
            sent += k
        conn.shutdown(socket.SHUT_WR)
        # Wait for the program to close, so our FIN is not followed by an RST.
        while conn.recv(65536):
            pass


def listener(small):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if small:  # before listen(), so accepted sockets inherit it and the window stays small
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    return s


def main(argv):
    max_seconds = 1800.0
    if "--" not in argv:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    cut = argv.index("--")
    opts, command = argv[:cut], argv[cut + 1:]
    if opts[:1] == ["--max-seconds"]:
        max_seconds = float(opts[1])
    peer = Peer()
    normal, small = listener(False), listener(True)
    for s in (normal, small):
        threading.Thread(target=peer.serve, args=(s,), daemon=True).start()
    ports = {"port": normal.getsockname()[1], "small_port": small.getsockname()[1]}
    command = [a.replace("{port}", str(ports["port"])).replace("{small_port}", str(ports["small_port"]))
               for a in command]
    try:
        status = subprocess.run(command, timeout=max_seconds).returncode
        if status < 0:  # killed by a signal: report it as a shell would
            status = 128 - status
    except subprocess.TimeoutExpired:
        print(f"bulk_peer: {command[0]} still running after {max_seconds} s", file=sys.stderr)
        status = 124
    peer.stopping = True
    normal.close()
    small.close()
    if status == 0 and peer.failures:
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
