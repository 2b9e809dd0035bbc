#!/usr/bin/env python3
"""Runs the browser half of the benchmarks: the same scenarios, all against one native stock
Boost.Asio server per role on 127.0.0.1 (as in shared/reference/baselines), from five clients,
interleaved within every round (the order alternating per round):

  ours@wasm-chromium                bench/bench_client.cpp unchanged as WebAssembly on the library's
                                    Direct Sockets backend, in headless Chromium's page
  ours@wasm-chromium-worker         the same in a dedicated Worker (headline cases)
  js-direct-sockets@chromium        raw JS on TCPSocket/UDPSocket in the same page
                                    (bench/browser/www/js_client.js), and in a Worker (headline)
  emscripten-websockify@chromium    Emscripten's default sockets (SOCKFS) through websockify
                                    (bench/browser/sockfs_client.cpp), TCP only
  stock@native                      the native stock Boost.Asio client (bench_client_stock)

Writes one JSON row per measurement to the output file (docs/benchmarks.md#json-rows); the
report is made by report.py. The browser stays open for a round (bench/browser/driver.js runs
the clients in it one after the other) and is restarted between rounds.

  browser_runner.py --native-bin-dir DIR --wasm-dir DIR --out FILE [--quick] [--rounds N]
                    [--only SCENARIO,...] [--clients wasm,js,sockfs,native,...]
                    [--wasm-extra KEY=PROGRAM.js ...]

--wasm-extra measures another build of the wasm client next to "wasm", as KEY@wasm-chromium:
a file name in --wasm-dir, or a path to a program in another build folder, served under
/extra/KEY/ (e.g. the -pthread build: --wasm-extra
threads=build/bench-wasm-threads/bench/browser/bench_client_wasm.js, docs/benchmarks.md
"Threads in the browser build"). A -pthread build (its NAME.worker.js beside it) runs in the page
with main() on a pthread (-sPROXY_TO_PTHREAD); its memory probe reads that pthread's Worker.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402  (the native runner: Server, run_client)

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.join(HERE, "browser", "driver.js")

# client key -> how it runs and the report's variant key.
CLIENTS = {
    "wasm": {"variant": "ours@wasm-chromium", "client": "program", "program": "bench_client_wasm.js",
             "mode": "page"},
    "wasm-worker": {"variant": "ours@wasm-chromium-worker", "client": "program",
                    "program": "bench_client_wasm.js", "mode": "worker"},
    "js": {"variant": "js-direct-sockets@chromium", "client": "js", "mode": "page"},
    "js-worker": {"variant": "js-direct-sockets@chromium-worker", "client": "js", "mode": "worker"},
    "sockfs": {"variant": "emscripten-websockify@chromium", "client": "program",
               "program": "sockfs_client.js", "mode": "page", "waitForExit": True, "proxy": True},
    "native": {"variant": "stock@native", "native": "stock"},
}
ALL_CLIENTS = ["wasm", "js", "sockfs", "native", "wasm-worker", "js-worker"]
EXTRA_WASM = []  # --wasm-extra builds, measured next to "wasm"
PAGE = ["wasm", "js", "sockfs", "native"]
HEADLINE_WORKER = ["wasm-worker", "js-worker"]


def rate_configs(quick):
    """(scenario, server role, options, clients) measured in every round."""
    cfg = []
    for msg in (64, 4096, 65536):
        for conns in ((1, 10) if quick else (1, 10, 100)):
            extra = HEADLINE_WORKER if conns == 1 and msg in (64, 65536) else []
            cfg.append(("tcp_echo", "tcp_echo", {"msg": msg, "conns": conns}, PAGE + extra))
    cfg.append(("udp_rr", "udp_echo", {"msg": 64}, ["wasm", "js", "native"]))
    cfg.append(("udp_flood", "udp_echo", {"msg": 64, "window": 64}, ["wasm", "js", "native"]))
    for conns in (1, 10):
        cfg.append(("tcp_connect", "tcp_close_on_byte", {"conns": conns, "send-byte": 1}, PAGE))
    return cfg


def bulk_configs(quick):
    """64 MiB transfers, byte-exact (timed by the transfer, not by --secs)."""
    return [
        ("tcp_upload", "tcp_verify", {"msg": 65536}, ["wasm", "sockfs", "native", "wasm-worker"]),
        ("tcp_upload", "tcp_verify", {"msg": 1048576}, ["wasm", "js", "native"]),
        ("tcp_download", "tcp_source", {"msg": 65536}, ["wasm", "js", "sockfs", "native"]),
    ]


def memory_configs(quick):
    return [
        ("mem_idle", "tcp_idle", {"conns": 250 if quick else 1000}, ["wasm", "js", "native"]),
        ("mem_slow_reader", "tcp_sink", {"msg": 65536, "conns": 1, "secs": 0.6 if quick else 1.5},
         ["wasm", "native"]),
        ("mem_slow_reader", "tcp_sink", {"msg": 65536, "conns": 10, "secs": 0.6 if quick else 1.5},
         ["wasm", "native"]),
    ]


class Driver:
    """The Node browser driver: one command line in, one reply line out."""

    def __init__(self, wasm_dir, browser=None, mounts=None):
        args = ["node", DRIVER, "--app-dir", wasm_dir]
        if browser:
            args += ["--browser", browser]
        for prefix, folder in (mounts or {}).items():
            args += ["--mount", f"{prefix}={folder}"]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.next_id = 1
        ready = json.loads(self.proc.stdout.readline() or "{}")
        if ready.get("kind") != "ready":
            raise RuntimeError("the browser driver did not start")

    def call(self, cmd):
        cmd = dict(cmd, id=self.next_id)
        self.next_id += 1
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the browser driver exited")
        return json.loads(line)

    def close(self):
        try:
            self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


class Websockify:
    """Debian's websockify on a free 127.0.0.1 port, forwarding to one server port."""

    def __init__(self, target_port):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.proc = subprocess.Popen(["websockify", f"127.0.0.1:{self.port}", f"127.0.0.1:{target_port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.pid = self.proc.pid
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("websockify did not start")

    def stop(self):
        runner.stop_process(self.proc, timeout=5)


def browser_row(driver, client, scenario, port, server, opts, timing, proxy_pid=None):
    c = CLIENTS[client]
    merged = dict(timing if not scenario.startswith("mem_") and scenario not in ("tcp_upload", "tcp_download")
                  else {})
    merged.update(opts)
    args = [scenario, "--port", str(port), "--server-pid", str(server.pid)]
    for k, v in merged.items():
        args += [f"--{k}", str(v)]
    cmd = {"cmd": "run", "client": c["client"], "mode": c["mode"], "args": args,
           "timeoutS": 90 + float(merged.get("secs", 2)), "bridgeStats": c["client"] == "program"}
    if "program" in c:
        cmd["program"] = c["program"]
    if c.get("waitForExit"):
        cmd["waitForExit"] = True
    if c.get("pthreads"):
        cmd["probeWorker"] = True
    if proxy_pid:
        cmd["proxyPids"] = [proxy_pid]
    reply = driver.call(cmd)
    rows = [l for l in reply.get("out", []) if l.strip().startswith("{")]
    row = None
    if rows:
        try:
            row = json.loads(rows[-1])
        except ValueError:
            row = None
    if row is None:
        err = f"{reply.get('kind')} {reply.get('status')}: {reply.get('message') or ''} " + \
              " | ".join(reply.get("err", [])[-3:])
        row = {"schema": 1, "impl": c["variant"].split("@")[0], "platform": "chromium", "scenario": scenario,
               "msg": opts.get("msg", 0), "conns": opts.get("conns", 1), "error": err.strip()[:500]}
    elif reply.get("kind") != "exit" and "error" not in row:
        row["error"] = f"{reply.get('kind')}: {reply.get('message')}"
    if reply.get("threadCpu") and "values" in row:
        # CPU µs per operation by process kind and thread (the main ones), over the window.
        ops = row["values"].get("rate", 0) * row.get("seconds", 0)
        if ops > 0:
            row["cpu_threads"] = {k: round(v / 1e3 / ops, 2) for k, v in sorted(
                reply["threadCpu"].items(), key=lambda kv: -kv[1]) if v / 1e3 / ops >= 0.5}
    if reply.get("bridgeStats", "").startswith("{"):
        try:
            row["bridge"] = json.loads(reply["bridgeStats"]).get("stats")
        except ValueError:
            pass
    return row


def warm_up(driver, bin_dir):
    """Unrecorded runs in a fresh browser: its renderer, caches and JIT warm up first."""
    server = runner.Server(bin_dir, "stock", "tcp_echo")
    try:
        for client in ["wasm", "js"] + EXTRA_WASM:
            c = CLIENTS[client]
            cmd = {"cmd": "run", "client": c["client"], "mode": c["mode"], "timeoutS": 30,
                   "args": ["tcp_echo", "--port", str(server.ports["tcp_echo"]), "--msg", "4096",
                            "--secs", "0.2", "--warm", "0.05"]}
            if "program" in c:
                cmd["program"] = c["program"]
            driver.call(cmd)
    finally:
        server.stop()


def meta_row(args, timing):
    return runner.meta_row(args, timing, "browser", "em++ --version 2>/dev/null | head -1", {
        "chromium": "dpkg-query -W -f '${Version}' chromium-shell",
        "websockify": "dpkg-query -W -f '${Version}' websockify",
        "node": "node --version"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--native-bin-dir", required=True)
    ap.add_argument("--wasm-dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--only", help="comma-separated scenarios")
    ap.add_argument("--msgs", help="comma-separated message sizes to keep")
    ap.add_argument("--conns", help="comma-separated connection counts to keep")
    ap.add_argument("--clients", help="comma-separated clients: " + ",".join(ALL_CLIENTS))
    ap.add_argument("--browser", help="browser binary (default: content_shell)")
    ap.add_argument("--wasm-extra", action="append", default=[], metavar="KEY=PROGRAM.js",
                    help="another build of the wasm client, a file in --wasm-dir (e.g. before=bench_"
                         "client_wasm_before.js, for a library change's before/after) or a path to "
                         "one in another build folder (e.g. threads=build/bench-wasm-threads/bench/"
                         "browser/bench_client_wasm.js, the -pthread build): measured next to the "
                         "wasm client wherever it is, as variant KEY@wasm-chromium")
    args = ap.parse_args()
    mounts = {}
    for extra in args.wasm_extra:
        key, program = extra.split("=", 1)
        if not key.replace("-", "").replace("_", "").isalnum():
            ap.error(f"--wasm-extra {extra}: KEY must be letters, digits, - or _")
        path = program if os.sep in program else os.path.join(args.wasm_dir, program)
        if not os.path.isfile(path):
            ap.error(f"--wasm-extra {extra}: no such program {path}")
        name = os.path.basename(path)
        if os.sep in program:
            mounts[f"/extra/{key}/"] = os.path.dirname(os.path.abspath(path))
            program = f"/extra/{key}/{name}"
        # A -pthread build: Emscripten 3.1.6 writes its pthreads' Worker script beside it.
        pthreads = os.path.isfile(os.path.join(os.path.dirname(path), name[:-3] + ".worker.js"))
        CLIENTS[f"wasm-{key}"] = {"variant": f"{key}@wasm-chromium", "client": "program",
                                  "program": program, "mode": "page", "pthreads": pthreads}
        ALL_CLIENTS.append(f"wasm-{key}")
        EXTRA_WASM.append(f"wasm-{key}")
    if args.rounds is None:
        args.rounds = 3 if args.quick else 10
    timing = {"secs": 0.3, "warm": 0.1} if args.quick else {"secs": 0.6, "warm": 0.2}
    mem_rounds = 1 if args.quick else 3
    only = set(args.only.split(",")) if args.only else None
    clients = set(args.clients.split(",")) if args.clients else set(ALL_CLIENTS)
    clients.update(EXTRA_WASM)
    with_extra = lambda cl: [x for c in cl for x in ([c] + EXTRA_WASM if c == "wasm" else [c])]
    msgs = {int(x) for x in args.msgs.split(",")} if args.msgs else None
    conns = {int(x) for x in args.conns.split(",")} if args.conns else None
    keep = lambda cfgs: [(s, r, o, [c for c in with_extra(cl) if c in clients]) for s, r, o, cl in cfgs
                         if (not only or s in only) and (not msgs or o.get("msg", 0) in msgs)
                         and (not conns or o.get("conns", 1) in conns)]
    rates, bulks, mems = keep(rate_configs(args.quick)), keep(bulk_configs(args.quick)), \
        keep(memory_configs(args.quick))

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    t_start = time.time()
    errors = 0
    driver = Driver(args.wasm_dir, args.browser, mounts)
    try:
        with open(args.out, "w") as out:
            def emit(row, rnd, order_index, client):
                nonlocal errors
                row.update({"round": rnd, "order": order_index, "server": "stock@native",
                            "variant": CLIENTS[client]["variant"]})
                out.write(json.dumps(row, separators=(",", ":")) + "\n")
                out.flush()
                if "error" in row:
                    errors += 1
                    print(f"  ERROR {client} {row.get('scenario')} {row.get('msg')}x{row.get('conns')}: "
                          f"{row['error']}", file=sys.stderr)

            def measure(rnd, configs, fresh_servers):
                servers, proxies = {}, {}
                try:
                    for scenario, role, opts, cl in configs:
                        order = cl if rnd % 2 else cl[::-1]
                        for i, client in enumerate(order):
                            c = CLIENTS[client]
                            try:
                                if role not in servers or fresh_servers:
                                    if role in servers:
                                        servers.pop(role).stop()
                                    servers[role] = runner.Server(args.native_bin_dir, "stock", role)
                                server = servers[role]
                                if c.get("native"):
                                    row = runner.run_client(args.native_bin_dir, c["native"], scenario,
                                                            server, role, opts, timing)
                                    emit(row, rnd, i, client)
                                    continue
                                port, proxy_pid = server.ports[role], None
                                if c.get("proxy"):
                                    if role not in proxies:
                                        proxies[role] = Websockify(server.ports[role])
                                    port, proxy_pid = proxies[role].port, proxies[role].pid
                                emit(browser_row(driver, client, scenario, port, server, opts, timing,
                                                 proxy_pid), rnd, i, client)
                            except (OSError, RuntimeError, ValueError) as e:
                                emit({"schema": 1, "impl": c["variant"].split("@")[0], "platform": "chromium",
                                      "scenario": scenario, "msg": opts.get("msg", 0),
                                      "conns": opts.get("conns", 1), "error": f"runner: {e}"}, rnd, i, client)
                        if fresh_servers:
                            for p in proxies.values():
                                p.stop()
                            proxies.clear()
                finally:
                    for p in proxies.values():
                        p.stop()
                    for s in servers.values():
                        s.stop()

            out.write(json.dumps(meta_row(args, timing)) + "\n")
            for rnd in range(1, args.rounds + 1):
                print(f"round {rnd}/{args.rounds} t={time.time() - t_start:.0f}s "
                      f"load={os.getloadavg()[0]:.1f}", file=sys.stderr)
                if rnd > 1:
                    driver.call({"cmd": "restart"})
                warm_up(driver, args.native_bin_dir)
                measure(rnd, rates, False)
                measure(rnd, bulks, False)
                if rnd <= mem_rounds:
                    measure(rnd, mems, True)
            out.write(json.dumps({"kind": "meta_end", "schema": 1, "platform": "browser",
                                  "seconds": round(time.time() - t_start, 1), "errors": errors,
                                  "loadavg_end": os.getloadavg()[0]}) + "\n")
    finally:
        driver.close()
    print(f"done in {time.time() - t_start:.0f}s, {errors} error rows -> {args.out}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
