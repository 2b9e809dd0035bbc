#!/usr/bin/env python3
"""Real clients, faults and load against an HTTP server (examples/http_server) on 127.0.0.1.

Usage: http_faults.py [options] -- SERVER_COMMAND...
Starts SERVER_COMMAND (it must print {"listening":"127.0.0.1:PORT"}; {port} in it is replaced by a
free port), runs the scenarios asked for, checks after each one that the server still answers,
and exits 0 when every check passed. The server is stopped at the end; if it died meanwhile
(e.g. the renderer crashed) that is a failure, reported with the server's last output lines.

Scenarios (in this order, each optional; --post-mib last):
  --resets N        GET /big.bin, read about 200 KB, reset the connection (SO_LINGER 0), N times;
                    then one full download of /big.bin, checked byte for byte
  --contend K       K CPU-bound processes run beside the server during --resets
  --accepts N       N connections opened at once and held; each must be accepted (answer a request)
  --mixed S         S seconds of mixed load: keep-alive clients, Connection: close clients, clients
                    that reset mid-request or mid-response; zero failed requests allowed
  --post-mib N      one chunked POST of N MiB (more than the server accepts): whatever it answers,
                    it must survive (a fixed wasm heap once died of it: Aborted(OOM))
Options: --big-size BYTES (size of /big.bin, default 10 MiB), --max-seconds S (whole run).

/big.bin is the pattern of bulk_peer.py with seed 7 (test/browser/CMakeLists.txt generates it).
"""

import argparse
import json
import os
import re
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import deque

from bulk_peer import expected

BIG_SEED = 7
HOST = "127.0.0.1"


def log(msg):
    print(f"http_faults: {msg}", flush=True)


class Server:
    """The server process; its output is echoed and the last lines kept."""

    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        self.lines = deque(maxlen=40)
        self.port = None
        self.ready = threading.Event()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            self.lines.append(line)
            print(f"  [server] {line}", flush=True)
            m = re.search(r'"listening":"[^"]*:(\d+)"', line)
            if m and self.port is None:
                self.port = int(m.group(1))
                self.ready.set()
        self.ready.set()

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def connect(port, timeout=10.0):
    s = socket.create_connection((HOST, port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def reset(s):
    """Close with SO_LINGER 0: the peer sees RST."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def read_response(s, head_only=False):
    """Reads one HTTP/1.1 response with Content-Length; returns (status, headers, body)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        data = s.recv(65536)
        if not data:
            raise EOFError(f"connection closed in the header after {len(buf)} bytes")
        buf += data
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    n = int(headers.get("content-length", "0"))
    if head_only:
        return status, headers, rest
    body = bytearray(rest)
    while len(body) < n:
        data = s.recv(min(1 << 20, n - len(body)))
        if not data:
            raise EOFError(f"connection closed after {len(body)} of {n} body bytes")
        body += data
    return status, headers, bytes(body)


def request(path, keep_alive=True):
    conn = "keep-alive" if keep_alive else "close"
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: {conn}\r\n\r\n".encode()


def get(port, path, timeout=30.0):
    """One request on a fresh connection (Connection: close), read to EOF; returns (status, body)."""
    with connect(port, timeout) as s:
        s.sendall(request(path, keep_alive=False))
        status, headers, body = read_response(s)
        if s.recv(1):
            raise ValueError("bytes after the response")
    return status, body


def check_alive(server, what):
    if not server.alive():
        raise RuntimeError(f"the server died during {what} (exit status {server.proc.returncode})")
    status, body = get(server.port, "/api/info")
    if status != 200 or b'"server":"asio_directsockets"' not in body:
        raise RuntimeError(f"after {what}: /api/info answered {status} {body[:100]!r}")
    log(f"after {what}: the server answers /api/info")


def full_download(port, size):
    t0 = time.monotonic()
    status, body = get(port, "/big.bin", timeout=120)
    dt = time.monotonic() - t0
    if status != 200 or len(body) != size:
        raise RuntimeError(f"/big.bin: status {status}, {len(body)} of {size} bytes")
    want = expected(BIG_SEED, 0, size)
    if body != want:
        at = next(i for i in range(size) if body[i] != want[i])
        raise RuntimeError(f"/big.bin differs at byte {at}")
    log(f"/big.bin downloaded byte-exact ({size} bytes, {size / dt / 1048576:.1f} MiB/s)")


def hog():
    """A CPU-bound process (as `yes > /dev/null`)."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)


def scenario_resets(server, n, contend, size):
    hogs = [hog() for _ in range(contend)]
    try:
        for i in range(n):
            with connect(server.port) as s:
                s.sendall(request("/big.bin"))
                got = 0
                while got < 200_000:
                    data = s.recv(65536)
                    if not data:
                        raise RuntimeError(f"reset #{i + 1}: EOF after {got} bytes")
                    got += len(data)
                reset(s)
            if not server.alive():
                raise RuntimeError(f"the server died after reset #{i + 1}")
            time.sleep(0.02)
    finally:
        for h in hogs:
            h.kill()
            h.wait()
    log(f"{n} resets mid-download" + (f" beside {contend} CPU-bound processes" if contend else ""))
    full_download(server.port, size)
    check_alive(server, "the resets")


def scenario_accepts(server, n):
    socks = []
    t0 = time.monotonic()
    try:
        for _ in range(n):
            s = socket.socket()
            s.settimeout(60)
            s.connect((HOST, server.port))
            socks.append(s)
        t_connected = time.monotonic() - t0
        # Every connection must be accepted: each gets an answer to a request.
        for s in socks:
            s.sendall(request("/api/info"))
        for i, s in enumerate(socks):
            status, _, body = read_response(s)
            if status != 200:
                raise RuntimeError(f"connection {i}: status {status}")
        dt = time.monotonic() - t0
        log(f"{n} connections accepted and answered in {dt:.2f} s ({n / dt:.0f}/s; "
            f"connect() returned for all after {t_connected:.2f} s)")
    finally:
        for s in socks:
            s.close()
    check_alive(server, f"{n} connections")


def scenario_mixed(server, seconds, size):
    stop = time.monotonic() + seconds
    errors = []
    counts = {"keepalive": 0, "close": 0, "reset_request": 0, "reset_response": 0}
    lock = threading.Lock()

    def count(k):
        with lock:
            counts[k] += 1

    def keepalive_client():
        try:
            with connect(server.port) as s:
                while time.monotonic() < stop:
                    s.sendall(request("/api/info"))
                    status, _, _ = read_response(s)
                    if status != 200:
                        raise RuntimeError(f"keep-alive: status {status}")
                    count("keepalive")
        except Exception as e:  # noqa: BLE001 - every failure is reported
            errors.append(f"keep-alive client: {e!r}")

    def close_client():
        try:
            while time.monotonic() < stop:
                status, body = get(server.port, "/style.css")
                if status != 200 or b"font-family" not in body:
                    raise RuntimeError(f"close: status {status}")
                count("close")
        except Exception as e:  # noqa: BLE001
            errors.append(f"Connection: close client: {e!r}")

    def resetting_client():
        try:
            k = 0
            while time.monotonic() < stop:
                s = connect(server.port)
                if k % 2 == 0:
                    s.sendall(b"GET /api/in")  # half a request, then RST
                    reset(s)
                    count("reset_request")
                else:
                    s.sendall(request("/big.bin"))
                    s.recv(65536)
                    reset(s)
                    count("reset_response")
                k += 1
                time.sleep(0.05)
        except Exception as e:  # noqa: BLE001
            errors.append(f"resetting client: {e!r}")

    threads = [threading.Thread(target=f) for f in
               [keepalive_client] * 4 + [close_client] * 2 + [resetting_client]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log(f"mixed load for {seconds} s: {json.dumps(counts)}")
    if errors:
        raise RuntimeError("; ".join(errors[:5]))
    if counts["keepalive"] == 0 or counts["close"] == 0:
        raise RuntimeError("a client made no request")
    check_alive(server, "the mixed load")
    full_download(server.port, size)


def scenario_post(server, mib):
    with connect(server.port, timeout=60) as s:
        s.sendall(f"POST /upload HTTP/1.1\r\nHost: {HOST}\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
        chunk = b"%x\r\n" % 65536 + b"x" * 65536 + b"\r\n"
        try:
            for _ in range(mib * 16):
                s.sendall(chunk)
            s.sendall(b"0\r\n\r\n")
            answer = s.recv(200)
        except (ConnectionError, socket.timeout) as e:
            answer = repr(e).encode()
    log(f"chunked POST of {mib} MiB answered {answer[:40]!r}")
    check_alive(server, f"a {mib} MiB POST")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--resets", type=int, default=0)
    ap.add_argument("--contend", type=int, default=0)
    ap.add_argument("--accepts", type=int, default=0)
    ap.add_argument("--mixed", type=float, default=0)
    ap.add_argument("--post-mib", type=int, default=0)
    ap.add_argument("--big-size", type=int, default=10 << 20)
    ap.add_argument("--max-seconds", type=float, default=600)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command and a.command[0] == "--" else a.command
    if not cmd:
        ap.error("no server command")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # --accepts holds N sockets
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    server = Server([x.replace("{port}", str(port)) for x in cmd])
    watchdog = threading.Timer(a.max_seconds, lambda: (log("--max-seconds passed"), server.stop()))
    watchdog.daemon = True
    watchdog.start()
    ok = False
    try:
        if not server.ready.wait(120) or server.port is None:
            raise RuntimeError("the server did not report its port")
        check_alive(server, "start")
        if a.resets:
            scenario_resets(server, a.resets, a.contend, a.big_size)
        if a.accepts:
            scenario_accepts(server, a.accepts)
        if a.mixed:
            scenario_mixed(server, a.mixed, a.big_size)
        if a.post_mib:
            scenario_post(server, a.post_mib)
        ok = True
    except Exception as e:  # noqa: BLE001
        log(f"FAILED: {e}")
        time.sleep(2)  # let a dying server say why
        log("the server is " + ("still running" if server.alive()
                                else f"gone (exit status {server.proc.returncode})"))
    finally:
        watchdog.cancel()
        server.stop()
    log("passed" if ok else "failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
