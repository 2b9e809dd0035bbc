#!/usr/bin/env python3
"""The HTTP server benchmark (issue 11): one native load generator (bench/http/http_load.cpp, stock
Boost.Asio) against three HTTP servers, interleaved within every round (the order alternating per
round):

  ours@wasm-chromium           examples/http_server/http_server.cpp unchanged, built with em++
                               (bench_http_server.js, a 10 MiB /www/big.bin embedded), listening
                               with TCPServerSocket in headless Chromium's page (run.js)
  js-direct-sockets@chromium   the raw-JS server on TCPServerSocket in the same kind of page
                               (bench/browser/www/js_http_server.js, run by run.js the same way)
  stock@native                 the same http_server.cpp compiled natively against stock Boost.Asio
                               (bench_http_server_stock, bench/http/http_server_stock.cpp)

Scenarios (every row: requests or accepts per second or MiB/s, p50/p99, failed requests, CPU of
the server per request — for a server in a browser, of all the browser's processes):
  http_rr        GET /api/info, keep-alive and `Connection: close`, 1/8/64/256 connections
  http_accept    2000 connections opened at once, one request each: accepts/s, time to the last answer
  http_download  GET /big.bin (10 MiB) back to back on one keep-alive connection: MiB/s

Each round starts the three servers afresh (a new browser for each in-browser server), warms each
up (unrecorded), measures every scenario for every server back to back, and stops them. Writes
one JSON row per measurement (docs/benchmarks.md#json-rows) to --out; report.py makes the page.

  http_runner.py --native-bin-dir DIR --wasm-dir DIR --out FILE [--quick] [--rounds N]
                 [--only http_rr,...] [--conns 1,8] [--servers ours,js,native] [--browser PATH]
"""
import argparse
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402  (meta_row, run_json)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RUN_JS = os.path.join(ROOT, "asio_directsockets", "tools", "browser", "run.js")
JS_SERVER = os.path.join(HERE, "browser", "www", "js_http_server.js")
BIG = 10 << 20

SERVERS = {
    "ours": {"variant": "ours@wasm-chromium"},
    "js": {"variant": "js-direct-sockets@chromium"},
    "native": {"variant": "stock@native"},
}
ALL_SERVERS = ["ours", "js", "native"]


def configs(quick):
    """(scenario, http_load options) measured in every round."""
    cfg = []
    for keepalive in (1, 0):
        for conns in (1, 8, 64, 256):
            cfg.append(("http_rr", {"keepalive": keepalive, "conns": conns}))
    cfg.append(("http_accept", {"conns": 2000}))
    cfg.append(("http_download", {"conns": 1, "expect-bytes": BIG}))
    return cfg


def tree(root):
    """pids of root's descendants (not root itself)."""
    kids = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(name))
    out, stack = [], list(kids.get(root, []))
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(kids.get(pid, []))
    return out


class Server:
    """One HTTP server process: started in its own process group, ready when it prints
    {"listening": "127.0.0.1:PORT"}; its output is drained (the tail kept for error rows)."""

    def __init__(self, key, argv, browser):
        self.key, self.browser = key, browser
        self.tail = []
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        deadline = time.time() + 60
        self.port = None
        while self.port is None:
            left = deadline - time.time()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                self.stop()
                raise RuntimeError(f"{key} server not listening after 60 s: {' | '.join(self.tail[-5:])}")
            line = self.proc.stdout.readline()
            if not line:
                self.stop()
                raise RuntimeError(f"{key} server exited: {' | '.join(self.tail[-5:])}")
            self.tail.append(line.rstrip())
            if line.startswith("{") and "listening" in line:
                self.port = int(json.loads(line)["listening"].rsplit(":", 1)[1])
        threading.Thread(target=self.drain, daemon=True).start()
        # CPU: the server process natively; in a browser, all of the browser's processes (the
        # browser, renderer, network service, GPU, ...) but not run.js's own Node process.
        self.pids = tree(self.proc.pid) if browser else [self.proc.pid]

    def drain(self):
        for line in self.proc.stdout:
            self.tail = (self.tail + [line.rstrip()])[-20:]

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # run.js closes its browser on SIGTERM
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the group started for this server only
        except OSError:
            pass
        self.proc.wait()


def start_server(key, args):
    run_js = ["node", RUN_JS, "--mode", "page", "--timeout", "7200"] + \
             (["--browser", args.browser] if args.browser else [])
    if key == "ours":
        argv = run_js + [os.path.join(args.wasm_dir, "bench_http_server.js"), "--", "127.0.0.1", "0", "/www"]
    elif key == "js":
        argv = run_js + [JS_SERVER, "--", "127.0.0.1", "0"]
    else:
        argv = [os.path.join(args.native_bin_dir, "bench_http_server_stock"), "127.0.0.1", "0",
                os.path.join(args.native_bin_dir, "http_www")]
    return Server(key, argv, key != "native")


def run_load(args, scenario, server, opts, timing):
    argv = [os.path.join(args.native_bin_dir, "http_load"), scenario, "--port", str(server.port),
            "--server-pids", ",".join(map(str, server.pids))]
    merged = dict(timing if scenario != "http_accept" else {})
    merged.update(opts)
    for k, v in merged.items():
        argv += [f"--{k}", str(v)]
    row, err = runner.run_json(argv, 90 + float(merged.get("secs", 0)), "http_load")
    return row if row is not None else failed_row(scenario, opts, err)


def failed_row(scenario, opts, err):
    return {"schema": 1, "scenario": scenario, "msg": BIG if scenario == "http_download" else 0,
            "conns": opts.get("conns", 1), "keepalive": 0 if scenario == "http_accept" else
            opts.get("keepalive", 1), "error": err}


def meta_row(args, timing):
    return runner.meta_row(args, timing, "http", "c++ --version | head -1", {
        "emscripten": "em++ --version 2>/dev/null | head -1",
        "chromium": "dpkg-query -W -f '${Version}' chromium-shell",
        "node": "node --version"})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--native-bin-dir", required=True, help="http_load, bench_http_server_stock, http_www/")
    ap.add_argument("--wasm-dir", required=True, help="bench_http_server.js (+ .wasm)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--secs", type=float, help="measurement window (default 1.0, quick 0.3)")
    ap.add_argument("--only", help="comma-separated scenarios: http_rr,http_accept,http_download")
    ap.add_argument("--conns", help="comma-separated connection counts to keep")
    ap.add_argument("--servers", help="comma-separated servers: " + ",".join(ALL_SERVERS))
    ap.add_argument("--browser", help="browser binary (default: run.js's, content_shell)")
    args = ap.parse_args()
    if args.rounds is None:
        args.rounds = 2 if args.quick else 5
    timing = {"secs": args.secs or (0.3 if args.quick else 1.0), "warm": 0.1 if args.quick else 0.3}
    only = set(args.only.split(",")) if args.only else None
    conns = {int(x) for x in args.conns.split(",")} if args.conns else None
    servers = args.servers.split(",") if args.servers else ALL_SERVERS
    cfgs = [(s, o) for s, o in configs(args.quick) if (not only or s in only)
            and (not conns or o.get("conns") in conns or s != "http_rr")]

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    t_start = time.time()
    errors = 0
    with open(args.out, "w") as out:
        def emit(row, rnd, order_index, key):
            nonlocal errors
            variant = SERVERS[key]["variant"]
            impl, platform = variant.split("@")
            row.update({"impl": impl, "platform": platform, "variant": variant, "server": variant,
                        "client": "http_load@native", "round": rnd, "order": order_index})
            out.write(json.dumps(row, separators=(",", ":")) + "\n")
            out.flush()
            if "error" in row:
                errors += 1
            if "error" in row or row.get("failed"):
                print(f"  {'ERROR' if 'error' in row else 'failed requests'} {key} {row.get('scenario')} "
                      f"conns={row.get('conns')} keepalive={row.get('keepalive')}: "
                      f"{row.get('error') or row.get('failed')} {row.get('fail_reasons', '')}", file=sys.stderr)

        out.write(json.dumps(meta_row(args, timing)) + "\n")
        for rnd in range(1, args.rounds + 1):
            order = servers if rnd % 2 else servers[::-1]
            print(f"round {rnd}/{args.rounds} ({', '.join(order)}) t={time.time() - t_start:.0f}s "
                  f"load={os.getloadavg()[0]:.1f}", file=sys.stderr)
            running = {}
            try:
                def server(key):
                    if key in running and not running[key].alive():
                        running.pop(key).stop()
                    if key not in running:
                        running[key] = start_server(key, args)
                        # Unrecorded warm-up: the JIT, the server's allocations, the caches.
                        for scenario, opts in (("http_rr", {"keepalive": 1, "conns": 8}),
                                               ("http_rr", {"keepalive": 0, "conns": 8}),
                                               ("http_download", {"conns": 1})):
                            run_load(args, scenario, running[key], opts, {"secs": 0.3, "warm": 0.1})
                    return running[key]

                for key in order:
                    try:
                        server(key)
                    except (OSError, RuntimeError, ValueError) as e:
                        print(f"  {key}: {e}", file=sys.stderr)
                for scenario, opts in cfgs:
                    for i, key in enumerate(order):
                        try:
                            s = server(key)
                            time.sleep(0.2)  # let the previous measurement's connections wind down
                            row = run_load(args, scenario, s, opts, timing)
                            if not s.alive():
                                row["error"] = (row.get("error", "") + " server exited: " +
                                                " | ".join(s.tail[-5:])).strip()
                        except (OSError, RuntimeError, ValueError) as e:
                            row = failed_row(scenario, opts, f"runner: {e}")
                        emit(row, rnd, i, key)
            finally:
                for s in running.values():
                    s.stop()
        out.write(json.dumps({"kind": "meta_end", "schema": 1, "platform": "http",
                              "seconds": round(time.time() - t_start, 1), "errors": errors,
                              "loadavg_end": os.getloadavg()[0]}) + "\n")
    print(f"done in {time.time() - t_start:.0f}s, {errors} error rows -> {args.out}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
