#!/usr/bin/env python3
"""Runs the native benchmarks: stock Boost.Asio and asio_directsockets in the
same invocation, interleaved (A, B, A, B, ...) over several rounds, the order
alternating per round. Appends one JSON row per measurement to the output file
(see docs/benchmarks.md#json-rows); the report is made by report.py.

  runner.py --bin-dir DIR --out FILE [--quick] [--rounds N] [--only SCENARIO,...]
"""
import argparse
import datetime
import json
import os
import platform
import signal
import subprocess
import sys
import time

# (scenario, server role, extra client options). Rate scenarios share one
# server per implementation, role and round; memory scenarios get a fresh
# server each, so earlier scenarios' heap growth cannot hide theirs.
def rate_configs(quick):
    cfg = []
    for msg in (64, 4096, 65536):
        for conns in (1, 10, 100, 1000):
            cfg.append(("tcp_echo", "tcp_echo", {"msg": msg, "conns": conns}))
    cfg.append(("udp_rr", "udp_echo", {"msg": 64}))
    cfg.append(("udp_flood", "udp_echo", {"msg": 64, "window": 64}))
    for conns in (1, 10):
        cfg.append(("tcp_connect", "tcp_close", {"conns": conns}))
    return cfg


def memory_configs(quick):
    return [
        ("mem_idle", "tcp_idle", {"conns": 500 if quick else 2000}),
        ("mem_slow_reader", "tcp_sink", {"msg": 65536, "conns": 1, "secs": 0.6 if quick else 1.5}),
        ("mem_slow_reader", "tcp_sink", {"msg": 65536, "conns": 10, "secs": 0.6 if quick else 1.5}),
    ]


class Server:
    """One bench_server process serving one role (its own poll set)."""
    def __init__(self, bin_dir, impl, role):
        self.proc = subprocess.Popen([os.path.join(bin_dir, f"bench_server_{impl}"),
                                      "--role", role, "--max-seconds", "1800"],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"bench_server_{impl} did not start")
        info = json.loads(line)
        self.pid, self.ports = info["pid"], info["ports"]

    def stop(self):
        stop_process(self.proc)


def stop_process(proc, timeout=10):
    """SIGTERM, then SIGKILL after `timeout` seconds; waits for the process either way."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_json(argv, budget, name=""):
    """Runs a load program that prints one JSON row per measurement: (its last row, None), or
    (None, why it gave none). A row of a program that failed gets an `error` if it has none.
    `name` prefixes the reasons ("http_load exit 1, ..."); budget is in seconds."""
    prefix = f"{name} " if name else ""
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=budget)
        lines = [l for l in p.stdout.splitlines() if l.strip().startswith("{")]
        if lines:
            row = json.loads(lines[-1])
            if p.returncode != 0 and "error" not in row:
                row["error"] = f"exit {p.returncode}: {p.stderr.strip()[-300:]}"
            return row, None
        return None, f"{prefix}exit {p.returncode}, no JSON: {p.stderr.strip()[-300:]}"
    except subprocess.TimeoutExpired:
        return None, f"{prefix}timed out after {budget:.0f} s"


def run_client(bin_dir, impl, scenario, server, port_name, opts, timing):
    args = [os.path.join(bin_dir, f"bench_client_{impl}"), scenario,
            "--port", str(server.ports[port_name]), "--server-pid", str(server.pid)]
    # Memory and bulk scenarios are not timed by a window.
    timed = not scenario.startswith("mem_") and scenario not in ("tcp_upload", "tcp_download")
    merged = dict(timing if timed else {})
    merged.update(opts)
    for k, v in merged.items():
        args += [f"--{k}", str(v)]
    row, err = run_json(args, 60 + float(merged.get("secs", 2)))
    return row if row is not None else failed_row(impl, scenario, opts, err)


def failed_row(impl, scenario, opts, err):
    return {"schema": 1, "impl": impl, "platform": "native", "scenario": scenario,
            "msg": opts.get("msg", 0), "conns": opts.get("conns", 1), "error": err}


def meta_row(args, timing, platform_name="native", compiler="c++ --version | head -1", tools=None):
    """The run's description row. tools: {key: shell command printing a version}."""
    def cmd(c):
        try:
            return subprocess.run(c, capture_output=True, text=True, shell=True).stdout.strip()
        except OSError:
            return ""
    host = {"kernel": platform.release(), "cpus": os.cpu_count(),
            "cpu_model": cmd("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"),
            "loadavg_start": os.getloadavg()[0],
            "compiler": cmd(compiler),
            "boost": cmd("grep -m1 'define BOOST_LIB_VERSION' /usr/include/boost/version.hpp")}
    for key, command in (tools or {}).items():
        host[key] = cmd(command)
    host["commit"] = cmd("git -C '%s' rev-parse --short HEAD" % os.path.dirname(os.path.abspath(__file__)))
    return {
        "kind": "meta", "schema": 1, "platform": platform_name,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full", "rounds": args.rounds, "timing": timing,
        "host": host,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--only", help="comma-separated scenarios")
    ap.add_argument("--msgs", help="comma-separated message sizes to keep")
    ap.add_argument("--conns", help="comma-separated connection counts to keep")
    ap.add_argument("--impls", default="stock,ours",
                    help="binaries bench_{server,client}_<impl> to compare, e.g. "
                         "stock,ours,before for a library change's before/after")
    args = ap.parse_args()
    if args.rounds is None:
        args.rounds = 4 if args.quick else 14
    # Many short rounds rather than a few long ones: the machine flips between
    # a fast and a slow state (both implementations alike) for seconds at a
    # time, and the median needs enough rounds to land in the common one.
    timing = {"secs": 0.3, "warm": 0.1} if args.quick else {"secs": 0.6, "warm": 0.2}
    # Memory figures are deterministic to a page; a few rounds suffice.
    mem_rounds = 2 if args.quick else 4
    only = set(args.only.split(",")) if args.only else None
    msgs = {int(x) for x in args.msgs.split(",")} if args.msgs else None
    conns = {int(x) for x in args.conns.split(",")} if args.conns else None
    keep = lambda cfgs: [c for c in cfgs if (not only or c[0] in only)
                         and (not msgs or c[2].get("msg", 0) in msgs)
                         and (not conns or c[2].get("conns", 1) in conns)]
    impls = args.impls.split(",")
    rates, mems = keep(rate_configs(args.quick)), keep(memory_configs(args.quick))

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    t_start = time.time()
    errors = 0
    with open(args.out, "w") as out:
        def emit(row, rnd, order_index, impl):
            nonlocal errors
            row.update({"round": rnd, "order": order_index, "server": f"{impl}@native"})
            if impl not in ("stock", "ours"):  # an extra build, e.g. "before" a change
                row["variant"] = f"{impl}@native"
            out.write(json.dumps(row, separators=(",", ":")) + "\n")
            out.flush()
            if "error" in row:
                errors += 1
                print(f"  ERROR {impl} {row.get('scenario')}: {row['error']}", file=sys.stderr)

        out.write(json.dumps(meta_row(args, timing)) + "\n")
        for rnd in range(1, args.rounds + 1):
            order = impls if rnd % 2 else impls[::-1]
            print(f"round {rnd}/{args.rounds} ({', '.join(order)}) "
                  f"t={time.time() - t_start:.0f}s load={os.getloadavg()[0]:.1f}", file=sys.stderr)
            servers = {}
            try:
                for scenario, role, opts in rates:
                    for i, impl in enumerate(order):
                        try:
                            if (impl, role) not in servers:
                                servers[(impl, role)] = Server(args.bin_dir, impl, role)
                        except (OSError, RuntimeError, ValueError) as e:
                            emit(failed_row(impl, scenario, opts, f"server: {e}"), rnd, i, impl)
                            continue
                        emit(run_client(args.bin_dir, impl, scenario, servers[(impl, role)], role,
                                        opts, timing), rnd, i, impl)
            finally:
                for s in servers.values():
                    s.stop()
            for scenario, role, opts in (mems if rnd <= mem_rounds else []):
                for i, impl in enumerate(order):
                    try:
                        server = Server(args.bin_dir, impl, role)
                    except (OSError, RuntimeError, ValueError) as e:
                        emit(failed_row(impl, scenario, opts, f"server: {e}"), rnd, i, impl)
                        continue
                    try:
                        emit(run_client(args.bin_dir, impl, scenario, server, role, opts,
                                        timing), rnd, i, impl)
                    finally:
                        server.stop()
        out.write(json.dumps({"kind": "meta_end", "schema": 1, "platform": "native",
                              "seconds": round(time.time() - t_start, 1),
                              "errors": errors,
                              "loadavg_end": os.getloadavg()[0]}) + "\n")
    print(f"done in {time.time() - t_start:.0f}s, {errors} error rows -> {args.out}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
